"""``python -m insights.tone [--root DIR]``: the designers' tone linter (``make lint-tone``).

Checks every text in ``domain.yml``, ``policy/phrase_bank.yml``, the recap lines of
``policy/assist.yml``, ``policy/proactive.yml`` and ``bot/actions/*.py``
against ``policy/tone.yml``: banned phrases, responses to negative situations that don't
open by validating, responses and situations with too few variations, and consequential
actions (cancel, re-address, return) reachable without a recap-and-confirm. Prints
``file:line: message`` per violation and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from insights import texts as T
from insights.voice import ToneRules, load_rules

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, order=True)
class Violation:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def banned(items: Sequence[T.Text], rules: ToneRules) -> List[Violation]:
    return [Violation(t.file, t.line, f'"{phrase}" in {t.where}: {why}')
            for t in items if not rules.allowed(t.file, t.text) for phrase, why in rules.banned_in(t.text)]


def not_validating(items: Sequence[T.Text], rules: ToneRules) -> List[Violation]:
    """Negative-situation responses and phrase-bank openers must validate in their first sentence."""
    out = []
    for t in items:
        negative = (t.kind == "response" and rules.is_negative_response(t.where)) or t.kind == "situation"
        if negative and not rules.allowed(t.file, t.text) and not rules.validates(t.text, use_bank=False):
            out.append(Violation(t.file, t.line, f"{t.where} answers a negative situation but its first sentence "
                                                 f'does not validate: "{_clip(t.text)}"'))
    return out


def _clip(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def variations(items: Sequence[T.Text], rules: ToneRules, lines: Dict[str, int]) -> List[Violation]:
    """Every response and every phrase-bank group needs ``min_variations`` distinct texts."""
    groups: Dict[tuple, set] = {}
    first: Dict[tuple, T.Text] = {}
    for t in items:
        if t.kind in ("response", "situation", "agent_reply", "recap", "thanks", "checkin"):
            key = (t.file, t.where)
            groups.setdefault(key, set()).add(" ".join(t.text.split()))
            first.setdefault(key, t)
    out = []
    for key, distinct in groups.items():
        if len(distinct) < rules.min_variations:
            t = first[key]
            line = lines.get(t.where, t.line) if t.kind == "response" else t.line
            out.append(Violation(t.file, line, f"{t.where} has {len(distinct)} distinct variation(s); "
                                               f"at least {rules.min_variations} keep the bot from repeating itself"))
    return out


def unconfirmed(root: Path, rules: ToneRules) -> List[Violation]:
    """Consequential store operations used outside the modules that run after a "yes"."""
    return [Violation(file, line, f"{name} changes the customer's order without a recap-and-confirm: recap, set "
                                  f"pending_action, and call it from {', '.join(rules.confirmed_in)} after \"yes\"")
            for file, line, name in T.name_uses(root, list(rules.consequential_calls))
            if file not in rules.confirmed_in]


def lint(root: Path) -> List[Violation]:
    """Every violation in the project at ``root``, sorted by file and line."""
    rules = load_rules(root / "policy")
    items = (T.domain_texts(root) + T.bank_texts(root) + T.canned_texts(root) + T.assist_texts(root)
             + T.proactive_texts(root) + T.action_texts(root) + T.followup_texts(root))
    found = banned(items, rules) + not_validating(items, rules) + variations(items, rules, T.response_lines(root))
    found += unconfirmed(root, rules)
    return sorted(set(found))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m insights.tone", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this checkout)")
    args = parser.parse_args(argv)
    found = lint(args.root.resolve())
    for v in found:
        print(v)
    print(f"tone: {len(found)} violation(s)" if found else "tone: clean", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
