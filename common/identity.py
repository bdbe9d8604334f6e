"""Signed customer identity, as a shop passes it to the chat widget.

The shop's backend signs ``{"sub": <customer id>, "email": ...}`` with
``IDENTITY_SECRET`` (HS256, like Chatwoot's HMAC identity validation). The widget passes
the token in message metadata (``customData.identity_token``); the handoff service and the
actions verify it, so a visitor cannot claim to be someone else.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import jwt

ISSUER = "shop"
DEFAULT_TTL_S = 12 * 3600


@dataclass(frozen=True)
class CustomerIdentity:
    """A verified customer."""

    customer_id: int
    email: str


def sign_identity(customer_id: int, email: str, secret: str, ttl_s: int = DEFAULT_TTL_S) -> str:
    """Issue an identity token (what the shop's backend does)."""
    now = int(time.time())
    claims = {"sub": str(customer_id), "email": email, "iss": ISSUER, "iat": now, "exp": now + ttl_s}
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_identity(token: Optional[str], secret: str) -> Optional[CustomerIdentity]:
    """Return the identity in ``token``, or ``None`` when absent, forged or expired."""
    if not token or not isinstance(token, str):
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], issuer=ISSUER)
        return CustomerIdentity(customer_id=int(claims["sub"]), email=str(claims["email"]))
    except (jwt.PyJWTError, KeyError, ValueError):
        return None
