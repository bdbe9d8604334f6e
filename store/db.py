"""Engines and sessions, created by the caller (never at import time)."""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import AsyncAdaptedQueuePool

from common.settings import Settings


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - driver hook
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(settings: Settings) -> Engine:
    """Synchronous engine (actions, migrations, seed, tests)."""
    url = settings.sync_database_url
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        _quiet_sqlite_decimal_warning()
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def make_async_engine(settings: Settings) -> AsyncEngine:
    """Asyncio engine (the handoff service).

    On SQLite the connections are pooled (SQLAlchemy 1.4 defaults to none for a file): a fresh
    aiosqlite connection is a new thread, a file open and the pragmas, ~8 ms a transaction
    against ~1.5 ms pooled, and a customer turn runs several (bench/README.md).
    """
    url = settings.async_database_url
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        _quiet_sqlite_decimal_warning()
        engine = create_async_engine(url, future=True, connect_args={"timeout": 30},
                                     poolclass=AsyncAdaptedQueuePool, pool_size=5, max_overflow=10)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, future=True, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker:
    """Factory of 2.0-style sessions bound to ``engine``."""
    return sessionmaker(engine, class_=Session, future=True, expire_on_commit=False)


def async_session_factory(engine: AsyncEngine) -> sessionmaker:
    """Factory of asyncio sessions bound to ``engine``."""
    return sessionmaker(engine, class_=AsyncSession, future=True, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session: Session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _quiet_sqlite_decimal_warning() -> None:
    """SQLite keeps Numeric(10, 2) as REAL; cents round-trip exactly, so the warning is noise."""
    warnings.filterwarnings("ignore", message=r"Dialect sqlite\+\w+ does \*not\* support Decimal")


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
