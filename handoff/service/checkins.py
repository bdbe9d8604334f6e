"""Check-in e-mails: due rows become outbox mail (once, on whichever node claims them first).

Scheduling is ``store.followups.schedule`` (grants, resolved handoffs). Here every node's
housekeeping tick claims each due check-in and, in that same transaction, puts its mail in the
outbox (``store.outbox``), then delivers the outbox (``common.mailer``: SMTP or the file sink).
A node that dies mid-way either committed both (the outbox sends it) or neither (it is still
due). The mail's only link reopens the conversation (``common.resume_links``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Mapping, Optional, Tuple

from sqlalchemy.orm import Session

from common.mailer import deliver_pending
from common.resume_links import resume_url, sign_resume
from handoff.service import wording
from handoff.service.context import Service
from store import followups, outbox
from store.followup_policy import FollowupPolicy
from store.models.base import utcnow

log = logging.getLogger(__name__)
FALLBACK_SUBJECT = "Checking in from our support team"


def render(policy: FollowupPolicy, checkin: Mapping[str, Any], link: str) -> Tuple[str, str]:
    """The (subject, body) of a check-in: the kind's variation picked by the check-in's id."""
    n = int(checkin["id"])
    kind = str(checkin["kind"])
    order = checkin.get("order_number") or ""
    values = {"name": wording.first_name(checkin.get("customer_name")) or "there", "order": order, "link": link}
    subjects = [s for s in policy.subjects.get(kind, ()) if order or "{order}" not in s] or [FALLBACK_SUBJECT]
    messages = [m for m in policy.messages[kind] if order or "{order}" not in m] or list(
        policy.messages["handoff"])
    subject = subjects[n % len(subjects)].format(**values)
    body = messages[n % len(messages)].format(**values)
    return subject, f"{body}\n\n{policy.signature}\n"


def _send_one(s: Session, followup_id: int, secret: str, public_url: str, policy: FollowupPolicy,
              now: dt.datetime) -> Optional[int]:
    checkin = followups.claim(s, followup_id, now)
    if checkin is None:
        return None  # another node took it
    token = sign_resume(checkin["conversation_id"], followup_id, secret, policy.link_valid_days * 86400)
    subject, body = render(policy, checkin, resume_url(public_url, token))
    outbox_id = outbox.enqueue(s, checkin["email"], subject, body)
    followups.set_outbox(s, followup_id, outbox_id)
    return outbox_id


async def send_due(svc: Service, now: Optional[dt.datetime] = None) -> int:
    """Claim every due check-in and put its mail in the outbox; returns how many this node took."""
    now = now or utcnow()
    policy = svc.followup_policy()
    taken = 0
    for followup_id in await svc.run(followups.due_ids, now):
        try:
            outbox_id = await svc.run(_send_one, followup_id, svc.settings.secret_key, svc.settings.public_url,
                                      policy, now)
        except Exception:  # noqa: BLE001 - one bad row must not hold back every later check-in
            log.exception("followup.failed id=%s", followup_id)
            continue
        if outbox_id is not None:
            taken += 1
            log.info("followup.queued id=%s outbox=%s", followup_id, outbox_id)
    if taken:
        await deliver_now(svc)
    return taken


async def deliver_now(svc: Service) -> int:
    """Send the outbox at once (the periodic deliverer retries whatever fails)."""
    from store.db import make_engine, session_factory

    def run() -> int:
        engine = make_engine(svc.settings)
        try:
            return deliver_pending(svc.settings, session_factory(engine))
        finally:
            engine.dispose()

    try:
        return await asyncio.get_running_loop().run_in_executor(None, run)
    except Exception:  # noqa: BLE001 - the rows stay pending for handoff.service.mail
        log.exception("followup.deliver_failed")
        return 0
