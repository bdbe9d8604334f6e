"""The e-mails the bot sends instead of showing a secret in the chat.

Each function runs inside :func:`bot.actions.runtime.in_store` (one transaction): it
creates the secret (reset token, confirmation token) and enqueues the mail carrying it in
the same transaction, and returns only what the chat may say (the address, never the link).
After the transaction the action calls :func:`bot.actions.runtime.deliver_mail`.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from sqlalchemy.orm import Session

from bot.actions.lookups import conversation_id
from store import confirmations, outbox, queries
from store.operations import create_password_reset
from store.security_policy import SecurityPolicy

JSON = Dict[str, Any]

RESET_BODY = """Hello {first},

You asked us in the support chat for a new password. Open this link to choose one (it works
for the next hour, once):

{link}

Setting the new password also lifts any lock from earlier failed sign-ins.
If this wasn't you, ignore this message: nothing changes until the link is used.

The support team
"""
CONFIRM_BODY = """Hello {first},

You asked us in the support chat to {what}. To make sure it was really you, the change
happens only when you open this link (valid until {expires} UTC, once):

{link}

If this wasn't you, ignore this message: nothing changes until the link is used.

The support team
"""


def mail_reset(session: Session, customer_id: int, public_url: str, unlock: bool = False) -> JSON:
    """A reset link for the customer, mailed to the e-mail on file: ``{"email", "locked", "unlocked"}``.

    ``unlock`` (signed-in customers only) lifts a sign-in lock at once.
    """
    reset = create_password_reset(session, customer_id, unlock=unlock)
    customer = queries.get_customer(session, customer_id) or {"first_name": "there"}
    outbox.enqueue(session, reset["email"], "Your password reset link",
                   RESET_BODY.format(first=customer["first_name"], link=public_url + reset["link"]))
    return {"email": reset["email"], "locked": reset["locked"], "unlocked": reset["unlocked"]}


def mail_reset_for_email(session: Session, email: str, public_url: str) -> Optional[JSON]:
    """The same for the account with ``email``; None when there is none (the chat says the same)."""
    customer = queries.find_customer_by_email(session, email)
    return mail_reset(session, customer["id"], public_url) if customer else None


def mail_confirmation(session: Session, kind: str, order_number: str, what: str, public_url: str,
                      policy: SecurityPolicy, sender_id: Optional[str],
                      details: Optional[JSON] = None) -> JSON:
    """A link that carries out ``kind`` on the order, mailed to the e-mail on the order: ``{"email"}``."""
    made = confirmations.issue(session, kind, order_number, ttl=policy.confirmation_ttl, details=details,
                               conversation_id=conversation_id(session, sender_id))
    customer = queries.find_customer_by_email(session, made["email"]) or {"first_name": "there"}
    outbox.enqueue(session, made["email"], f"Please confirm: {what}",
                   CONFIRM_BODY.format(first=customer["first_name"], what=what,
                                       expires=made["expires_at"][:16].replace("T", " "),
                                       link=f"{public_url}/confirm/{made['token']}"))
    return {"email": made["email"]}
