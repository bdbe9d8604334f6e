"""The Socket.IO implementation of :class:`handoff.service.notifier.Notifier`."""

from __future__ import annotations

from typing import Any, Optional

import socketio

from handoff import events as ev


class SocketNotifier:
    """Emits through an ``AsyncServer`` (rooms are shared across processes with Redis)."""

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def to_sid(self, sid: str, event: str, data: Any, *, agent: bool = False) -> None:
        await self.sio.emit(event, data, to=sid, namespace=ev.AGENT_NS if agent else ev.CUSTOMER_NS)

    async def to_conversation(self, conversation_id: int, event: str, data: Any,
                              skip_sid: Optional[str] = None) -> None:
        await self.sio.emit(event, data, room=ev.conversation_room(conversation_id), skip_sid=skip_sid,
                            namespace=ev.CUSTOMER_NS)

    async def to_agent(self, agent_id: int, event: str, data: Any) -> None:
        await self.sio.emit(event, data, room=ev.agent_room(agent_id), namespace=ev.AGENT_NS)

    async def to_conversation_agents(self, conversation_id: int, assignee_id: Optional[int], event: str,
                                     data: Any) -> None:
        rooms = [ev.watchers_room(conversation_id)]
        if assignee_id is not None:
            rooms.append(ev.agent_room(assignee_id))
        await self.sio.emit(event, data, room=rooms, namespace=ev.AGENT_NS)

    async def to_all_agents(self, event: str, data: Any) -> None:
        await self.sio.emit(event, data, room=ev.AGENTS_ROOM, namespace=ev.AGENT_NS)

    async def join_conversation(self, sid: str, conversation_id: int) -> None:
        await self.sio.enter_room(sid, ev.conversation_room(conversation_id), namespace=ev.CUSTOMER_NS)

    async def leave_conversation(self, sid: str, conversation_id: int) -> None:
        await self.sio.leave_room(sid, ev.conversation_room(conversation_id), namespace=ev.CUSTOMER_NS)

    async def join_agent_rooms(self, sid: str, agent_id: int) -> None:
        await self.sio.enter_room(sid, ev.agent_room(agent_id), namespace=ev.AGENT_NS)
        await self.sio.enter_room(sid, ev.AGENTS_ROOM, namespace=ev.AGENT_NS)

    async def watch(self, sid: str, conversation_id: int) -> None:
        await self.sio.enter_room(sid, ev.watchers_room(conversation_id), namespace=ev.AGENT_NS)
