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
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

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
# Texts the bot really says (domain.yml), so a transcript turns into a test story.
GREETINGS = ("Hi! I'm the shop's support assistant. What can we sort out for you today?",
             "Hey! I'm the support assistant. How can we help today?")
WELCOME = "Happy to help. If anything else comes up, I'm right here."
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


class _Chat:
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
        self.handoff.accepted_by, self.handoff.accepted_at = self.agent.id, self.at
        self._add(Sender.SYSTEM, AGENT_JOINED.format(name=self.agent.display_name), gap=(0, 1))

    def agent_says(self, *texts: str) -> None:
        for text in texts:
            msg = self._add(Sender.AGENT, text, gap=(20, 150), agent_id=self.agent.id)
            if self.conv.first_agent_reply_at is None:
                self.conv.first_agent_reply_at = msg.created_at

    def grant(self, kind: ResolutionKind, amount: str, why: str, by: Actor = Actor.BOT) -> None:
        self.s.add(Resolution(customer_id=self.customer.id, kind=kind, status=ResolutionStatus.GRANTED,
                              amount=Decimal(amount), granted_by=by, agent_id=self.agent.id if by is Actor.AGENT else None,
                              conversation_id=self.conv.id, reason=f"Demo history: {why}", created_at=self.at))

    def resolve(self, disposition: str, csat: Optional[int]) -> None:
        self._add(Sender.SYSTEM, RESOLVED, gap=(30, 240))
        self.conv.status, self.conv.resolved_at, self.conv.disposition = ConversationStatus.RESOLVED, self.at, disposition
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


# --- the scenarios: each writes one conversation -------------------------------------------
def _order_status(c: _Chat) -> None:
    c.customer_says(c.rng.choice(["where is my order?", "hi, has my parcel shipped yet", "tracking for my order pls"]),
                    "order_status")
    c.bot_says("Order #1088 left our Memphis hub this morning and is on schedule for Friday. "
               "You'll get a text from the carrier on the day.")
    c.customer_says(c.rng.choice(["great thanks", "perfect, thank you", "ok thanks"]), "thank")
    c.bot_says(WELCOME)


def _faq(c: _Chat) -> None:
    c.customer_says(c.rng.choice(["what's your return policy", "how long do refunds take",
                                  "do you ship to canada?"]), "faq")
    c.bot_says("You can return anything within 30 days, and the label is on us. Refunds reach your card "
               "5-7 business days after we receive it.")


def _late_credit(c: _Chat) -> None:
    c.customer_says("I paid for overnight shipping and it's two days late, the party is tomorrow", "delivery_late",
                    0.45, ["paid for fast shipping"])
    c.bot_says("It's really frustrating when something you paid to have on time doesn't show up — especially "
               "when it matters.",
               "I've added a $24.99 credit to your account for the overnight shipping, and the parcel is out "
               "for delivery today.")
    c.grant(ResolutionKind.CREDIT, "24.99", "late overnight delivery, shipping credited")
    c.customer_says(c.rng.choice(["ok, thank you", "thanks, that helps"]), "thank")


def _damaged(c: _Chat) -> None:
    c.customer_says(c.rng.choice(["the vase arrived smashed", "my order came broken", "it arrived damaged"]),
                    "item_damaged", 0.42, ["damaged item"])
    c.bot_says("Opening a parcel to find it broken is so disappointing — especially when it's a gift.",
               "Let's put this right at once: a replacement is already on its way, free of charge. No return needed.")
    c.grant(ResolutionKind.REPLACEMENT, "48.00", "damaged on delivery, replacement shipped")


def _wrong_item(c: _Chat) -> None:
    c.customer_says("you sent me the wrong colour blanket", "wrong_item", 0.3)
    c.bot_says("No wonder you're frustrated — that's not what you ordered at all.",
               "I've set up the right one, sage green, as a new order at no cost. Keep the blue one or donate it.")
    c.grant(ResolutionKind.REPLACEMENT, "79.00", "wrong colour delivered, replacement shipped")


def _duplicate(c: _Chat) -> None:
    c.customer_says("why was I charged twice this month?", "billing_issue", 0.4, ["money taken twice"])
    c.bot_says("Money leaving your account when it shouldn't is worrying — you're right to flag it.",
               "I can see two $29.00 charges four minutes apart: the second one is a duplicate, and I've refunded it.")
    c.grant(ResolutionKind.REFUND, "29.00", "duplicate subscription charge refunded")


def _refund_status(c: _Chat) -> None:
    c.customer_says(c.rng.choice(["where is my refund", "still no refund after a week??", "when do I get my money"]),
                    "refund_status", 0.35)
    c.bot_says("Your refund of $38.00 for order #1080 is with the payment provider: refunds take 5-7 business "
               "days to reach your card. It was started on Monday.")
    if c.rng.random() < 0.55:
        c.customer_says("that's what you said last week. this is ridiculous", "complain", 0.78,
                        ["repeated contact", "strong negative words"])
        c.hand_off("detector", ["repeated contact", "strong negative words"], 0.78)
        c.agent_joins()
        c.agent_says("I'm sorry you've had to chase this twice. I've asked the payment team to push it through "
                     "today and added a $10 credit for the trouble.")
        c.grant(ResolutionKind.CREDIT, "10.00", "refund delayed, goodwill credit", by=Actor.AGENT)
        c.resolve("refund_chased", c.rng.choice([3, 4, 4, 5]))
    else:
        c.customer_says("ok", "affirm")


def _setup(c: _Chat) -> None:
    confusing = c.rng.random() < 0.6
    text = c.rng.choice(["this is so confusing, the shopify sync is stuck at 0%",
                         "the setup is confusing and nothing syncs"]) if confusing else \
        c.rng.choice(["how do I connect Shopify?", "how do I set up the integration"])
    c.customer_says(text, "setup_help", 0.35 if confusing else 0.05)
    c.bot_says("To connect Shopify, open Settings > Integrations, paste your API key and press Sync. "
               "The first sync can take up to an hour.")
    if confusing and c.rng.random() < 0.8:
        c.customer_says("I already did that twice. still 0%. I need a person", "request_human", 0.6,
                        ["asked for a person", "repeated attempts"])
        c.hand_off("customer", ["asked for a person"], 0.6)
        c.agent_joins()
        c.agent_says("That sounds exhausting, and thank you for trying it twice. I can see the sync job is stuck "
                     "on a product with no SKU; I've restarted it for you.")
        c.resolve("setup_fixed", c.rng.choice([4, 5, 5]))
    else:
        c.customer_says(c.rng.choice(["ok will try", "thanks"]), "thank")


def _locked(c: _Chat) -> None:
    c.customer_says("I can't log in, it says my account is locked", "account_access", 0.4, ["locked out"])
    c.bot_says("Being locked out of your own account is really frustrating.",
               "I've sent a reset link to the e-mail on your account; it works for the next hour.")
    if c.rng.random() < 0.3:
        c.customer_says("the link doesn't work either", "account_access", 0.55, ["still blocked"])
        c.hand_off("bot", ["reset link did not work"], 0.55)
        c.agent_joins()
        c.agent_says("I'm sorry the link let you down. I've unlocked the account from here: try signing in now.")
        c.resolve("account_unlocked", c.rng.choice([4, 5]))


def _angry_repeat(c: _Chat) -> None:
    c.customer_says("this is the THIRD time I'm contacting you about my delivery", "delivery_late", 0.85,
                    ["repeated contact", "shouting"])
    c.hand_off("detector", ["repeated contact", "shouting"], 0.85)
    c.agent_joins((60, 1500))
    c.agent_says("I'm so sorry you've had to come back three times; that's on us. I've re-sent the parcel by "
                 "express and credited the shipping.")
    c.grant(ResolutionKind.CREDIT, c.rng.choice(["12.99", "24.99"]), "repeat contact about a late delivery",
            by=Actor.AGENT)
    c.resolve("delivery_fixed", c.rng.choice([2, 3, 4, 4, 5]))


def _chargeback(c: _Chat) -> None:
    c.customer_says("if this isn't fixed today I'm filing a chargeback with my bank", "billing_issue", 0.9,
                    ["mentions a chargeback"])
    c.hand_off("high_stakes", ["mentions a chargeback"], 0.9)
    c.agent_joins()
    c.agent_says("I understand why you're ready to go to your bank. Let's fix it now: I've refunded the charge "
                 "in full.")
    c.grant(ResolutionKind.REFUND, "56.00", "disputed charge refunded before a chargeback", by=Actor.AGENT)
    c.resolve("refunded", c.rng.choice([3, 4, 5]))


def _fallback(c: _Chat) -> None:
    c.customer_says("the thing with the thing didnt go thru", "nlu_fallback", 0.1)
    c.bot_says("That one went past me, I'm afraid. Could you rephrase it? If it's easier, I can bring in a person "
               "from our team.")
    c.customer_says("the PAYMENT. didnt go thru. why is this so hard", "nlu_fallback", 0.55,
                    ["strong negative words"])
    if c.rng.random() < 0.6:
        c.hand_off("fallback", ["misunderstood twice"], 0.55)
        c.agent_joins()
        c.agent_says("Sorry for the runaround. I can see the payment was declined by your bank; nothing was taken.")
        c.resolve("explained", c.rng.choice([3, 4, 5]))
    else:
        c.bot_says("I didn't catch what you need there. Is it about an order, a payment, or your account?")


def _person(c: _Chat) -> None:
    c.customer_says(c.rng.choice(["can I talk to a person", "human please", "real agent please"]), "request_human")
    c.hand_off("customer", ["asked for a person"], 0.2)
    c.agent_joins()
    c.agent_says("Hi, I'm here. What can I do for you?", "Done: I've changed the gift message on your order.")
    c.resolve("changed_order", c.rng.choice([4, 5, 5]))


def _cancel(c: _Chat) -> None:
    c.customer_says("please cancel my order", "cancel_order")
    c.bot_says("So we're clear: order #1034 (Walnut Serving Board) gets cancelled and all $54.00 goes back to "
               "you. Shall I go ahead?")
    c.customer_says("yes", "affirm")
    c.bot_says("All done: we've cancelled #1034, and the full $54.00 is being refunded to you.")


#: (scenario, weight, needs a known customer)
SCENARIOS: Sequence[Tuple[Callable[[_Chat], None], int, bool]] = (
    (_order_status, 16, False), (_faq, 10, False), (_late_credit, 6, True), (_damaged, 6, True),
    (_wrong_item, 4, True), (_duplicate, 4, True), (_refund_status, 9, True), (_setup, 12, False),
    (_locked, 6, True), (_angry_repeat, 6, True), (_chargeback, 3, True), (_fallback, 7, False),
    (_person, 6, False), (_cancel, 5, True),
)


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
        chat = _Chat(session, rng, n, start, customer, agents)
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
