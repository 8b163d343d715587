"""The database: one SQLAlchemy engine, migrated to head when opened.

SQLite (the embedded default) runs in WAL mode with a busy timeout so the API and worker
threads and processes can share the file; other URLs (Postgres) are used as given.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event

SQLITE_BUSY_TIMEOUT_MS = 30_000  # writers wait this long for the lock instead of failing
MIGRATIONS = "voxtune.store:migrations"


@dataclass(frozen=True)
class Database:
    engine: Engine

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection inside a transaction, committed on success."""
        with self.engine.begin() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_database(url: str, *, migrate: bool = True) -> Database:
    is_sqlite = url.startswith("sqlite")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        if is_sqlite
        else {},
    )
    if is_sqlite:
        event.listen(engine, "connect", _configure_sqlite)
    database = Database(engine)
    if migrate:
        upgrade_to_head(database)
    return database


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def upgrade_to_head(database: Database) -> None:
    """Apply every migration not yet applied (`alembic upgrade head`, programmatically)."""
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
