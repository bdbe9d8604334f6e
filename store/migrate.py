"""Upgrade the store to the newest schema, then seed the demo data once.

Usage: ``python -m store.migrate [--url URL] [--no-seed]`` (default URL: ``DATABASE_URL``).

Safe to run again and again: Alembic only applies missing revisions and the seed only
runs while the ``customers`` table is empty. Two processes starting together take turns:
through a session advisory lock on PostgreSQL, a ``<file>.migrate-lock`` lock file on SQLite.
"""

from __future__ import annotations

import argparse
import dataclasses
import fcntl
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Sequence

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from common.settings import Settings, load_settings
from store.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
# Arbitrary constant identifying "store.migrate" among PostgreSQL advisory locks.
_PG_LOCK_KEY = 7_311_042


def alembic_config(connection: Optional[Connection] = None, url: Optional[str] = None) -> Config:
    """An Alembic config that works from any working directory.

    Args:
        connection: run the migrations on this connection (the caller commits).
        url: otherwise, connect to this URL (driver chosen for synchronous use).
    """
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "store" / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def settings_for(url: Optional[str] = None, base: Optional[Settings] = None) -> Settings:
    """``base`` (default: the environment's settings) pointing at ``url`` when given."""
    base = base or load_settings()
    return dataclasses.replace(base, database_url=url) if url else base


def migrate(settings: Settings, seed: bool = True, revision: str = "head") -> bool:
    """Upgrade to ``revision``; then seed when ``seed`` and the store has no customers.

    Returns:
        True when this call loaded the demo data.
    """
    engine = make_engine(settings)
    try:
        # The SQLite lock file is taken before connecting: the connection's first statement
        # (``PRAGMA journal_mode=WAL``) already needs the database to itself on a new file.
        with _sqlite_file_lock(engine), engine.connect() as conn, _advisory_lock(conn):
            cfg = alembic_config(connection=conn)
            if not _at(conn, cfg, revision):  # up to date: no Alembic environment, no model imports
                command.upgrade(cfg, revision)
                conn.commit()
            if not seed or _has_customers(conn):
                return False
            from store.seed import seed_if_empty  # the seed imports every model

            with Session(bind=conn, future=True) as session:
                return seed_if_empty(session, fast=settings.seed_fast, history=settings.demo_history)
    finally:
        engine.dispose()


def _at(conn: Connection, cfg: Config, revision: str) -> bool:
    """True when the database is already at ``revision`` (e.g. ``head``)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    wanted = {r.revision for r in ScriptDirectory.from_config(cfg).get_revisions(revision) if r is not None}
    current = set(MigrationContext.configure(conn).get_current_heads())
    conn.rollback()  # the look opened a transaction; the upgrade (or the seed) starts its own
    return bool(wanted) and current == wanted


def _has_customers(conn: Connection) -> bool:
    """The demo data (or real data) is there: no seeding, and no need to import the seed."""
    found = conn.execute(text("SELECT 1 FROM customers LIMIT 1")).first() is not None
    conn.rollback()
    return found


@contextmanager
def _advisory_lock(conn: Connection) -> Iterator[None]:
    """One migrating process at a time on PostgreSQL: a session advisory lock."""
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
    conn.commit()
    try:
        yield
    finally:
        conn.rollback()
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
        conn.commit()


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """One migrating process at a time on a SQLite file: ``<file>.migrate-lock``, held before connecting."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def downgrade(settings: Settings, revision: str = "base") -> None:
    """Downgrade to ``revision`` (default: drop every table)."""
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            command.downgrade(alembic_config(connection=conn), revision)
            conn.commit()
    finally:
        engine.dispose()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store.migrate", description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: DATABASE_URL or the local SQLite file)")
    parser.add_argument("--no-seed", action="store_true", help="only upgrade the schema")
    args = parser.parse_args(argv)
    settings = settings_for(args.url)
    seeded = migrate(settings, seed=not args.no_seed)
    where = settings.database_url.split("@")[-1]
    print(f"store: schema at head on {where}; " + ("demo data loaded" if seeded else "no seeding needed"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
