"""Transcript -> Rasa test story: actions recognised from the project's own texts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import yaml

from insights.records import Conv, HandoffRec, Msg
from insights.story import Catalogue, to_story

ROOT = Path(__file__).resolve().parents[3]
T0 = dt.datetime(2030, 1, 1, 12, 0)


def _m(seq, sender, text, intent=None):
    return Msg(seq=seq, sender=sender, text=text, at=T0 + dt.timedelta(seconds=seq), intent=intent)


def test_story_from_a_transcript():
    conv = Conv(id=7, session_id="s-7", customer_id=None, status="resolved", created_at=T0, messages=[
        _m(1, "customer", "hi", "greet"),
        _m(2, "bot", "Hey! I'm the support assistant. How can we help today?"),
        _m(3, "customer", "where is my refund\nit's been ages", "refund_status"),
        _m(4, "bot", "I can see how a charge you didn't expect would be frustrating."),
        _m(5, "bot", "Your refund of $38.00 for order #1080 is with the payment provider: it takes a week. "
                     "It was started on Monday."),
        _m(6, "customer", "ugh. a person please", "request_human"),
        _m(7, "bot", "Something no template says."),
        _m(8, "system", "Dana from our support team has joined."),
        _m(9, "customer", "thanks Dana", "thank"),
    ], handoffs=[HandoffRec("customer", ["asked for a person"], T0 + dt.timedelta(seconds=7.5), None, None, None)])
    story = to_story(conv, Catalogue.load(ROOT))
    doc = yaml.safe_load(story)
    assert doc["version"] == "3.1"
    steps = doc["stories"][0]["steps"]
    assert steps == [
        {"user": "hi\n", "intent": "greet"}, {"action": "utter_greet"},
        {"user": "where is my refund\nit's been ages\n", "intent": "refund_status"},
        {"action": "action_acknowledge_feelings"}, {"action": "action_refund_status"},
        {"user": "ugh. a person please\n", "intent": "request_human"},
    ]
    assert "# TODO: which action said: Something no template says." in story
    assert "# handed to a person here (source: customer; asked for a person)" in story
    assert "thanks Dana" not in story  # after the handoff a person answered


def test_story_cli_on_the_demo_history(tmp_path):
    from common.settings import load_settings
    from store.migrate import migrate

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    migrate(dataclasses.replace(load_settings(), database_url=url, seed_fast=True, demo_history=True))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "insights.story", "3"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    steps = yaml.safe_load(done.stdout)["stories"][0]["steps"]
    assert steps[0]["user"] and steps[0]["intent"] and any("action" in s for s in steps)
    missing = subprocess.run([sys.executable, "-m", "insights.story", "999999"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "no conversation 999999" in missing.stderr
