"""The one rule for ``client_msg_id``: a retried message is stored once and acked again.

Customers (``user_uttered``) and agents (``send``) both use it. ``(conversation_id,
client_msg_id)`` is unique in the store; a retry finds the stored message, a concurrent
duplicate trips the constraint and is found on a second look. An id already used by someone
else in the conversation is refused, never answered with their message.
"""

from __future__ import annotations

from typing import Callable, Optional, Tuple, TypeVar

from sqlalchemy.orm import Session

from handoff import errors
from handoff.service.context import Service
from store import conversations as conv_store
from store.models.support import Message, Sender

T = TypeVar("T")


async def append_once(svc: Service, cid: int, client_msg_id: Optional[str], sender: Sender,
                      write: Callable[[Session], T], found: Callable[[Session, Message], T],
                      agent_id: Optional[int] = None) -> Tuple[T, bool]:
    """``(write(s), False)`` the first time, ``(found(s, stored), True)`` for a retry.

    Args:
        write: stores the message (with ``client_msg_id``) and returns what the caller needs.
        found: builds the same from the message stored earlier.
        agent_id: for agents, the author a retry must match.
    """

    def tx(s: Session) -> Tuple[T, bool]:
        if client_msg_id:
            stored = conv_store.find_client_message(s, cid, client_msg_id)
            if stored is not None:
                if stored.sender != sender or stored.agent_id != agent_id:
                    raise errors.InvalidPayload("That `client_msg_id` is already used in this conversation.")
                return found(s, stored), True
        return write(s), False

    try:
        return await svc.run(tx)
    except errors.DuplicateWrite:  # the same client_msg_id committed concurrently
        result = await svc.run(tx)
        if not result[1]:
            raise
        return result
