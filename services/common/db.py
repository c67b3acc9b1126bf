"""Storage shared by every service: one engine per service, SQLite (WAL) or PostgreSQL.

Handlers are async but the database code is plain synchronous SQLAlchemy run in a worker thread
(`Database.read` / `Database.write`): on SQLite that measured about 1.6x faster than aiosqlite
(docs/research/services.md §4), and psycopg works the same way on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

T = TypeVar("T")

# Constraint names must be stable for Alembic's batch mode on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_base() -> type[DeclarativeBase]:
    """Each service gets its own declarative base, so no service can map another's tables."""

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)

    return Base


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Take over transaction control so writers can BEGIN IMMEDIATE (below) and never
            # deadlock upgrading a read lock; readers still run alongside under WAL.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # Deleted content is overwritten, not left in free pages: a disposed record is gone.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            if conn.get_execution_options().get("ics_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sqlite = is_sqlite(url)
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(ics_write=True), expire_on_commit=False
        )

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        with self._write_sessions.begin() as session:
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        with self._read_sessions.begin() as session:
            yield session

    def write_sync(self, fn: Callable[[Session], T]) -> T:
        with self.write_session() as session:
            return fn(session)

    def read_sync(self, fn: Callable[[Session], T]) -> T:
        with self.read_session() as session:
            return fn(session)

    async def write(self, fn: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self.write_sync, fn)

    async def read(self, fn: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(self.read_sync, fn)

    def scrub_sync(self, tables: list[str]) -> None:
        """After rows were deleted for good: SQLite copies its write-ahead log into the database
        (whose freed pages secure_delete has zeroed) and empties the log; PostgreSQL vacuums the
        tables so the removed rows are no longer kept as dead tuples."""
        if self.sqlite:
            raw = self.engine.raw_connection()  # outside any transaction: a checkpoint needs that
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                raw.close()
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in tables:
                connection.exec_driver_sql(f'VACUUM "{table}"')

    async def scrub(self, tables: list[str]) -> None:
        await asyncio.to_thread(self.scrub_sync, tables)

    def dispose(self) -> None:
        self.engine.dispose()
