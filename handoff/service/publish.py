"""Tell clients about committed changes (the only place the service emits)."""

from __future__ import annotations

import logging
from typing import Any, Dict, Iterable, Optional

from handoff import events as ev
from handoff.service.context import Service
from handoff.service.queue import queue_items, status_payload
from store import agents as agent_store
from store import conversations as conv_store
from store.models.support import Message, Sender

log = logging.getLogger(__name__)


async def messages(svc: Service, conversation_id: int, msgs: Iterable[Message], *,
                   agent_name: Optional[str] = None, assignee_id: Optional[int] = None,
                   to_customer: bool = True) -> None:
    """Emit stored messages: ``bot_uttered`` to the customer, ``message`` to agents."""
    for msg in msgs:
        if to_customer and not msg.private and msg.sender != Sender.CUSTOMER:
            await svc.notifier.to_conversation(conversation_id, ev.BOT_UTTERED, ev.bot_uttered(msg, agent_name))
        data = {"conversation_id": conversation_id, "message": ev.message_dict(msg, agent_name, for_agent=True)}
        await svc.notifier.to_conversation_agents(conversation_id, assignee_id, ev.MESSAGE, data)


async def status(svc: Service, conversation_id: int) -> Dict[str, Any]:
    """Emit the conversation's ``handoff_status`` and ``conversation_updated``."""

    def read(s):  # type: ignore[no-untyped-def]
        conv = conv_store.get_conversation(s, conversation_id)
        payload = status_payload(s, svc.policy, conv)
        assignee = agent_store.get_agent(s, conv.assignee_id) if conv.assignee_id else None
        return payload, conv.status.value, (agent_store.agent_dict(assignee) if assignee else None)

    payload, state, assignee = await svc.run(read)
    await svc.notifier.to_conversation(conversation_id, ev.HANDOFF_STATUS, payload)
    await svc.notifier.to_all_agents(ev.CONVERSATION_UPDATED, {"conversation_id": conversation_id,
                                                                "status": state, "assignee": assignee})
    return payload


async def queue(svc: Service) -> None:
    """Send every agent the fresh queue, and every waiting customer their new position."""
    items = await svc.run(queue_items, svc.policy)
    await svc.notifier.to_all_agents(ev.QUEUE, {"items": items})
    for item in items:
        def read(s, cid=item["conversation_id"]):  # type: ignore[no-untyped-def]
            return status_payload(s, svc.policy, conv_store.get_conversation(s, cid))

        payload = await svc.run(read)
        await svc.notifier.to_conversation(item["conversation_id"], ev.HANDOFF_STATUS, payload)


async def agent_state(svc: Service, agent_id: int) -> None:
    """Send an agent their own state (status, open conversations)."""

    def read(s):  # type: ignore[no-untyped-def]
        agent = agent_store.get_agent(s, agent_id)
        return agent_store.agent_dict(agent, conv_store.active_counts(s).get(agent_id, 0))

    await svc.notifier.to_agent(agent_id, ev.AGENT_STATE, {"agent": await svc.run(read)})


async def safely(coro: Any, what: str) -> None:
    """Await a best-effort call (Rasa pause/resume); log, never raise."""
    try:
        await coro
    except Exception as exc:  # noqa: BLE001 - best effort by design
        log.warning("handoff.best_effort_failed what=%s error=%r", what, exc)
