"""Links to attachments, and the one rule of who may open one.

A file is shown with a plain URL (an ``<img src>``, a download link; Rasa widgets can do no
more), so the URL carries the proof: ``/attachments/<id>?access=<grant>``, where the grant is
signed with ``SECRET_KEY`` for one attachment and one viewer, the conversation's customer or
the agents, and expires (``ATTACHMENT_URL_TTL_S``, rounded up to the hour so a link stays the
same, and cacheable, within the hour). Links are minted only in what a participant is sent.
Nothing is kept in memory: any node checks any link.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Dict, Optional

import jwt

from handoff import events as ev
from handoff.service.context import Service

ISSUER = "attachments"
AGENTS = "agents"
ROUND_S = 3600

@dataclass(frozen=True)
class Viewer:
    """Who a grant was minted for: the customer of ``conversation_id``, or (``agent``) any agent."""

    conversation_id: Optional[int] = None
    agent: bool = False

def may_view(attachment_conversation_id: int, viewer: Viewer) -> bool:
    """The access rule: agents see every conversation's files; a customer only their own conversation's."""
    return viewer.agent or (viewer.conversation_id is not None and viewer.conversation_id == attachment_conversation_id)

def grant(secret: str, public_id: str, viewer: Viewer, ttl_s: int, now: Optional[float] = None) -> str:
    """A signed grant to open ``public_id`` as ``viewer`` until about ``ttl_s`` from ``now``."""
    now = time.time() if now is None else now
    expires = int(math.ceil((now + ttl_s) / ROUND_S) * ROUND_S)
    audience = AGENTS if viewer.agent else f"customer:{viewer.conversation_id}"
    return jwt.encode({"iss": ISSUER, "att": public_id, "for": audience, "exp": expires}, secret, algorithm="HS256")

def viewer_of(secret: str, public_id: str, token: Optional[str]) -> Optional[Viewer]:
    """The viewer a valid, unexpired grant for ``public_id`` names, else None."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], issuer=ISSUER)
    except jwt.PyJWTError:
        return None
    if claims.get("att") != public_id:
        return None
    audience = str(claims.get("for") or "")
    if audience == AGENTS:
        return Viewer(agent=True)
    kind, _, cid = audience.partition(":")
    return Viewer(conversation_id=int(cid)) if kind == "customer" and cid.isdigit() else None

def url(svc: Service, public_id: str, viewer: Viewer) -> str:
    """The absolute URL (``PUBLIC_URL``) a viewer opens the attachment with."""
    token = grant(svc.settings.secret_key, public_id, viewer, svc.settings.attachment_url_ttl_s)
    return f"{svc.settings.public_url}/attachments/{public_id}?access={token}"

def _links(svc: Service, viewer: Viewer) -> ev.Link:
    def link(upload: Dict[str, Any]) -> str:
        return url(svc, str(upload.get("id") or ""), viewer)

    return link

def links_for_customer(svc: Service, conversation_id: int) -> ev.Link:
    """URLs of uploads for what the customer of ``conversation_id`` is sent."""
    return _links(svc, Viewer(conversation_id=conversation_id))

def links_for_agents(svc: Service) -> ev.Link:
    """URLs of uploads for what agents are sent."""
    return _links(svc, Viewer(agent=True))
