"""The team's canned replies: list, add, edit, delete (any signed-in agent).

The transport checks the agent's token (``agents.agent_of``) and calls one function here;
every change is committed, then every agent console (on every node, through the Socket.IO
manager) gets the new list (``canned_replies``) and refreshes its open conversation.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional

from handoff import errors
from handoff import events as ev
from handoff.service.context import Service
from handoff.service.turns import check_text
from store import canned as canned_store
from store import errors as store_errors

SHORTCUT = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
MAX_TITLE = 80


def _shortcut(value: Any) -> str:
    if not isinstance(value, str):
        raise errors.InvalidPayload("`shortcut` must be text, like /late.")
    shortcut = value.strip().lstrip("/").lower()
    if not SHORTCUT.fullmatch(shortcut):
        raise errors.InvalidPayload("A shortcut is 1-32 letters, digits, - or _ (like /late), with no spaces.")
    return shortcut


def _title(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise errors.InvalidPayload("Give the reply a short title, so the team can find it.")
    if len(value.strip()) > MAX_TITLE:
        raise errors.InvalidPayload(f"A title can be up to {MAX_TITLE} characters.")
    return value.strip()


def _id(value: Any) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise errors.InvalidPayload("`id` must be a positive integer.")
    return value


async def list_canned(svc: Service) -> Dict[str, Any]:
    return ev.ok(items=await svc.run(canned_store.list_canned))


async def save(svc: Service, agent_id: int, data: Mapping[str, Any]) -> Dict[str, Any]:
    """Add a canned reply (no ``id``) or change one; the text follows the agent-message rules."""
    canned_id = _id(data.get("id"))
    shortcut, title = _shortcut(data.get("shortcut")), _title(data.get("title"))
    text = check_text(svc, data.get("text"), "text")
    try:
        item = await svc.run(canned_store.save_canned, shortcut=shortcut, title=title, text=text,
                             agent_id=agent_id, canned_id=canned_id)
    except store_errors.InvalidInput as exc:
        raise errors.InvalidPayload(exc.message) from exc
    except store_errors.NotFound as exc:
        raise errors.NotFound(exc.message) from exc
    except errors.DuplicateWrite as exc:  # two agents took the same new shortcut at once
        raise errors.InvalidPayload(f"The shortcut /{shortcut} is already taken; pick another one.") from exc
    await _announce(svc)
    return ev.ok(item=item)


async def delete(svc: Service, data: Mapping[str, Any]) -> Dict[str, Any]:
    canned_id = _id(data.get("id"))
    if canned_id is None:
        raise errors.InvalidPayload("`id` is required.")
    try:
        await svc.run(canned_store.delete_canned, canned_id)
    except store_errors.NotFound as exc:
        raise errors.NotFound(exc.message) from exc
    await _announce(svc)
    return ev.ok()


async def _announce(svc: Service) -> None:
    items = await svc.run(canned_store.list_canned)
    await svc.notifier.to_all_agents(ev.CANNED_REPLIES, {"items": items})
