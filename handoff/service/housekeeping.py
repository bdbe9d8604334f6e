"""Every node's periodic, time-driven work: due check-ins, honest queue updates, idle auto-resolve.

Runs once at start (so nothing waits a full interval after a restart) and then every
``HOUSEKEEPING_S``. Safe on every node at once: each step claims what it does in the store.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Dict

from handoff.service import checkins, waiting
from handoff.service.context import Service

log = logging.getLogger(__name__)
STEPS: Dict[str, Callable[[Service], Awaitable[int]]] = {
    "checkins": checkins.send_due,
    "queue_updates": waiting.send_queue_updates,
    "auto_resolve": waiting.auto_resolve_idle,
}


async def tick(svc: Service) -> Dict[str, int]:
    """One pass of every step; a failing step is logged and the others still run."""
    done: Dict[str, int] = {}
    for name, step in STEPS.items():
        try:
            done[name] = await step(svc)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the next tick tries again
            log.exception("housekeeping.failed step=%s node=%s", name, svc.settings.node_id)
    return done


async def forever(svc: Service) -> None:
    """``tick`` now and every ``housekeeping_s`` until cancelled."""
    while True:
        await tick(svc)
        await asyncio.sleep(svc.settings.housekeeping_s)
