"""Domain events: what a committed service transaction changed.

Transactions return a list of these; :func:`handoff.service.publish.publish` is the one
place they become Socket.IO emits (as Chatwoot's listeners turn its events into broadcasts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Union

from store.models.support import Message


@dataclass(frozen=True)
class MessageAdded:
    """A stored message: ``bot_uttered`` to the customer (unless private or theirs), ``message`` to agents.

    Attributes:
        assignee_id: the agent who owns the conversation (their sockets get the message).
        also_to_agent: another agent who must see it (the one who just transferred it away).
    """

    conversation_id: int
    message: Message
    agent_name: Optional[str] = None
    assignee_id: Optional[int] = None
    also_to_agent: Optional[int] = None


@dataclass(frozen=True)
class StatusChanged:
    """The conversation's status, assignee or queue data changed."""

    conversation_id: int


@dataclass(frozen=True)
class QueueChanged:
    """The queue (or who can take from it) changed: every agent and waiting customer hears."""


@dataclass(frozen=True)
class AgentChanged:
    """An agent's status or load changed: they get their ``agent_state``."""

    agent_id: int


@dataclass(frozen=True)
class Offered:
    """A conversation is offered to one agent (``handoff_offered``)."""

    agent_id: int
    conversation_id: int
    item: Dict[str, Any]
    transferred_from: Optional[int] = None


@dataclass(frozen=True)
class Assigned:
    """A conversation went straight to one agent (``conversation_assigned``): the customer came
    back and asked again while the agent who helped them before is available."""

    agent_id: int
    conversation_id: int
    item: Dict[str, Any]
    reason: str = "returning"


Event = Union[MessageAdded, StatusChanged, QueueChanged, AgentChanged, Offered, Assigned]
