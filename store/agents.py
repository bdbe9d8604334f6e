"""SQL for live agents: look-up, availability.

Synchronous, ``Session`` first, never commits (see ``store.conversations``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.budgets import granted
from store.models.commerce import Order, OrderStatus
from store.models.support import Agent, AgentStatus
from store.read.billing import duplicate_charges
from store.read.orders import issue_items, items_value


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


def grant_options(session: Session, agent_id: int, customer_id: Optional[int]) -> List[Dict[str, Any]]:
    """What this agent could grant the customer, within their budget.

    Credits on late or delayed orders (up to what is left of the budget for that order, and
    of what was paid for it), replacements of damaged or wrong items, refunds of exact
    duplicate charges. The grant itself re-checks everything.
    """
    agent = session.get(Agent, agent_id)
    if agent is None or customer_id is None:
        return []
    budget = Decimal(str(agent.resolution_budget or 0))
    options: List[Dict[str, Any]] = []
    orders = session.execute(select(Order).where(Order.customer_id == customer_id)
                             .order_by(Order.placed_at.desc()).limit(10)).scalars()
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
    for dup in duplicate_charges(session, customer_id):
        if Decimal(str(dup["amount"])) <= budget:
            options.append({"kind": "refund", "charge_id": dup["id"], "amount": float(dup["amount"]),
                            "label": f"Refund duplicate charge ${dup['amount']:.2f} ({dup['description']})"})
    return options
