"""Demo history: a few hundred past conversations, so the insights page has something to show.

Built from the demo scenarios (order questions the bot answers alone, late-delivery credits,
damaged and wrong items replaced, duplicate charges refunded, set-up confusion and angry
repeat contacts handed to a person, resolutions with CSAT, a few reopened) and marked as
demo data: every session id starts with ``demo-history-`` and every grant's reason with
"Demo history:". Deterministic for a given ``now`` (a fixed random seed).

Only the customers no scenario or test relies on (Chloe, Isabella, James) or anonymous
visitors take part; everything is at least an hour old and closed: resolved, or back with
the bot. Nothing is queued or assigned, so the live queue stays empty.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.demo_scenarios import SCENARIOS
from store.models import (
    Actor,
    Agent,
    Conversation,
    ConversationStatus,
    Customer,
    Handoff,
    Message,
    Resolution,
    ResolutionKind,
    ResolutionStatus,
    Sender,
    Severity,
)

PREFIX = "demo-history-"
CONVERSATIONS = 320
DAYS = 90
SEED = 13
EMAILS = ("chloe@example.com", "isabella@example.com", "james@example.com")
AGENT_JOINED = "{name} from our support team has joined and can see everything you've written."
# The bot's greetings (domain.yml), so a transcript turns into a test story.
GREETINGS = ("Hi! I'm the shop's support assistant. What can we sort out for you today?",
             "Hey! I'm the support assistant. How can we help today?")
RESOLVED = "Thanks for sticking with us through this. How did we do? (1 = poor, 5 = great)"
HANDOFF_LEAD = {
    "customer": "Of course. I'm bringing in a person from our support team now.",
    "detector": "I can hear how frustrating this has been, and you deserve a person on it. "
                "I'm bringing in someone from our support team now.",
    "high_stakes": "This needs a person's attention, so I'm bringing in someone from our support team now.",
    "bot": "I'm bringing in a person from our support team who can sort this out with you.",
    "fallback": "I'm sorry I keep missing what you need. I'm bringing in a person from our support team.",
}


def is_demo_session(session_id: Optional[str]) -> bool:
    """Whether a conversation is generated demo history."""
    return bool(session_id) and str(session_id).startswith(PREFIX)


class Chat:
    """One conversation being written: messages, handoff, grants, resolution."""

    def __init__(self, s: Session, rng: random.Random, n: int, start: dt.datetime, customer: Optional[Customer],
                 agents: Sequence[Agent]) -> None:
        self.s, self.rng, self.at, self.customer, self.agents = s, rng, start, customer, agents
        self.conv = Conversation(session_id=f"{PREFIX}{n:04d}", customer_id=customer.id if customer else None,
                                 status=ConversationStatus.BOT, created_at=start, updated_at=start)
        s.add(self.conv)
        s.flush()
        self.seq = 0
        self.handoff: Optional[Handoff] = None
        self.agent: Optional[Agent] = None

    def _add(self, sender: Sender, text: str, gap: Tuple[int, int] = (8, 60), **extra: object) -> Message:
        self.at += dt.timedelta(seconds=self.rng.randint(*gap))
        self.seq += 1
        msg = Message(conversation_id=self.conv.id, seq=self.seq, sender=sender, text=text, created_at=self.at,
                      **extra)
        self.s.add(msg)
        self.conv.last_seq, self.conv.updated_at = self.seq, self.at
        return msg

    def customer_says(self, text: str, intent: str, score: float = 0.05, reasons: Sequence[str] = ()) -> None:
        severity = "severe" if score >= 0.7 else "elevated" if score >= 0.4 else "none"
        self._add(Sender.CUSTOMER, text, gap=(15, 90),
                  parse={"intent": {"name": intent, "confidence": round(self.rng.uniform(0.72, 0.99), 3)}},
                  detection={"score": score, "severity": severity, "reasons": list(reasons), "signals": {},
                             "topics": []})

    def bot_says(self, *texts: str) -> None:
        for text in texts:
            self._add(Sender.BOT, text, gap=(1, 3))

    def hand_off(self, source: str, reasons: Sequence[str], score: float) -> None:
        severity = Severity.SEVERE if score >= 0.7 else Severity.ELEVATED if score >= 0.4 else Severity.NONE
        self._add(Sender.SYSTEM, HANDOFF_LEAD[source] + " They'll see this whole conversation, so you won't need "
                  "to repeat anything.", gap=(1, 2))
        self.handoff = Handoff(conversation_id=self.conv.id, source=source, reasons=list(reasons), score=score,
                               severity=severity, requested_at=self.at)
        self.conv.severity = severity
        self.s.add(self.handoff)

    def agent_joins(self, wait: Tuple[int, int] = (40, 900)) -> None:
        self.agent = self.rng.choice(self.agents)
        self.at += dt.timedelta(seconds=self.rng.randint(*wait))
        assert self.handoff is not None, "agent_joins() follows hand_off()"
        self.handoff.accepted_by, self.handoff.accepted_at = self.agent.id, self.at
        self._add(Sender.SYSTEM, AGENT_JOINED.format(name=self.agent.display_name), gap=(0, 1))

    def agent_says(self, *texts: str) -> None:
        assert self.agent is not None, "agent_says() follows agent_joins()"
        for text in texts:
            msg = self._add(Sender.AGENT, text, gap=(20, 150), agent_id=self.agent.id)
            if self.conv.first_agent_reply_at is None:
                self.conv.first_agent_reply_at = msg.created_at

    def grant(self, kind: ResolutionKind, amount: str, why: str, by: Actor = Actor.BOT) -> None:
        assert self.customer is not None, "grants belong to a known customer"
        assert by is Actor.BOT or self.agent is not None, "an agent's grant follows agent_joins()"
        self.s.add(Resolution(customer_id=self.customer.id, kind=kind, status=ResolutionStatus.GRANTED,
                              amount=Decimal(amount), granted_by=by, agent_id=self.agent.id if by is Actor.AGENT and self.agent else None,
                              conversation_id=self.conv.id, reason=f"Demo history: {why}", created_at=self.at))

    def resolve(self, disposition: str, csat: Optional[int]) -> None:
        self._add(Sender.SYSTEM, RESOLVED, gap=(30, 240))
        self.conv.status, self.conv.resolved_at, self.conv.disposition = ConversationStatus.RESOLVED, self.at, disposition
        if self.handoff is not None:
            self.handoff.ended_at, self.handoff.outcome = self.at, "resolved"
        if csat is not None:
            self._add(Sender.SYSTEM, "Thank you for letting us know." if csat > 2 else
                      "Thank you for telling us. We clearly didn't get this right, and we'll look at what went wrong.",
                      gap=(5, 40))
            self.conv.csat = csat

    def reopen(self, now: dt.datetime) -> None:
        """The customer writes again a few days after the resolution; the bot takes it."""
        later = self.at + dt.timedelta(days=self.rng.randint(1, 5), hours=self.rng.randint(0, 12))
        if later >= now - dt.timedelta(hours=1):
            return
        self.at = later
        self.customer_says("it happened again, the same problem as last time", "complain", 0.45,
                           ["repeated problem"])
        self.bot_says("I'm so sorry it's happened again. Let's look at it together: is it the same order as before?")
        self.conv.status = ConversationStatus.BOT


def add_history(session: Session, now: dt.datetime, count: int = CONVERSATIONS) -> int:
    """Write ``count`` demo conversations over the ``DAYS`` before ``now``; returns how many."""
    rng = random.Random(SEED)
    customers: Dict[str, Customer] = {c.email: c for c in session.execute(
        select(Customer).where(Customer.email.in_(EMAILS))).scalars()}
    agents: List[Agent] = list(session.execute(select(Agent).order_by(Agent.id)).scalars())
    if not customers or not agents:
        return 0
    known = [customers[e] for e in EMAILS if e in customers]
    weights = [w for _, w, _ in SCENARIOS]
    starts = sorted(now - dt.timedelta(hours=2) - dt.timedelta(seconds=rng.randint(0, DAYS * 86400))
                    for _ in range(count))
    for n, start in enumerate(starts, 1):
        scenario, _, needs_customer = rng.choices(SCENARIOS, weights=weights)[0]
        customer = rng.choice(known) if needs_customer or rng.random() < 0.3 else None
        chat = Chat(session, rng, n, start, customer, agents)
        if rng.random() < 0.5:
            chat.customer_says(rng.choice(["hi", "hello", "hey there"]), "greet")
            chat.bot_says(rng.choice(GREETINGS))
        scenario(chat)
        if chat.conv.status is ConversationStatus.RESOLVED and rng.random() < 0.12:
            chat.reopen(now)
        if chat.handoff is not None and chat.handoff.ended_at is None:
            chat.handoff.ended_at, chat.handoff.outcome = chat.at, "handed_back"
        session.flush()
    return count
