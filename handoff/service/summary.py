"""The handoff summary an agent reads instead of the transcript, and the recap sentence (pure, no I/O).

Built from the conversation view's parts (messages with their parse and detector finding, the
customer's context) and the conversation's facts (``store.read.summary``): who the customer is
(a signed-in identity only: an anonymous visitor is never named), what they want in one
sentence, what the bot already did, how their mood moved, what they are waiting for. Words
come from ``policy/assist.yml``; the situation rule is ``common.phrase_bank.situation_for``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

from common.phrase_bank import situation_for
from common.severity import severity_rank
from handoff.service.assist_policy import AssistPolicy

JSON = Dict[str, Any]
# Nothing that looks like a link or a token ever goes into a line the customer is sent.
SECRET_LIKE = re.compile(r"https?://|www\.|/(reset|confirm)/|token", re.I)


@dataclass(frozen=True)
class SummaryInput:
    """What the summary is built from.

    Attributes:
        profile: the signed-in customer's profile (``customer_context["profile"]``), else None.
        own_orders: order numbers that are provably the customer's (signed in: theirs;
            anonymous: verified in this conversation); only these are ever named.
        resolutions: every resolution of the customer and of this conversation (newest first or not).
        facts: ``store.read.summary.conversation_facts``.
        messages: the view's message objects (``sender``, ``seq``, ``text``, ``parse``, ``detection``, ...).
        handoff: the view's ``handoff`` (``source``, ``reasons``) or None.
    """

    conversation_id: int
    status: str
    severity: str
    profile: Optional[JSON]
    own_orders: Sequence[str]
    pressing_issue: Optional[JSON]
    resolutions: Sequence[JSON]
    facts: JSON
    messages: Sequence[JSON]
    handoff: Optional[JSON] = None
    bank: Mapping[str, Any] = field(default_factory=dict)

    @property
    def customer_messages(self) -> List[JSON]:
        return [m for m in self.messages if m.get("sender") == "customer"]


def _intent(message: JSON) -> Optional[str]:
    return (message.get("parse") or {}).get("intent")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _order_suffix(order: Optional[str]) -> str:
    return f" #{order}" if order else ""


def primary_intent(policy: AssistPolicy, inp: SummaryInput) -> Optional[str]:
    """The customer's latest intent that says what they want (``wants``)."""
    for message in reversed(inp.customer_messages):
        if _intent(message) in policy.wants:
            return _intent(message)
    return None


def topic_order(inp: SummaryInput) -> Optional[str]:
    """The order the conversation is about: the last one the customer named that is provably
    theirs, else the pressing issue's, else the only one verified in the conversation."""
    own = {str(o) for o in inp.own_orders}
    for message in reversed(inp.customer_messages):
        for entity in (message.get("parse") or {}).get("entities") or []:
            value = str(entity.get("value") or "").lstrip("#")
            if entity.get("entity") == "order_number" and value in own:
                return value
    issue_order = (inp.pressing_issue or {}).get("order")
    if issue_order:
        return str(issue_order)
    verified = list(inp.facts.get("verified_orders") or [])
    return str(verified[-1]) if verified else None


def issue_intent(policy: AssistPolicy, inp: SummaryInput) -> Optional[str]:
    """The intent the pressing issue stands for (``issue_intents``), or None."""
    return policy.issue_intents.get(str(inp.pressing_issue.get("kind"))) if inp.pressing_issue else None


def issue_situation(policy: AssistPolicy, inp: SummaryInput) -> Optional[str]:
    """The phrase-bank situation of the pressing issue, or None."""
    intent = issue_intent(policy, inp)
    return situation_for(inp.bank, [intent]) if intent else None


def situation(policy: AssistPolicy, inp: SummaryInput) -> str:
    """The phrase-bank situation of what they want (said, else suggested by the pressing issue)."""
    return situation_for(inp.bank, [primary_intent(policy, inp) or issue_intent(policy, inp)], inp.severity)


def who(policy: AssistPolicy, inp: SummaryInput) -> JSON:
    """The customer as far as it is proven: a signed-in name, else an anonymous visitor."""
    if inp.profile:
        since = str(inp.profile.get("customer_since") or "")[:4] or "recently"
        key = "who_vip" if inp.profile.get("tier") == "vip" else "who_signed_in"
        return {"verified": True, "name": inp.profile.get("name"),
                "text": policy.line(key, name=inp.profile.get("name"), tier=inp.profile.get("tier"), since=since)}
    verified = list(inp.facts.get("verified_orders") or [])
    text = (policy.line("who_verified", orders=", ".join(f"#{o}" for o in verified)) if verified
            else policy.line("who_anonymous"))
    return {"verified": False, "name": None, "text": text}


def issue_line(policy: AssistPolicy, issue: Optional[JSON]) -> Optional[str]:
    """The pressing issue as the agent reads it (``issues``), or None."""
    if not issue or str(issue.get("kind")) not in policy.issues:
        return None
    fields = {k: ("" if v is None else v) for k, v in issue.items()}
    if isinstance(fields.get("amount"), (int, float)):
        fields["amount"] = f"{fields['amount']:.2f}"
    try:
        return policy.issues[str(issue["kind"])].format(**fields)
    except (KeyError, IndexError):
        return None


def want(policy: AssistPolicy, inp: SummaryInput, order: Optional[str], where: str) -> str:
    """One sentence: who wants what (with the pressing issue when it is about the same thing;
    a guess from the pressing issue when they haven't said)."""
    subject = str(inp.profile.get("first_name") or inp.profile.get("name")) if inp.profile \
        else policy.line("subject_anonymous")
    intent = primary_intent(policy, inp)
    line = issue_line(policy, inp.pressing_issue)
    if intent is None:
        guess = issue_intent(policy, inp)
        if guess in policy.wants and line:
            return policy.line("want_guess", subject=subject, want=policy.wants[guess].format(
                order=_order_suffix(order)), issue=line)
        return policy.line("want", subject=subject, want=policy.want_fallback)
    wanted = policy.wants[intent].format(order=_order_suffix(order))
    if line and issue_situation(policy, inp) == where:
        return policy.line("want_issue", subject=subject, want=wanted, issue=line)
    return policy.line("want", subject=subject, want=wanted)


def done(policy: AssistPolicy, inp: SummaryInput) -> List[str]:
    """What was already done: orders checked, grants, mailed confirmations, tickets, topics answered."""
    out = [policy.line("done_verified", order=o) for o in inp.facts.get("verified_orders") or []]
    for res in inp.facts.get("resolutions") or []:
        out.append(f"{res['text']}{' (order #' + str(res['order']) + ')' if res.get('order') else ''}")
    for conf in inp.facts.get("confirmations") or []:
        out.append(policy.line("done_confirmation", what=policy.confirmations.get(conf["kind"], conf["kind"]),
                               order=conf["order"], state=conf["state"]))
    if inp.facts.get("tickets"):
        out.append(policy.line("done_ticket"))
    answered = _answered_topics(policy, inp)
    if answered:
        out.append(policy.line("done_answered", topics=", ".join(answered)))
    return out


def _answered_topics(policy: AssistPolicy, inp: SummaryInput) -> List[str]:
    """Topics of customer messages the bot replied to (a bot message comes later: the bot is
    silent once a person has the conversation)."""
    last_bot = max((int(m["seq"]) for m in inp.messages if m.get("sender") == "bot"), default=0)
    topics: List[str] = []
    for message in inp.customer_messages:
        topic = policy.topics.get(_intent(message) or "") if _intent(message) in policy.wants else None
        if topic and int(message["seq"]) < last_bot and topic not in topics:
            topics.append(topic)
    return topics


def mood(policy: AssistPolicy, inp: SummaryInput) -> JSON:
    """How the detector's severity moved across the customer's messages.

    ``text``: e.g. "calm → upset at their 2nd message about the late delivery"; ``path``: the
    severity of each scored message; ``now``: the latest; ``peak_reasons``: the reasons of the
    most severe message.
    """
    scored = [m for m in inp.customer_messages if m.get("detection")]
    path = [{"seq": m["seq"], "severity": str(m["detection"].get("severity") or "none")} for m in scored]
    if not path:
        return {"text": "", "path": [], "now": "none", "peak_reasons": []}
    word = policy.moods
    parts = [word.get(path[0]["severity"], path[0]["severity"])]
    seen: Dict[str, int] = {}
    for n, (message, point) in enumerate(zip(scored, path, strict=True), start=1):
        topic = policy.topics.get(_intent(message) or "")
        if topic:
            seen[topic] = seen.get(topic, 0) + 1
        if n > 1 and point["severity"] != path[n - 2]["severity"]:
            feeling = word.get(point["severity"], point["severity"])
            parts.append(policy.line("mood_change", mood=feeling, ordinal=_ordinal(seen[topic]), topic=topic)
                         if topic else policy.line("mood_change_plain", mood=feeling, ordinal=_ordinal(n)))
    text = policy.line("mood_steady", mood=parts[0]) if len(parts) == 1 else " → ".join(parts)
    peak = max(scored, key=lambda m: (severity_rank(str(m["detection"].get("severity"))),
                                      float(m["detection"].get("score") or 0)))
    return {"text": text[0].upper() + text[1:], "path": path, "now": path[-1]["severity"],
            "peak_reasons": [str(r) for r in peak["detection"].get("reasons") or []][:3]}


def waiting_for(policy: AssistPolicy, inp: SummaryInput) -> List[str]:
    """What the customer is waiting for: a person, an answer, a mailed link, a replacement, a fix."""
    out: List[str] = []
    if inp.status in ("queued", "assigned") and inp.handoff:
        reasons = list(inp.handoff.get("reasons") or [])
        out.append(policy.line("wait_person", why=reasons[0] if reasons else inp.handoff.get("source")))
    question = _open_question(inp)
    if question:
        out.append(policy.line("wait_answer", question=question))
    for conf in inp.facts.get("confirmations") or []:
        if conf["state"] == "open":
            out.append(policy.line("wait_confirmation", what=policy.confirmations.get(conf["kind"], conf["kind"]),
                                   order=conf["order"]))
    for res in inp.facts.get("resolutions") or []:
        replacement = (res.get("details") or {}).get("replacement_order")
        if res.get("kind") == "replacement" and replacement:
            out.append(policy.line("wait_replacement", order=replacement))
    line = issue_line(policy, inp.pressing_issue)
    if line:
        out.append(policy.line("wait_issue", issue=line))
    return out


def _open_question(inp: SummaryInput) -> Optional[str]:
    """The bot's last yes/no question when the customer has not answered it since."""
    for message in reversed([m for m in inp.messages if not m.get("private")]):
        if message.get("sender") == "customer":
            return None
        if message.get("sender") != "bot":
            continue
        if "/affirm" not in {q.get("payload") for q in message.get("quick_replies") or []}:
            return None  # the bot's latest word is not a yes/no question
        asks = [s.strip() for s in re.findall(r"[^.!?]*\?", str(message.get("text") or ""))]
        return (asks[-1] if asks else str(message.get("text") or ""))[:160] or None
    return None


def _personal(template: str, first_name: Optional[str]) -> str:
    """Fill ``{name}`` with a signed-in first name, or drop it and its comma."""
    if first_name:
        return template.replace("{name}", first_name)
    text = re.sub(r"^\{name\},\s*", "", template)
    text = re.sub(r",\s*\{name\}", "", text).replace("{name}", "")
    return text[:1].upper() + text[1:]


def recap(policy: AssistPolicy, inp: SummaryInput, where: str, order: Optional[str]) -> Optional[JSON]:
    """The recap sentence (``text``: one not yet sent in this conversation; ``variations``: every one).

    Never a name that is not a signed-in customer's, never the customer's own words, never a
    link: ``about`` is the pressing issue's own wording (``store.read.context``) or the
    designers' line for the situation; ``worry`` is the designers' (urgent when the detector
    heard time pressure).
    """
    block = policy.situation(where)
    issue = inp.pressing_issue
    about = block.about.format(order=_order_suffix(order))
    if issue and issue.get("text") and issue_situation(policy, inp) == where:
        about = str(issue["text"])
    urgent = any(float(((m.get("detection") or {}).get("signals") or {}).get("urgency") or 0) > 0
                 for m in inp.customer_messages)
    worry = block.urgent_worry if urgent else block.worry
    first = str(inp.profile.get("first_name") or "") if inp.profile else None
    variations = [_personal(t, first).format(about=about, worry=worry) for t in policy.recap]
    variations = [v for v in variations if not SECRET_LIKE.search(v)]
    if not variations:
        return None
    sent = [str(m.get("text") or "") for m in inp.messages if m.get("sender") == "agent"]
    fresh = [v for v in variations if v not in sent]
    chosen = fresh[0] if fresh else variations[inp.conversation_id % len(variations)]
    return {"text": chosen, "variations": variations}


def build(policy: AssistPolicy, inp: SummaryInput) -> JSON:
    """The summary (without the next best action, which needs the store: ``handoff.service.views``)."""
    where = situation(policy, inp)
    order = topic_order(inp)
    return {
        "who": who(policy, inp),
        "want": want(policy, inp, order, where),
        "done": done(policy, inp),
        "mood": mood(policy, inp),
        "waiting_for": waiting_for(policy, inp),
        "situation": where,
        "order": order,
        "recap": recap(policy, inp, where, order),
    }
