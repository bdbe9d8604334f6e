"""When time alone changes what a waiting customer hears (pure; ``policy/handoff.yml``, ``waiting``).

``handoff.service.waiting`` applies these on every node's housekeeping tick; the queue's
``handoff_status.options`` come from :func:`queue_options` too, so the status and the updates agree.
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional

from handoff.policy import WaitingPolicy

OPTIONS = ["follow_up", "continue_with_bot"]
AUTO_RESOLVED = "auto_resolved"  # the disposition of a conversation resolved for quiet (never asked to rate)


def options_apply(policy: WaitingPolicy, position: int, estimated_wait_s: Optional[int], waiting_s: float,
                  agents_online: int) -> bool:
    """Whether waiting no longer makes sense on its own: nobody online, waited past the timeout,
    far back in line, or a long estimated wait."""
    return (agents_online <= 0 or waiting_s >= policy.options_after_s or position >= policy.options_at_position
            or (estimated_wait_s is not None and estimated_wait_s >= policy.options_at_wait_s))


def queue_options(policy: WaitingPolicy, position: int, estimated_wait_s: Optional[int], waiting_s: float,
                  agents_online: int) -> List[str]:
    """``handoff_status.options`` while queued."""
    return list(OPTIONS) if options_apply(policy, position, estimated_wait_s, waiting_s, agents_online) else []


def update_due(policy: WaitingPolicy, waiting_since: Optional[dt.datetime], last_update: Optional[dt.datetime],
               now: dt.datetime) -> bool:
    """An honest update is due every ``update_every_s``, counted from the last one (or the wait's start)."""
    reference = last_update or waiting_since
    if reference is None or policy.update_every_s <= 0:
        return False
    return (now - reference).total_seconds() >= policy.update_every_s


def offer_buttons(n: int, applies_now: bool, applied_at_last_update: bool) -> bool:
    """Show the option buttons with the ``n``-th update (0-based) when the options newly apply
    (the timeout just passed, the customer fell far back) and on every third update while they
    do, so the choices come back without being pushed every time."""
    return applies_now and (not applied_at_last_update or n % 3 == 0)


def long_wait(policy: WaitingPolicy, waiting_s: float) -> bool:
    """Waited past the timeout: the update says sorry for it."""
    return waiting_s >= policy.options_after_s


def auto_resolve_due(policy: WaitingPolicy, last_activity: dt.datetime, now: dt.datetime) -> bool:
    """An assigned conversation whose customer has been quiet for ``auto_resolve_after_s``."""
    return policy.auto_resolve_after_s > 0 and (now - last_activity).total_seconds() >= policy.auto_resolve_after_s
