"""Tell clients about committed changes: the one place domain events become emits."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Sequence, Tuple

from sqlalchemy.orm import Session

from handoff import events as ev
from handoff.service import lookups
from handoff.service.attachment_links import links_for_agents, links_for_customer
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
from handoff.service.plain_reasons import for_agents
from handoff.service.queue import queue_snapshot, status_payload
from store import agents as agent_store
from store import conversations as conv_store
from store.models.support import Sender

log = logging.getLogger(__name__)


async def publish(svc: Service, events: Sequence[Event]) -> None:
    """Emit what ``events`` describe, in order; the queue is read once however often it changed.

    Repeated status, queue and agent events collapse into their first place in the list.
    """
    seen: set = set()
    for event in events:
        key = None if isinstance(event, (MessageAdded, Offered, Assigned)) else event
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        await _emit(svc, event)


async def _emit(svc: Service, event: Event) -> None:
    if isinstance(event, MessageAdded):
        await _message(svc, event)
    elif isinstance(event, StatusChanged):
        await _status(svc, event.conversation_id)
    elif isinstance(event, QueueChanged):
        await _queue(svc)
    elif isinstance(event, AgentChanged):
        await _agent_state(svc, event.agent_id)
    elif isinstance(event, Offered):
        data: Dict[str, Any] = {"conversation_id": event.conversation_id, "item": event.item}
        if event.transferred_from is not None:
            data["transferred_from"] = event.transferred_from
        await svc.notifier.to_agent(event.agent_id, ev.HANDOFF_OFFERED, data)
    elif isinstance(event, Assigned):
        await svc.notifier.to_agent(event.agent_id, ev.CONVERSATION_ASSIGNED,
                                    {"conversation_id": event.conversation_id, "item": event.item,
                                     "reason": event.reason})


async def _message(svc: Service, event: MessageAdded) -> None:
    msg, cid = event.message, event.conversation_id
    if not msg.private and msg.sender != Sender.CUSTOMER:
        await svc.notifier.to_conversation(cid, ev.BOT_UTTERED,
                                           ev.bot_uttered(msg, event.agent_name, links_for_customer(svc, cid)))
    data = {"conversation_id": cid,
            "message": for_agents(ev.message_dict(msg, event.agent_name, for_agent=True,
                                                     link=links_for_agents(svc)))}
    await svc.notifier.to_conversation_agents(cid, event.assignee_id, ev.MESSAGE, data)
    if event.also_to_agent is not None:
        await svc.notifier.to_agent(event.also_to_agent, ev.MESSAGE, data)


async def _status(svc: Service, conversation_id: int) -> None:
    """The conversation's ``handoff_status`` and ``conversation_updated``."""

    def read(s: Session) -> Tuple[Dict[str, Any], str, Any]:
        conv = lookups.conversation(s, conversation_id)
        payload = status_payload(s, svc.policy, conv)
        assignee = agent_store.get_agent(s, conv.assignee_id) if conv.assignee_id else None
        return payload, conv.status.value, (agent_store.agent_dict(assignee) if assignee else None)

    payload, state, assignee = await svc.run(read)
    await svc.notifier.to_conversation(conversation_id, ev.HANDOFF_STATUS, payload)
    await svc.notifier.to_all_agents(ev.CONVERSATION_UPDATED, {"conversation_id": conversation_id,
                                                                "status": state, "assignee": assignee})


async def _queue(svc: Service) -> None:
    """Every agent gets the fresh queue, every waiting customer their position (one read)."""
    items, statuses = await svc.run(queue_snapshot, svc.policy)
    await svc.notifier.to_all_agents(ev.QUEUE, {"items": items})
    for cid, payload in statuses:
        await svc.notifier.to_conversation(cid, ev.HANDOFF_STATUS, payload)


async def _agent_state(svc: Service, agent_id: int) -> None:
    def read(s: Session) -> Dict[str, Any]:
        agent = lookups.agent(s, agent_id)
        return agent_store.agent_dict(agent, conv_store.active_counts(s).get(agent_id, 0))

    await svc.notifier.to_agent(agent_id, ev.AGENT_STATE, {"agent": await svc.run(read)})


def messages_added(conversation_id: int, msgs: Sequence[Any], **fields: Any) -> List[Event]:
    """One ``MessageAdded`` per stored message."""
    return [MessageAdded(conversation_id, m, **fields) for m in msgs]


async def safely(coro: Any, what: str) -> None:
    """Await a best-effort call (Rasa pause/resume); log, never raise."""
    try:
        await coro
    except Exception as exc:  # noqa: BLE001 - best effort by design
        log.warning("handoff.best_effort_failed what=%s error=%r", what, exc)
