"""Rows a service transaction needs to exist: found, or the service's ``not_found``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from handoff import errors
from store import agents as agent_store
from store import conversations as conv_store
from store.models.support import Agent, Conversation


def conversation(s: Session, conversation_id: int) -> Conversation:
    """The conversation, or NotFound."""
    conv = conv_store.get_conversation(s, conversation_id)
    if conv is None:
        raise errors.NotFound("There is no such conversation.")
    return conv


def agent(s: Session, agent_id: int) -> Agent:
    """The agent, or NotFound."""
    found = agent_store.get_agent(s, agent_id)
    if found is None:
        raise errors.NotFound("There is no such agent.")
    return found
