from alembic import context

from services.common.migrations import run_env
from services.identity.models import Base

run_env(context, Base.metadata)
