"""The service's only way to Rasa: the token-protected bridge channel and tracker events."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import aiohttp

from handoff.errors import RasaUnavailable

log = logging.getLogger(__name__)


@dataclass
class BotTurn:
    """What Rasa answered to one customer message."""

    messages: List[Dict[str, Any]] = field(default_factory=list)
    parse: Dict[str, Any] = field(default_factory=dict)
    paused: bool = False

    @property
    def intent(self) -> Optional[str]:
        return (self.parse.get("intent") or {}).get("name")

    @property
    def confidence(self) -> Optional[float]:
        value = (self.parse.get("intent") or {}).get("confidence")
        return None if value is None else float(value)

    def handoff_requests(self) -> List[Dict[str, Any]]:
        """The ``{"handoff": {...}}`` custom payloads actions sent."""
        out = []
        for msg in self.messages:
            custom = msg.get("custom")
            if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
                out.append(custom["handoff"])
        return out

    def visible_messages(self) -> List[Dict[str, Any]]:
        """Messages to show the customer (custom handoff payloads removed)."""
        out = []
        for msg in self.messages:
            custom = msg.get("custom")
            if isinstance(custom, dict) and "handoff" in custom and not msg.get("text"):
                continue
            if msg.get("text") or msg.get("buttons") or msg.get("image") or msg.get("attachment") \
                    or forwarded_custom(msg):
                out.append(msg)
        return out


def forwarded_custom(message: Dict[str, Any]) -> bool:
    """A custom payload shown to the customer: like Rasa's socketio channel, its ``data`` object."""
    custom = message.get("custom")
    return isinstance(custom, dict) and "handoff" not in custom and isinstance(custom.get("data"), dict)


class RasaClient:
    """Talks to Rasa over HTTP on loopback (aiohttp).

    Args:
        base_url: Rasa server URL, e.g. ``http://127.0.0.1:5005``.
        token: Rasa's ``--auth-token``; also the bridge channel's bearer token.
        timeout: seconds before Rasa counts as down.
    """

    def __init__(self, base_url: str, token: str, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._session: Optional[aiohttp.ClientSession] = None

    async def start(self) -> None:
        """Open the connection pool (called when the app starts)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))

    async def close(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("RasaClient.start() was not called")
        return self._session

    async def send(self, sender: str, text: str, metadata: Dict[str, Any]) -> BotTurn:
        """Run one customer message through Rasa; raises RasaUnavailable when it cannot."""
        body = {"sender": sender, "message": text, "metadata": metadata}
        data = await self._post("/webhooks/bridge/webhook", body, headers={"Authorization": f"Bearer {self.token}"})
        if not isinstance(data, dict):
            raise RasaUnavailable("Rasa answered in an unexpected shape.")
        return BotTurn(messages=list(data.get("messages") or []), parse=dict(data.get("parse") or {}),
                       paused=bool(data.get("paused")))

    async def pause(self, sender: str) -> None:
        """Pause the tracker, so the bot stays silent while a person helps."""
        await self._tracker_event(sender, {"event": "pause"})

    async def resume(self, sender: str) -> None:
        """Resume the tracker after a hand-back."""
        await self._tracker_event(sender, {"event": "resume"})

    async def healthy(self) -> bool:
        """True when Rasa answers its status endpoint with a loaded model."""
        try:
            async with self.session.get(f"{self.base_url}/status", params={"token": self.token},
                                        timeout=aiohttp.ClientTimeout(total=3)) as resp:
                if resp.status != 200:
                    return False
                data = await resp.json()
                return bool(data.get("model_file") or data.get("model_id"))
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return False

    async def _tracker_event(self, sender: str, event: Dict[str, Any]) -> None:
        path = f"/conversations/{quote(sender, safe='')}/tracker/events"
        await self._post(path, event, params={"token": self.token})

    async def _post(self, path: str, body: Dict[str, Any], headers: Optional[Dict[str, str]] = None,
                    params: Optional[Dict[str, str]] = None) -> Any:
        try:
            async with self.session.post(f"{self.base_url}{path}", json=body, headers=headers,
                                         params=params) as resp:
                if resp.status >= 400:
                    detail = (await resp.text())[:200]
                    log.warning("rasa.http_error path=%s status=%s body=%s", path, resp.status, detail)
                    raise RasaUnavailable(f"Rasa answered {resp.status}.")
                return await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("rasa.unreachable path=%s error=%r", path, exc)
            raise RasaUnavailable() from exc
