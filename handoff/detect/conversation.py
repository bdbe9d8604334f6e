"""Conversation-level signals: misunderstanding streaks, repetition, the same issue raised
again and again, a rising negativity trend, waiting time.

Pure functions over the earlier customer turns (oldest first) and the current message.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Optional, Sequence, Tuple

from handoff.detect.finding import Evidence, Turn
from handoff.detect.phrases import PhraseSet, phrase_pattern
from handoff.detect.policy import ConversationPolicy

_TOKEN = re.compile(r"[a-z0-9']+")
MIN_REPEAT_CHARS = 12
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}


def ordinal(n: int) -> str:
    """'third' for 3, '7th' for 7."""
    if n in _ORDINALS:
        return _ORDINALS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def is_fallback(intent: Optional[str], policy: ConversationPolicy) -> bool:
    """The NLU filed the message under a fallback intent (nlu_fallback, out_of_scope)."""
    return intent is not None and intent in policy.fallback_intents


def is_unsure(confidence: Optional[float], policy: ConversationPolicy) -> bool:
    """The NLU's confidence is below the policy minimum."""
    return confidence is not None and confidence < policy.min_confidence


def misunderstood(turn: Turn, policy: ConversationPolicy) -> bool:
    """The bot did not understand this turn (fallback intent or low confidence)."""
    return is_fallback(turn.intent, policy) or is_unsure(turn.confidence, policy)


def complains_not_understood(text: str, policy: ConversationPolicy) -> bool:
    """The customer says the bot isn't understanding ("that's not what I asked", "this is useless")."""
    return bool(_phrases(policy.not_understood).find(text.replace("\u2019", "'")))


@lru_cache(maxsize=8)
def _phrases(phrases: Tuple[str, ...]) -> PhraseSet:
    return PhraseSet(phrases)


def trailing(flags: Sequence[bool]) -> int:
    """How many of the last ``flags`` are true in a row."""
    count = 0
    for flag in reversed(flags):
        if not flag:
            break
        count += 1
    return count


def fallback_evidence(history: Sequence[Turn], policy: ConversationPolicy) -> Optional[Evidence]:
    """Trailing misunderstood turns before this message."""
    streak = trailing([misunderstood(t, policy) for t in history])
    if streak < policy.fallback_streak:
        return None
    strength = 1.0 + 0.5 * (streak - policy.fallback_streak)
    return Evidence("fallback", strength, policy.fallback_reason.format(count=streak))


def _words(text: str) -> frozenset:
    return frozenset(_TOKEN.findall(text.lower()))


def similarity(a: str, b: str) -> float:
    """Word-set overlap (Jaccard), 0..1."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def repeat_count(text: str, earlier: Sequence[str], policy: ConversationPolicy) -> int:
    """How many earlier messages say (nearly) the same as ``text``.

    The one home of "repeating themselves": the detector scores it and the handoff policy
    (``handoff.service.decide``) counts it. Short messages ("yes", "ok thanks") never count.
    """
    if len(" ".join(_TOKEN.findall(text.lower()))) < MIN_REPEAT_CHARS:
        return 0
    return sum(1 for past in earlier if similarity(text, past) >= policy.repeat_similarity)


def repetition_evidence(text: str, history: Sequence[Turn],
                        policy: ConversationPolicy) -> Optional[Evidence]:
    """The customer says (nearly) the same thing again."""
    repeats = repeat_count(text, [t.text for t in history], policy)
    if not repeats:
        return None
    strength = min(1.0, repeats / policy.repeat_saturate)
    return Evidence("repetition", strength,
                    policy.repeat_reason.format(ordinal=ordinal(repeats + 1), count=repeats + 1))


def order_numbers_in(text: str, pattern: "re.Pattern[str]") -> List[str]:
    """Order numbers mentioned in ``text`` ("order 1042", "#1042")."""
    return [m.group(1) for m in pattern.finditer(text) if m.groups() and m.group(1)]


def compile_order_pattern(policy: ConversationPolicy) -> "re.Pattern[str]":
    """The policy's order-number pattern (first group = the number)."""
    return re.compile(phrase_pattern(policy.order_pattern), re.IGNORECASE)


def same_issue_evidence(text: str, history: Sequence[Turn], order_numbers: Sequence[str],
                        policy: ConversationPolicy,
                        pattern: "re.Pattern[str]") -> Optional[Evidence]:
    """The same order keeps coming up, or the same intent several turns in a row."""
    current = {n.lstrip("#") for n in order_numbers} | set(order_numbers_in(text, pattern))
    best: Optional[Evidence] = None
    for number in sorted(current):
        count = 1 + sum(1 for t in history if number in order_numbers_in(t.text, pattern))
        if count >= policy.issue_min_turns:
            best = Evidence("same_issue", 1.0,
                            policy.issue_reason.format(ordinal=ordinal(count), order=number,
                                                       count=count))
            break
    if best is not None:
        return best
    streak, intent = 0, None
    for turn in reversed(history):
        if turn.intent is None or turn.intent in policy.issue_ignore_intents:
            break
        if intent is not None and turn.intent != intent:
            break
        intent, streak = turn.intent, streak + 1
    if intent is not None and streak + 1 >= policy.issue_min_turns:
        readable = intent.replace("_", " ")
        return Evidence("same_issue", 1.0,
                        policy.intent_reason.format(count=streak, intent=readable))
    return None


def trend_evidence(scores: Sequence[float], policy: ConversationPolicy) -> Optional[Evidence]:
    """Scores (oldest first, the current one last) rising across the window."""
    window = list(scores)[-policy.trend_window:]
    if len(window) < policy.trend_min_turns:
        return None
    rise = window[-1] - min(window[:-1])
    rising = all(b >= a - 0.05 for a, b in zip(window, window[1:], strict=False))
    if rise < policy.trend_min_rise or not rising:
        return None
    return Evidence("trend", min(1.0, rise / (2 * policy.trend_min_rise)),
                    policy.trend_reason.format(count=len(window)))


def waiting_evidence(waiting_s: float, policy: ConversationPolicy) -> Optional[Evidence]:
    """Time the customer has been waiting for a useful answer."""
    if waiting_s < policy.waiting_start_s:
        return None
    span = policy.waiting_full_s - policy.waiting_start_s
    strength = min(1.0, (waiting_s - policy.waiting_start_s) / span)
    minutes = int(round(waiting_s / 60.0))
    return Evidence("waiting", max(strength, 0.05), policy.waiting_reason.format(minutes=minutes))
