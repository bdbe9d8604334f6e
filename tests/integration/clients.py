"""Small synchronous Socket.IO clients for customers and agents (python-socketio)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests
import socketio

CUSTOMER_EVENTS = ("session_confirm", "session_rejected", "bot_uttered", "handoff_status", "transcript", "typing")
AGENT_EVENTS = ("agent_state", "queue", "handoff_offered", "message", "typing", "conversation_updated")


class Recorder:
    """Collects every event received, and waits for one matching a predicate."""

    def __init__(self) -> None:
        self.events: List[Tuple[str, Any]] = []
        self.cond = threading.Condition()

    def add(self, name: str, data: Any) -> None:
        with self.cond:
            self.events.append((name, data))
            self.cond.notify_all()

    def wait_for(self, name: str, pred: Callable[[Any], bool] = lambda d: True, timeout: float = 60.0,
                 start: int = 0) -> Any:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for ev_name, data in self.events[start:]:
                    if ev_name == name and pred(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {name} matching in {timeout}s; got {self.events[start:][-8:]}")
                self.cond.wait(left)

    def mark(self) -> int:
        with self.cond:
            return len(self.events)

    def of(self, name: str, start: int = 0) -> List[Any]:
        with self.cond:
            return [d for n, d in self.events[start:] if n == name]


class Customer:
    """A widget: connects to ``/`` and speaks Rasa's socketio protocol plus extensions."""

    def __init__(self, base_url: str, transport: str = "websocket") -> None:
        self.rec = Recorder()
        self.sio = socketio.Client(reconnection=False)
        for name in CUSTOMER_EVENTS:
            self.sio.on(name, (lambda n: lambda data=None: self.rec.add(n, data))(name))
        self.sio.connect(base_url, transports=[transport], wait_timeout=20)
        self.session_id: Optional[str] = None

    def start(self, session_id: Optional[str] = None, last_seq: Optional[int] = None,
              identity_token: Optional[str] = None) -> Dict[str, Any]:
        data: Dict[str, Any] = {"session_id": session_id}
        if last_seq is not None:
            data["last_seq"] = last_seq
        if identity_token:
            data["customData"] = {"identity_token": identity_token}
        ack = self.sio.call("session_request", data, timeout=30)
        self.session_id = ack.get("session_id")
        return ack

    def say(self, text: Any, client_msg_id: Optional[str] = None) -> Dict[str, Any]:
        custom = {"client_msg_id": client_msg_id or uuid.uuid4().hex[:12]}
        return self.sio.call("user_uttered", {"message": text, "session_id": self.session_id, "customData": custom},
                             timeout=30)

    def ask(self, text: str, timeout: float = 60.0) -> List[Dict[str, Any]]:
        """Say something and wait for the first reply after it; return every reply so far."""
        mark = self.rec.mark()
        ack = self.say(text)
        assert ack["ok"], ack
        self.rec.wait_for("bot_uttered", lambda d: d["metadata"]["seq"] > ack["seq"], timeout, start=mark)
        time.sleep(0.3)
        return self.rec.of("bot_uttered", mark)

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


class Agent:
    """An agent console: logs in over HTTP, then connects to ``/agent``."""

    def __init__(self, base_url: str, username: str, password: str = "support-demo") -> None:
        resp = requests.post(f"{base_url}/api/agents/login", json={"username": username, "password": password},
                             timeout=30)
        resp.raise_for_status()
        self.token = resp.json()["token"]
        self.info = resp.json()["agent"]
        self.rec = Recorder()
        self.sio = socketio.Client(reconnection=False)
        for name in AGENT_EVENTS:
            self.sio.on(name, (lambda n: lambda data=None: self.rec.add(n, data))(name), namespace="/agent")
        self.sio.connect(base_url, namespaces=["/agent"], auth={"token": self.token}, transports=["websocket"],
                         wait_timeout=20)
        self.rec.wait_for("agent_state", timeout=30)

    def call(self, event: str, data: Dict[str, Any], timeout: float = 30.0) -> Dict[str, Any]:
        return self.sio.call(event, data, namespace="/agent", timeout=timeout)

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
        time.sleep(0.3)


def identity_token(base_url: str, email: str) -> str:
    """Sign in on the demo shop as ``email``."""
    customers = requests.get(f"{base_url}/api/demo/customers", timeout=30).json()
    cid = next(c["id"] for c in customers if c["email"] == email)
    return requests.get(f"{base_url}/api/demo/identity/{cid}", timeout=30).json()["token"]
