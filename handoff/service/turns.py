"""A customer's message: commit, ack, then (in order, per conversation, see ``runner``) the bot turn."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy.orm import Session

from common.phrase_bank import attachment_thanks
from handoff import errors
from handoff import events as ev
from handoff.errors import RasaUnavailable
from handoff.proactive_policy import DISMISS_PREFIX, dismissed_signal
from handoff.rasa_client import forwarded_custom
from handoff.service import handoffs, lookups, proactive, publish, ratelimit, wording
from handoff.service.changes import Event, MessageAdded, StatusChanged
from handoff.service.context import CustomerConn, Service
from handoff.service.decide import (
    HandoffDecision,
    PastTurn,
    TurnFacts,
    decide,
    high_stakes_topics,
    understanding_signals,
)
from handoff.service.idempotent import append_once
from handoff.service.queue import agent_loads, status_payload
from handoff.service.sessions import connection, open_session
from store import conversations as conv_store
from store import followups, turn_claims
from store.models.base import utcnow
from store.models.support import ConversationStatus, Message, Sender

log = logging.getLogger(__name__)
HISTORY = 10
TIMED = ("state", "detector", "before_rasa", "rasa", "store", "emit")
CSAT_PAYLOAD = re.compile(r'^/csat\s*(\{.*\})\s*$')


def check_text(svc: Service, text: Any, field: str = "message") -> str:
    """The message text (customer's or agent's), or a clear error (nothing is stored for a refused one)."""
    if not isinstance(text, str):
        raise errors.InvalidPayload(f"`{field}` must be a string.")
    if not text.strip():
        raise errors.EmptyMessage()
    if len(text) > svc.settings.max_message_chars:
        raise errors.TooLong(f"Messages can be up to {svc.settings.max_message_chars} characters.")
    return text.strip()


async def customer_message(svc: Service, sid: str, text: Any, session_id: Optional[str],
                           client_msg_id: Optional[str], identity_token: Optional[str] = None,
                           address: str = "unknown") -> Dict[str, Any]:
    """Store the message (once per ``client_msg_id``), ack it, answer in the background.

    A socket that sends ``user_uttered`` with a session id but no ``session_request`` first
    (allowed by Rasa's channel) gets its session opened as if it had asked. Messages count
    against ``RATE_LIMIT_MESSAGES`` per identity or client address, across reconnects.
    """
    if session_id and sid not in svc.customers:
        await open_session(svc, sid, session_id, None, identity_token, address)
    conn = connection(svc, sid, session_id)
    text = check_text(svc, text)
    match = CSAT_PAYLOAD.match(text)
    if match:
        csat_payload_score(match.group(1))  # refused here, with a clear error, before anything is stored
    await ratelimit.enforce(svc.limiter, ratelimit.MESSAGES, ratelimit.subject(conn.customer_id, conn.address),
                            svc.settings.limit_messages)
    cid = conn.conversation_id
    from handoff.service import runner

    owner = runner.task_owner(svc)

    def write(s: Session) -> Tuple[Message, Optional[Dict[str, Any]]]:
        # One transaction before the ack: the message, and (when free) the turn claim with what
        # the turn reads, so the turn starts without another round trip (bench/README.md).
        stored = conv_store.append_message(s, cid, Sender.CUSTOMER, text, client_msg_id=client_msg_id)
        return stored, runner.claim_with_state(s, svc, cid, owner, stored)

    started = time.perf_counter()
    (msg, state), duplicate = await append_once(svc, cid, client_msg_id, Sender.CUSTOMER, write,
                                                lambda s, found: (found, None))
    if state is not None:  # else another task holds the claim and answers this message after its own
        first = runner.FirstTurn(owner, msg, state, accept_ms=(time.perf_counter() - started) * 1000)
        svc.spawn(runner.drive(svc, cid, conn, first=first), name=f"turn:{cid}")
    ack = ev.ok(seq=msg.seq, client_msg_id=client_msg_id)
    if duplicate:
        ack["duplicate"] = True
    return ack


def csat_payload_score(raw: str) -> int:
    """The score of a ``/csat{...}`` payload, or ``invalid_payload`` (the rule is ``handoffs.csat_score``)."""
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise errors.InvalidPayload("The rating must look like /csat{\"score\": 5}.") from exc
    if not isinstance(data, dict):
        raise errors.InvalidPayload("The rating must look like /csat{\"score\": 5}.")
    return handoffs.csat_score(data.get("score"))


async def bot_turn(svc: Service, conn: CustomerConn, msg: Message,
                   state: Optional[Dict[str, Any]] = None, accept_ms: Optional[float] = None) -> None:
    """Score the message, then let the state decide who answers (bot, queue notice, agent).

    The caller (``runner.drive``) holds the conversation's turn claim and marks the message
    answered afterwards; the bot's replies are stored together with that mark. ``state``:
    :func:`turn_state`, when the caller read it in the transaction that took the claim;
    ``accept_ms``: how long that transaction (before the ack) took, for the timing line.
    """
    cid = conn.conversation_id
    clock = [time.perf_counter()]  # where a bot turn's time goes: logged once per turn (bench/README.md)
    if state is None:
        state = await svc.run(turn_state, cid, msg.seq)
    clock.append(time.perf_counter())
    if upload_kind(msg) is not None:
        await _attachment_turn(svc, conn, msg, state)
        return
    finding = await _score(svc, msg.text, state)
    clock.append(time.perf_counter())
    status = state["status"]

    if status in (ConversationStatus.QUEUED.value, ConversationStatus.ASSIGNED.value):
        await svc.run(conv_store.update_analysis, msg.id, detection=finding)
        msg.detection = finding
        await publish.publish(svc, [MessageAdded(cid, msg, assignee_id=state["assignee_id"])])
        if status == ConversationStatus.QUEUED.value:
            await _queued_turn(svc, conn, msg, finding, state)
        return

    special = await _special_payload(svc, conn, msg.text, state)
    if special:
        return
    if status == ConversationStatus.RESOLVED.value:
        await svc.run(conv_store.reopen_for_bot, cid)
        await publish.publish(svc, [StatusChanged(cid)])
    await publish.publish(svc, [MessageAdded(cid, msg)])
    text = await proactive.text_for_bot(svc, cid, msg)  # "yes please" to an offer of help is its button
    if text is None:  # a typed "no thanks" to an offer of help: answered by the service
        await svc.run(conv_store.update_analysis, msg.id, detection=finding)
        return
    if state["resume_pending"]:
        await handoffs.resume_bot(svc, cid, conn.session_id)
    metadata: Dict[str, Any] = {"detector": rasa_detector_metadata(svc, finding),
                                "handoff": rasa_handoff_metadata(svc, msg.text, finding, state)}
    if conn.customer_id is not None:
        metadata.update(customer_id=conn.customer_id, identity_token=conn.identity_token)
    if conn.address != "unknown":
        metadata["client_address"] = conn.address
    if state.get("followup"):
        metadata["followup"] = state["followup"]  # the customer came back through a check-in e-mail
    clock.append(time.perf_counter())
    # Every customer socket of the conversation, on any node (the Socket.IO manager's room), sees
    # the assistant typing until its replies are out; ``_rasa_turn`` always says when it stopped.
    await svc.notifier.to_conversation(cid, ev.TYPING, ev.bot_typing(True))
    try:
        await _rasa_turn(svc, conn, msg, text, finding, state, metadata, clock, accept_ms)
    finally:
        await svc.notifier.to_conversation(cid, ev.TYPING, ev.bot_typing(False))


async def _rasa_turn(svc: Service, conn: CustomerConn, msg: Message, text: str, finding: Dict[str, Any],
                     state: Dict[str, Any], metadata: Dict[str, Any], clock: List[float],
                     accept_ms: Optional[float] = None) -> None:
    """Ask Rasa (``text``: what Rasa reads for ``msg``), store and emit its replies, then apply the handoff policy."""
    cid = conn.conversation_id
    try:
        turn = await svc.rasa.send(conn.session_id, text, metadata)
        if turn.paused and not turn.messages:  # a resume that never reached Rasa: retry once
            await svc.rasa.resume(conn.session_id)
            turn = await svc.rasa.send(conn.session_id, text, metadata)
    except RasaUnavailable:
        await svc.run(conv_store.update_analysis, msg.id, detection=finding)
        await handoffs.start_handoff(svc, cid, HandoffDecision("rasa_down", ["The assistant is not answering"],
                                                        finding.get("severity") or "none",
                                                        float(finding.get("score") or 0.0)))
        return

    # Decided before anything is stored, so the handoff opens in the transaction that stores the
    # replies (which may already say a person is coming): a node that dies after it loses neither.
    decision = decide(svc.policy, TurnFacts(text=msg.text, finding=finding, intent=turn.intent,
                                            confidence=turn.confidence, bot_requests=turn.handoff_requests(),
                                            history=state["history"], agent_names=state.get("agent_names", ())))
    visible = turn.visible_messages()
    announced = bool(visible and turn.handoff_requests())

    def store_replies(s: Session) -> Tuple[List[Message], Optional[Tuple[str, List[Event]]]]:
        conv_store.update_analysis(s, msg.id, parse=turn.parse, detection=finding)
        turn_claims.mark_answered(s, msg.id)
        replies = [conv_store.append_message(s, cid, Sender.BOT, text, payload=payload)
                   for m in visible for text, payload in reply_parts(m)]
        if not replies and decision is None:  # every turn gets an answer
            replies = [conv_store.append_message(s, cid, Sender.BOT, wording.no_reply())]
        opened = handoffs.open_handoff(s, svc, cid, decision, announced) if decision is not None else None
        return replies, opened

    clock.append(time.perf_counter())
    replies, opened = await svc.run(store_replies)
    clock.append(time.perf_counter())
    await publish.publish(svc, publish.messages_added(cid, replies))
    clock.append(time.perf_counter())
    phases = [f"{name}_ms={(b - a) * 1000:.1f}" for name, a, b in zip(TIMED, clock[:-1], clock[1:], strict=True)]
    if accept_ms is not None:
        phases.insert(0, f"accept_ms={accept_ms:.1f}")
    log.info("handoff.turn_timing conversation=%s %s", cid, " ".join(phases))
    # When the bot already told the customer a person is coming, the system line only adds the facts.
    await handoffs.announce_handoff(svc, opened)


def rasa_handoff_metadata(svc: Service, text: str, finding: Dict[str, Any], state: Dict[str, Any]) -> Dict[str, Any]:
    """``metadata.handoff`` for Rasa, so the bot's words agree with what the service will do.

    ``agents_online``: people online now; ``coming``: the source of the handoff this message
    brings whatever the bot says (the policy on the words alone, before the intent is known),
    or None; ``misunderstood``: misunderstanding signals in the earlier messages.
    """
    facts = TurnFacts(text=text, finding=finding, history=state["history"], agent_names=state.get("agent_names", ()))
    pre = decide(svc.policy, facts)
    return {"agents_online": state["agents_online"], "coming": pre.source if pre else None,
            "misunderstood": understanding_signals(svc.policy, facts, current=False)}


def rasa_detector_metadata(svc: Service, finding: Dict[str, Any]) -> Dict[str, Any]:
    """``metadata.detector`` for Rasa: the finding, and the topics the handoff policy calls high-stakes."""
    out = {k: finding.get(k) for k in ("score", "severity", "reasons", "topics")}
    out["high_stakes"] = high_stakes_topics(svc.policy, finding)
    return out


async def _attachment_turn(svc: Service, conn: CustomerConn, msg: Message, state: Dict[str, Any]) -> None:
    """A customer's photo or document: the team sees it; while the bot has the chat, it thanks them.

    The file never goes to Rasa (its NLU reads words): the service answers with the phrase
    bank's ``attachment_thanks`` for the conversation's situation (a damaged parcel, ...).
    """
    cid, status = conn.conversation_id, state["status"]
    if status in (ConversationStatus.QUEUED.value, ConversationStatus.ASSIGNED.value):
        await publish.publish(svc, [MessageAdded(cid, msg, assignee_id=state["assignee_id"])])
        if status == ConversationStatus.QUEUED.value:
            await _queued_notice(svc, cid)
        return
    if status == ConversationStatus.RESOLVED.value:
        await svc.run(conv_store.reopen_for_bot, cid)
        await publish.publish(svc, [StatusChanged(cid)])
    await publish.publish(svc, [MessageAdded(cid, msg)])
    text = attachment_thanks(svc.phrase_bank, [t.intent for t in state["history"]], upload_kind(msg) or "file")

    def tx(s: Session) -> Message:
        turn_claims.mark_answered(s, msg.id)
        return conv_store.append_message(s, cid, Sender.BOT, text)

    await publish.publish(svc, [MessageAdded(cid, await svc.run(tx))])


def upload_kind(msg: Message) -> Optional[str]:
    """``image`` or ``file`` for a message that carries a participant's upload, else None."""
    upload = (msg.payload or {}).get("upload")
    return str(upload.get("kind")) if isinstance(upload, dict) else None


async def _queued_turn(svc: Service, conn: CustomerConn, msg: Message, finding: Dict[str, Any],
                       state: Dict[str, Any]) -> None:
    cid = conn.conversation_id
    if state["awaiting_email"] and handoffs.EMAIL.match(msg.text):
        await handoffs.leave_queue(svc, cid, email=msg.text)
        return
    if await _special_payload(svc, conn, msg.text, state):
        return
    decision = decide(svc.policy, TurnFacts(text=msg.text, finding=finding, history=state["history"],
                                            agent_names=state.get("agent_names", ())))
    if decision is not None:
        await handoffs.start_handoff(svc, cid, decision)  # only raises the severity while queued
    await _queued_notice(svc, cid)


async def _queued_notice(svc: Service, cid: int) -> None:
    """The reply to every message while the customer waits (position, rough wait)."""

    def tx(s: Session) -> Message:
        conv = lookups.conversation(s, cid)
        st = status_payload(s, svc.policy, conv)
        return conv_store.append_message(s, cid, Sender.SYSTEM, wording.still_queued(
            st.get("position", 1), st.get("estimated_wait_s"), st.get("agents_online", 0),
            back_at=handoffs.closed_until(svc)))

    await publish.publish(svc, [MessageAdded(cid, await svc.run(tx))])


async def _special_payload(svc: Service, conn: CustomerConn, text: str, state: Dict[str, Any]) -> bool:
    """Rasa-widget buttons the service answers itself: CSAT, follow-up, back to the bot, "No thanks"."""
    cid = conn.conversation_id
    try:
        if text.startswith(DISMISS_PREFIX):
            await proactive.dismiss(svc, cid, dismissed_signal(text))
            return True
        match = CSAT_PAYLOAD.match(text)
        if match:
            await handoffs.rate(svc, cid, csat_payload_score(match.group(1)))
            return True
        if text == "/continue_with_bot" and state["status"] == ConversationStatus.QUEUED.value:
            await handoffs.leave_queue(svc, cid)
            return True
        if text == "/follow_up" and state["status"] == ConversationStatus.QUEUED.value:
            await handoffs.ask_for_email(svc, cid, state.get("customer_email"))
            return True
    except (errors.HandoffError, ValueError, AttributeError) as exc:
        log.info("handoff.payload_ignored text=%r error=%r", text[:40], exc)
    return False


def turn_state(s: Session, cid: int, seq: int) -> Dict[str, Any]:
    """What a turn decides on: the conversation's state and the customer messages before ``seq``."""
    conv = lookups.conversation(s, cid)
    # a file is no words: it never counts as a repeat or a misunderstanding
    earlier = [m for m in conv_store.recent_customer_messages(s, cid, HISTORY + 1)
               if m.seq < seq and upload_kind(m) is None][-HISTORY:]
    customer = conv_store.customer_brief(s, conv.customer_id) or {}
    return {
        "status": conv.status.value,
        "assignee_id": conv.assignee_id,
        "awaiting_email": bool(conv.awaiting_email),
        "resume_pending": bool(conv.resume_pending),
        "agents_online": sum(1 for a in agent_loads(s) if a.online),
        "agent_names": sorted(set(conv_store.agent_names(s).values())),
        "customer_value": customer.get("lifetime_value", 0.0),
        "customer_email": customer.get("email"),
        "waiting_s": (utcnow() - conv.waiting_since).total_seconds() if conv.waiting_since else 0.0,
        "history": [PastTurn(m.text, (m.parse or {}).get("intent", {}).get("name"),
                             (m.parse or {}).get("intent", {}).get("confidence"),
                             (m.detection or {}).get("severity") or "none") for m in earlier],
        "raw_history": [(m.text, m.parse, m.detection) for m in earlier],
        "followup": followups.opened_for(s, cid),
    }


async def _score(svc: Service, text: str, state: Dict[str, Any]) -> Dict[str, Any]:
    """The detector's finding as a dict; a detector failure never loses the message."""
    from handoff.detect import Finding, Turn

    def finding_of(d: Optional[Dict[str, Any]]) -> Optional[Finding]:
        if not d or "score" not in d:
            return None
        return Finding(score=float(d["score"]), severity=str(d.get("severity") or "none"),
                       reasons=list(d.get("reasons") or []), signals=dict(d.get("signals") or {}),
                       topics=list(d.get("topics") or []))

    # a button click ("/nlu_fallback" for "Something else") is never a misunderstood message
    history = [Turn(t, intent=None if t.startswith("/") else (p or {}).get("intent", {}).get("name"),
                    confidence=(p or {}).get("intent", {}).get("confidence"), finding=finding_of(d))
               for t, p, d in state["raw_history"]]
    try:
        finding = await asyncio.get_running_loop().run_in_executor(
            svc.detector_pool, lambda: svc.detector.score_turn(text, history, waiting_s=state["waiting_s"],
                                                               customer_value=state["customer_value"]))
        return dict(finding.to_dict())
    except Exception:  # noqa: BLE001 - the turn goes on without a finding
        log.exception("handoff.detector_failed")
        return {"score": 0.0, "severity": "none", "reasons": [], "topics": []}


def reply_parts(message: Dict[str, Any]) -> List[Tuple[str, Optional[Dict[str, Any]]]]:
    """``(text, payload)`` of each message Rasa's socketio channel emits for one bot message.

    As ``OutputChannel.send_response``: the text (with its buttons), then the custom payload, the
    image and the attachment, each its own message; so each stored reply is one of Rasa's shapes
    (``handoff.events.rasa_body``) and a widget never loses the image of "text + image".
    """
    parts: List[Tuple[str, Optional[Dict[str, Any]]]] = []
    text = str(message.get("text") or "")
    if message.get("buttons"):
        parts.append((text, {"buttons": [{"title": b.get("title"), "payload": b.get("payload")}
                                         for b in message["buttons"]]}))
    elif text:
        parts.append((text, None))
    if forwarded_custom(message):
        parts.append(("", {"custom": message["custom"]["data"]}))
    if message.get("image"):
        parts.append(("", {"attachment": {"type": "image", "payload": {"src": message["image"]}}}))
    if message.get("attachment"):
        parts.append(("", {"attachment": message["attachment"]}))
    return parts
