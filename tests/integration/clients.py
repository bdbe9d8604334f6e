"""Small synchronous Socket.IO clients for customers and agents (python-socketio)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests
import socketio

CUSTOMER_EVENTS = ("session_confirm", "session_rejected", "bot_uttered", "handoff_status", "transcript", "typing")
AGENT_EVENTS = ("agent_state", "queue", "handoff_offered", "message", "typing", "conversation_updated",
                "canned_replies", "conversation_assigned", "labels_changed", "signed_out")


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

    def __init__(self, base_url: str, transport: str = "websocket", headers: Optional[Dict[str, str]] = None) -> None:
        self.rec = Recorder()
        self.sio = socketio.Client(reconnection=False)
        for name in CUSTOMER_EVENTS:
            self.sio.on(name, (lambda n: lambda data=None: self.rec.add(n, data))(name))
        self.sio.connect(base_url, transports=[transport], wait_timeout=20, headers=headers or {})
        self.base_url = base_url
        self.session_id: Optional[str] = None
        self.identity_token: Optional[str] = None
        self._probe: Optional[socketio.Client] = None

    def start(self, session_id: Optional[str] = None, last_seq: Optional[int] = None,
              identity_token: Optional[str] = None) -> Dict[str, Any]:
        data: Dict[str, Any] = {"session_id": session_id}
        if last_seq is not None:
            data["last_seq"] = last_seq
        if identity_token:
            data["customData"] = {"identity_token": identity_token}
        ack = self.sio.call("session_request", data, timeout=30)
        self.session_id = ack.get("session_id")
        self.identity_token = identity_token
        return ack

    def last_seq(self) -> int:
        """The conversation's committed ``last_seq``, asked on a second socket of the same session."""
        if self._probe is None:
            self._probe = socketio.Client(reconnection=False)
            self._probe.connect(self.base_url, transports=["websocket"], wait_timeout=20)
        data: Dict[str, Any] = {"session_id": self.session_id}
        if self.identity_token:
            data["customData"] = {"identity_token": self.identity_token}
        ack = self._probe.call("session_request", data, timeout=30)
        assert ack["session_id"] == self.session_id, ack
        return int(ack["last_seq"])

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
        # A turn's replies are committed together before the first is sent: wait for all of them.
        last = self.last_seq()
        self.rec.wait_for("bot_uttered", lambda d: d["metadata"]["seq"] >= last, timeout, start=mark)
        return self.rec.of("bot_uttered", mark)

    def close(self) -> None:
        if self._probe is not None and self._probe.connected:
            self._probe.disconnect()
        if self.sio.connected:
            self.sio.disconnect()


def transcript(base_url: str, session_id: str, token: Optional[str] = None) -> Dict[str, Any]:
    """The whole stored transcript of a session (``last_seq=0``), read on a fresh socket."""
    reader = Customer(base_url)
    try:
        reader.start(session_id=session_id, last_seq=0, identity_token=token)
        return reader.rec.wait_for("transcript")
    finally:
        reader.close()


def tracker(rasa_url: str, session_id: str) -> Dict[str, Any]:
    """Rasa's tracker of a session (the bot's own record of the conversation)."""
    from tests.stack import TOKEN

    resp = requests.get(f"{rasa_url}/conversations/{session_id}/tracker", params={"token": TOKEN}, timeout=30)
    resp.raise_for_status()
    return resp.json()


def request_waiting_at(port: int) -> bool:
    """True when an established connection to ``port`` holds unread bytes (Linux /proc/net/tcp).

    With Rasa stopped (SIGSTOP) that is the service's request, sent and not yet answered.
    """
    with open("/proc/net/tcp", encoding="ascii") as fh:
        for line in fh.readlines()[1:]:
            fields = line.split()
            local, state, queues = fields[1], fields[3], fields[4]
            if int(local.split(":")[1], 16) == port and state == "01" and int(queues.split(":")[1], 16) > 0:
                return True
    return False


def wait_until(check: Callable[[], Any], timeout: float = 60.0, every: float = 0.2) -> Any:
    """Poll ``check`` until it returns something truthy (state, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{getattr(check, '__name__', check)} not true within {timeout}s")
        time.sleep(every)


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
