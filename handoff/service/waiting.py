"""Time-driven handoff changes, run by every node's housekeeping tick (``handoff.service.housekeeping``).

- Honest queue updates: every ``waiting.update_every_s`` a queued customer hears their place
  in line and a realistic wait (``wording.queue_update``, rotating variations); once the wait
  passes ``options_after_s`` (or they are far back) the e-mail / keep-chatting options come back.
- Auto-resolve: an assigned conversation whose customer has been quiet for
  ``auto_resolve_after_s`` is resolved, with a private note for the agent (``handoffs.auto_resolve``).

Each change is claimed on the conversation row (``store.waiting``), so two nodes never both
send an update or resolve a conversation; the rules are ``handoff.service.timing``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import List, Optional

from sqlalchemy.orm import Session

from handoff.service import handoffs, lookups, publish, timing, wording
from handoff.service.changes import Event, MessageAdded, StatusChanged
from handoff.service.context import Service
from handoff.service.queue import status_payload
from store import conversations as conv_store
from store import waiting as waiting_store
from store.models.base import utcnow
from store.models.support import ConversationStatus, Sender

log = logging.getLogger(__name__)


def _update_one(s: Session, svc: Service, conversation_id: int, now: dt.datetime) -> Optional[List[Event]]:
    conv = lookups.conversation(s, conversation_id)
    policy = svc.policy.waiting
    if conv.status != ConversationStatus.QUEUED or not timing.update_due(
            policy, conv.waiting_since, conv.queue_updated_at, now):
        return None
    previous, told_position, n = conv.queue_updated_at, conv.queue_position, int(conv.queue_updates or 0)
    status = status_payload(s, svc.policy, conv)
    position, wait_s, online = int(status["position"]), status["estimated_wait_s"], int(status["agents_online"])
    waiting_s = (now - (conv.waiting_since or now)).total_seconds()
    if not waiting_store.claim_queue_update(s, conversation_id, previous, position, now):
        return None  # another node sent this one
    applies = bool(status["options"])
    applied_before = previous is not None and timing.options_apply(
        policy, told_position or position, wait_s, (previous - (conv.waiting_since or previous)).total_seconds(),
        online)
    buttons = timing.offer_buttons(n, applies, applied_before)
    text = wording.queue_update(n, position, wait_s, online, moved_from=told_position,
                                long_wait=timing.long_wait(policy, waiting_s), offer_options=buttons,
                                back_at=handoffs.closed_until(svc))
    msg = conv_store.append_message(s, conversation_id, Sender.SYSTEM, text,
                                    payload={"buttons": wording.NO_AGENT_BUTTONS} if buttons else None)
    return [MessageAdded(conversation_id, msg), StatusChanged(conversation_id)]


async def send_queue_updates(svc: Service, now: Optional[dt.datetime] = None) -> int:
    """One pass over the queue; returns how many updates this node sent."""
    now = now or utcnow()
    sent = 0
    for cid in await svc.run(waiting_store.queued_ids):
        events = await svc.run(_update_one, svc, cid, now)
        if events:
            sent += 1
            await publish.publish(svc, events)
    return sent


async def auto_resolve_idle(svc: Service, now: Optional[dt.datetime] = None) -> int:
    """Resolve assigned conversations whose customer went quiet; returns how many this node resolved."""
    now = now or utcnow()
    done = 0
    for cid, agent_id, last in await svc.run(waiting_store.assigned_activity):
        if timing.auto_resolve_due(svc.policy.waiting, last, now) and await handoffs.auto_resolve(
                svc, cid, agent_id, (now - last).total_seconds()):
            done += 1
    return done
