"""How the service tells clients what happened (implemented by the transport)."""

from __future__ import annotations

from typing import Any, Optional, Protocol


class Notifier(Protocol):
    """Emits events and manages rooms. Called only after the change is committed."""

    async def to_sid(self, sid: str, event: str, data: Any, *, agent: bool = False) -> None:
        """One socket (customer namespace, or the agent namespace when ``agent``)."""

    async def to_conversation(self, conversation_id: int, event: str, data: Any,
                              skip_sid: Optional[str] = None) -> None:
        """Every customer socket of a conversation."""

    async def to_agent(self, agent_id: int, event: str, data: Any) -> None:
        """Every socket of one agent."""

    async def to_conversation_agents(self, conversation_id: int, assignee_id: Optional[int], event: str,
                                     data: Any) -> None:
        """The assignee's sockets and agent sockets that opened the conversation (each once)."""

    async def to_all_agents(self, event: str, data: Any) -> None:
        """Every connected agent socket."""

    async def join_conversation(self, sid: str, conversation_id: int) -> None:
        """Put a customer socket in its conversation's room."""

    async def leave_conversation(self, sid: str, conversation_id: int) -> None:
        """Take a customer socket out of a conversation's room."""

    async def join_agent_rooms(self, sid: str, agent_id: int) -> None:
        """Put an agent socket in its own room and the all-agents room."""

    async def watch(self, sid: str, conversation_id: int) -> None:
        """Let an agent socket follow a conversation."""
