"""Event names and payload builders of both Socket.IO namespaces (docs/protocol.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List, Optional, Sequence

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
CANNED_REPLIES = "canned_replies"  # the team's canned replies changed (handoff/service/canned.py)
CONVERSATION_ASSIGNED = "conversation_assigned"
SIGNED_OUT = "signed_out"
LABELS_CHANGED = "labels_changed"

AGENTS_ROOM = "agents"

# A stored upload (``payload["upload"]``) -> the URL its viewer may open it with
# (``handoff.service.attachments.links_for_customer`` / ``links_for_agents``).
Link = Callable[[Dict[str, Any]], str]


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


def upload_attachment(upload: Dict[str, Any], url: str) -> Dict[str, Any]:
    """A participant's file in Rasa's attachment shape: ``send_image_url``'s for images
    (``{"type": "image", "payload": {"src"}}``), a ``file`` attachment for documents."""
    if upload.get("kind") == "image":
        return {"type": "image", "payload": {"src": url}}
    return {"type": "file", "payload": {"src": url, "title": str(upload.get("name") or "document")}}


def upload_meta(upload: Dict[str, Any], url: str) -> Dict[str, Any]:
    """What a client needs besides Rasa's shape: id, kind, MIME type, size, name, URL."""
    return {"id": upload.get("id"), "kind": upload.get("kind"), "mime": upload.get("mime"),
            "size": upload.get("size"), "name": upload.get("name"), "url": url}


def rasa_body(text: str, payload: Optional[Dict[str, Any]], link: Optional[Link] = None) -> Dict[str, Any]:
    """Exactly what Rasa 3.6's socketio channel (``SocketIOOutput``) emits for one message.

    ``{"text"}``, ``{"text", "quick_replies"}``, ``{"attachment"}`` (images are
    ``{"type": "image", "payload": {"src"}}`` attachments) or a custom payload's ``data``:
    widgets written for that channel (rasa-webchat) render a message only when its keys are
    exactly these. ``link`` turns a participant's upload into the URL this viewer may use.
    """
    payload = payload or {}
    if isinstance(payload.get("upload"), dict) and link is not None:
        return {"attachment": upload_attachment(payload["upload"], link(payload["upload"]))}
    if isinstance(payload.get("custom"), dict):  # send_custom_json emits the payload's ``data``
        return {k: v for k, v in payload["custom"].items() if k != "metadata"}
    if payload.get("buttons"):
        return {"text": text, "quick_replies": quick_replies(payload["buttons"])}
    if payload.get("attachment") and not text:
        return {"attachment": payload["attachment"]}
    return {"text": text}


def message_dict(msg: Message, agent_name: Optional[str] = None, *, for_agent: bool = False,
                 link: Optional[Link] = None) -> Dict[str, Any]:
    """An agent-side message (docs/protocol.md, "Message object"); ``link``: URLs of uploads."""
    payload = msg.payload or {}
    out: Dict[str, Any] = {
        "seq": msg.seq,
        "sender": _sender(msg),
        "text": msg.text,
        "created_at": iso(msg.created_at),
        "agent_name": agent_name,
        "client_msg_id": msg.client_msg_id,
    }
    if payload.get("buttons"):
        out["quick_replies"] = quick_replies(payload["buttons"])
    if payload.get("attachment"):
        out["attachment"] = payload["attachment"]
    if isinstance(payload.get("upload"), dict) and link is not None:
        url = link(payload["upload"])
        out["attachment"] = {**upload_attachment(payload["upload"], url), **upload_meta(payload["upload"], url)}
    if for_agent:
        if payload.get("proactive"):
            out["proactive"] = payload["proactive"]  # the struggle signal this bot message offered help for
        out["private"] = bool(msg.private)
        out["detection"] = msg.detection
        out["parse"] = _short_parse(msg.parse)
    return out


def bot_uttered(msg: Message, agent_name: Optional[str] = None, link: Optional[Link] = None) -> Dict[str, Any]:
    """A message as the customer sees it: Rasa's body (``rasa_body``), our extensions only under ``metadata``.

    The payload of ``bot_uttered`` (bot, agent and system messages) and of every entry of a
    ``transcript`` replay (customer messages too). ``link``: the customer's URL of an upload
    (its details go to ``metadata.attachment``).
    """
    custom = (msg.payload or {}).get("custom")
    own = custom.get("metadata") if isinstance(custom, dict) else None  # e.g. rasa-webchat's userInput
    meta: Dict[str, Any] = {**(own if isinstance(own, dict) else {}),
                            "sender": _sender(msg), "seq": msg.seq, "created_at": iso(msg.created_at)}
    if agent_name:
        meta["agent_name"] = agent_name
    if msg.client_msg_id:
        meta["client_msg_id"] = msg.client_msg_id
    upload = (msg.payload or {}).get("upload")
    if isinstance(upload, dict) and link is not None:
        meta["attachment"] = upload_meta(upload, link(upload))
    return {**rasa_body(msg.text, msg.payload, link), "metadata": meta}


def _sender(msg: Message) -> str:
    return msg.sender.value if isinstance(msg.sender, Sender) else str(msg.sender)


def _short_parse(parse: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    if not parse:
        return None
    intent = parse.get("intent") or {}
    return {"intent": intent.get("name"), "confidence": intent.get("confidence"),
            "entities": [{"entity": e.get("entity"), "value": e.get("value")} for e in parse.get("entities") or []]}


def bot_typing(on: bool) -> Dict[str, Any]:
    """``typing`` to the customer while the assistant works on their turn (``on``) and once its replies are out."""
    return {"typing": on, "sender": "bot"}


def ok(**fields: Any) -> Dict[str, Any]:
    """A positive acknowledgement."""
    return {"ok": True, **fields}
