"""The real stack, started once per test session (see tests/stack.py)."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.stack import Stack, running_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """Rasa, the action server and one handoff node on free loopback ports, SQLite store."""
    with running_stack() as running:
        yield running
