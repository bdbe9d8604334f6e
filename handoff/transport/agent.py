"""Agent namespace ``/agent``: authenticated at connect (docs/protocol.md)."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import socketio

from handoff import errors
from handoff import events as ev
from handoff.service import agents, canned, handoffs, inbox
from handoff.service.context import Service
from handoff.service.queue import queue_items
from handoff.transport import parse
from handoff.transport.guard import guarded


class AgentNamespace(socketio.AsyncNamespace):
    """Translates agent events into service calls."""

    def __init__(self, service: Callable[[], Service]) -> None:
        super().__init__(ev.AGENT_NS)
        self.service = service

    async def on_connect(self, sid: str, environ: Dict[str, Any], auth: Optional[Dict[str, Any]] = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            await agents.connect(self.service(), sid, token)
        except errors.HandoffError as exc:
            # message = the error code, data = {code, message}: clients test the code, never the text
            raise socketio.exceptions.ConnectionRefusedError(exc.code, errors.error_body(exc)) from exc

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        await agents.disconnect(self.service(), sid)

    def _me(self, sid: str) -> int:
        return agents.agent_of(self.service(), sid)

    @guarded
    async def on_queue(self, sid: str, data: Any = None) -> Dict[str, Any]:
        self._me(sid)
        svc = self.service()
        return ev.ok(items=await svc.run(queue_items, svc.policy))

    @guarded
    async def on_claim(self, sid: str, data: Any = None) -> Dict[str, Any]:
        view = await handoffs.claim(self.service(), self._me(sid), parse.req_id(parse.obj(data)))
        return ev.ok(conversation=view)

    @guarded
    async def on_open(self, sid: str, data: Any = None) -> Dict[str, Any]:
        view = await agents.open_view(self.service(), sid, self._me(sid), parse.req_id(parse.obj(data)))
        return ev.ok(conversation=view)

    @guarded
    async def on_send(self, sid: str, data: Any = None) -> Dict[str, Any]:
        data = parse.obj(data)
        return await agents.send(self.service(), self._me(sid), parse.req_id(data), data.get("text"),
                                 parse.opt_str(data, "client_msg_id"))

    @guarded
    async def on_typing(self, sid: str, data: Any = None) -> None:
        data = parse.obj(data)
        await agents.typing(self.service(), self._me(sid), parse.req_id(data), data.get("typing"))

    @guarded
    async def on_note(self, sid: str, data: Any = None) -> Dict[str, Any]:
        data = parse.obj(data)
        return await agents.note(self.service(), self._me(sid), parse.req_id(data), data.get("text"))

    @guarded
    async def on_grant(self, sid: str, data: Any = None) -> Dict[str, Any]:
        data = parse.obj(data)
        return await agents.grant(self.service(), self._me(sid), parse.req_id(data), data)

    @guarded
    async def on_hand_back(self, sid: str, data: Any = None) -> Dict[str, Any]:
        await handoffs.hand_back(self.service(), self._me(sid), parse.req_id(parse.obj(data)))
        return ev.ok()

    @guarded
    async def on_transfer(self, sid: str, data: Any = None) -> Dict[str, Any]:
        data = parse.obj(data)
        await handoffs.transfer(self.service(), self._me(sid), parse.req_id(data), parse.opt_id(data, "to_agent_id"))
        return ev.ok()

    @guarded
    async def on_resolve(self, sid: str, data: Any = None) -> Dict[str, Any]:
        data = parse.obj(data)
        disposition = parse.opt_str(data, "disposition") or "resolved"
        await handoffs.resolve(self.service(), self._me(sid), parse.req_id(data), disposition)
        return ev.ok()

    @guarded
    async def on_set_status(self, sid: str, data: Any = None) -> Dict[str, Any]:
        return await agents.set_status(self.service(), self._me(sid), parse.obj(data).get("status"))


    @guarded
    async def on_canned_list(self, sid: str, data: Any = None) -> Dict[str, Any]:
        self._me(sid)
        return await canned.list_canned(self.service())

    @guarded
    async def on_canned_save(self, sid: str, data: Any = None) -> Dict[str, Any]:
        return await canned.save(self.service(), self._me(sid), parse.obj(data))

    @guarded
    async def on_canned_delete(self, sid: str, data: Any = None) -> Dict[str, Any]:
        self._me(sid)
        return await canned.delete(self.service(), parse.obj(data))

    @guarded
    async def on_inbox(self, sid: str, data: Any = None) -> Dict[str, Any]:
        return await inbox.inbox(self.service(), self._me(sid), parse.obj(data, allow_none=True))

    @guarded
    async def on_team(self, sid: str, data: Any = None) -> Dict[str, Any]:
        return await inbox.team(self.service(), self._me(sid))

    @guarded
    async def on_add_label(self, sid: str, data: Any = None) -> Dict[str, Any]:
        data = parse.obj(data)
        return await inbox.set_label(self.service(), self._me(sid), parse.req_id(data), data.get("label"), True)

    @guarded
    async def on_remove_label(self, sid: str, data: Any = None) -> Dict[str, Any]:
        data = parse.obj(data)
        return await inbox.set_label(self.service(), self._me(sid), parse.req_id(data), data.get("label"), False)

    @guarded
    async def on_sign_out(self, sid: str, data: Any = None) -> Dict[str, Any]:
        return await agents.sign_out(self.service(), self._me(sid))

    @guarded
    async def on_return_to_queue(self, sid: str, data: Any = None) -> Dict[str, Any]:
        done = await handoffs.return_stuck(self.service(), self._me(sid), parse.req_id(parse.obj(data)))
        return ev.ok(**done)
