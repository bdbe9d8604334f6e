"""The service object: settings, resources and this process's open sockets.

Only the sockets themselves live here (they belong to this process); everything a turn needs
on any node, presence, flags and the per-conversation turn order, is in the store.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, Optional, Set, TypeVar

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from common.settings import Settings
from handoff import errors
from handoff.policy import HandoffPolicy
from handoff.proactive_policy import ProactivePolicy
from handoff.service.notifier import Notifier
from handoff.service.ratelimit import Limiter

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class CustomerConn:
    """A customer socket bound to its conversation."""

    sid: str
    conversation_id: int
    session_id: str
    customer_id: Optional[int]
    identity_token: Optional[str]
    address: str = "unknown"  # the client address (handoff.service.clients), for limits


@dataclass
class Service:
    """What every service function needs; built by ``handoff.app.create_app``.

    Attributes:
        db: factory of ``AsyncSession``s.
        rasa: a :class:`handoff.rasa_client.RasaClient` (or a fake in unit tests).
        detector: a ``handoff.detect.Detector``.
        customers: customer sockets of this process by sid (dropped on disconnect).
        agent_sids: agent id of each agent socket of this process (dropped on disconnect); the
            shared presence is ``store.presence``.
    """

    settings: Settings
    policy: HandoffPolicy
    phrase_bank: Dict[str, Any]
    db: sessionmaker
    rasa: Any
    detector: Any
    notifier: Notifier
    limiter: Limiter  # counters by identity or client address (Redis when REDIS_URL is set)
    customers: Dict[str, CustomerConn] = field(default_factory=dict)
    agent_sids: Dict[str, int] = field(default_factory=dict)
    detector_pool: Any = None  # a one-thread executor: the detector runs off the event loop
    mail_wakeup: Optional["asyncio.Event"] = None  # set: this node's outbox deliverer runs now
    proactive: ProactivePolicy = field(default_factory=ProactivePolicy)  # policy/proactive.yml
    followups: Any = None  # a store.followup_policy.FollowupPolicy; None: read policy/followups.yml on use
    _tasks: Set["asyncio.Task[Any]"] = field(default_factory=set)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run the synchronous store function ``fn(session, *args)`` in one committed transaction.

        Database errors become the service's own (:class:`errors.DuplicateWrite` for a unique
        constraint, :class:`errors.StoreFailed` otherwise), so no caller handles SQLAlchemy's.
        """
        try:
            async with self.db() as session:
                try:
                    result = await session.run_sync(lambda s: fn(s, *args, **kwargs))
                    await session.commit()
                    return result
                except BaseException:
                    await session.rollback()
                    raise
        except IntegrityError as exc:
            raise errors.DuplicateWrite() from exc
        except SQLAlchemyError as exc:
            log.error("handoff.store_failed fn=%s error=%r", getattr(fn, "__name__", fn), exc)
            raise errors.StoreFailed() from exc

    def followup_policy(self) -> Any:
        """``policy/followups.yml`` with the ``FOLLOWUP_DELAY_S`` override (cached per file version)."""
        if self.followups is not None:
            return self.followups
        from store.followup_policy import load_followup_policy

        return load_followup_policy(self.settings.policy_path("followups.yml"), self.settings.followup_delay_s)

    def presence_since(self) -> dt.datetime:
        """Presence rows seen before this belong to a node that stopped vouching for them."""
        from store.models.base import utcnow

        return utcnow() - dt.timedelta(seconds=self.settings.presence_ttl_s)

    def wake_mailer(self) -> None:
        """Something was just enqueued in the outbox: deliver now rather than on the next round."""
        if self.mail_wakeup is not None:
            self.mail_wakeup.set()

    def spawn(self, coro: Awaitable[Any], name: str = "task") -> None:
        """Run ``coro`` in the background, logging (not losing) its failure."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: "asyncio.Task[Any]") -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("handoff.task_failed name=%s", name, exc_info=t.exception())

        task.add_done_callback(done)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for background work before shutting down."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)
