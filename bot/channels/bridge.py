"""``bridge``: the token-protected Rasa input channel the handoff service calls.

``POST /webhooks/bridge/webhook`` with ``Authorization: Bearer $RASA_TOKEN`` and
``{"sender", "message", "metadata"}`` runs the message through Rasa and answers
``{"messages": [...], "parse": {...}, "paused": bool}`` (docs/architecture.md): the bot's
messages, the NLU parse of the message and whether the tracker is paused (a person owns
the conversation). Registered in ``credentials.yml`` as ``bot.channels.bridge.BridgeInput``.

The parse and the pause come from the tracker the processor saves at the end of the turn
(captured in the request's context), not from fetching the tracker again: that second read
of the whole tracker was most of the service's overhead over Rasa's own REST channel
(bench/README.md). Should the processor not save one (another Rasa version), it is fetched.
"""

from __future__ import annotations

import hmac
import json
import logging
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)
# The turn a bridge request is running: {"sender"} in, {"parse", "paused"} added when saved.
_TURN: ContextVar[Optional[Dict[str, Any]]] = ContextVar("bridge_turn", default=None)


def capture_saved_trackers(processor: Any) -> None:
    """Wrap ``processor.save_tracker`` (once per processor) to note what the bridge answers with."""
    if processor is None or getattr(processor, "_bridge_captures", False):
        return
    original = processor.save_tracker

    async def save_tracker(tracker: Any) -> None:
        turn = _TURN.get()
        if turn is not None and tracker.sender_id == turn["sender"]:
            turn["paused"] = tracker.is_paused()
            turn["parse"] = tracker.latest_message.parse_data if tracker.latest_message is not None else {}
        await original(tracker)

    processor.save_tracker = save_tracker
    processor._bridge_captures = True


def _json_safe(value: Any) -> Any:
    """Round-trip through JSON so numpy floats and the like become plain numbers."""
    return json.loads(json.dumps(value, default=lambda o: float(o) if hasattr(o, "__float__") else str(o)))


class BridgeInput(InputChannel):
    """The handoff service's channel into Rasa."""

    @classmethod
    def name(cls) -> Text:
        return "bridge"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        token = (credentials or {}).get("token")
        if not token:
            from common.settings import load_settings

            token = load_settings().rasa_token
        return cls(token=str(token))

    def __init__(self, token: str) -> None:
        self.token = token

    def check_bind(self, host: str) -> None:
        """Refuse (SystemExit) a development or short token when Rasa listens beyond loopback."""
        import dataclasses

        from common.settings import load_settings, require_safe_bind

        settings = dataclasses.replace(load_settings(), rasa_token=self.token)
        require_safe_bind(settings, host, "rasa (bridge channel)", ["RASA_TOKEN"])

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), self.token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bridge = Blueprint("bridge_webhook", __name__)

        @bridge.listener("before_server_start")
        async def refuse_unsafe_bind(app: Any, _loop: Any) -> None:
            self.check_bind(str(app.state.host or "0.0.0.0"))

        @bridge.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bridge.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorized(request):
                return response.json({"error": "unauthorized"}, status=401)
            body = request.json if isinstance(request.json, dict) else None
            if body is None:
                return response.json({"error": "expected a JSON object"}, status=400)
            sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata") or {}
            if not isinstance(sender, str) or not sender or not isinstance(text, str) or not isinstance(metadata, dict):
                return response.json({"error": "sender and message must be strings, metadata an object"}, status=400)
            collector = CollectingOutputChannel()
            agent = getattr(request.app.ctx, "agent", None)
            capture_saved_trackers(getattr(agent, "processor", None))
            turn: Dict[str, Any] = {"sender": sender}
            token = _TURN.set(turn)
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=metadata))
            finally:
                _TURN.reset(token)
            parse: Dict[str, Any] = turn.get("parse") or {}
            paused = bool(turn.get("paused"))
            if "parse" not in turn and agent is not None and agent.tracker_store is not None:
                tracker = await agent.tracker_store.retrieve(sender)
                if tracker is not None:
                    paused = tracker.is_paused()
                    if tracker.latest_message is not None:
                        parse = tracker.latest_message.parse_data
            return response.json(_json_safe({"messages": collector.messages, "parse": parse, "paused": paused}))

        return bridge
