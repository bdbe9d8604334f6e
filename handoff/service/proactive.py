"""Proactive help: a struggle signal from the shop page becomes one offer of help, or nothing.

The rule, in one place: a signal is offered when its count reaches the threshold in
``policy/proactive.yml``, at most once per conversation (a row in ``proactive_offers``, so
every node and a restarted one agree), only while the bot has the conversation (never with an
agent on it, nor while it waits for one), and at most ``RATE_LIMIT_OFFERS`` times per
identity or client address. The service speaks the offer itself, from the policy's text, as a
bot message with Rasa's buttons: its helping buttons send existing intents to Rasa, its
"No thanks" button (``/proactive_dismiss{...}``) is answered here.
"""

from __future__ import annotations

import logging
import random
from typing import Any, Dict, Optional, Tuple, Union

from sqlalchemy.orm import Session

from handoff import errors
from handoff import events as ev
from handoff.proactive_policy import DISMISS_ANSWER, SignalRule
from handoff.service import publish, ratelimit
from handoff.service.changes import MessageAdded
from handoff.service.context import Service
from handoff.service.sessions import connection
from store import conversations as conv_store
from store import proactive as offers_store
from store.models.support import ConversationStatus, Message, Sender

log = logging.getLogger(__name__)

# Why a signal brought no offer (the ack's ``why``).
OFF, BELOW, ALREADY, AGENT, NOT_BOT, LIMITED = ("off", "below_threshold", "already_offered", "agent",
                                                "not_with_bot", "limited")


def refusal(status: ConversationStatus, offered: bool) -> Optional[str]:
    """Why the conversation may not get an offer now, or None when it may."""
    if status == ConversationStatus.ASSIGNED:
        return AGENT
    if status != ConversationStatus.BOT:
        return NOT_BOT
    return ALREADY if offered else None


async def struggle(svc: Service, sid: str, signal: str, count: int, context: Dict[str, Any]) -> Dict[str, Any]:
    """Answer a ``struggle`` report: ``{"ok": true, "offered": true, "seq": n}`` or ``offered: false`` and why.

    Reports count against ``RATE_LIMIT_STRUGGLE`` (``rate_limited`` when over), offers against
    ``RATE_LIMIT_OFFERS`` (no offer, ``why: "limited"``), both per identity or client address.
    """
    conn = connection(svc, sid)
    who = ratelimit.subject(conn.customer_id, conn.address)
    await ratelimit.enforce(svc.limiter, ratelimit.STRUGGLE, who, svc.settings.limit_struggle)
    rule = svc.proactive.signals.get(signal)
    if rule is None:
        return _no(OFF)
    if count < rule.threshold:
        return _no(BELOW)
    cid = conn.conversation_id

    def check(s: Session) -> Optional[str]:
        conv = conv_store.get_conversation(s, cid)
        if conv is None:
            raise errors.NotFound("That conversation no longer exists.")
        return refusal(conv.status, offers_store.find(s, cid, signal) is not None)

    why = await svc.run(check)  # cheap read first: a refused signal never uses up the offer limit
    if why:
        return _no(why)
    if not await svc.limiter.hit(ratelimit.OFFERS, who, svc.settings.limit_offers):
        return _no(LIMITED)
    try:
        made = await svc.run(_offer, cid, signal, count, context, rule)
    except errors.DuplicateWrite:  # another node offered it in the same instant
        return _no(ALREADY)
    if isinstance(made, str):
        return _no(made)
    log.info("handoff.proactive_offer conversation=%s signal=%s count=%s seq=%s", cid, signal, count, made.seq)
    await publish.publish(svc, [MessageAdded(cid, made)])
    return ev.ok(offered=True, seq=made.seq)


def _offer(s: Session, cid: int, signal: str, count: int, context: Dict[str, Any],
           rule: SignalRule) -> Union[str, Message]:
    """The offer and its record in one transaction, under the conversation's row lock."""
    conv = offers_store.lock_conversation(s, cid)
    if conv is None:
        raise errors.NotFound("That conversation no longer exists.")
    why = refusal(conv.status, offers_store.find(s, cid, signal) is not None)
    if why:
        return why
    msg = conv_store.append_message(s, cid, Sender.BOT, random.choice(rule.offers),
                                    payload={"buttons": rule.button_payloads(signal), "proactive": signal})
    offers_store.record_offer(s, cid, signal, count, context, msg.seq)
    return msg


async def dismiss(svc: Service, conversation_id: int, signal: Optional[str]) -> None:
    """"No thanks": a brief acknowledgement, and nothing more is offered for ``signal`` here.

    A dismiss payload naming no known signal is acknowledged all the same (never sent to Rasa).
    """

    def tx(s: Session) -> Tuple[bool, Message]:
        changed = offers_store.dismiss(s, conversation_id, signal) if signal else False
        return changed, conv_store.append_message(s, conversation_id, Sender.BOT, random.choice(svc.proactive.dismissed))

    changed, msg = await svc.run(tx)
    log.info("handoff.proactive_dismissed conversation=%s signal=%s new=%s", conversation_id, signal, changed)
    await publish.publish(svc, [MessageAdded(conversation_id, msg)])


async def text_for_bot(svc: Service, conversation_id: int, msg: Message) -> Optional[str]:
    """What Rasa gets for a customer message, after the offer rules; None when answered here.

    A short typed answer (``typed_answers`` in the policy) to an offer made just before it
    counts as a click: "yes please" is the offer's first helping button, "no thanks" its
    "No thanks". A button's payload marks the offer accepted.
    """
    text = str(msg.text)
    answer = None if text.startswith("/") else svc.proactive.typed_answer(text)
    if answer is not None:
        signal = await svc.run(offers_store.unanswered_offer_at, conversation_id, int(msg.seq) - 1)
        rule = svc.proactive.signals.get(signal) if signal else None
        if signal and rule is not None:
            if answer == DISMISS_ANSWER:
                await dismiss(svc, conversation_id, signal)
                return None
            text = rule.first_help()
    await note_reply(svc, conversation_id, text)
    return text


async def note_reply(svc: Service, conversation_id: int, text: str) -> None:
    """A customer message that is an offer's helping button marks that offer accepted (for reporting)."""
    if not text.startswith("/"):
        return
    for signal, rule in svc.proactive.signals.items():
        if rule.accepts(text) and await svc.run(offers_store.accept, conversation_id, signal):
            log.info("handoff.proactive_accepted conversation=%s signal=%s", conversation_id, signal)


def _no(why: str) -> Dict[str, Any]:
    return ev.ok(offered=False, why=why)
