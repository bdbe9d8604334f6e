"""The customer sees exactly what Rasa 3.6's own socketio channel would emit; extensions only in metadata."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Dict, List

import pytest
from rasa.core.channels.socketio import SocketIOOutput

from handoff import events as ev
from handoff.rasa_client import BotTurn as RasaTurn
from handoff.service import sessions, turns
from store.models.support import Message, Sender

RASA_SHAPES = ({"text"}, {"text", "quick_replies"}, {"attachment"})

# What Rasa's CollectingOutputChannel (the bridge channel) hands the service, one message each.
COLLECTED: List[Dict[str, Any]] = [
    {"recipient_id": "s", "text": "Where is my order?"},
    {"recipient_id": "s", "text": "Shall I cancel it?",
     "buttons": [{"title": "Yes, cancel", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]},
    {"recipient_id": "s", "image": "https://shop.example/vase.png"},
    {"recipient_id": "s", "attachment": {"type": "file", "payload": {"src": "https://shop.example/a.pdf"}}},
    {"recipient_id": "s", "custom": {"data": {"text": "Pick a size", "metadata": {"userInput": "disabled"}}}},
    # one message of several parts: Rasa emits the text, then the image, each on its own
    {"recipient_id": "s", "text": "Here is your label.", "image": "https://shop.example/label.png"},
]


class RecordingSio:
    def __init__(self) -> None:
        self.emitted: List[Any] = []

    async def emit(self, event: str, data: Any = None, **_: Any) -> None:
        self.emitted.append(data)


async def _rasa_emits(message: Dict[str, Any]) -> List[Any]:
    sio = RecordingSio()
    body = {k: v for k, v in message.items() if k != "recipient_id"}
    await SocketIOOutput(sio, "bot_uttered").send_response("s", body)  # type: ignore[arg-type]
    return sio.emitted


def _stored(text: str, payload: Any, sender: Sender = Sender.BOT, **extra: Any) -> Message:
    return Message(seq=4, sender=sender, text=text, payload=payload,
                   created_at=dt.datetime(2024, 5, 1, 12, 0, 3), **extra)


@pytest.mark.asyncio
@pytest.mark.parametrize("collected", COLLECTED, ids=["text", "buttons", "image", "attachment", "custom",
                                                     "text_and_image"])
async def test_a_bot_message_is_emitted_as_rasa_socketio_emits_it(collected: Dict[str, Any]) -> None:
    emitted = await _rasa_emits(copy.deepcopy(collected))
    assert RasaTurn(messages=[collected]).visible_messages() == [collected]
    parts = turns.reply_parts(collected)
    assert len(parts) == len(emitted)
    for (text, payload), rasa in zip(parts, emitted, strict=True):
        ours = ev.bot_uttered(_stored(text, payload))
        assert {k: v for k, v in ours.items() if k != "metadata"} == {k: v for k, v in rasa.items() if k != "metadata"}
        assert ours["metadata"] == {**rasa.get("metadata", {}), "sender": "bot", "seq": 4,
                                    "created_at": "2024-05-01T12:00:03Z"}


def test_only_custom_payloads_with_a_data_object_are_shown_and_handoff_requests_never() -> None:
    handoff = {"recipient_id": "s", "custom": {"handoff": {"reason": "asked for a person"}}}
    no_data = {"recipient_id": "s", "custom": {"blocks": [1, 2]}}
    assert RasaTurn(messages=[handoff, no_data]).visible_messages() == []


def test_system_and_agent_messages_carry_extensions_only_under_metadata() -> None:
    csat = _stored("How did we do?", {"buttons": [{"title": str(n), "payload": f'/csat{{"score":{n}}}'}
                                                  for n in range(1, 6)]}, Sender.SYSTEM)
    agent = _stored("Hi, I'm Dana.", None, Sender.AGENT, client_msg_id="a-1")
    for body in (ev.bot_uttered(csat), ev.bot_uttered(agent, "Dana")):
        assert set(body) - {"metadata"} in RASA_SHAPES, body
    assert ev.bot_uttered(agent, "Dana")["metadata"] == {"sender": "agent", "seq": 4, "agent_name": "Dana",
                                                        "client_msg_id": "a-1", "created_at": "2024-05-01T12:00:03Z"}
    assert [q["title"] for q in ev.bot_uttered(csat)["quick_replies"]] == ["1", "2", "3", "4", "5"]


@pytest.mark.asyncio
async def test_the_replay_uses_the_same_shapes_customer_messages_included(svc) -> None:
    await sessions.open_session(svc, "c1", None, None, None)
    await turns.customer_message(svc, "c1", "a person please", None, "m-1")
    await svc.drain()
    session_id = svc.customers["c1"].session_id
    await sessions.open_session(svc, "c2", session_id, 0, None)
    [replay] = [d for k, who, e, d in svc.notifier.sent if (k, who, e) == ("sid", "c2", ev.TRANSCRIPT)]
    assert replay["messages"] and all(set(m) - {"metadata"} in RASA_SHAPES for m in replay["messages"])
    first = replay["messages"][0]
    assert first["text"] == "a person please" and first["metadata"]["sender"] == "customer"
    assert first["metadata"]["client_msg_id"] == "m-1"
    assert [m["metadata"]["seq"] for m in replay["messages"]] == list(range(1, replay["last_seq"] + 1))
