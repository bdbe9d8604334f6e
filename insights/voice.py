"""The tone rules (``policy/tone.yml``) as functions: banned phrases and validating lines.

The one home of "does this line validate?" and "is this phrase banned?": the tone linter
and the empathy-gap finder both call these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, List, Mapping, Optional, Tuple

import yaml

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, single spaces."""
    return " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())


def first_sentence(text: str) -> str:
    """The first sentence (or line) of a reply."""
    line = (text or "").strip().split("\n", 1)[0]
    return SENTENCE_END.split(line, 1)[0]


@dataclass(frozen=True)
class ToneRules:
    """Typed view of ``policy/tone.yml`` plus the phrase bank's validating lines."""

    banned: Tuple[Tuple[str, str, Tuple[str, ...]], ...]  # (phrase, why, unless)
    min_variations: int
    validating: Tuple[re.Pattern, ...]
    bank_lines: Tuple[str, ...]
    negative_intents: Tuple[str, ...]
    negative_responses: Tuple[str, ...]
    consequential_calls: Tuple[str, ...]
    confirmed_in: Tuple[str, ...]
    allow: Tuple[Tuple[str, str], ...]  # (file, fragment)

    @classmethod
    def from_mappings(cls, tone: Mapping[str, Any], bank: Optional[Mapping[str, Any]] = None) -> "ToneRules":
        bank = bank or {}
        banned = tuple((normalise(str(b["phrase"])), str(b.get("why") or "banned phrase"),
                        tuple(normalise(u) for u in b.get("unless") or [])) if isinstance(b, dict)
                       else (normalise(str(b)), "banned phrase", ()) for b in tone.get("banned") or [])
        lines = tuple(normalise(p) for phrases in (bank.get("situations") or {}).values() for p in phrases or [])
        consequential = tone.get("consequential") or {}
        allow = []
        for entry in tone.get("allow") or []:
            file, _, fragment = str(entry).partition(":")
            allow.append((file.strip(), normalise(fragment)))
        return cls(banned=banned, min_variations=int(tone.get("min_variations", 3)),
                   validating=tuple(re.compile(p, re.IGNORECASE) for p in tone.get("validating") or []),
                   bank_lines=lines, negative_intents=tuple(bank.get("negative_intents") or []),
                   negative_responses=tuple(tone.get("negative_responses") or []),
                   consequential_calls=tuple(consequential.get("calls") or []),
                   confirmed_in=tuple(consequential.get("confirmed_in") or []), allow=tuple(allow))

    def banned_in(self, text: str) -> List[Tuple[str, str]]:
        """``(phrase, why)`` for every banned phrase in ``text`` (whole words; ``unless`` phrases excepted)."""
        lowered = normalise(text)
        found = []
        for phrase, why, unless in self.banned:
            rest = lowered
            for fine in unless:
                rest = rest.replace(fine, " ")
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", rest):
                found.append((phrase, why))
        return found

    def validates(self, text: str, use_bank: bool = True) -> bool:
        """Whether the first sentence of ``text`` validates the customer's feeling."""
        opening = normalise(first_sentence(text))
        if any(p.search(opening) for p in self.validating):
            return True
        whole = normalise(text)
        return use_bank and any(line and line in whole for line in self.bank_lines)

    def is_negative_response(self, name: str) -> bool:
        return any(fnmatch(name, pattern) for pattern in self.negative_responses)

    def allowed(self, file: str, text: str) -> bool:
        lowered = normalise(text)
        return any(file.endswith(f) and fragment and fragment in lowered for f, fragment in self.allow)


def _yaml(path: Path) -> Mapping[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def load_rules(policy_dir: Path) -> ToneRules:
    """``tone.yml`` and ``phrase_bank.yml`` from ``policy_dir``."""
    bank_path = Path(policy_dir) / "phrase_bank.yml"
    bank = _yaml(bank_path) if bank_path.exists() else {}
    return ToneRules.from_mappings(_yaml(Path(policy_dir) / "tone.yml"), bank)


def default_rules() -> ToneRules:
    from common.settings import load_settings

    return load_rules(load_settings().policy_dir)
