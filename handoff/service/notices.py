"""E-mails a customer gets from the chat: the transcript on request, and one notice per absence
when an agent replies after they left ("notify me by e-mail").

The address is the one the conversation proved (``store.notices.known_email``: a signed-in
customer, or the owner of an order the visitor verified), so such a customer is never asked to
type it; an anonymous visitor types one (``email_required`` until they do). Mails go through the
outbox in the transaction that decides them; the node's deliverer is woken at once.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from sqlalchemy.orm import Session

from common.settings import Settings
from handoff import errors
from handoff import events as ev
from handoff.service import mail_wording, ratelimit
from handoff.service.context import Service
from handoff.service.handoffs import EMAIL
from handoff.service.sessions import connection
from store import notices, outbox


def mask(email: str) -> str:
    """``m•••@example.com``: enough for the customer to recognise their address, no more."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def _typed(email: Optional[str]) -> Optional[str]:
    if email is None or not email.strip():
        return None
    if not EMAIL.match(email.strip()):
        raise errors.InvalidPayload("That doesn't look like an e-mail address.")
    return email.strip()


def _shown(known: Optional[str], typed: Optional[str]) -> str:
    """The address as the ack shows it: a known one masked, a typed one as typed."""
    return mask(known) if known else str(typed)


async def email_transcript(svc: Service, sid: str, email: Optional[str]) -> Dict[str, Any]:
    """Mail the conversation's transcript (what the customer saw; private notes never).

    Counts against ``RATE_LIMIT_EMAILS`` per identity or client address and per conversation.
    """
    conn = connection(svc, sid)
    cid, typed = conn.conversation_id, _typed(email)
    known = await svc.run(notices.known_email, cid)
    if not known and not typed:
        raise errors.EmailRequired()
    limit = svc.settings.limit_emails
    await ratelimit.enforce(svc.limiter, ratelimit.EMAILS, ratelimit.subject(conn.customer_id, conn.address), limit)
    await ratelimit.enforce(svc.limiter, ratelimit.EMAILS_CONVERSATION, str(cid), limit)

    def tx(s: Session) -> None:
        subject, body = mail_wording.transcript_mail(notices.public_transcript(s, cid), svc.settings.chat_url)
        outbox.enqueue(s, str(known or typed), subject, body)

    await svc.run(tx)
    svc.wake_mailer()
    return ev.ok(sent_to=_shown(known, typed))


async def notify_me(svc: Service, sid: str, email: Optional[str]) -> Dict[str, Any]:
    """Ask for one e-mail per absence when an agent replies after the customer left."""
    conn = connection(svc, sid)
    cid, typed = conn.conversation_id, _typed(email)

    def tx(s: Session) -> Optional[str]:
        known = notices.known_email(s, cid)
        if not known and not typed:
            raise errors.EmailRequired()
        notices.set_notify_email(s, cid, str(known or typed))
        return known

    known = await svc.run(tx)
    return ev.ok(notify=_shown(known, typed))


def after_agent_reply(s: Session, settings: Settings, conversation_id: int, agent_name: str, since: Any) -> bool:
    """In the transaction storing an agent's reply: enqueue this absence's notice when it is due.

    ``since``: customer sockets seen before this are gone (``Service.presence_since``).
    Returns True when a mail was enqueued (the caller wakes the deliverer after commit).
    """
    to = notices.claim_away_notice(s, conversation_id, since)
    if to is None:
        return False
    subject, body = mail_wording.reply_notice_mail(agent_name, settings.chat_url)
    outbox.enqueue(s, to, subject, body)
    return True
