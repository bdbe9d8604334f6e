"""SQL for agent presence shared by every node: one row per open agent socket.

An agent is online while they have a row whose ``last_seen`` is newer than the caller's
``since`` (now minus ``PRESENCE_TTL_S``); each node refreshes its own rows on a heartbeat, so
a node that dies takes its agents offline on its own. Connect and disconnect both lock the
agent's row first, so a socket arriving on one node and another leaving on a second node
never leave the agent's status inverted.

Synchronous, ``Session`` first, never commits (see ``store.conversations``).
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional, Set

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from store.models.base import utcnow
from store.models.support import Agent, AgentPresence, AgentStatus


def _lock_agent(session: Session, agent_id: int) -> Optional[Agent]:
    """The agent row, locked until commit on PostgreSQL (SQLite serialises writers anyway)."""
    return session.execute(select(Agent).where(Agent.id == agent_id).with_for_update()).scalar_one_or_none()


def _live_count(session: Session, agent_id: int, since: dt.datetime) -> int:
    return int(session.execute(select(func.count()).select_from(AgentPresence).where(
        AgentPresence.agent_id == agent_id, AgentPresence.last_seen >= since)).scalar_one())


def arrive(session: Session, sid: str, agent_id: int, node_id: str, since: dt.datetime) -> Optional[Agent]:
    """Record the socket ``sid`` of ``agent_id`` on ``node_id``; their first live socket makes them online.

    Returns the agent, or None when there is no such agent.
    """
    agent = _lock_agent(session, agent_id)
    if agent is None:
        return None
    first = _live_count(session, agent_id, since) == 0
    session.merge(AgentPresence(sid=sid, agent_id=agent_id, node_id=node_id, last_seen=utcnow()))
    if first and agent.status != AgentStatus.ONLINE:
        agent.status = AgentStatus.ONLINE
    agent.offline_since = None  # back within the grace: their conversations stay theirs
    session.flush()
    return agent


def leave(session: Session, sid: str, since: dt.datetime) -> Optional[int]:
    """Forget the socket ``sid``; the agent goes offline with their last live socket.

    Returns the agent id when this made them offline, else None. Safe to call twice.
    """
    agent_id = session.execute(select(AgentPresence.agent_id).where(AgentPresence.sid == sid)).scalar_one_or_none()
    if agent_id is None:
        return None
    _lock_agent(session, agent_id)
    session.execute(delete(AgentPresence).where(AgentPresence.sid == sid))
    return agent_id if _offline_if_absent(session, agent_id, since) else None


def _offline_if_absent(session: Session, agent_id: int, since: dt.datetime) -> bool:
    if _live_count(session, agent_id, since):
        return False
    agent = session.get(Agent, agent_id)
    if agent is None or agent.status == AgentStatus.OFFLINE:
        return False
    agent.status = AgentStatus.OFFLINE
    agent.offline_since = utcnow()
    session.flush()
    return True


def is_present(session: Session, agent_id: int, since: dt.datetime) -> bool:
    """True while the agent has a live socket on some node."""
    return _live_count(session, agent_id, since) > 0


def live_agent_ids(session: Session, since: dt.datetime) -> Set[int]:
    """Agents with a live socket on some node."""
    return {int(a) for a in session.execute(select(AgentPresence.agent_id).where(
        AgentPresence.last_seen >= since).distinct()).scalars()}


def heartbeat(session: Session, node_id: str, sids: List[str]) -> int:
    """Vouch for this node's open sockets ``sids``; returns how many rows were refreshed."""
    if not sids:
        return 0
    result = session.execute(update(AgentPresence).where(AgentPresence.node_id == node_id,
                                                         AgentPresence.sid.in_(sids))
                             .values(last_seen=utcnow()).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def expire(session: Session, since: dt.datetime, node_id: Optional[str] = None) -> List[int]:
    """Drop rows not seen since ``since`` (and every row of ``node_id``, a node starting afresh).

    Returns the agents this made offline.
    """
    stale = AgentPresence.last_seen < since
    if node_id is not None:
        stale = stale | (AgentPresence.node_id == node_id)
    agent_ids = sorted({int(a) for a in session.execute(select(AgentPresence.agent_id).where(stale)).scalars()})
    if not agent_ids:
        return []
    session.execute(delete(AgentPresence).where(stale).execution_options(synchronize_session=False))
    gone = []
    for agent_id in agent_ids:
        _lock_agent(session, agent_id)
        if _offline_if_absent(session, agent_id, since):
            gone.append(agent_id)
    return gone


def offline_without_presence(session: Session, since: dt.datetime) -> List[int]:
    """Agents marked online or away with no live socket anywhere (e.g. every node was down): offline."""
    live = live_agent_ids(session, since)
    ids = [int(a) for a in session.execute(select(Agent.id).where(Agent.status != AgentStatus.OFFLINE)).scalars()
           if int(a) not in live]
    return [a for a in ids if _offline_if_absent(session, a, since)]


def choose_status(session: Session, agent_id: int, status: AgentStatus, since: dt.datetime) -> Optional[Agent]:
    """Set the agent's chosen ``online``/``away`` while they have a live socket.

    Returns the agent, or None when their last socket closed before this ran (they stay offline).
    """
    agent = _lock_agent(session, agent_id)
    if agent is None:
        raise LookupError(agent_id)
    if not _live_count(session, agent_id, since):
        return None
    agent.status = status
    session.flush()
    return agent
