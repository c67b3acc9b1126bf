"""Each service has its own database, Alembic tree and version table, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from services.common import migrations
from services.common.config import SERVICES
from services.common.db import Database
from services.records import audit
from services.records.models import AuditEntry


def head(name: str) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migrations.alembic_config(name, "sqlite://")).get_current_head()


def test_each_service_is_at_head_with_its_own_version_table(stack):
    for name in SERVICES:
        url = stack.config[name].database_url
        assert migrations.current_revision(name, url) == head(name)
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names())
        engine.dispose()
        assert f"alembic_version_{name}" in tables
        others = {f"alembic_version_{o}" for o in SERVICES if o != name}
        assert not tables & others
    # Running the upgrade again changes nothing.
    for name in SERVICES:
        migrations.upgrade(name, stack.config[name].database_url)
        assert migrations.current_revision(name, stack.config[name].database_url) == head(name)


def test_sqlite_runs_in_wal_mode(stack):
    url = stack.config["records"].database_url
    if not url.startswith("sqlite"):
        pytest.skip("SQLite only")
    db = Database(url)
    assert db.read_sync(lambda s: s.execute(text("PRAGMA journal_mode")).scalar()) == "wal"
    db.dispose()


def test_audit_chain_verifies_and_detects_tampering(stack, client_factory):
    duty = client_factory("duty")
    duty.search_people("Amira")
    duty.list_referrals()
    db = Database(stack.config["records"].database_url)
    try:
        count, problem = db.read_sync(audit.verify)
        assert count > 0 and problem is None
        # Someone edits a row behind the application's back.
        with db.write_session() as s:
            first = s.query(AuditEntry).order_by(AuditEntry.id).first()
            original = first.detail
            first.detail = original + " (edited)"
        count, problem = db.read_sync(audit.verify)
        assert problem and "altered" in problem
        with db.write_session() as s:
            s.query(AuditEntry).filter(AuditEntry.id == first.id).update({"detail": original})
        assert db.read_sync(audit.verify)[1] is None
    finally:
        db.dispose()
