"""Each service's Alembic migrations build exactly the tables its models describe, on both
engines: a column or table added to a model without a migration (or the other way round) fails
here, before a council's upgrade finds it."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from services.common import migrations
from services.common.config import SERVICES
from tests.conftest import fresh_pg_databases, postgres_available


def _differences(service: str, url: str) -> list:
    migrations.upgrade(service, url)
    metadata = importlib.import_module(f"services.{service}.models").Base.metadata
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    # Alembic's own version table is the only table no model describes.
    return [d for d in found if not (d[0] == "remove_table" and d[1].name == f"alembic_version_{service}")]


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models_on_sqlite(service, tmp_path):
    assert _differences(service, f"sqlite:///{tmp_path / service}.db") == []


def test_migrations_match_the_models_on_postgresql():
    why = postgres_available()
    if why:
        pytest.skip(why)
    with fresh_pg_databases() as urls:
        for service in SERVICES:
            assert _differences(service, urls[service]) == [], service
