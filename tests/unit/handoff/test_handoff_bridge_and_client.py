"""The bridge channel's token check and the Rasa client's reading of a reply."""

from __future__ import annotations

from types import SimpleNamespace

from bot.channels.bridge import BridgeInput
from handoff.rasa_client import BotTurn


def _request(header: str) -> SimpleNamespace:
    return SimpleNamespace(headers={"Authorization": header} if header else {})


def test_bridge_accepts_only_the_bearer_token() -> None:
    channel = BridgeInput(token="s3cret")
    assert channel._authorized(_request("Bearer s3cret"))
    assert channel._authorized(_request("bearer s3cret"))
    assert not channel._authorized(_request("Bearer wrong"))
    assert not channel._authorized(_request("s3cret"))
    assert not channel._authorized(_request(""))
    assert BridgeInput.name() == "bridge"


def test_handoff_payload_is_honoured_but_never_shown() -> None:
    turn = BotTurn(messages=[
        {"recipient_id": "x", "text": "I'm bringing in a person."},
        {"recipient_id": "x", "custom": {"handoff": {"reason": "asked for a human", "source": "bot"}}},
        {"recipient_id": "x", "text": "Shall I?", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
    ], parse={"intent": {"name": "request_human", "confidence": 0.97}})
    assert turn.handoff_requests() == [{"reason": "asked for a human", "source": "bot"}]
    assert [m.get("text") for m in turn.visible_messages()] == ["I'm bringing in a person.", "Shall I?"]
    assert turn.intent == "request_human" and turn.confidence == 0.97


def test_the_bridge_answers_from_the_tracker_the_processor_saved() -> None:
    import asyncio

    from bot.channels import bridge

    saved = []

    class Processor:
        async def save_tracker(self, tracker):
            saved.append(tracker)

    tracker = SimpleNamespace(sender_id="s1", is_paused=lambda: True,
                              latest_message=SimpleNamespace(parse_data={"intent": {"name": "greet"}}))
    other = SimpleNamespace(sender_id="s2", is_paused=lambda: False, latest_message=None)
    processor = Processor()
    bridge.capture_saved_trackers(processor)
    bridge.capture_saved_trackers(processor)  # wrapped once

    async def turn():
        box = {"sender": "s1"}
        token = bridge._TURN.set(box)
        try:
            await processor.save_tracker(other)  # another conversation saved meanwhile: ignored
            await processor.save_tracker(tracker)
        finally:
            bridge._TURN.reset(token)
        return box

    box = asyncio.run(turn())
    assert box == {"sender": "s1", "paused": True, "parse": {"intent": {"name": "greet"}}}
    assert saved == [other, tracker], "the original save still runs"
