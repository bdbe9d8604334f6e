"""Suggested and canned replies, safe by construction (pure; docs/ui.md, "Suggested replies").

A phrase from the designers' bank reaches an agent only filled from verified context
(:class:`store.reply_facts.ReplyFacts`) and only when everything it claims holds: the words
in ``reply_claims`` (``policy/phrase_bank.yml``) name a fact (a gift, paid shipping) or a
grant (a replacement, a full refund) that must be true or within this agent's budget. Without
a verified name, ``{name}`` goes with its comma; without a verified order, "order {order}"
reads "your order". A phrase with any other placeholder is never shown.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

from common.phrase_bank import SEVERE
from store.reply_facts import ReplyFacts

_PLACEHOLDER = re.compile(r"\{([a-z_]*)\}")
KNOWN = frozenset({"name", "first_name", "order", "agent"})


@lru_cache(maxsize=512)
def _phrase_re(phrase: str) -> "re.Pattern[str]":
    words = r"\s+".join(re.escape(w) for w in phrase.lower().split())
    return re.compile(r"(?<![\w])" + words + r"(?![\w])", re.IGNORECASE)


def claims(text: str, rules: Mapping[str, Sequence[str]]) -> FrozenSet[str]:
    """The facts ``text`` claims or promises, by the bank's ``reply_claims`` words."""
    return frozenset(fact for fact, phrases in (rules or {}).items()
                     if any(_phrase_re(str(p)).search(text) for p in phrases or []))


def unkept(text: str, rules: Mapping[str, Sequence[str]], facts: ReplyFacts) -> List[str]:
    """What ``text`` claims that does not hold here (empty: safe to offer)."""
    return sorted(claims(text, rules) - facts.facts)


def fill(text: str, facts: ReplyFacts, agent_name: Optional[str] = None) -> Optional[str]:
    """``text`` with its placeholders filled from verified context; None if one cannot be."""
    fields = set(_PLACEHOLDER.findall(text))
    if not fields <= KNOWN or "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        return None
    out = text
    name = facts.first_name
    if name:
        out = re.sub(r"\{(first_)?name\}", lambda _: name, out)
    else:
        out = re.sub(r"^\s*\{(first_)?name\}\s*[,:]?\s*", "", out)
        out = re.sub(r"\s*,\s*\{(first_)?name\}(?=\s*[,.:;!?])", "", out)
        out = re.sub(r"\s*,?\s*\{(first_)?name\}", "", out)
    number = facts.order_number
    if number:
        out = out.replace("{order}", f"#{number}")
    else:
        out = re.sub(r"\b[Oo]rder \{order\}", "your order", out).replace("{order}", "your order")
    if "{agent}" in out:
        if not agent_name:
            return None
        out = out.replace("{agent}", agent_name)
    out = re.sub(r"\s{2,}", " ", out).strip()
    out = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), out)
    return out or None


def _ranked(phrases: Iterable[Any], rules: Mapping[str, Sequence[str]], facts: ReplyFacts,
            agent_name: Optional[str]) -> List[str]:
    """Offerable phrases, best fit first: the more verified facts and keepable promises a phrase
    uses, the better it fits; ties keep the designers' order."""
    scored: List[Tuple[int, int, str]] = []
    for index, phrase in enumerate(phrases):
        template = str(phrase)
        if unkept(template, rules, facts):
            continue
        text = fill(template, facts, agent_name)
        if not text:
            continue
        score = 2 * len(claims(template, rules))
        score += 1 if "{order}" in template and facts.order_number else 0
        score += 1 if "name}" in template and facts.first_name else 0
        scored.append((-score, index, text))
    out: List[str] = []
    for _, _, text in sorted(scored):
        if text not in out:
            out.append(text)
    return out


def by_situation(bank: Mapping[str, Any], situation: str, severity: str, facts: ReplyFacts,
                 agent_name: Optional[str] = None) -> Dict[str, List[str]]:
    """Every situation's offerable replies, best first: the fuller agent replies, then the short
    openers. The conversation's own ``situation`` also gets the severe ones when it is severe."""
    rules = bank.get("reply_claims") or {}
    replies = bank.get("agent_replies") or {}
    openers = bank.get("situations") or {}
    out: Dict[str, List[str]] = {}
    for key in list(replies) + [k for k in openers if k not in replies]:
        fuller = _ranked(replies.get(key) or [], rules, facts, agent_name)
        if key == situation and severity == SEVERE and key != SEVERE:
            fuller += [t for t in _ranked(replies.get(SEVERE) or [], rules, facts, agent_name) if t not in fuller]
        out[key] = fuller + [t for t in _ranked(openers.get(key) or [], rules, facts, agent_name) if t not in fuller]
    return out


def canned(items: Iterable[Mapping[str, Any]], bank: Mapping[str, Any], facts: ReplyFacts,
           agent_name: Optional[str] = None) -> List[Dict[str, Any]]:
    """The team's canned replies, filled for this conversation; ``unkept`` lists what a reply
    promises that does not hold here, so the console can say so before it is sent."""
    rules = bank.get("reply_claims") or {}
    out = []
    for item in items:
        template = str(item.get("text") or "")
        text = fill(template, facts, agent_name)
        if text:
            out.append({"id": item.get("id"), "shortcut": item.get("shortcut"), "title": item.get("title"),
                        "text": text, "unkept": unkept(template, rules, facts)})
    return out
