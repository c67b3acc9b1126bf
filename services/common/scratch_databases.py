"""Throw-away PostgreSQL databases, one per service, for the test suite and the benchmarks: each
run gets fresh ones and drops them after, so runs never see each other's data."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterable, Iterator


def connect(admin_url: str):
    import psycopg  # only the PostgreSQL runs need it

    return psycopg.connect(admin_url, autocommit=True, connect_timeout=3)


@contextmanager
def fresh_databases(admin_url: str, names: Iterable[str], prefix: str = "ics_t") -> Iterator[dict[str, str]]:
    """{service: SQLAlchemy URL} for a new database per name, on the server `admin_url` names."""
    suffix = uuid.uuid4().hex[:10]
    created = {name: f"{prefix}_{name}_{suffix}" for name in names}
    with connect(admin_url) as conn:
        for db in created.values():
            conn.execute(f'CREATE DATABASE "{db}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield {name: f"{base}/{db}" for name, db in created.items()}
    finally:
        with connect(admin_url) as conn:
            for db in created.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
