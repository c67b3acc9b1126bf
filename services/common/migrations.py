"""Runs a service's own Alembic tree against its own database, from code (no alembic.ini ships).

Each service keeps its own version table (alembic_version_<service>) so the three trees never
meet, even when IT staff put all three in one PostgreSQL database.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData


def alembic_config(service: str, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files(f"services.{service}") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["service"] = service
    return cfg


def upgrade(service: str, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, url), revision)


def current_revision(service: str, url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": version_table(service)})
            return ctx.get_current_revision()
    finally:
        engine.dispose()


def version_table(service: str) -> str:
    return f"alembic_version_{service}"


def run_env(context, target_metadata: MetaData) -> None:
    """The body of every service's migrations/env.py."""
    from sqlalchemy import create_engine, pool

    config = context.config
    service = config.attributes.get("service") or config.get_main_option("ics_service")
    url = config.get_main_option("sqlalchemy.url")
    options = dict(
        target_metadata=target_metadata,
        version_table=version_table(service),
        render_as_batch=True,
        compare_type=True,
    )
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **options)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
