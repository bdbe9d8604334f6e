"""Event names and payload builders of both Socket.IO namespaces (docs/protocol.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Sequence

from store.models.support import Message, Sender

CUSTOMER_NS = "/"
AGENT_NS = "/agent"

# Events the service emits (docs/protocol.md). Inbound events are the ``on_<event>`` methods of
# handoff/transport/customer.py and agent.py, so their names are not repeated here.
# Customer namespace (Rasa's socketio channel names first).
SESSION_CONFIRM = "session_confirm"
SESSION_REJECTED = "session_rejected"
BOT_UTTERED = "bot_uttered"
HANDOFF_STATUS = "handoff_status"
TRANSCRIPT = "transcript"
TYPING = "typing"  # both namespaces

# Agent namespace.
AGENT_STATE = "agent_state"
QUEUE = "queue"
HANDOFF_OFFERED = "handoff_offered"
MESSAGE = "message"
CONVERSATION_UPDATED = "conversation_updated"

AGENTS_ROOM = "agents"


def conversation_room(conversation_id: int) -> str:
    """Room of the customer sockets of one conversation (customer namespace)."""
    return f"conv:{conversation_id}"


def watchers_room(conversation_id: int) -> str:
    """Room of the agent sockets watching one conversation (agent namespace)."""
    return f"watch:{conversation_id}"


def agent_room(agent_id: int) -> str:
    """Room of every socket of one agent (agent namespace)."""
    return f"agent:{agent_id}"


def iso(value: Optional[dt.datetime]) -> Optional[str]:
    """UTC ISO-8601 with a ``Z``, or None."""
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


def quick_replies(buttons: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Rasa socketio's ``quick_replies`` from Rasa buttons."""
    return [{"content_type": "text", "title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in buttons]


def message_dict(msg: Message, agent_name: Optional[str] = None, *, for_agent: bool = False) -> Dict[str, Any]:
    """A transcript message (docs/protocol.md, "Message object")."""
    payload = msg.payload or {}
    sender = msg.sender.value if isinstance(msg.sender, Sender) else str(msg.sender)
    out: Dict[str, Any] = {
        "seq": msg.seq,
        "sender": sender,
        "text": msg.text,
        "created_at": iso(msg.created_at),
        "agent_name": agent_name,
        "client_msg_id": msg.client_msg_id,
    }
    out.update(_extras(payload))
    if for_agent:
        out["private"] = bool(msg.private)
        out["detection"] = msg.detection
        out["parse"] = _short_parse(msg.parse)
    return out


def bot_uttered(msg: Message, agent_name: Optional[str] = None) -> Dict[str, Any]:
    """The ``bot_uttered`` payload of a bot, agent or system message."""
    payload = msg.payload or {}
    sender = msg.sender.value if isinstance(msg.sender, Sender) else str(msg.sender)
    out: Dict[str, Any] = {"text": msg.text, **_extras(payload)}
    meta: Dict[str, Any] = {"sender": sender, "seq": msg.seq}
    if agent_name:
        meta["agent_name"] = agent_name
    out["metadata"] = meta
    return out


def _extras(payload: Dict[str, Any]) -> Dict[str, Any]:
    """Buttons (also as Rasa's ``quick_replies``) and an attachment, when the message has them."""
    out: Dict[str, Any] = {}
    if payload.get("buttons"):
        out["quick_replies"] = quick_replies(payload["buttons"])
        out["buttons"] = [{"title": b.get("title"), "payload": b.get("payload")} for b in payload["buttons"]]
    if payload.get("attachment"):
        out["attachment"] = payload["attachment"]
    return out


def _short_parse(parse: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    if not parse:
        return None
    intent = parse.get("intent") or {}
    return {"intent": intent.get("name"), "confidence": intent.get("confidence"),
            "entities": [{"entity": e.get("entity"), "value": e.get("value")} for e in parse.get("entities") or []]}


def ok(**fields: Any) -> Dict[str, Any]:
    """A positive acknowledgement."""
    return {"ok": True, **fields}
