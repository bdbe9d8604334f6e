"""The handoff state machine: ``bot -> queued -> assigned -> bot | resolved``.

Each function checks the transition and commits it together with the system message that
explains it; the transaction returns its domain events (``handoff.service.changes``), then
Rasa is paused/resumed and ``publish`` emits them (commit first, then emit).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from sqlalchemy.orm import Session

from common.severity import severity_rank
from handoff import errors
from handoff.hours import back_at
from handoff.service import lookups, publish, wording
from handoff.service.changes import (
    AgentChanged,
    Assigned,
    Event,
    MessageAdded,
    Offered,
    QueueChanged,
    StatusChanged,
)
from handoff.service.context import Service
from handoff.service.decide import HandoffDecision
from handoff.service.queue import agent_loads, live_priority, queue_items, status_payload
from handoff.service.routing import available, least_busy, priority
from handoff.service.timing import AUTO_RESOLVED
from store import agents as agent_store
from store import conversations as conv_store
from store import followups
from store import waiting as waiting_store
from store.models.base import utcnow
from store.models.support import (
    AgentStatus,
    Conversation,
    ConversationStatus,
    Message,
    Sender,
    Severity,
)

log = logging.getLogger(__name__)
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")


def closed_until(svc: Service) -> Optional[str]:
    """When the team is back ("at 9:00 tomorrow"), from the business hours; None while open."""
    return back_at(svc.policy.business_hours, utcnow())


def _owned(s: Session, conversation_id: int, agent_id: int) -> Conversation:
    conv = lookups.conversation(s, conversation_id)
    if conv.status != ConversationStatus.ASSIGNED:
        raise errors.InvalidState(f"The conversation is {conv.status.value}, not assigned.")
    if conv.assignee_id != agent_id:
        raise errors.Forbidden()
    return conv


def _agent_name(s: Session, agent_id: Optional[int]) -> str:
    agent = agent_store.get_agent(s, agent_id) if agent_id else None
    return agent.display_name if agent else "Our team"


async def start_handoff(svc: Service, conversation_id: int, decision: HandoffDecision, announced: bool = False) -> None:
    """Queue the conversation for a person, tell the customer honestly, offer it to an agent.

    ``announced``: the bot's reply this turn already said a person is coming, so the system
    message gives only the facts (position, rough wait) instead of saying it again.
    """
    await announce_handoff(svc, await svc.run(open_handoff, svc, conversation_id, decision, announced))


def open_handoff(s: Session, svc: Service, conversation_id: int, decision: HandoffDecision,
                 announced: bool = False) -> Optional[Tuple[str, List[Event]]]:
    """In the caller's transaction: the handoff :func:`start_handoff` starts, and its events.

    A bot turn opens it in the transaction that stores the bot's replies, so a node that dies
    after that commit can't leave a conversation whose reply promised a person with the bot.
    None when the conversation already waits for or is with a person.
    """
    conv = lookups.conversation(s, conversation_id)
    if conv.status in (ConversationStatus.QUEUED, ConversationStatus.ASSIGNED):
        if severity_rank(decision.severity) > severity_rank(conv.severity.value):
            conv.severity = Severity(decision.severity)  # a worse finding while waiting moves it up
        return None
    customer = conv_store.customer_brief(s, conv.customer_id) or {}
    previous = conv_store.last_handler(s, conversation_id)
    # Back again after a person helped: to them when available, else first in line, priority kept.
    kept = float(conv.priority or 0.0) if previous is not None else 0.0
    conv_store.open_handoff(
        s, conversation_id, source=decision.source, reasons=decision.reasons, score=decision.score,
        severity=Severity(decision.severity), returned=previous is not None,
        priority=max(kept, priority(svc.policy.queue, decision.severity, 0.0, customer.get("lifetime_value", 0.0))))
    loads = agent_loads(s)
    named = _agent_named(s, decision.agent_name)
    if named is not None and not conv_store.has_helped(s, named, conversation_id, conv.customer_id):
        named = None  # a name alone doesn't skip the queue: only an agent who helped this customer before
    wanted = named or previous
    if wanted is not None and available(loads, wanted) and conv_store.claim(s, conversation_id, wanted):
        return conv.session_id, _back_with(s, conversation_id, wanted)
    status = status_payload(s, svc.policy, conv)
    if status["agents_online"]:
        text, payload = wording.queued(status["position"], status["estimated_wait_s"], decision.source,
                                      announced=announced), None
        if wanted is not None:
            text = (wording.previous_unavailable(_agent_name(s, wanted)) + " "
                    + wording.queued(status["position"], status["estimated_wait_s"], decision.source,
                                     announced=True))
    else:
        text, payload = (wording.no_agent(decision.source, announced=announced, back_at=closed_until(svc)),
                         {"buttons": wording.NO_AGENT_BUTTONS})
        if wanted is not None:
            text = (wording.previous_unavailable(_agent_name(s, wanted), others_online=False) + " "
                    + wording.no_agent(decision.source, announced=True))
    msg = conv_store.append_message(s, conversation_id, Sender.SYSTEM, text, payload=payload)
    item = next((i for i in queue_items(s, svc.policy) if i["conversation_id"] == conversation_id), None)
    target = least_busy(loads)
    events: List[Event] = [MessageAdded(conversation_id, msg), StatusChanged(conversation_id), QueueChanged()]
    if target is not None and item is not None:
        events.append(Offered(target, conversation_id, item))
    return conv.session_id, events


async def announce_handoff(svc: Service, opened: Optional[Tuple[str, List[Event]]]) -> None:
    """After :func:`open_handoff` committed: pause the bot, then emit (a no-op for None)."""
    if opened is None:
        return
    session_id, events = opened
    await publish.safely(svc.rasa.pause(session_id), "rasa.pause")
    await publish.publish(svc, events)


def _agent_named(s: Session, name: Optional[str]) -> Optional[int]:
    """The agent whose display name the customer used ("Dana"), or None."""
    if not name:
        return None
    wanted = name.strip().lower()
    return next((a.id for a in agent_store.list_agents(s) if a.display_name.strip().lower() == wanted), None)


def _back_with(s: Session, conversation_id: int, agent_id: int) -> List[Event]:
    """The conversation was just claimed for the agent the customer asked for (or had before)."""
    from store.read.inbox import card

    msg = conv_store.append_message(s, conversation_id, Sender.SYSTEM, wording.back_with(_agent_name(s, agent_id)))
    conv = lookups.conversation(s, conversation_id)
    return [MessageAdded(conversation_id, msg, assignee_id=agent_id), StatusChanged(conversation_id), QueueChanged(),
            AgentChanged(agent_id), Assigned(agent_id, conversation_id, card(s, conv))]


async def claim(svc: Service, agent_id: int, conversation_id: int) -> Dict[str, Any]:
    """Atomically give a queued conversation to ``agent_id``; returns the full view."""
    from handoff.service.views import conversation_view

    def tx(s: Session) -> Tuple[Dict[str, Any], List[Event]]:
        conv = lookups.conversation(s, conversation_id)
        agent = lookups.agent(s, agent_id)
        if conv.status == ConversationStatus.ASSIGNED:
            raise errors.AlreadyClaimed()
        if conv.status != ConversationStatus.QUEUED:
            raise errors.InvalidState("This conversation is not waiting for a person.")
        if conv_store.active_counts(s).get(agent_id, 0) >= agent.max_concurrent:
            raise errors.AtCapacity()
        conv_store.set_priority(s, conversation_id, live_priority(s, svc.policy, conv))  # kept if it comes back
        if not conv_store.claim(s, conversation_id, agent_id):
            raise errors.AlreadyClaimed()
        msg = conv_store.append_message(s, conversation_id, Sender.SYSTEM, wording.agent_joined(agent.display_name))
        return conversation_view(s, svc, conversation_id, agent_id), [
            MessageAdded(conversation_id, msg, assignee_id=agent_id), StatusChanged(conversation_id),
            QueueChanged(), AgentChanged(agent_id)]

    view, events = await svc.run(tx)
    await publish.publish(svc, events)
    return view


async def hand_back(svc: Service, agent_id: int, conversation_id: int) -> None:
    """The agent is done; the bot takes over again with the whole context."""

    def tx(s: Session) -> Tuple[str, List[Event]]:
        conv = _owned(s, conversation_id, agent_id)
        conv_store.end_handoff(s, conversation_id, status=ConversationStatus.BOT, outcome="handed_back")
        conv_store.set_flags(s, conversation_id, resume_pending=True)
        msg = conv_store.append_message(s, conversation_id, Sender.SYSTEM,
                                        wording.handed_back(_agent_name(s, agent_id)))
        return conv.session_id, [MessageAdded(conversation_id, msg, assignee_id=agent_id),
                                 StatusChanged(conversation_id), AgentChanged(agent_id)]

    session_id, events = await svc.run(tx)
    await resume_bot(svc, conversation_id, session_id)
    await publish.publish(svc, events)


async def resolve(svc: Service, agent_id: int, conversation_id: int, disposition: str) -> None:
    """Close the conversation and ask the customer how we did."""

    def tx(s: Session) -> Tuple[str, List[Event]]:
        conv = lookups.conversation(s, conversation_id)
        if conv.status == ConversationStatus.ASSIGNED and conv.assignee_id != agent_id:
            raise errors.Forbidden()
        if conv.status not in (ConversationStatus.ASSIGNED, ConversationStatus.QUEUED):
            raise errors.InvalidState("Only a conversation with a person can be resolved.")
        if not waiting_store.claim_close(s, conversation_id, conv.status, conv.assignee_id):
            raise errors.InvalidState("This conversation changed meanwhile; it is no longer open.")
        msg = _close(svc, s, conversation_id, disposition)
        s.refresh(conv)
        return conv.session_id, [MessageAdded(conversation_id, msg, assignee_id=agent_id),
                                 StatusChanged(conversation_id), QueueChanged(), AgentChanged(agent_id)]

    session_id, events = await svc.run(tx)
    await resume_bot(svc, conversation_id, session_id)
    await publish.publish(svc, events)


def _close(svc: Service, s: Session, conversation_id: int, disposition: str, *, ask_csat: bool = True) -> Message:
    """End the handoff as resolved, schedule the check-in, tell the customer (the caller claimed the row)."""
    conv_store.end_handoff(s, conversation_id, status=ConversationStatus.RESOLVED, outcome="resolved",
                           disposition=disposition)
    conv_store.set_flags(s, conversation_id, resume_pending=True, awaiting_email=False)
    followups.schedule(s, conversation_id, followups.HANDOFF, policy=svc.followup_policy())
    if ask_csat:
        return conv_store.append_message(s, conversation_id, Sender.SYSTEM, wording.resolved(),
                                         payload={"buttons": wording.CSAT_BUTTONS})
    return conv_store.append_message(s, conversation_id, Sender.SYSTEM, wording.auto_resolved_customer())


async def auto_resolve(svc: Service, conversation_id: int, agent_id: int, idle_s: float) -> bool:
    """Resolve an assigned conversation its customer left quiet, with a note for the agent.

    The row is claimed (``store.waiting.claim_close``), so when two nodes, or a node and the
    agent, try at once, exactly one resolves it; False when this call was not that one.
    """

    def tx(s: Session) -> Optional[Tuple[str, List[Event]]]:
        if not waiting_store.claim_close(s, conversation_id, ConversationStatus.ASSIGNED, agent_id):
            return None
        conv = lookups.conversation(s, conversation_id)
        note = conv_store.append_message(s, conversation_id, Sender.SYSTEM, wording.auto_resolved_note(idle_s),
                                         private=True)
        msg = _close(svc, s, conversation_id, AUTO_RESOLVED, ask_csat=False)
        return conv.session_id, [MessageAdded(conversation_id, note, assignee_id=agent_id),
                                 MessageAdded(conversation_id, msg, assignee_id=agent_id),
                                 StatusChanged(conversation_id), QueueChanged(), AgentChanged(agent_id)]

    done = await svc.run(tx)
    if done is None:
        return False
    session_id, events = done
    log.info("handoff.auto_resolved conversation=%s agent=%s idle_s=%.0f", conversation_id, agent_id, idle_s)
    await resume_bot(svc, conversation_id, session_id)
    await publish.publish(svc, events)
    return True


async def transfer(svc: Service, agent_id: int, conversation_id: int, to_agent_id: Optional[int]) -> None:
    """Pass the conversation to another agent, or back to the queue when ``to_agent_id`` is None."""

    def tx(s: Session) -> List[Event]:
        _owned(s, conversation_id, agent_id)
        name = _agent_name(s, agent_id)
        if to_agent_id is None:
            conv_store.requeue(s, conversation_id)
            text = wording.requeued(name)
        else:
            target = agent_store.get_agent(s, to_agent_id)
            if target is None:
                raise errors.NotFound("There is no such agent.")
            if to_agent_id == agent_id:
                raise errors.InvalidState("The conversation is already yours.")
            if target.status != AgentStatus.ONLINE:  # nobody would answer, and no sweep would bring it back
                raise errors.InvalidState(f"{target.display_name} is {target.status.value}; transfer to someone "
                                          "online or to the queue.")
            if conv_store.active_counts(s).get(to_agent_id, 0) >= target.max_concurrent:
                raise errors.AtCapacity(f"{target.display_name} already has as many conversations as they can take.")
            conv_store.assign_to(s, conversation_id, to_agent_id)
            text = wording.transferred(name, target.display_name)
        msg = conv_store.append_message(s, conversation_id, Sender.SYSTEM, text)
        item = next((i for i in queue_items(s, svc.policy) if i["conversation_id"] == conversation_id), None)
        target_id = to_agent_id if to_agent_id is not None else least_busy(
            [a for a in agent_loads(s) if a.agent_id != agent_id])
        events: List[Event] = [MessageAdded(conversation_id, msg, assignee_id=to_agent_id, also_to_agent=agent_id),
                               StatusChanged(conversation_id), QueueChanged(), AgentChanged(agent_id)]
        if target_id is not None:
            events.append(AgentChanged(target_id))
            if item is not None:
                events.append(Offered(target_id, conversation_id, item, transferred_from=agent_id))
        return events

    await publish.publish(svc, await svc.run(tx))


async def leave_queue(svc: Service, conversation_id: int, *, email: Optional[str] = None) -> Dict[str, Any]:
    """The customer keeps chatting with the bot, or leaves an e-mail for a follow-up."""
    if email is not None and not EMAIL.match(email.strip()):
        raise errors.InvalidPayload("That doesn't look like an e-mail address.")

    def tx(s: Session) -> Tuple[str, Optional[int], List[Event]]:
        conv = lookups.conversation(s, conversation_id)
        if conv.status != ConversationStatus.QUEUED:
            raise errors.InvalidState("You're not waiting for a person right now.")
        ticket_id = None
        if email is not None:
            last = conv_store.last_message(s, conversation_id, Sender.CUSTOMER)
            ticket = conv_store.create_ticket(s, conversation_id, email.strip(),
                                              summary=(last.text if last else "Follow-up requested")[:500])
            ticket_id = ticket.id
        conv_store.end_handoff(s, conversation_id, status=ConversationStatus.BOT,
                               outcome="follow_up" if email else "continued_with_bot")
        conv_store.set_flags(s, conversation_id, resume_pending=True, awaiting_email=False)
        text = wording.follow_up_recorded(email.strip()) if email else wording.continue_with_bot()
        msg = conv_store.append_message(s, conversation_id, Sender.SYSTEM, text)
        return conv.session_id, ticket_id, [MessageAdded(conversation_id, msg), StatusChanged(conversation_id),
                                            QueueChanged()]

    session_id, ticket_id, events = await svc.run(tx)
    await resume_bot(svc, conversation_id, session_id)
    await publish.publish(svc, events)
    return {"ticket_id": ticket_id} if email else {}


async def ask_for_email(svc: Service, conversation_id: int, known_email: Optional[str]) -> Dict[str, Any]:
    """``/follow_up`` from a button: use the signed-in e-mail, or ask for one."""
    if known_email:
        return await leave_queue(svc, conversation_id, email=known_email)

    def tx(s: Session) -> Message:
        conv_store.set_flags(s, conversation_id, awaiting_email=True)
        return conv_store.append_message(s, conversation_id, Sender.SYSTEM, wording.follow_up_asked())

    msg = await svc.run(tx)
    await publish.publish(svc, [MessageAdded(conversation_id, msg)])
    return {}


def csat_score(score: Any) -> int:
    """A CSAT score as an int 1-5; anything else (1e999, NaN, "5", 2.5, true) is ``invalid_payload``."""
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        raise errors.InvalidPayload("The score must be a whole number from 1 to 5.")
    if isinstance(score, float) and not (math.isfinite(score) and score.is_integer()):
        raise errors.InvalidPayload("The score must be a whole number from 1 to 5.")
    if not 1 <= score <= 5:
        raise errors.InvalidPayload("The score must be a whole number from 1 to 5.")
    return int(score)


async def rate(svc: Service, conversation_id: int, score: Any) -> None:
    """Record the customer's CSAT score (1-5) after a resolution."""
    score = csat_score(score)

    def tx(s: Session) -> Message:
        conv = lookups.conversation(s, conversation_id)
        if conv.resolved_at is None:
            raise errors.InvalidState("There's nothing to rate yet.")
        conv_store.set_csat(s, conversation_id, int(score))
        return conv_store.append_message(s, conversation_id, Sender.SYSTEM, wording.csat_thanks(int(score)))

    await publish.publish(svc, [MessageAdded(conversation_id, await svc.run(tx))])


async def resume_bot(svc: Service, conversation_id: int, session_id: str) -> None:
    """Resume Rasa's tracker; the stored ``resume_pending`` flag (set with the state change)
    is cleared once Rasa took it, else the next bot turn, on any node, retries first."""
    try:
        await svc.rasa.resume(session_id)
    except Exception as exc:  # noqa: BLE001 - retried before the next bot turn
        log.warning("handoff.resume_deferred conversation=%s error=%r", conversation_id, exc)
        return
    await svc.run(conv_store.set_flags, conversation_id, resume_pending=False)


async def return_conversations(svc: Service, find: Callable[[Session], Sequence[Tuple[int, int]]], *,
                               signed_out: bool) -> List[int]:
    """Put conversations their agent left back in the queue, first in line, and tell each customer.

    ``find(session)`` lists ``(conversation_id, agent_id)`` pairs inside the same transaction; each
    moves with one conditional UPDATE (``store.conversations.return_to_queue``), so two nodes
    sweeping at once move (and announce) each conversation once. Returns the ids moved.
    """

    def tx(s: Session) -> Tuple[List[int], List[Event]]:
        moved: List[Tuple[int, int]] = [(cid, aid) for cid, aid in find(s) if conv_store.return_to_queue(s, cid, aid)]
        if not moved:
            return [], []
        leaving = {aid for _, aid in moved}
        loads = [a for a in agent_loads(s) if a.agent_id not in leaving]
        online = sum(1 for a in loads if a.online)
        events: List[Event] = []
        for cid, aid in moved:
            text = wording.agent_left(_agent_name(s, aid), signed_out, online)
            msg = conv_store.append_message(s, cid, Sender.SYSTEM, text,
                                            payload=None if online else {"buttons": wording.NO_AGENT_BUTTONS})
            events += [MessageAdded(cid, msg, also_to_agent=aid), StatusChanged(cid)]
        events += [QueueChanged(), *[AgentChanged(a) for a in sorted(leaving)]]
        target = least_busy(loads)
        if target is not None:
            items = {i["conversation_id"]: i for i in queue_items(s, svc.policy)}
            events += [Offered(target, cid, items[cid]) for cid, _ in moved if cid in items]
        return [cid for cid, _ in moved], events

    moved, events = await svc.run(tx)
    await publish.publish(svc, events)
    if moved:
        log.info("handoff.returned_to_queue conversations=%s signed_out=%s", moved, signed_out)
    return moved


async def return_stranded(svc: Service) -> List[int]:
    """Conversations of agents offline for longer than ``AGENT_OFFLINE_GRACE_S`` go back to the queue."""
    from store.models.base import utcnow

    cutoff = utcnow() - dt.timedelta(seconds=svc.settings.agent_offline_grace_s)
    return await return_conversations(svc, lambda s: conv_store.stranded(s, cutoff), signed_out=False)


async def return_stuck(svc: Service, agent_id: int, conversation_id: int) -> Dict[str, Any]:
    """Any agent (the lead, looking at the ``stuck`` list) returns a conversation whose agent is
    offline to the queue now, without waiting for the grace; an online agent's stays theirs."""
    from store.models.support import AgentStatus

    def find(s: Session) -> List[Tuple[int, int]]:
        conv = lookups.conversation(s, conversation_id)
        if conv.status != ConversationStatus.ASSIGNED or conv.assignee_id is None:
            raise errors.InvalidState("Only an assigned conversation can be returned to the queue.")
        assignee = agent_store.get_agent(s, conv.assignee_id)
        if assignee is not None and assignee.status != AgentStatus.OFFLINE:
            raise errors.Forbidden(f"{assignee.display_name} is still here: ask them to transfer it.")
        return [(conversation_id, int(conv.assignee_id))]

    return {"returned": await return_conversations(svc, find, signed_out=False)}
