"""The CLI contract: ``python -m insights`` on the seeded demo database, in each format."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from insights.report import KEYS

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    """A database migrated and seeded as ``make db`` does it: the demo shop plus its demo history."""
    from common.settings import load_settings
    from store.migrate import migrate

    url = f"sqlite:///{tmp_path_factory.mktemp('insights-demo') / 'support.db'}"
    assert migrate(dataclasses.replace(load_settings(), database_url=url, seed_fast=True, demo_history=True))
    return url


def _run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "insights", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_json(demo_url):
    done = _run(demo_url, "--since", "90d", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_json_has_every_key_in_order(demo_json):
    assert tuple(demo_json) == KEYS
    for key in ("conversations", "contained_rate", "handoff_rate", "handoff_reasons", "escalation_by_intent",
                "time_to_first_agent_reply_s", "resolution_time_s", "csat", "reopened_within_7d_rate", "grants",
                "empathy_gaps"):
        assert key in demo_json


def test_demo_history_gives_non_trivial_values(demo_json):
    d = demo_json
    assert d["conversations"] >= 200 and d["demo_conversations"] == d["conversations"]
    assert 0 < d["contained_rate"] < 1 and abs(d["contained_rate"] + d["handoff_rate"] - 1) < 1e-3
    assert {"customer", "detector", "high_stakes", "fallback"} <= set(d["handoff_reasons"])
    assert any(0 < row["rate"] < 1 for row in d["escalation_by_intent"].values())
    for key in ("time_to_first_agent_reply_s", "resolution_time_s"):
        assert 0 < d[key]["p50"] <= d[key]["p90"] and d[key]["count"] > 10
    assert 1 <= d["csat"]["with_person"]["mean"] <= 5 and d["csat"]["with_person"]["count"] > 10
    assert 0 < d["reopened_within_7d_rate"] < 1
    g = d["grants"]
    assert g["count"] > 10 and g["amount"] > 0
    assert g["by_actor"]["bot"]["count"] > 0 and g["by_actor"]["agent"]["count"] > 0
    assert {"credit", "replacement", "refund"} <= set(g["by_kind"])
    kinds = {gap["kind"] for gap in d["empathy_gaps"]}
    assert kinds == {"phrase", "rising_frustration", "unvalidated"}
    assert any(gap.get("phrase") == "confusing" for gap in d["empathy_gaps"])
    for gap in d["empathy_gaps"]:
        assert gap["finding"] and gap["count"] > 0 and 0 < gap["share"] <= 1 and gap["conversation_ids"]


def test_csv_has_one_row_per_figure(demo_url):
    done = _run(demo_url, "--format", "csv", "--since", "90d")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["metric", "value"]
    metrics = dict(rows[1:])
    assert int(metrics["conversations"]) >= 200
    assert "csat.with_person.mean" in metrics and "grants.by_actor.bot.amount" in metrics
    assert metrics["empathy_gaps.0.finding"]


def test_text_is_readable(demo_url):
    done = _run(demo_url, "--since", "4w")
    assert done.returncode == 0, done.stderr
    assert "contained by the bot" in done.stdout and "Empathy gaps:" in done.stdout


def test_bad_period_is_a_usage_error(demo_url):
    done = _run(demo_url, "--since", "soon")
    assert done.returncode == 2 and "30d" in done.stderr


def test_without_demo_history_there_is_nothing_to_report(db_settings):
    done = _run(db_settings.database_url, "--format", "json")
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["conversations"] == 0 and data["empathy_gaps"] == []


def test_demo_history_is_deterministic_and_closed(tmp_path):
    """Two seeds at the same moment write the same history; none of it is queued or assigned."""
    import datetime as dt

    from sqlalchemy import select

    from common.settings import Settings
    from store.db import make_engine, session_factory
    from store.demo_history import PREFIX
    from store.migrate import migrate
    from store.models import Conversation, Message
    from store.seed import seed

    now = dt.datetime(2030, 5, 1, 12, 0)
    snapshots = []
    for name in ("a.db", "b.db"):
        settings = Settings(database_url=f"sqlite:///{tmp_path / name}", seed_fast=True)
        migrate(settings, seed=False)
        engine = make_engine(settings)
        with session_factory(engine)() as session:
            seed(session, now=now, fast=True)
            session.commit()
            convs = session.execute(select(Conversation).order_by(Conversation.id)).scalars().all()
            texts = session.execute(select(Message.text).order_by(Message.id)).scalars().all()
            snapshots.append(([(c.session_id, c.status, c.created_at, c.csat) for c in convs], texts))
        engine.dispose()
    assert snapshots[0] == snapshots[1]
    convs = snapshots[0][0]
    assert len(convs) >= 200 and all(sid.startswith(PREFIX) for sid, *_ in convs)
    assert {status.value for _, status, _, _ in convs} <= {"bot", "resolved"}
    assert all(created <= now - dt.timedelta(hours=1) for _, _, created, _ in convs)


def test_report_on_postgresql(pg_settings):
    """The same queries on PostgreSQL: demo history written into a seeded database, then reported."""
    import datetime as dt

    from insights import report
    from insights.voice import default_rules
    from store.db import make_engine, session_factory
    from store.demo_history import add_history

    engine = make_engine(pg_settings)
    try:
        with session_factory(engine)() as session:
            now = dt.datetime.utcnow()
            assert add_history(session, now, count=120) == 120
            session.commit()
            data = report.for_period(session, "90d", default_rules(), now=now)
    finally:
        engine.dispose()
    assert tuple(data) == KEYS and data["conversations"] == 120 == data["demo_conversations"]
    assert data["grants"]["count"] > 0 and data["handoff_reasons"] and data["empathy_gaps"]
