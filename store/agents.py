"""SQL for live agents: look-up, availability.

Synchronous, ``Session`` first, never commits (see ``store.conversations``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.budgets import granted
from store.models.commerce import Actor, Charge, Order, OrderStatus, ResolutionKind
from store.models.security import VerifiedOrder
from store.models.support import Agent, AgentStatus
from store.read.billing import duplicate_charges
from store.read.orders import issue_items, items_value
from store.resolutions import GrantCheck, check_grant


def get_agent(session: Session, agent_id: int) -> Optional[Agent]:
    """The agent with ``agent_id``, or None."""
    return session.get(Agent, agent_id)


def get_by_username(session: Session, username: str) -> Optional[Agent]:
    """The agent signing in as ``username`` (case-insensitive), or None."""
    return session.execute(select(Agent).where(Agent.username == username.strip().lower())).scalar_one_or_none()


def list_agents(session: Session) -> List[Agent]:
    """Every agent, by id."""
    return list(session.execute(select(Agent).order_by(Agent.id)).scalars())


def set_status(session: Session, agent_id: int, status: AgentStatus) -> Agent:
    """Change an agent's availability."""
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise LookupError(agent_id)
    agent.status = status
    session.flush()
    return agent


def agent_dict(agent: Agent, active: int = 0) -> Dict[str, Any]:
    """JSON view of an agent (never the password hash)."""
    return {"id": agent.id, "username": agent.username, "display_name": agent.display_name,
            "status": agent.status.value, "max_concurrent": agent.max_concurrent,
            "resolution_budget": float(agent.resolution_budget or 0), "active": active}


def grant_options(session: Session, agent_id: int, customer_id: Optional[int],
                  conversation_id: Optional[int] = None) -> List[Dict[str, Any]]:
    """What this agent could grant the customer, within their budget.

    Credits on late or delayed orders (up to what is left of the budget for that order, and
    of what was paid for it), replacements of damaged or wrong items, refunds of exact
    duplicate charges. Without a signed-in customer: the orders the visitor verified in
    ``conversation_id`` (the grant's own scope rule, ``store.budgets.check_scope``), no
    charges. The grant itself re-checks everything.
    """
    agent = session.get(Agent, agent_id)
    if agent is None or (customer_id is None and conversation_id is None):
        return []
    budget = Decimal(str(agent.resolution_budget or 0))
    options: List[Dict[str, Any]] = []
    if customer_id is not None:
        mine = Order.customer_id == customer_id
    else:
        mine = Order.id.in_(select(VerifiedOrder.order_id).where(VerifiedOrder.conversation_id == conversation_id))
    orders = session.execute(select(Order).where(mine).order_by(Order.placed_at.desc()).limit(10)).scalars()
    for order in orders:
        items = issue_items(order)
        if items and order.status == OrderStatus.DELIVERED:
            options.append({"kind": "replacement", "order_number": order.number, "amount": float(items_value(items)),
                            "label": f"Replace {', '.join(i.name for i in items)} (order #{order.number})"})
        if order.status in (OrderStatus.DELAYED, OrderStatus.IN_TRANSIT, OrderStatus.SHIPPED) or items:
            back = granted(session, order_id=order.id)
            cap = max(min(budget, Decimal(str(order.total or 0))) - back, Decimal("0"))
            if cap <= 0:
                continue
            options.append({"kind": "credit", "order_number": order.number, "max_amount": float(cap),
                            "suggested_amount": float(min(Decimal(str(order.shipping_paid or 0)) or cap, cap)),
                            "label": f"Credit up to ${cap:.2f} for order #{order.number}"})
    for dup in duplicate_charges(session, customer_id) if customer_id is not None else []:
        if Decimal(str(dup["amount"])) <= budget:
            options.append({"kind": "refund", "charge_id": dup["id"], "amount": float(dup["amount"]),
                            "label": f"Refund duplicate charge ${dup['amount']:.2f} ({dup['description']})"})
    return options


def option_amount(option: Dict[str, Any]) -> Any:
    """What granting a :func:`grant_options` entry would give: a credit's suggested amount, else its value."""
    return option.get("suggested_amount") or option.get("max_amount") or option.get("amount") or 0


def check_option(session: Session, agent_id: int, conversation_id: int, option: Dict[str, Any]) -> GrantCheck:
    """Whether the agent may grant ``option`` now, by the grant's own rule (``check_grant``), without a lock.

    A preview for the console's next best action; the grant itself checks again under the lock.
    """
    kind = ResolutionKind(option["kind"])
    if kind == ResolutionKind.REFUND:
        charge = session.get(Charge, option.get("charge_id"))
        if charge is None:
            return GrantCheck(False, False, "that charge is no longer on record")
        customer_id, order_id = charge.customer_id, charge.order_id
    else:
        order = session.execute(select(Order).where(Order.number == str(option.get("order_number")))).scalar_one_or_none()
        if order is None:
            return GrantCheck(False, False, "that order is no longer on record")
        customer_id, order_id = order.customer_id, order.id
    return check_grant(session, kind=kind, customer_id=customer_id, amount=option_amount(option), order_id=order_id,
                       actor=Actor.AGENT, agent_id=agent_id, conversation_id=conversation_id, lock=False)
