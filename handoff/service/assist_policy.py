"""``policy/assist.yml``, typed: the designers' words for the handoff summary, the recap and the next best action."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Tuple, Union

import yaml


@dataclass(frozen=True)
class SituationAssist:
    """One phrase-bank situation: how the recap names it and what the agent could do about it."""

    about: str
    worry: str
    urgent_worry: str
    grants: Tuple[str, ...]
    grant_reason: str
    step: str
    late_only: bool = False  # grants only on an order that is late or delayed


@dataclass(frozen=True)
class AssistPolicy:
    wants: Dict[str, str]
    want_fallback: str
    topics: Dict[str, str]
    moods: Dict[str, str]
    issues: Dict[str, str]
    issue_intents: Dict[str, str]
    situations: Dict[str, SituationAssist]
    already_granted_step: str
    over_budget_step: str
    recap: Tuple[str, ...]
    lines: Dict[str, str]
    confirmations: Dict[str, str]

    def situation(self, name: str) -> SituationAssist:
        """The block for ``name``, else ``general``'s."""
        return self.situations.get(name) or self.situations["general"]

    def line(self, key: str, **fields: Any) -> str:
        """A ``lines`` template filled with ``fields``."""
        return self.lines[key].format(**fields)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> "AssistPolicy":
        def texts(key: str) -> Dict[str, str]:
            return {str(k): str(v) for k, v in (raw.get(key) or {}).items()}

        situations = {
            str(name): SituationAssist(
                about=str(block["about"]), worry=str(block["worry"]),
                urgent_worry=str(block.get("urgent_worry") or block["worry"]),
                grants=tuple(str(g) for g in block.get("grants") or ()),
                grant_reason=str(block.get("grant_reason") or ""), step=str(block["step"]),
                late_only=bool(block.get("late_only")))
            for name, block in (raw.get("situations") or {}).items()
        }
        if "general" not in situations:
            raise ValueError("assist.yml: `situations` needs a `general` block")
        recap = tuple(str(t) for t in raw.get("recap") or ())
        if not recap or any("{about}" not in t or "{worry}" not in t for t in recap):
            raise ValueError("assist.yml: every `recap` line needs {about} and {worry}")
        return cls(wants=texts("wants"), want_fallback=str(raw["want_fallback"]), topics=texts("topics"),
                   moods=texts("moods"), issues=texts("issues"), issue_intents=texts("issue_intents"),
                   situations=situations, already_granted_step=str(raw["already_granted_step"]),
                   over_budget_step=str(raw["over_budget_step"]), recap=recap, lines=texts("lines"),
                   confirmations=texts("confirmations"))


@functools.lru_cache(maxsize=8)
def load_assist_policy(path: Union[str, Path]) -> AssistPolicy:
    """The policy in the file at ``path`` (read once per process: it is the designers' configuration)."""
    with open(path, encoding="utf-8") as fh:
        return AssistPolicy.from_mapping(yaml.safe_load(fh) or {})
