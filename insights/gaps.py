"""Empathy gaps: where the conversations show the bot's wording failing customers.

Three findings, each ``{"kind", "finding", "count", "share", "conversation_ids", ...}``:

- ``phrase``: words customers use far more in conversations that escalated (before the
  message that triggered the handoff) than in those that did not. Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi &
  Quinn 2008, "Fightin' Words"), counted once per conversation; reported when z >= 1.96 and
  the phrase appears in at least ``MIN_CONVERSATIONS`` conversations.
- ``rising_frustration``: bot replies after which the customer's next message is angrier
  (higher severity, or a score at least ``RISE`` higher) more often than after the average
  reply (one-sided binomial z >= 1.645).
- ``unvalidated``: negative customer messages (detector elevated/severe, or an intent the
  phrase bank lists as negative) whose bot answer does not open by validating.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from insights.records import SEVERITY_RANK, Conv, Msg
from insights.voice import ToneRules, normalise

JSON = Dict[str, Any]
MIN_CONVERSATIONS = 5
MIN_ESCALATED = 3
PRIOR_MASS = 500.0
Z_PHRASE = 1.96
Z_RISE = 1.645
RISE = 0.25
MIN_SAID = 5
MIN_EVENTS = 3
TOP = 5
OVERLAP = 0.6  # a phrase found mostly in conversations an earlier finding covers is not a new finding
#: Customer messages that say nothing about the problem: a rise after them is just the topic arriving.
OPENERS = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge"})
EXAMPLES = 10
WORD = re.compile(r"[a-z][a-z']*")
STOP = frozenset("""a about after again all am an and any are as at be been but by can could did do does
doesn't don't for from get got had has have how i i'm i've if in into is it it's its just me my no not now of
on or our so that the their them then there this to too up us was we what when where which who why will with
would you your yes hi hello hey please thanks thank ok okay""".split())


def _terms(text: str) -> Set[str]:
    words = WORD.findall(normalise(text))
    terms = {w for w in words if w not in STOP and len(w) > 2}
    terms |= {f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if not (a in STOP and b in STOP)}
    return terms


def _conversation_terms(conv: Conv) -> Set[str]:
    """Terms the customer used before the message that triggered the first handoff (all, without one).

    The triggering message ("I want a person", "chargeback") is what the detector and the policy
    already act on; the gap is in what customers said before it.
    """
    lines = [m for m in conv.before_handoff() if m.sender == "customer"]
    if conv.handed_off and lines:
        lines = lines[:-1]
    out: Set[str] = set()
    for m in lines:
        out |= _terms(m.text)
    return out


def _log_odds(ya: int, yb: int, na: int, nb: int, alpha: float, alpha0: float) -> float:
    """z-score of the log-odds ratio of a term between groups a and b (Monroe et al., eq. 22)."""
    da = math.log((ya + alpha) / (na + alpha0 - ya - alpha))
    db = math.log((yb + alpha) / (nb + alpha0 - yb - alpha))
    return (da - db) / math.sqrt(1.0 / (ya + alpha) + 1.0 / (yb + alpha))


def escalation_phrases(convs: Sequence[Conv]) -> List[JSON]:
    """Phrases over-represented in escalated conversations (see the module docstring)."""
    terms = {c.id: _conversation_terms(c) for c in convs}
    escalated = {c.id for c in convs if c.handed_off}
    ya: Counter = Counter(t for cid in escalated for t in terms[cid])
    yb: Counter = Counter(t for cid, ts in terms.items() if cid not in escalated for t in ts)
    na, nb = sum(ya.values()), sum(yb.values())
    if not na or not nb:
        return []
    total = na + nb
    base = len(escalated) / len(convs)
    scored = []
    for term, count_a in ya.items():
        mentioned = count_a + yb[term]
        if mentioned < MIN_CONVERSATIONS or count_a < MIN_ESCALATED:
            continue
        alpha = PRIOR_MASS * mentioned / total
        z = _log_odds(count_a, yb[term], na, nb, alpha, PRIOR_MASS)
        if z >= Z_PHRASE:
            scored.append((z, term, count_a, mentioned))
    scored.sort(key=lambda row: (-row[0], row[1]))
    out: List[JSON] = []
    covered: List[Set[int]] = []
    for z, term, count_a, mentioned in scored:
        ids = sorted(cid for cid in escalated if term in terms[cid])
        if any(len(set(ids) & seen) >= OVERLAP * len(ids) for seen in covered):
            continue  # "third time" after "the third": the same conversations, one finding
        covered.append(set(ids))
        share = count_a / mentioned
        out.append({"kind": "phrase", "phrase": term, "z": round(z, 2), "count": mentioned, "share": round(share, 4),
                    "baseline": round(base, 4), "conversation_ids": ids[:EXAMPLES],
                    "finding": f'Conversations mentioning "{term}" were handed to a person {share:.0%} of the time '
                               f"(all conversations: {base:.0%}; log-odds z = {z:.1f})."})
        if len(out) == TOP:
            break
    return out


def _bot_turns(conv: Conv) -> Iterable[Tuple[Optional[Msg], Msg, Optional[Msg]]]:
    """(customer message before, the bot's last reply, the customer's next message) per bot turn."""
    before: Optional[Msg] = None
    last_bot: Optional[Msg] = None
    for m in conv.messages:
        if m.sender == "customer":
            if last_bot is not None:
                yield before, last_bot, m
            before, last_bot = m, None
        elif m.sender == "bot":
            last_bot = m
        elif m.sender == "agent":
            last_bot = None  # after a person joined, what follows is about them
    if last_bot is not None:
        yield before, last_bot, None


def _rose(before: Optional[Msg], after: Msg) -> bool:
    prev_rank, prev_score = (SEVERITY_RANK.get(before.severity, 0), before.score) if before else (0, 0.0)
    return SEVERITY_RANK.get(after.severity, 0) > prev_rank or after.score - prev_score >= RISE


def rising_frustration(convs: Sequence[Conv]) -> List[JSON]:
    """Bot replies most often followed by a more frustrated customer message."""
    said: Counter = Counter()
    rose: Counter = Counter()
    ids: Dict[str, List[int]] = defaultdict(list)
    texts: Dict[str, str] = {}
    for c in convs:
        for before, bot, after in _bot_turns(c):
            if after is None or before is None or before.intent in OPENERS:
                continue
            key = normalise(bot.text)[:160]
            texts.setdefault(key, bot.text)
            said[key] += 1
            if _rose(before, after):
                rose[key] += 1
                if c.id not in ids[key]:
                    ids[key].append(c.id)
    followed = sum(said.values())
    if not followed:
        return []
    p0 = sum(rose.values()) / followed
    rows = []
    for key, n in said.items():
        k = rose[key]
        if n < MIN_SAID or k < MIN_EVENTS or not 0 < p0 < 1:
            continue
        z = (k - n * p0) / math.sqrt(n * p0 * (1 - p0))
        if z >= Z_RISE:
            rows.append((k / n, k, z, key))
    rows.sort(key=lambda r: (-r[0], -r[1], r[3]))
    return [{"kind": "rising_frustration", "reply": texts[key], "count": k, "share": round(share, 4),
             "baseline": round(p0, 4), "z": round(z, 2), "conversation_ids": ids[key][:EXAMPLES],
             "finding": f'After the bot said "{_clip(texts[key])}", the customer got more frustrated '
                        f"{share:.0%} of the time (all bot replies: {p0:.0%})."}
            for share, k, z, key in rows[:TOP]]


def _clip(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def _answers(conv: Conv) -> Iterable[Tuple[Msg, Msg]]:
    """(customer message, the first line right after it: the bot's, or the service's handoff notice)."""
    for m, nxt in zip(conv.messages, conv.messages[1:], strict=False):
        if m.sender == "customer" and nxt.sender in ("bot", "system"):
            yield m, nxt


def unvalidated(convs: Sequence[Conv], rules: ToneRules) -> List[JSON]:
    """Negative customer messages answered without a validating first line, by intent."""
    negative = set(rules.negative_intents)
    answered: Counter = Counter()
    missed: Counter = Counter()
    ids: Dict[str, List[int]] = defaultdict(list)
    example: Dict[str, str] = {}
    for c in convs:
        for msg, reply in _answers(c):
            if msg.severity not in ("elevated", "severe") and msg.intent not in negative:
                continue
            intent = msg.intent or "unknown"
            answered[intent] += 1
            if not rules.validates(reply.text):
                missed[intent] += 1
                example.setdefault(intent, reply.text)
                if c.id not in ids[intent]:
                    ids[intent].append(c.id)
    rows = sorted(((n, intent) for intent, n in missed.items() if n >= MIN_EVENTS), key=lambda r: (-r[0], r[1]))
    return [{"kind": "unvalidated", "intent": intent, "count": n, "share": round(n / answered[intent], 4),
             "example": example[intent], "conversation_ids": ids[intent][:EXAMPLES],
             "finding": f'{n} of {answered[intent]} negative "{intent}" messages ({n / answered[intent]:.0%}) '
                        f'were answered without a validating first line, e.g. "{_clip(example[intent])}".'}
            for n, intent in rows[:TOP]]


def empathy_gaps(convs: Sequence[Conv], rules: ToneRules) -> List[JSON]:
    """All findings: escalation phrases, then rising frustration, then unvalidated answers."""
    return escalation_phrases(convs) + rising_frustration(convs) + unvalidated(convs, rules)
