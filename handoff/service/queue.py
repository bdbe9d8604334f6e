"""Read models of the queue: items for agents, position and wait for customers.

These functions run inside ``Service.run`` (synchronous, on a store session) and only
call store functions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy.orm import Session

from handoff.events import iso
from handoff.hours import back_at
from handoff.policy import HandoffPolicy
from handoff.service.plain_reasons import plain_all
from handoff.service.routing import AgentLoad, estimated_wait_s, priority, sort_queue
from handoff.service.timing import AUTO_RESOLVED, queue_options
from store import agents as agent_store
from store import conversations as conv_store
from store.models.base import utcnow
from store.models.support import AgentStatus, Conversation, ConversationStatus, Sender
from store.read.inbox import labels_of


def agent_loads(session: Session) -> List[AgentLoad]:
    """Every agent's availability and open conversations."""
    counts = conv_store.active_counts(session)
    return [AgentLoad(a.id, a.status == AgentStatus.ONLINE, counts.get(a.id, 0), a.max_concurrent)
            for a in agent_store.list_agents(session)]


def live_priority(session: Session, policy: HandoffPolicy, conv: Conversation,
                  now: Optional[dt.datetime] = None) -> float:
    """The queue priority now: severity, wait and value, never below the priority the
    conversation keeps from an earlier time with a person (``conversations.priority``)."""
    now = now or utcnow()
    customer = conv_store.customer_brief(session, conv.customer_id) or {}
    waiting_s = max((now - (conv.waiting_since or now)).total_seconds(), 0.0)
    live = priority(policy.queue, conv.severity.value, waiting_s, customer.get("lifetime_value", 0.0))
    return max(live, float(conv.priority or 0.0))


def queue_items(session: Session, policy: HandoffPolicy, now: Optional[dt.datetime] = None) -> List[Dict[str, Any]]:
    """Queued conversations: those their agent left first, then highest live priority
    (docs/protocol.md, "Queue item")."""
    now = now or utcnow()
    items = []
    for conv in conv_store.queued_conversations(session):
        customer = conv_store.customer_brief(session, conv.customer_id)
        handoff = conv_store.latest_handoff(session, conv.id)
        last = conv_store.last_message(session, conv.id, Sender.CUSTOMER)
        waiting_s = max((now - (conv.waiting_since or now)).total_seconds(), 0.0)
        severity = conv.severity.value
        items.append({
            "conversation_id": conv.id,
            "session_id": conv.session_id,
            "status": conv.status.value,
            "priority": live_priority(session, policy, conv, now),
            "severity": severity,
            "waiting_since": iso(conv.waiting_since),
            "waiting_s": int(waiting_s),
            "customer": customer,
            "reasons": plain_all(handoff.reasons or []) if handoff else [],
            "source": handoff.source if handoff else None,
            "last_message": last.text if last else None,
            "returned_at": iso(conv.returned_at),
            "labels": labels_of(session, conv.id),
        })
    return sort_queue(items)


def _queued(policy: HandoffPolicy, position: int, reason: Optional[str], loads: List[AgentLoad],
            waiting_s: float = 0.0) -> Dict[str, Any]:
    online = sum(1 for a in loads if a.online)
    room = sum(1 for a in loads if a.has_room)
    wait = estimated_wait_s(policy.queue, position, room, online)
    out = {"status": ConversationStatus.QUEUED.value, "reason": reason, "position": position,
           "estimated_wait_s": wait, "agents_online": online,
           "options": queue_options(policy.waiting, position, wait, waiting_s, online)}
    if not online:  # outside the business hours, when we are back ("at 9:00 tomorrow")
        out["back_at"] = back_at(policy.business_hours, utcnow())
    return out


def status_payload(session: Session, policy: HandoffPolicy, conv: Conversation) -> Dict[str, Any]:
    """The customer's ``handoff_status`` for the conversation's current state."""
    status = conv.status
    out: Dict[str, Any] = {"status": status.value}
    if status == ConversationStatus.ASSIGNED and conv.assignee_id:
        agent = agent_store.get_agent(session, conv.assignee_id)
        out["agent_name"] = agent.display_name if agent else None
    elif status == ConversationStatus.QUEUED:
        ids = [i["conversation_id"] for i in queue_items(session, policy)]
        position = ids.index(conv.id) + 1 if conv.id in ids else 1
        handoff = conv_store.latest_handoff(session, conv.id)
        waiting_s = max((utcnow() - (conv.waiting_since or utcnow())).total_seconds(), 0.0)
        out = _queued(policy, position, "; ".join(plain_all(handoff.reasons or [])) if handoff else None, agent_loads(session),
                      waiting_s)
    elif status == ConversationStatus.RESOLVED:
        out["csat_requested"] = conv.csat is None and conv.disposition != AUTO_RESOLVED
    return out


def queue_snapshot(session: Session, policy: HandoffPolicy
                   ) -> Tuple[List[Dict[str, Any]], List[Tuple[int, Dict[str, Any]]]]:
    """The queue items and every queued customer's ``handoff_status``, from one read of the queue.

    ``status_payload`` per item would rebuild the whole queue for each one (reads growing with
    the square of the queue); here the positions come from the one sorted list.
    """
    items = queue_items(session, policy)
    loads = agent_loads(session)
    statuses = [(item["conversation_id"],
                 _queued(policy, position, "; ".join(item["reasons"]) if item["source"] is not None else None,
                         loads, float(item["waiting_s"])))
                for position, item in enumerate(items, start=1)]
    return items, statuses
