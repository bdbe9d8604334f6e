"""Resolution records as JSON: what was granted or is under way, how much, by whom and why."""

from __future__ import annotations

from typing import List

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Resolution, ResolutionKind, ResolutionStatus
from store.read.values import JSON, json_date, json_enum, json_money


def resolution_dict(res: Resolution) -> JSON:
    kind, status = json_enum(res.kind), json_enum(res.status)
    amount = json_money(res.amount)
    what = f"{kind.capitalize()} of ${amount:.2f}" if amount else kind.capitalize()
    return {
        "id": res.id, "kind": kind, "status": status, "amount": amount, "currency": res.currency,
        "order": res.order.number if res.order is not None else None, "charge_id": res.charge_id,
        "granted_by": json_enum(res.granted_by), "agent_id": res.agent_id, "conversation_id": res.conversation_id,
        "reason": res.reason, "details": res.details, "created_at": json_date(res.created_at),
        "text": f"{what} ({status.replace('_', ' ')}, by {json_enum(res.granted_by)}): {res.reason}",
    }


def resolutions_for(session: Session, customer_id: int) -> List[JSON]:
    """Every resolution of the customer, newest first."""
    stmt = select(Resolution).where(Resolution.customer_id == int(customer_id)).order_by(Resolution.created_at.desc())
    return [resolution_dict(r) for r in session.execute(stmt).scalars()]


def refunds_in_progress(session: Session, customer_id: int) -> List[JSON]:
    """Refunds granted but still with the payment provider, newest first."""
    stmt = select(Resolution).where(
        Resolution.customer_id == int(customer_id), Resolution.kind == ResolutionKind.REFUND,
        Resolution.status == ResolutionStatus.IN_PROGRESS).order_by(Resolution.created_at.desc())
    return [resolution_dict(r) for r in session.execute(stmt).scalars()]
