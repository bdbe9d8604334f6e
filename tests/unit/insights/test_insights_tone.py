"""The tone linter: clean on the project, and file:line on violations planted in a copy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from insights import tone
from insights.voice import default_rules

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the files the linter reads."""
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    shutil.copytree(ROOT / "policy", tmp_path / "policy")
    shutil.copytree(ROOT / "bot" / "actions", tmp_path / "bot" / "actions")
    return tmp_path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _plant(path: Path, old: str, new: str) -> int:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return _line_of(path, new.splitlines()[0] if new.strip() else old)


def test_the_project_is_clean():
    assert tone.lint(ROOT) == []


def test_the_cli_passes_on_the_project():
    """What ``make lint-tone`` runs."""
    done = subprocess.run([sys.executable, "-m", "insights.tone"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    assert "tone: clean" in done.stderr


def test_banned_phrase_in_a_response_fails_with_file_and_line(project):
    line = _plant(project / "domain.yml", 'text: "You\'re welcome', 'text: "Unfortunately, you\'re welcome')
    done = subprocess.run([sys.executable, "-m", "insights.tone", "--root", str(project)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"domain.yml:{line}: \"unfortunately\" in utter_youre_welcome" in done.stdout


def test_banned_phrase_in_the_phrase_bank_and_in_an_action(project):
    bank = project / "policy" / "phrase_bank.yml"
    bank_line = _plant(bank, '- "That sounds really difficult."', '- "That sounds difficult, but look on the bright side."')
    action = project / "bot" / "actions" / "damage.py"
    action_line = _plant(action, '"We want to make this right straight away', '"You need to accept that we want this right')
    found = [str(v) for v in tone.lint(project)]
    assert f'policy/phrase_bank.yml:{bank_line}: "look on the bright side" in situations.general: ' \
           "toxic positivity; name the feeling instead" in found
    assert any(v.startswith(f'bot/actions/damage.py:{action_line}: "you need to" in REPLACED') for v in found)


def test_negative_response_that_does_not_validate(project):
    line = _plant(project / "domain.yml", "You're right to raise this, and I want to make it right.",
                  "Tell me the order number.")
    assert [str(v) for v in tone.lint(project)] == [
        f"domain.yml:{line}: utter_complaint_next_step answers a negative situation but its first sentence does "
        'not validate: "Tell me the order number. Tell me what happened (an order number help…"']


def test_too_few_variations(project):
    domain = project / "domain.yml"
    text = domain.read_text()
    start = text.index("  utter_iamabot:")
    end = text.index("\n  utter_", start + 5)
    block = text[start:end].splitlines()
    domain.write_text(text[:start] + "\n".join(block[:2]) + text[end:])  # keep one variation
    found = [str(v) for v in tone.lint(project)]
    assert found == [f"domain.yml:{_line_of(domain, 'utter_iamabot:')}: utter_iamabot has 1 distinct variation(s); "
                     "at least 3 keep the bot from repeating itself"]


def test_consequential_action_without_confirm(project):
    changes = project / "bot" / "actions" / "changes.py"
    line = _plant(changes, "from store.operations import ADDRESS_MAX, ADDRESS_MIN",
                  "from store.operations import ADDRESS_MAX, ADDRESS_MIN, cancel_order")
    found = [str(v) for v in tone.lint(project)]
    assert found and all(v.startswith(f"bot/actions/changes.py:{line}: cancel_order changes") for v in found)


def test_allow_list_exempts_a_justified_text(project):
    _plant(project / "domain.yml", 'text: "You\'re welcome', 'text: "Unfortunately, you\'re welcome')
    assert tone.lint(project)
    rules = project / "policy" / "tone.yml"
    rules.write_text(rules.read_text().replace("allow: []", 'allow: ["domain.yml: unfortunately, you\'re welcome"]'))
    assert tone.lint(project) == []


@pytest.mark.parametrize("text,expected", [
    ("Unfortunately we can't.", ["unfortunately"]),
    ("You NEED   to reset it", ["you need to"]),
    ("That\u2019s your fault", ["your fault"]),
    ("That's not the experience you should have had.", []),
    ("You should have read the e-mail.", ["you should have"]),
    ("Let's fix it together.", []),
])
def test_banned_matching(text, expected):
    assert [p for p, _ in default_rules().banned_in(text)] == expected


@pytest.mark.parametrize("text,validates", [
    ("I can see why that's frustrating. Let's fix it.", True),
    ("That sounds really stressful; here's what I'll do.", True),
    ("Your refund is in progress. I can see it's frustrating.", False),  # only the first sentence counts
    ("Open Settings and press Sync.", False),
])
def test_validating_first_line(text, validates):
    assert default_rules().validates(text, use_bank=False) is validates


def test_the_default_canned_replies_are_checked_with_file_and_line(project):
    path = project / "policy" / "canned_replies.yml"
    line = _plant(path, "Thank you for bearing with me", "Unfortunately, thank you for bearing with me")
    found = [str(v) for v in tone.lint(project)]
    assert any(v.startswith(f"policy/canned_replies.yml:{line}:") and '"unfortunately" in canned./wait' in v
               for v in found), found


def test_the_assist_recap_is_linted_for_banned_phrases_and_variations(project):
    assist = project / "policy" / "assist.yml"
    line = _plant(assist, 'worry: "you\'ll be left without it"', 'worry: "you need to wait for it"')
    text = assist.read_text()
    start = text.index("\nrecap:\n") + len("\nrecap:\n")
    kept = text[start:].splitlines()[:2]  # two recap lines: below the minimum of three
    assist.write_text(text[:start] + "\n".join(kept) + "\n")
    found = [str(v) for v in tone.lint(project)]
    assert any(v.startswith(f"policy/assist.yml:{line}: \"you need to\" in situations.damaged.worry") for v in found), found
    assert any("policy/assist.yml" in v and "recap has 2 distinct variation(s)" in v for v in found), found


def test_proactive_offers_must_validate_and_avoid_banned_phrases(project):
    path = project / "policy" / "proactive.yml"
    old = "I can see signing in isn't working for you right now."
    line = _plant(path, old, "You need to enter the right password.")
    found = [str(v) for v in tone.lint(project)]
    assert f'policy/proactive.yml:{line}: "you need to" in proactive.login_failed: ' \
           'commands the customer; try "let\'s" or "could you"' in found
    assert any(v.startswith(f"policy/proactive.yml:{line}: proactive.login_failed answers a negative situation")
               for v in found), found


def test_check_in_emails_are_linted_too(project: Path):
    path = project / "policy" / "followups.yml"
    line = _plant(path, "just checking that your refund came through.",
                  "unfortunately we have to check that your refund came through.")
    found = [str(v) for v in tone.lint(project)]
    assert any(v.startswith(f"policy/followups.yml:{line}:") and "unfortunately" in v for v in found), found
    text = path.read_text()
    start = text.index("  credit:\n    - \"Hi {name}, just checking in")
    end = text.index("  handoff:\n    - \"Hi {name}, just checking in after")
    path.write_text(text[:start] + "  credit:\n    - \"Hi {name}, checking in: {link}\"\n" + text[end:])
    assert any("messages.credit has 1 distinct variation" in str(v) for v in tone.lint(project))
