"""The shared team inbox: views, search and filters, labels, and the team for the transfer picker.

Reads go through ``store.read.inbox``; the queue view keeps the queue's own order
(``handoff.service.queue``). Any agent may see every view, the ``stuck`` list included (the
team has no supervisor role: a small team's lead is one of its agents).
"""

from __future__ import annotations

import math
import re
from typing import Any, Dict, List, Optional

from sqlalchemy.orm import Session

from handoff import errors
from handoff import events as ev
from handoff.service import lookups, publish
from handoff.service.changes import QueueChanged
from handoff.service.context import Service
from handoff.service.queue import agent_loads, queue_items
from store import agents as agent_store
from store import conversations as conv_store
from store import presence
from store.models.support import ConversationStatus
from store.read import inbox as inbox_store

LABEL = re.compile(r"^[a-z0-9][a-z0-9 _-]{0,39}$")
MAX_SEARCH_CHARS = 200


def parse_query(data: Dict[str, Any]) -> inbox_store.InboxQuery:
    """The ``inbox`` payload as a query, or ``invalid_payload`` naming the bad field."""
    view = data.get("view", "mine")
    if view not in inbox_store.VIEWS:
        raise errors.InvalidPayload(f"`view` must be one of {', '.join(inbox_store.VIEWS)}.")
    text = data.get("q")
    if text is not None and (not isinstance(text, str) or len(text) > MAX_SEARCH_CHARS):
        raise errors.InvalidPayload(f"`q` must be text of at most {MAX_SEARCH_CHARS} characters.")
    choices = {"severity": inbox_store.SEVERITIES, "status": inbox_store.STATUSES}
    picked: Dict[str, Optional[str]] = {}
    for key, allowed in choices.items():
        value = data.get(key) or None
        if value is not None and value not in allowed:
            raise errors.InvalidPayload(f"`{key}` must be one of {', '.join(allowed)}.")
        picked[key] = value
    label = data.get("label") or None
    if label is not None:
        label = normal_label(label)
    ages: Dict[str, Optional[float]] = {}
    for key in ("min_age_s", "max_age_s"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value) or value < 0):
            raise errors.InvalidPayload(f"`{key}` must be a number of seconds (0 or more).")
        ages[key] = float(value) if value is not None else None
    limit = data.get("limit", 50)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise errors.InvalidPayload("`limit` must be a positive whole number.")
    return inbox_store.InboxQuery(view=view, text=text.strip() if text else None, label=label, limit=limit,
                                  severity=picked["severity"], status=picked["status"], **ages)


def normal_label(value: Any) -> str:
    """A label's one form: trimmed, lower case, 1-40 of ``a-z 0-9 space _ -``."""
    if not isinstance(value, str):
        raise errors.InvalidPayload("`label` must be text.")
    label = " ".join(value.strip().lower().split())
    if not LABEL.match(label):
        raise errors.InvalidPayload("A label is 1-40 letters, digits, spaces, '-' or '_'.")
    return label


async def inbox(svc: Service, agent_id: int, data: Dict[str, Any]) -> Dict[str, Any]:
    """One inbox view: ``{"view", "items", "counts", "labels"}`` (docs/protocol.md, "Inbox")."""
    query = parse_query(data)

    def read(s: Session) -> Dict[str, Any]:
        items = inbox_store.search_inbox(s, agent_id, query)
        if query.view == "unassigned":  # the queue's order: returned first, then live priority
            order = {i["conversation_id"]: (n, i["priority"]) for n, i in enumerate(queue_items(s, svc.policy))}
            items.sort(key=lambda c: order.get(c["conversation_id"], (len(order), 0.0))[0])
            for item in items:
                item["priority"] = order.get(item["conversation_id"], (0, None))[1]
        return {"view": query.view, "items": items, "counts": inbox_store.view_counts(s, agent_id),
                "labels": inbox_store.known_labels(s)}

    return ev.ok(**await svc.run(read))


async def team(svc: Service, agent_id: int) -> Dict[str, Any]:
    """Every agent with status, open conversations and room: the transfer picker's list."""

    def read(s: Session) -> List[Dict[str, Any]]:
        loads = {a.agent_id: a for a in agent_loads(s)}
        live = presence.live_agent_ids(s, svc.presence_since())
        out = []
        for agent in agent_store.list_agents(s):
            load = loads[agent.id]
            out.append({**agent_store.agent_dict(agent, load.active), "connected": agent.id in live,
                        "has_room": load.has_room, "me": agent.id == agent_id})
        return out

    return ev.ok(agents=await svc.run(read))


async def set_label(svc: Service, agent_id: int, conversation_id: int, label: Any, add: bool) -> Dict[str, Any]:
    """Add or remove a label (any agent); every agent hears ``labels_changed``."""
    name = normal_label(label)

    def tx(s: Session) -> Dict[str, Any]:
        conv = lookups.conversation(s, conversation_id)
        changed = (conv_store.add_label(s, conversation_id, name, agent_id) if add
                   else conv_store.remove_label(s, conversation_id, name))
        return {"changed": changed, "labels": inbox_store.labels_of(s, conversation_id),
                "queued": conv.status == ConversationStatus.QUEUED}

    done = await svc.run(tx)
    await svc.notifier.to_all_agents(ev.LABELS_CHANGED, {"conversation_id": conversation_id,
                                                         "labels": done["labels"]})
    if done["queued"] and done["changed"]:
        await publish.publish(svc, [QueueChanged()])  # queue cards show labels
    return ev.ok(labels=done["labels"], changed=done["changed"])
