"""Domain errors raised by the store, mapped to replies or HTTP codes by callers.

Every caller (actions, the handoff service) catches these in one place; messages are
written for people (an agent may read them), never for a stack trace.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every domain error the store raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    """The order, charge, customer or agent does not exist (or is not the caller's)."""


class InvalidInput(StoreError):
    """The request is malformed (empty address, negative amount...); nothing changed."""


class NotAllowed(StoreError):
    """The request is understood but may not be carried out by this actor.

    Attributes:
        needs_human: True when a person may still decide it (over the bot's limits, a
            second grant on an order, a VIP...): the bot hands off instead of saying no.
    """

    def __init__(self, message: str, needs_human: bool = False) -> None:
        super().__init__(message)
        self.needs_human = needs_human
