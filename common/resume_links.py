"""Signed links that reopen one conversation, mailed in a check-in (``handoff.service.checkins``).

The token names a conversation and the check-in that carried it, signed with ``SECRET_KEY``
(HS256) under its own issuer and audience, so it is neither an agent token nor a customer
identity: it opens that conversation in the widget and nothing else, until it expires.
It carries no session id (the key to an anonymous transcript) and no identity.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import jwt

ISSUER = "support-followup"
AUDIENCE = "resume"


@dataclass(frozen=True)
class ResumeClaim:
    conversation_id: int
    followup_id: int


def sign_resume(conversation_id: int, followup_id: int, secret: str, ttl_s: float) -> str:
    now = int(time.time())
    claims = {"cid": int(conversation_id), "fid": int(followup_id), "iss": ISSUER, "aud": AUDIENCE,
              "iat": now, "exp": now + int(ttl_s)}
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_resume(token: object, secret: str) -> Optional[ResumeClaim]:
    """The conversation a link reopens; None when absent, forged, expired or another kind of token."""
    if not token or not isinstance(token, str) or len(token) > 2000:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE)
        return ResumeClaim(conversation_id=int(claims["cid"]), followup_id=int(claims["fid"]))
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None


def resume_url(public_url: str, token: str) -> str:
    """The link in the mail: the shop page opens the widget on the conversation."""
    return f"{public_url.rstrip('/')}/?resume={token}"
