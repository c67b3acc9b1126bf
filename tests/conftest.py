"""Shared fixtures: real services on free loopback ports, on SQLite files and on PostgreSQL.

`stack` is module-scoped and parametrised over both engines, so every integration module runs
once on SQLite and once on a fresh PostgreSQL database per service (dropped afterwards).
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager

import pytest

from services.cli import migrate_all
from services.common.config import SERVICES
from services.common.scratch_databases import connect, fresh_databases
from services.stack import ServiceStack, isolated_config

PG_ADMIN_URL = os.environ.get("ICS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_available() -> str | None:
    """None when PostgreSQL answers; otherwise why not, for the skip message."""
    try:
        with connect(PG_ADMIN_URL):
            return None
    except Exception as exc:  # any failure to connect means: skip, and say why
        return f"PostgreSQL is not answering at {PG_ADMIN_URL} ({exc.__class__.__name__}); " \
               "install the postgresql package or run .ci/run as root to have it started"


def fresh_pg_databases(names=SERVICES):
    return fresh_databases(PG_ADMIN_URL, names)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine_name(request):
    if request.param == "postgresql":
        why = postgres_available()
        if why:
            pytest.skip(why)
    return request.param


@contextmanager
def running_stack(engine: str, data_dir, seed_records: bool = False, **settings):
    """Migrated, seeded with the demo council's users, and started. `settings` override
    top-level configuration, e.g. token_ttl_seconds=2."""
    from services import demo_data
    from services.common.db import Database

    with (fresh_pg_databases() if engine == "postgresql" else _no_urls()) as urls:
        config = isolated_config(data_dir, urls)
        for key, value in settings.items():
            setattr(config, key, value)
        migrate_all(config)
        identity_db = Database(config["identity"].database_url)
        users = demo_data.seed_identity(identity_db, config)
        identity_db.dispose()
        if seed_records:
            records_db = Database(config["records"].database_url)
            demo_data.seed_records(records_db, users)
            records_db.dispose()
        stack = ServiceStack(config).start()
        try:
            yield stack
        finally:
            stack.stop()


@contextmanager
def _no_urls():
    yield None


@pytest.fixture(scope="module")
def stack(engine_name, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(f"ics-{engine_name}")
    with running_stack(engine_name, data_dir) as running:
        yield running
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def client_factory(stack):
    from tui.core.client import IcsClient

    made = []

    def make(username: str | None = None, password: str = "demo"):
        client = IcsClient(stack.targets())
        if username:
            client.login(username, password)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture(scope="module")
def sessions(stack):
    """Logged-in clients kept for the whole module, one per user (a login is deliberately slow:
    argon2id). `sessions("duty")`; `sessions.service()` is the alerts service account."""
    from tui.core.client import IcsClient

    made: dict[str, IcsClient] = {}

    def login(username: str, password: str = "demo") -> IcsClient:
        if username not in made:
            client = IcsClient(stack.targets())
            client.login(username, password)
            made[username] = client
        return made[username]

    login.service = lambda: login(stack.config.alerts_service_username,
                                  stack.config.service_password_file.read_text().strip())
    yield login
    for client in made.values():
        client.close()
