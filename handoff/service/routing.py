"""Queue priority and the choice of agent for a new handoff (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from handoff.policy import QueuePolicy


@dataclass(frozen=True)
class AgentLoad:
    """An agent's availability as routing sees it."""

    agent_id: int
    online: bool
    active: int
    max_concurrent: int

    @property
    def has_room(self) -> bool:
        return self.online and self.active < self.max_concurrent


def priority(policy: QueuePolicy, severity: str, waiting_s: float, customer_value: float) -> float:
    """Weighted 0-1 priority from severity, time waiting and the customer's lifetime value."""
    w = policy.weights
    sev = float(policy.severity_scores.get(severity, policy.severity_scores.get("none", 0.0)))
    wait = min(max(waiting_s, 0.0) / max(policy.waiting_full_after_s, 1.0), 1.0)
    value = min(max(customer_value, 0.0) / max(policy.value_full_at, 1.0), 1.0)
    total = w.get("severity", 0) + w.get("waiting", 0) + w.get("value", 0) or 1.0
    return round((w.get("severity", 0) * sev + w.get("waiting", 0) * wait + w.get("value", 0) * value) / total, 4)


def least_busy(agents: Sequence[AgentLoad]) -> Optional[int]:
    """The online agent with room and the fewest open conversations (lowest id on ties)."""
    candidates = [a for a in agents if a.has_room]
    if not candidates:
        return None
    return min(candidates, key=lambda a: (a.active / max(a.max_concurrent, 1), a.active, a.agent_id)).agent_id


def estimated_wait_s(policy: QueuePolicy, position: int, agents_with_room: int, agents_online: int) -> Optional[int]:
    """A rough wait for the customer: None when nobody is online."""
    if agents_online <= 0:
        return None
    if agents_with_room >= position:
        return 60
    ahead = max(position - agents_with_room, 1)
    return int(60 + policy.average_handle_s * ahead / max(agents_online, 1))


def sort_queue(items: Sequence[Mapping[str, object]]) -> list:
    """Conversations their agent left (``returned_at``) first, then highest priority, then longest waiting."""
    return sorted(items, key=lambda i: (not i.get("returned_at"), -float(i.get("priority", 0.0)),
                                        -float(i.get("waiting_s", 0.0))))


def available(agents: Sequence[AgentLoad], agent_id: Optional[int]) -> bool:
    """True when ``agent_id`` is online (not away) and has room for one more conversation."""
    return agent_id is not None and any(a.agent_id == agent_id and a.has_room for a in agents)
