"""Engine and session factory for SQLite, PostgreSQL and MariaDB/MySQL."""

from __future__ import annotations

import threading
import weakref
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_S = 30


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, pool_size, max_overflow)
    # READ COMMITTED everywhere: MariaDB's default REPEATABLE READ would let a push read a stale
    # users.seq from a snapshot taken before it locked the row.
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # No pre-ping: it would cost a round trip per request. A connection the database
        # dropped fails one request (500), which the client retries like any failed sync.
        pool_recycle=1800,
        isolation_level="READ COMMITTED",
    )


def _sqlite_engine(url: str, pool_size: int, max_overflow: int) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL: readers never wait for the writer. synchronous=FULL: an acknowledged push survives
        # a power cut (the client drops its outbox rows once accepted).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


_sqlite_writers: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


def writer_turn(bind: Engine | Connection) -> AbstractContextManager[object]:
    """Held around a write transaction. SQLite lets one writer in at a time and makes the others
    poll, sleeping ever longer (up to 100 ms a try): a busy server's slowest pushes waited on
    that. Threads of one process queue on a lock instead (other processes still poll). Other
    databases queue writers themselves."""
    engine = bind.engine
    if engine.dialect.name != "sqlite":
        return nullcontext()
    return _sqlite_writers.setdefault(engine, threading.Lock())


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=False)
