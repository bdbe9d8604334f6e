"""Customer namespace ``/``: Rasa's socketio channel protocol plus our extensions."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import socketio

from handoff import events as ev
from handoff.service import customers, notices, proactive, sessions, turns
from handoff.service.clients import client_address
from handoff.service.context import Service
from handoff.transport import parse
from handoff.transport.guard import guarded


class CustomerNamespace(socketio.AsyncNamespace):
    """Translates customer events into service calls (docs/protocol.md)."""

    def __init__(self, service: Callable[[], Service]) -> None:
        super().__init__(ev.CUSTOMER_NS)
        self.service = service

    async def on_connect(self, sid: str, environ: Dict[str, Any], auth: Optional[Dict[str, Any]] = None) -> bool:
        return True

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        await sessions.disconnect(self.service(), sid)

    def _address(self, sid: str) -> str:
        """The client address (limits are keyed by it when there is no identity)."""
        return client_address(self.service().settings, *parse.peer(self.server.get_environ(sid, self.namespace)))

    @guarded
    async def on_session_request(self, sid: str, data: Any = None) -> Dict[str, Any]:
        data = parse.obj(data, allow_none=True)
        return await sessions.open_session(self.service(), sid, parse.opt_str(data, "session_id"),
                                           parse.opt_int(data, "last_seq"), parse.token(data), self._address(sid),
                                           resume_token=parse.resume_token(data))

    @guarded
    async def on_user_uttered(self, sid: str, data: Any = None) -> Dict[str, Any]:
        data = parse.obj(data)
        custom = parse.custom_data(data)
        return await turns.customer_message(self.service(), sid, data.get("message"),
                                            parse.opt_str(data, "session_id"),
                                            parse.opt_str(custom, "client_msg_id"),
                                            parse.token(data), self._address(sid))

    @guarded
    async def on_typing(self, sid: str, data: Any = None) -> None:
        data = parse.obj(data, allow_none=True)
        await customers.typing(self.service(), sid, bool(data.get("typing")))

    @guarded
    async def on_csat(self, sid: str, data: Any = None) -> Dict[str, Any]:
        return await customers.csat(self.service(), sid, parse.obj(data).get("score"))

    @guarded
    async def on_follow_up(self, sid: str, data: Any = None) -> Dict[str, Any]:
        return await customers.follow_up(self.service(), sid, parse.opt_str(parse.obj(data), "email", 254))

    @guarded
    async def on_continue_with_bot(self, sid: str, data: Any = None) -> Dict[str, Any]:
        return await customers.continue_with_bot(self.service(), sid)

    @guarded
    async def on_email_transcript(self, sid: str, data: Any = None) -> Dict[str, Any]:
        return await notices.email_transcript(self.service(), sid,
                                              parse.opt_str(parse.obj(data, allow_none=True), "email", 254))

    @guarded
    async def on_notify_me(self, sid: str, data: Any = None) -> Dict[str, Any]:
        return await notices.notify_me(self.service(), sid, parse.opt_str(parse.obj(data, allow_none=True), "email", 254))

    @guarded
    async def on_struggle(self, sid: str, data: Any = None) -> Dict[str, Any]:
        signal, count, context = parse.struggle(parse.obj(data))
        return await proactive.struggle(self.service(), sid, signal, count, context)
