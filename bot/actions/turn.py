"""What the current turn tells an action: who the customer is, how they feel.

The handoff service passes ``{"identity_token", "customer_id", "client_address", "detector": {...},
"handoff": {"agents_online", "coming", "misunderstood"}}`` as message metadata; ``detector["high_stakes"]`` lists the high-stakes topics it found
(``["fraud", "chargeback"]``). The token is verified here (``customer_id`` alone is never trusted); an
anonymous visitor counts as known only after ``identify_form`` set ``verified``.

Two kinds of known customer: *signed in* (a verified identity token from the shop) and
*verified by order number + e-mail* (:attr:`Turn.verified_by_order`). The second may see
their order, but a sensitive change only happens through a link mailed to the e-mail on file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from rasa_sdk import Tracker

from common.identity import CustomerIdentity, verify_identity
from common.severity import SEVERITIES, severity_rank


@dataclass(frozen=True)
class Turn:
    """The facts an action needs about the latest user message."""

    intent: Optional[str]
    identity: Optional[CustomerIdentity]
    severity: str = "none"
    high_stakes: Tuple[str, ...] = ()
    verified_customer_id: Optional[int] = None
    verified_email: Optional[str] = None
    client_address: Optional[str] = None
    # From the handoff service (metadata.handoff): None when the service did not say.
    agents_online: Optional[int] = None
    # The source of a handoff the service starts this turn whatever the bot says ("customer",
    # "high_stakes", "detector", "fallback"), or None.
    handoff_coming: Optional[str] = None

    @property
    def nobody_online(self) -> bool:
        """The service said no person from the team is online right now."""
        return self.agents_online is not None and self.agents_online <= 0

    @property
    def signed_in(self) -> bool:
        return self.identity is not None

    @property
    def verified_by_order(self) -> bool:
        """Known only through an order number and its e-mail (not signed in)."""
        return self.identity is None and self.verified_customer_id is not None

    @property
    def customer_id(self) -> Optional[int]:
        """The signed-in customer, or the visitor who proved an order is theirs."""
        return self.identity.customer_id if self.identity else self.verified_customer_id

    @property
    def email(self) -> Optional[str]:
        return self.identity.email if self.identity else self.verified_email

    @property
    def upset(self) -> bool:
        return severity_rank(self.severity) > 0


def metadata(tracker: Tracker) -> Dict[str, Any]:
    """The latest user message's metadata (``{}`` when absent or malformed)."""
    meta = (tracker.latest_message or {}).get("metadata")
    return meta if isinstance(meta, dict) else {}


def read_turn(tracker: Tracker, identity_secret: str) -> Turn:
    """Verify the identity token and read the detector's finding."""
    meta = metadata(tracker)
    identity = verify_identity(meta.get("identity_token"), identity_secret)
    detector = meta.get("detector") if isinstance(meta.get("detector"), dict) else {}
    severity = detector.get("severity") if detector.get("severity") in SEVERITIES else "none"
    topics = detector.get("high_stakes")
    high_stakes = tuple(str(t) for t in topics if isinstance(t, str)) if isinstance(topics, list) else ()
    verified_id = None
    if identity is None and tracker.get_slot("verified") is True:
        try:
            verified_id = int(tracker.get_slot("customer_id"))
        except (TypeError, ValueError):
            verified_id = None
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    address = meta.get("client_address")
    return Turn(intent=intent, identity=identity, severity=severity, high_stakes=high_stakes,
                verified_customer_id=verified_id,
                verified_email=tracker.get_slot("email") if verified_id is not None else None,
                client_address=address[:64] if isinstance(address, str) and address else None,
                agents_online=agents_online(meta), handoff_coming=handoff_coming(meta))


def handoff_coming(meta: Dict[str, Any]) -> Optional[str]:
    """``metadata.handoff.coming``: the service hands off this turn (its source), or None."""
    handoff = meta.get("handoff") if isinstance(meta.get("handoff"), dict) else {}
    coming = handoff.get("coming")
    return coming if isinstance(coming, str) and coming else None


def agents_online(meta: Dict[str, Any]) -> Optional[int]:
    """``metadata.handoff.agents_online`` (how many of the team are online), or None."""
    handoff = meta.get("handoff") if isinstance(meta.get("handoff"), dict) else {}
    value = handoff.get("agents_online")
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
