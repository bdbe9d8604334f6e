"""Store fixtures shared by every test suite.

- ``db_settings``: Settings for a private SQLite file, migrated and seeded. The migration and
  seed run once per session into a template file that each test gets a fresh copy of.
- ``db_engine`` / ``db_session_factory`` / ``db_session``: built on ``db_settings``.
- ``pg_url``: a freshly created, migrated and seeded PostgreSQL database (dropped afterwards);
  skipped locally when PostgreSQL is down, a failure under ``REQUIRE_SERVICES=1``.
  ``pg_settings`` is the same as Settings.

Heavy modules (SQLAlchemy, Alembic, the store) are imported inside the fixtures, so that
collecting tests that never touch the store stays fast.
"""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

from tests.services import require_postgres

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from common.settings import Settings


def _settings(url: str) -> "Settings":
    from common.settings import load_settings

    # No generated demo history here: tests count rows; the insights tests seed it themselves.
    return dataclasses.replace(load_settings(), database_url=url, seed_fast=True, demo_history=False)


@pytest.fixture(scope="session")
def _seeded_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from store.migrate import migrate

    path = tmp_path_factory.mktemp("store-template") / "support.db"
    migrate(_settings(f"sqlite:///{path}"), seed=True)
    return path


@pytest.fixture
def db_settings(_seeded_sqlite_template: Path, tmp_path: Path) -> "Settings":
    """Settings whose ``database_url`` is a fresh, migrated and seeded SQLite file."""
    target = tmp_path / "support.db"
    for source in _seeded_sqlite_template.parent.glob(_seeded_sqlite_template.name + "*"):
        shutil.copyfile(source, tmp_path / source.name)  # the file, plus any -wal/-shm left
    return dataclasses.replace(_settings(f"sqlite:///{target}"), outbox_dir=tmp_path / "outbox",
                               attachments_dir=tmp_path / "attachments")


@pytest.fixture
def db_engine(db_settings: "Settings") -> Iterator["Engine"]:
    from store.db import make_engine

    engine = make_engine(db_settings)
    yield engine
    engine.dispose()


@pytest.fixture
def db_session_factory(db_engine: "Engine") -> "sessionmaker":
    from store.db import session_factory

    return session_factory(db_engine)


@pytest.fixture
def db_session(db_session_factory: "sessionmaker") -> Iterator["Session"]:
    session = db_session_factory()
    yield session
    session.rollback()
    session.close()


def _admin_connection(base_url: str):
    import psycopg2

    conn = psycopg2.connect(base_url)
    conn.autocommit = True
    return conn


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a new PostgreSQL database ``test_<random>``, migrated and seeded; dropped after."""
    base = require_postgres()
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = base.rsplit("/", 1)[0] + "/" + name
    admin = _admin_connection(base)
    try:
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        try:
            from store.migrate import migrate

            migrate(_settings(url), seed=True)
            yield url
        finally:
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


@pytest.fixture
def pg_settings(pg_url: str) -> "Settings":
    """Settings pointing at the ``pg_url`` database."""
    return _settings(pg_url)
