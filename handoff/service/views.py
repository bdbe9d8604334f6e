"""The agent's one view of a conversation (docs/protocol.md, "Conversation view").

Runs inside ``Service.run`` on a store session; only store functions touch SQL.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from sqlalchemy.orm import Session

from common.phrase_bank import conversation_situation
from handoff import errors
from handoff import events as ev
from handoff.service import next_action, replies, summary
from handoff.service.assist_policy import load_assist_policy
from handoff.service.attachment_links import links_for_agents
from handoff.service.context import Service
from handoff.service.plain_reasons import for_agents, plain_all
from store import agents as agent_store
from store import canned as canned_store
from store import conversations as conv_store
from store import queries
from store.models.support import Sender
from store.read.inbox import labels_of
from store.reply_facts import reply_facts

LAST_INTENTS = 5


def conversation_view(s: Session, svc: Service, conversation_id: int, agent_id: int) -> Dict[str, Any]:
    """Transcript with per-message findings, context, reasons, intents, suggestions, grants.

    Suggested and canned replies are filled from verified context only and offer only what
    this agent may promise (:mod:`handoff.service.replies`, :mod:`store.reply_facts`).
    """
    conv = conv_store.get_conversation(s, conversation_id)
    if conv is None:
        raise errors.NotFound("There is no such conversation.")
    names = conv_store.agent_names(s)
    link = links_for_agents(svc)
    msgs = conv_store.messages_after(s, conversation_id, 0, include_private=True)
    handoff = conv_store.latest_handoff(s, conversation_id)
    assignee = agent_store.get_agent(s, conv.assignee_id) if conv.assignee_id else None
    customer_msgs = [m for m in msgs if m.sender == Sender.CUSTOMER]
    last_intents = [
        {"seq": m.seq, "intent": (m.parse.get("intent") or {}).get("name"),
         "confidence": (m.parse.get("intent") or {}).get("confidence")}
        for m in customer_msgs if m.parse
    ][-LAST_INTENTS:]
    situation = conversation_situation(svc.phrase_bank, [i["intent"] for i in last_intents], conv.severity.value)
    facts = reply_facts(s, conversation_id, agent_id)
    me = agent_store.get_agent(s, agent_id)
    me_name = me.display_name if me else None
    offered = replies.by_situation(svc.phrase_bank, situation, conv.severity.value, facts, me_name)
    view: Dict[str, Any] = {
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
        "messages": [for_agents(ev.message_dict(m, names.get(m.agent_id) if m.agent_id else None, for_agent=True,
                                                link=link))
                     for m in msgs],
        "handoff": ({"source": handoff.source, "reasons": plain_all(handoff.reasons or []), "score": handoff.score,
                     "severity": handoff.severity.value, "requested_at": ev.iso(handoff.requested_at)}
                    if handoff else None),
        "reasons": reasons(handoff.reasons if handoff else [], [m.detection for m in customer_msgs]),
        "last_intents": last_intents,
        "situation": situation,
        "suggested_replies": offered.get(situation) or offered.get("general") or [],
        "replies_by_situation": offered,
        "reply_facts": facts.to_dict(),
        "canned_replies": replies.canned(canned_store.list_canned(s), svc.phrase_bank, facts, me_name),
        "grantable": agent_store.grant_options(s, agent_id, conv.customer_id, conversation_id=conv.id),
        "labels": labels_of(s, conversation_id),
        "returned_at": ev.iso(conv.returned_at),
    }
    view["summary"] = handoff_summary(s, svc, view, agent_id)
    return view


def handoff_summary(s: Session, svc: Service, view: Dict[str, Any], agent_id: int) -> Dict[str, Any]:
    """The summary at the top of the view (``handoff.service.summary``) with its next best action."""
    policy = load_assist_policy(svc.settings.policy_path("assist.yml"))
    context = view.get("customer_context") or {}
    facts = queries.conversation_facts(s, view["id"])
    own = [o["number"] for o in context.get("orders") or []] if context else list(facts["verified_orders"])
    resolutions = list(context.get("resolutions") or []) + list(facts["resolutions"])
    inp = summary.SummaryInput(
        conversation_id=view["id"], status=view["status"], severity=view["severity"],
        profile=context.get("profile"), own_orders=own, pressing_issue=context.get("pressing_issue"),
        resolutions=resolutions, facts=facts, messages=view["messages"], handoff=view["handoff"],
        bank=svc.phrase_bank)
    out = summary.build(policy, inp)
    orders = context.get("orders") if context else [queries.order_summary(queries.get_order(s, n))
                                                    for n in facts["verified_orders"]]
    late = [o["number"] for o in orders or [] if (o.get("days_late") or 0) > 0 or o.get("status") == "delayed"]
    fitting, covered = next_action.candidates(policy, out["situation"], out["order"], view["grantable"], resolutions,
                                              late)
    checks, amounts = [], []
    for option in fitting:  # previewed by the grant's own rule, until one is allowed
        amounts.append(agent_store.option_amount(option))
        checks.append(agent_store.check_option(s, agent_id, view["id"], option))
        if checks[-1].allowed:
            break
    out["next_best_action"] = next_action.next_best_action(policy, out["situation"], fitting, checks, covered, amounts)
    return out


def reasons(handoff_reasons: List[str], detections: List[Optional[Dict[str, Any]]]) -> List[str]:
    """The handoff's reasons, then every distinct detector reason, in order, worded for people."""
    return plain_all(list(handoff_reasons or []) + [r for d in detections if d for r in d.get("reasons") or []])
