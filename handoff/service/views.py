"""The agent's one view of a conversation (docs/protocol.md, "Conversation view").

Runs inside ``Service.run`` on a store session; only store functions touch SQL.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from sqlalchemy.orm import Session

from common.phrase_bank import situation_for
from handoff import errors
from handoff import events as ev
from handoff.service.context import Service
from store import agents as agent_store
from store import conversations as conv_store
from store import queries
from store.models.support import Sender
from store.read.inbox import labels_of

LAST_INTENTS = 5


def conversation_view(s: Session, svc: Service, conversation_id: int, agent_id: int) -> Dict[str, Any]:
    """Transcript with per-message findings, context, reasons, intents, suggestions, grants."""
    conv = conv_store.get_conversation(s, conversation_id)
    if conv is None:
        raise errors.NotFound("There is no such conversation.")
    names = conv_store.agent_names(s)
    msgs = conv_store.messages_after(s, conversation_id, 0, include_private=True)
    handoff = conv_store.latest_handoff(s, conversation_id)
    assignee = agent_store.get_agent(s, conv.assignee_id) if conv.assignee_id else None
    customer_msgs = [m for m in msgs if m.sender == Sender.CUSTOMER]
    last_intents = [
        {"seq": m.seq, "intent": (m.parse.get("intent") or {}).get("name"),
         "confidence": (m.parse.get("intent") or {}).get("confidence")}
        for m in customer_msgs if m.parse
    ][-LAST_INTENTS:]
    situation = situation_for(svc.phrase_bank, [i["intent"] for i in last_intents], conv.severity.value)
    return {
        "id": conv.id,
        "session_id": conv.session_id,
        "status": conv.status.value,
        "severity": conv.severity.value,
        "priority": conv.priority,
        "waiting_since": ev.iso(conv.waiting_since),
        "assignee": agent_store.agent_dict(assignee) if assignee else None,
        "customer": conv_store.customer_brief(s, conv.customer_id),
        "customer_context": (queries.customer_context(s, conv.customer_id, exclude_conversation_id=conv.id)
                             if conv.customer_id else None),
        "messages": [ev.message_dict(m, names.get(m.agent_id) if m.agent_id else None, for_agent=True)
                     for m in msgs],
        "handoff": ({"source": handoff.source, "reasons": list(handoff.reasons or []), "score": handoff.score,
                     "severity": handoff.severity.value, "requested_at": ev.iso(handoff.requested_at)}
                    if handoff else None),
        "reasons": reasons(handoff.reasons if handoff else [], [m.detection for m in customer_msgs]),
        "last_intents": last_intents,
        "situation": situation,
        "suggested_replies": suggestions(svc.phrase_bank, situation, conv.severity.value),
        "grantable": agent_store.grant_options(s, agent_id, conv.customer_id),
        "labels": labels_of(s, conversation_id),
        "returned_at": ev.iso(conv.returned_at),
    }


def reasons(handoff_reasons: List[str], detections: List[Optional[Dict[str, Any]]]) -> List[str]:
    """The handoff's reasons, then every distinct detector reason, in order."""
    out: List[str] = []
    for reason in list(handoff_reasons or []) + [r for d in detections if d for r in d.get("reasons") or []]:
        if reason and reason not in out:
            out.append(str(reason))
    return out


def suggestions(bank: Dict[str, Any], situation: str, severity: str) -> List[str]:
    """Agent replies fitted to the situation (plus the severe ones when it is severe)."""
    replies = bank.get("agent_replies") or {}
    chosen = list(replies.get(situation) or [])
    if severity == "severe" and situation != "severe":
        chosen += list(replies.get("severe") or [])
    if not chosen:
        chosen = list(replies.get("general") or [])
    return [str(c) for c in chosen]
