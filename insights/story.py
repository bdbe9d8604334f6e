"""``python -m insights.story <conversation_id>``: a stored conversation as a Rasa test story.

A draft for designers: customer turns with the intent Rasa gave them, and the bot's actions
recognised from their texts (``domain.yml`` responses, the actions' reply constants, the
phrase bank's validating lines, which ``action_acknowledge_feelings`` says). Forms and slots
are not in the transcript, and texts no template matches become ``# TODO`` comments: edit
the story into what *should* have happened, put it in ``tests/stories/`` and it stays fixed.
The story stops where a person took over (the bot is paused from there).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Pattern, Sequence, Tuple

from insights import queries
from insights import texts as T
from insights.records import Conv
from insights.voice import normalise

ROOT = Path(__file__).resolve().parent.parent
ACKNOWLEDGE = "action_acknowledge_feelings"


def _pattern(template: str) -> Pattern:
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(r"(.+?)")
    return re.compile(r"\s*" + "".join(parts) + r"\s*", re.DOTALL)


@dataclass(frozen=True)
class Catalogue:
    """Which action says which text."""

    patterns: Tuple[Tuple[Pattern, str], ...]  # (template, action), most specific first
    bank: Tuple[str, ...]

    @classmethod
    def load(cls, root: Path = ROOT) -> "Catalogue":
        owners = T.constant_actions(root)
        found: List[Tuple[str, str]] = [(t.text, t.where) for t in T.domain_texts(root) if t.kind == "response"]
        found += [(t.text, owners[(t.file, t.where)]) for t in T.action_texts(root) if (t.file, t.where) in owners]
        found.sort(key=lambda pair: -len(pair[0]))
        bank = tuple(normalise(t.text) for t in T.bank_texts(root) if t.kind == "situation")
        return cls(tuple((_pattern(text), action) for text, action in found), bank)

    def action_for(self, text: str) -> Optional[str]:
        if normalise(text) in self.bank:
            return ACKNOWLEDGE
        for pattern, action in self.patterns:
            if pattern.fullmatch(text):
                return action
        return None


def _one_line(text: str, n: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _user(text: str) -> List[str]:
    body = [f"      {line}" for line in (text.strip().splitlines() or [""])]
    return ["  - user: |", *body]


def to_story(conv: Conv, catalogue: Catalogue) -> str:
    """The YAML of one test story (``version: "3.1"``) for ``conv``."""
    cut = conv.first_handoff_at
    lines = ['version: "3.1"',
             f"# From conversation {conv.id} ({conv.session_id}, {conv.created_at:%Y-%m-%d %H:%M}) by "
             "python -m insights.story. A draft: fix what went wrong, then move it to tests/stories/.",
             "stories:", f"- story: conversation {conv.id}", "  steps:"]
    last_action = None
    for m in conv.messages:
        if cut is not None and m.at > cut:
            break
        if m.sender == "customer":
            lines += _user(m.text)
            lines.append(f"    intent: {m.intent}" if m.intent else "    # TODO: no intent stored for this message")
            last_action = None
        elif m.sender == "bot":
            action = catalogue.action_for(m.text)
            if action is None:
                lines.append(f"  # TODO: which action said: {_one_line(m.text)}")
            elif action != last_action:
                lines.append(f"  - action: {action}")
            last_action = action or last_action
    if conv.handoffs:
        h = conv.handoffs[0]
        lines.append(f"  # handed to a person here (source: {h.source}; {', '.join(h.reasons) or 'no reasons'})")
    return "\n".join(lines) + "\n"


def story_for(session, conversation_id: int, root: Path = ROOT) -> Optional[str]:
    """The test story of a stored conversation, or None when there is no such conversation."""
    conv = queries.conversation(session, conversation_id)
    return None if conv is None else to_story(conv, Catalogue.load(root))


def main(argv: Optional[Sequence[str]] = None) -> int:
    from common.settings import load_settings
    from store.db import make_engine, session_factory

    parser = argparse.ArgumentParser(prog="python -m insights.story", description=__doc__.splitlines()[0])
    parser.add_argument("conversation_id", type=int)
    parser.add_argument("--url", help="database URL (default: DATABASE_URL or the local SQLite file)")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.url:
        settings = dataclasses.replace(settings, database_url=args.url)
    engine = make_engine(settings)
    try:
        with session_factory(engine)() as session:
            story = story_for(session, args.conversation_id)
    finally:
        engine.dispose()
    if story is None:
        print(f"There is no conversation {args.conversation_id}.", file=sys.stderr)
        return 1
    sys.stdout.write(story)
    return 0


if __name__ == "__main__":
    sys.exit(main())
