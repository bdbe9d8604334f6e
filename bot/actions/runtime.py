"""Per-process resources of the action server, reached by the actions.

The server calls :func:`configure` once at start-up (never at import); tests call it with
their own settings and session factory. Store functions run in a worker thread inside one
transaction, so the event loop never waits on the database.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Dict, Optional, TypeVar

from sqlalchemy.orm import sessionmaker

from common.phrase_bank import load_phrase_bank
from common.settings import Settings
from store.db import make_engine, session_factory, transaction

T = TypeVar("T")


@dataclass
class Runtime:
    """Settings, the session factory and the cached phrase bank of this process."""

    settings: Settings
    sessions: sessionmaker
    _phrase_bank: Optional[Dict[str, Any]] = field(default=None, repr=False)

    def phrase_bank(self) -> Dict[str, Any]:
        """``policy/phrase_bank.yml``, read on first use."""
        if self._phrase_bank is None:
            self._phrase_bank = load_phrase_bank(self.settings.policy_path("phrase_bank.yml"))
        return self._phrase_bank


_current: Optional[Runtime] = None


def configure(settings: Settings, sessions: Optional[sessionmaker] = None) -> Runtime:
    """Create this process's engine (unless ``sessions`` is given) and make it current."""
    global _current
    if _current is not None and sessions is None:
        dispose()
    _current = Runtime(settings=settings, sessions=sessions or session_factory(make_engine(settings)))
    return _current


def current() -> Runtime:
    """The configured runtime; actions fail loudly if the server forgot to configure one."""
    if _current is None:
        raise RuntimeError("bot.actions.runtime.configure() was not called")
    return _current


def dispose() -> None:
    """Close the engine's pooled connections and forget the runtime."""
    global _current
    if _current is not None:
        bind = _current.sessions.kw.get("bind")
        if bind is not None:
            bind.dispose()
    _current = None


async def in_store(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn(session, *args, **kwargs)`` in one transaction, in a worker thread."""
    sessions = current().sessions

    def call() -> T:
        with transaction(sessions) as session:
            return fn(session, *args, **kwargs)

    return await asyncio.get_running_loop().run_in_executor(None, partial(call))



async def deliver_mail() -> int:
    """Send the outbox now (right after an action enqueued a message); failures stay queued."""
    from common.mailer import deliver_pending

    rt = current()
    try:
        return await asyncio.get_running_loop().run_in_executor(
            None, partial(deliver_pending, rt.settings, rt.sessions))
    except Exception:  # noqa: BLE001 - the message stays in the outbox for the next deliverer
        logging.getLogger(__name__).exception("outbox.deliver_failed")
        return 0
