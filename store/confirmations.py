"""Changes confirmed by e-mail: a visitor verified only by order number + e-mail asks in the
chat; the link mailed to the e-mail on file carries the change out, once, before it expires.

Only the token's hash is stored. :func:`redeem` claims the row with one conditional UPDATE
(``used_at`` still empty, not expired), so two clicks never apply a change twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Dict, Optional

from sqlalchemy import update
from sqlalchemy.orm import Session

from store.errors import InvalidInput, NotAllowed, NotFound
from store.models.base import utcnow
from store.models.security import Confirmation
from store.operations import cancel_order, change_shipping_address, hash_reset_token
from store.read.orders import get_order

KINDS = ("cancel_order", "change_address")


def issue(session: Session, kind: str, order_number: str, *, ttl: dt.timedelta,
          details: Optional[Dict[str, Any]] = None, conversation_id: Optional[int] = None) -> Dict[str, Any]:
    """Record a confirmation for ``kind`` on the order; returns ``{"token", "email", "expires_at"}``.

    The caller mails ``token`` (inside a link) to ``email``, the address on the order.
    """
    if kind not in KINDS:
        raise InvalidInput(f"Nothing to confirm for {kind!r}.")
    order = get_order(session, order_number)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(Confirmation(token_hash=hash_reset_token(token), kind=kind, customer_id=order.customer_id,
                             order_number=order.number, details=details or {}, conversation_id=conversation_id,
                             created_at=now, expires_at=now + ttl))
    session.flush()
    return {"token": token, "email": order.customer.email, "expires_at": (now + ttl).isoformat()}


def redeem(session: Session, token: str) -> Dict[str, Any]:
    """Carry out the confirmed change (once); ``{"kind", "order", ...}`` of what was done.

    Raises:
        NotFound: unknown, used or expired token (the same answer for all three).
        NotAllowed / InvalidInput: the change is no longer possible (e.g. the order shipped);
            the token stays used, so a person picks it up from the chat.
    """
    digest = hash_reset_token(str(token or ""))
    now = utcnow()
    claimed = session.execute(update(Confirmation)
                              .where(Confirmation.token_hash == digest, Confirmation.used_at.is_(None),
                                     Confirmation.expires_at > now)
                              .values(used_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise NotFound("This link has expired or was already used.")
    row = session.query(Confirmation).filter(Confirmation.token_hash == digest).one()
    if row.kind == "cancel_order":
        done = cancel_order(session, row.order_number, reason="customer confirmed the cancellation by e-mail",
                            conversation_id=row.conversation_id)
        return {"kind": row.kind, "order": row.order_number, "amount": done["amount"]}
    if row.kind == "change_address":
        done = change_shipping_address(session, row.order_number, str((row.details or {}).get("new_address") or ""))
        return {"kind": row.kind, "order": row.order_number, "new_address": done["new_address"]}
    raise NotAllowed(f"nothing to do for {row.kind}")
