"""Message-level cues found in the text: anger, profanity, escalation, urgency, sarcasm,
and intensity (ALL CAPS, "!!!", "???", elongated words)."""

from __future__ import annotations

import re
from typing import Callable, List, Optional, Sequence

from handoff.detect.finding import Evidence
from handoff.detect.phrases import Match
from handoff.detect.policy import CuePolicy, IntensityPolicy

_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_EXCLAIM = re.compile(r"!+")
_QUESTION = re.compile(r"\?+")
_URL = re.compile(r"\S+://\S+|www\.\S+")


def quote(items: Sequence[str], limit: int = 3) -> str:
    """``'a', 'b' and 'c'`` from distinct items, first ``limit`` only."""
    shown = [f"'{item}'" for item in items[:limit]]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def distinct(matches: Sequence[Match]) -> List[str]:
    """Matched words, de-duplicated case-insensitively, in order of appearance."""
    seen, out = set(), []
    for m in matches:
        key = " ".join(m.text.lower().split())
        if key not in seen:
            seen.add(key)
            out.append(" ".join(m.text.split()))
    return out


def cue_evidence(name: str, cue: CuePolicy, text: str,
                 keep: Optional[Callable[[Match], bool]] = None,
                 found_in_text: Optional[Sequence[Match]] = None) -> Optional[Evidence]:
    """Evidence for a phrase-list cue, or None when nothing (un-negated) matched.

    Args:
        keep: filter for matches, e.g. drop negated ones ("I'm not angry").
        found_in_text: the cue's matches in ``text`` when already searched.
    """
    candidates = cue.matcher.find(text) if found_in_text is None else found_in_text
    matches = [m for m in candidates if keep is None or keep(m)]
    found = distinct(matches)
    if not found:
        return None
    strength = min(1.0, len(found) / cue.saturate)
    return Evidence(name, strength, cue.reason.format(evidence=quote(found)))


def intensity_evidence(policy: IntensityPolicy, text: str) -> Optional[Evidence]:
    """Shouting and emphatic punctuation, as one piece of evidence."""
    plain = _URL.sub(" ", text)
    words = [w for w in _WORD.findall(plain) if len(w.replace("'", "")) >= 2]
    caps = [w for w in words if w.isupper() and w.lower() not in policy.allowed_caps]
    parts, strength = [], 0.0
    if caps and (len(caps) >= policy.caps_min_words or len(caps) == len(words) >= 2):
        share = len(caps) / max(1, len(words))
        strength += 0.6 if share >= 0.5 else 0.4
        parts.append("ALL CAPS")
    longest_bang = max((len(m) for m in _EXCLAIM.findall(plain)), default=0)
    if longest_bang >= policy.exclaim_run:
        strength += 0.3 if longest_bang < 3 else 0.45
        parts.append(f"'{'!' * min(longest_bang, 5)}'")
    longest_q = max((len(m) for m in _QUESTION.findall(plain)), default=0)
    if longest_q >= policy.question_run:
        strength += 0.25 if longest_q < 3 else 0.35
        parts.append(f"'{'?' * min(longest_q, 5)}'")
    run = policy.elongation_run
    elongated = [w for w in words if re.search(r"([a-z])\1{%d,}" % (run - 1), w.lower())]
    if elongated:
        strength += 0.25
        parts.append(f"elongated '{elongated[0]}'")
    if not parts:
        return None
    reason = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return Evidence("intensity", min(1.0, strength), policy.reason.format(evidence=reason))
