"""A node's share of the cluster's upkeep: start-up clean-up and the presence heartbeat.

At start the node drops what it owned in an earlier life (presence rows and turn claims under
its ``NODE_ID``), answers stranded turns and removes attachment files a crash left without a row.
Every ``PRESENCE_HEARTBEAT_S`` it vouches for its open agent and customer sockets, expires every
node's rows not vouched for within ``PRESENCE_TTL_S`` (so a dead node's agents go offline within
TTL + one heartbeat), returns the conversations of agents offline for longer than
``AGENT_OFFLINE_GRACE_S`` to the queue (idempotent when nodes sweep together) and looks for
stranded turns again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import List, Set

from handoff.service import blobs, handoffs, publish, runner
from handoff.service.changes import AgentChanged, Event, QueueChanged
from handoff.service.context import Service
from store import attachments, customer_presence, presence, turn_claims

log = logging.getLogger(__name__)


async def start(svc: Service) -> None:
    """Clear what this node owned before it (re)started, then recover stranded turns."""
    node = svc.settings.node_id
    gone = await svc.run(presence.expire, svc.presence_since(), node)
    await svc.run(customer_presence.expire, svc.presence_since(), node)
    released = await svc.run(turn_claims.release_node, node)
    gone += await svc.run(presence.offline_without_presence, svc.presence_since())
    log.info("handoff.node_started node=%s agents_offline=%s claims_released=%s", node, gone, released)
    await _announce(svc, gone)
    await runner.recover(svc)
    await _sweep_attachments(svc)


async def _sweep_attachments(svc: Service) -> None:
    """Remove attachment files a crash left without their row (best effort, off the event loop)."""
    loop = asyncio.get_running_loop()

    def known(keys: List[str]) -> Set[str]:
        return asyncio.run_coroutine_threadsafe(svc.run(attachments.known_storage_keys, keys), loop).result(60)

    try:
        removed = await loop.run_in_executor(None, blobs.sweep, svc.settings.attachments_dir, known)
    except Exception:  # noqa: BLE001 - a leftover file costs disk, never a failed start
        log.exception("handoff.attachment_sweep_failed dir=%s", svc.settings.attachments_dir)
        return
    if removed:
        log.info("handoff.attachment_sweep removed=%s", removed)


async def tick(svc: Service) -> None:
    """One heartbeat: vouch for this node's agent and customer sockets, expire dead nodes', recover turns."""
    await svc.run(presence.heartbeat, svc.settings.node_id, list(svc.agent_sids))
    await svc.run(customer_presence.heartbeat, svc.settings.node_id, list(svc.customers))
    await svc.run(customer_presence.expire, svc.presence_since())
    await _announce(svc, await svc.run(presence.expire, svc.presence_since()))
    await handoffs.return_stranded(svc)
    await runner.recover(svc)


async def forever(svc: Service) -> None:
    """``tick`` every heartbeat until cancelled; a failed tick is logged and the next one tries again."""
    while True:
        await asyncio.sleep(svc.settings.presence_heartbeat_s)
        try:
            await tick(svc)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the heartbeat must survive a store hiccup
            log.exception("handoff.heartbeat_failed node=%s", svc.settings.node_id)


async def _announce(svc: Service, gone: List[int]) -> None:
    if gone:
        events: List[Event] = [AgentChanged(a) for a in gone]
        await publish.publish(svc, [*events, QueueChanged()])
