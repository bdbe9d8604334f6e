"""The outbox, from the handoff service: a periodic deliverer, and confirmation links opened.

The action server delivers right after it enqueues (``bot.actions.runtime.deliver_mail``);
this loop retries what is still pending (SMTP was down, an action server died). Claims make
it safe to run on every node at once (:mod:`store.outbox`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional

from common.mailer import deliver_pending
from common.settings import Settings
from handoff import errors
from handoff.service.context import Service
from store import confirmations
from store import errors as store_errors

log = logging.getLogger(__name__)
INTERVAL = 30.0


async def deliver_periodically(settings: Settings, interval: float = INTERVAL,
                               wakeup: Optional[asyncio.Event] = None) -> None:
    """Every ``interval`` seconds, or as soon as ``wakeup`` is set, send what is pending (in a
    worker thread, own small engine)."""
    from store.db import make_engine, session_factory

    engine = make_engine(settings)
    sessions = session_factory(engine)
    loop = asyncio.get_running_loop()
    try:
        while True:
            try:
                sent = await loop.run_in_executor(None, deliver_pending, settings, sessions)
                if sent:
                    log.info("outbox.delivered count=%d", sent)
            except Exception:  # noqa: BLE001 - keep the loop alive; the rows stay pending
                log.exception("outbox.deliver_failed")
            if wakeup is None:
                await asyncio.sleep(interval)
                continue
            try:
                await asyncio.wait_for(wakeup.wait(), interval)
            except asyncio.TimeoutError:
                pass
            wakeup.clear()
    finally:
        engine.dispose()


async def confirm(svc: Service, token: str) -> Dict[str, Any]:
    """Carry out the change a mailed confirmation link stands for (once)."""
    try:
        return await svc.run(confirmations.redeem, token)
    except store_errors.NotFound as exc:
        raise errors.NotFound(exc.message) from exc
    except (store_errors.NotAllowed, store_errors.InvalidInput) as exc:
        raise errors.InvalidState(exc.message) from exc
