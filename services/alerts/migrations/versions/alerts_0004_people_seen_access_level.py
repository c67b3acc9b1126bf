"""what alerts knows of each child's record access level (open, restricted, sealed)

Revision ID: alerts_0004
Revises: alerts_0003
Create Date: 2026-11-28 06:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'alerts_0004'
down_revision = 'alerts_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people_seen', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_level', sa.String(length=12), server_default='open', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('people_seen', schema=None) as batch_op:
        batch_op.drop_column('access_level')
