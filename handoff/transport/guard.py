"""The one place domain errors become Socket.IO error acks (and retryable ones no ack)."""

from __future__ import annotations

import functools
import logging
from typing import Any, Awaitable, Callable

from handoff.errors import HandoffError, error_ack

log = logging.getLogger(__name__)


def guarded(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Wrap an ``AsyncNamespace.on_<event>`` method.

    A :class:`HandoffError` is acked as ``{"ok": false, "error": ...}``. A retryable one (the
    service maps database failures to :class:`handoff.errors.StoreFailed`) or an I/O failure is
    logged and *not* acked, so the client retries the same message.
    """

    @functools.wraps(handler)
    async def wrapper(self: Any, sid: str, *args: Any) -> Any:
        try:
            return await handler(self, sid, *args)
        except HandoffError as exc:
            if exc.retryable:
                log.error("socket.no_ack event=%s code=%s", handler.__name__, exc.code)
                return self.server.not_handled
            log.info("socket.refused event=%s code=%s", handler.__name__, exc.code)
            return error_ack(exc)
        except OSError as exc:
            log.error("socket.no_ack event=%s error=%r", handler.__name__, exc)
            return self.server.not_handled

    return wrapper
