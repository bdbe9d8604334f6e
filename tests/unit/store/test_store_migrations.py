"""The Alembic migrations go up and down on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

import store.models  # noqa: F401
from common.settings import Settings
from store.db import make_engine, session_factory
from store.migrate import alembic_config, downgrade, main, migrate
from store.models import Agent, Base, Customer, Order

TABLES = set(Base.metadata.tables)


def _tables(settings: Settings) -> set:
    engine = make_engine(settings)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _drift(settings: Settings) -> list:
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()


def _count(settings: Settings, model) -> int:
    engine = make_engine(settings)
    try:
        with session_factory(engine)() as session:
            return session.execute(select(func.count()).select_from(model)).scalar_one()
    finally:
        engine.dispose()


def _sqlite(tmp_path: Path, db_settings: Settings) -> Settings:
    return dataclasses.replace(db_settings, database_url=f"sqlite:///{tmp_path / 'fresh.db'}")


def test_sqlite_up_matches_models_and_down_drops_everything(tmp_path, db_settings):
    settings = _sqlite(tmp_path, db_settings)
    assert migrate(settings, seed=False) is False
    assert _tables(settings) == TABLES
    assert _drift(settings) == []
    downgrade(settings)
    assert _tables(settings) == set()
    migrate(settings, seed=False)  # and up again after a full downgrade
    assert _tables(settings) == TABLES


def test_postgres_up_matches_models_and_down_drops_everything(pg_settings):
    assert _tables(pg_settings) == TABLES
    assert _drift(pg_settings) == []
    assert _count(pg_settings, Customer) == 12
    downgrade(pg_settings)
    assert _tables(pg_settings) == set()


def test_migrate_twice_seeds_once(tmp_path, db_settings):
    settings = _sqlite(tmp_path, db_settings)
    assert migrate(settings) is True
    orders = _count(settings, Order)
    assert migrate(settings) is False
    assert _count(settings, Order) == orders
    assert _count(settings, Agent) == 2


def test_migrate_twice_on_postgres_adds_nothing(pg_settings):
    orders = _count(pg_settings, Order)
    assert migrate(pg_settings) is False
    assert _count(pg_settings, Order) == orders


def test_cli_no_seed_leaves_the_store_empty(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SEED_FAST", "1")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--url", url, "--no-seed"]) == 0
    assert "no seeding needed" in capsys.readouterr().out
    settings = dataclasses.replace(Settings(), database_url=url, seed_fast=True)
    assert _tables(settings) == TABLES and _count(settings, Customer) == 0
    assert main(["--url", url]) == 0
    assert "demo data loaded" in capsys.readouterr().out
    assert _count(settings, Customer) == 12


def test_alembic_config_finds_scripts_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = alembic_config(url=f"sqlite:///{tmp_path / 'x.db'}")
    command.upgrade(cfg, "head")
    settings = dataclasses.replace(Settings(), database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert _tables(settings) == TABLES


def test_two_processes_migrating_at_once_seed_once(tmp_path):
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'race.db'}"
    env = {**os.environ, "SEED_FAST": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    procs = [subprocess.Popen([sys.executable, "-m", "store.migrate", "--url", url], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sorted("demo data loaded" in out for out, _ in outputs) == [False, True]
    settings = dataclasses.replace(Settings(), database_url=url, seed_fast=True)
    assert _count(settings, Customer) == 12
