"""The whole cycle over real sockets: bot -> frustration -> queue -> agent -> bot -> resolved -> CSAT."""

from __future__ import annotations

import pytest

from tests.integration.clients import Agent, Customer, identity_token, tracker

pytestmark = pytest.mark.timeout(300, func_only=True)


def test_full_cycle(stack) -> None:
    dana = Agent(stack.base_url, "dana")
    maya = Customer(stack.base_url)
    try:
        maya.start(identity_token=identity_token(stack.base_url, "maya@example.com"))
        first = maya.ask("hi, where is my order 1042?")
        assert all(r["metadata"]["sender"] == "bot" for r in first)
        assert not any("handoff" in (r.get("text") or "") for r in first)

        maya.ask("This is ridiculous. It's the third time I ask and if it isn't here tomorrow "
                 "I'm disputing the charge with my bank.")
        queued = maya.rec.wait_for("handoff_status", lambda d: d["status"] == "queued")
        assert queued["agents_online"] >= 1 and queued["position"] >= 1
        notice = maya.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "system")
        assert "whole conversation" in notice["text"]
        offer = dana.rec.wait_for("handoff_offered")
        cid = offer["conversation_id"]
        assert any("chargeback" in r for r in offer["item"]["reasons"]), offer["item"]["reasons"]

        claimed = dana.call("claim", {"conversation_id": cid})
        assert claimed["ok"], claimed
        view = claimed["conversation"]
        assert view["customer"]["email"] == "maya@example.com"
        assert view["customer_context"]["orders"], "the agent sees the order timeline"
        assert view["reasons"] and view["suggested_replies"] and view["last_intents"]
        assert [m["sender"] for m in view["messages"]][:2] == ["customer", "bot"]
        assert any(m.get("detection") for m in view["messages"] if m["sender"] == "customer")
        assert any(g["kind"] == "credit" and g["order_number"] == "1042" for g in view["grantable"])
        maya.rec.wait_for("handoff_status", lambda d: d["status"] == "assigned" and d["agent_name"] == "Dana")

        mark = maya.rec.mark()
        assert dana.call("send", {"conversation_id": cid, "text": "Hi Maya, I'm Dana. Let's fix this now."})["ok"]
        said = maya.rec.wait_for("bot_uttered", lambda d: d["metadata"]["sender"] == "agent", start=mark)
        assert said["metadata"]["agent_name"] == "Dana" and said["text"].startswith("Hi Maya")

        agent_mark, customer_mark = dana.rec.mark(), maya.rec.mark()
        users_before = [e for e in tracker(stack.rasa_url, maya.session_id)["events"] if e["event"] == "user"]
        said_seq = maya.say("thank you, the party is tomorrow")["seq"]
        relayed = dana.rec.wait_for("message", lambda d: d["message"]["sender"] == "customer", start=agent_mark)
        assert relayed["message"]["text"] == "thank you, the party is tomorrow"
        # The relay is the assigned turn's last step: by now a bot reply would be stored.
        assert maya.last_seq() == said_seq, "nothing was added after the customer's message"
        users_after = [e for e in tracker(stack.rasa_url, maya.session_id)["events"] if e["event"] == "user"]
        assert len(users_after) == len(users_before), "Rasa never saw the message"
        assert not [r for r in maya.rec.of("bot_uttered", customer_mark) if r["metadata"]["sender"] == "bot"], \
            "the bot stays silent while a person owns the conversation"

        granted = dana.call("grant", {"conversation_id": cid, "kind": "credit", "order_number": "1042",
                                      "amount": 24.99, "reason": "overnight shipping paid, delivery late"})
        assert granted["ok"], granted
        assert granted["resolution"]["kind"] == "credit"
        too_much = dana.call("grant", {"conversation_id": cid, "kind": "credit", "order_number": "1042",
                                       "amount": 5000, "reason": "too much"})
        assert too_much == {"ok": False, "error": {"code": "over_budget", "message": too_much["error"]["message"]}}

        assert dana.call("hand_back", {"conversation_id": cid})["ok"]
        maya.rec.wait_for("handoff_status", lambda d: d["status"] == "bot")
        replies = maya.ask("can you tell me the status of my order 1042 again?")
        assert any(r["metadata"]["sender"] == "bot" for r in replies), "the bot answers after the hand-back"
        assert any("1042" in (r.get("text") or "") for r in replies)

        mark, cmark = dana.rec.mark(), maya.rec.mark()
        maya.ask("I'd like to talk to a human please")
        # Dana helped before and is online with room: the conversation goes straight back to her.
        back = dana.rec.wait_for("conversation_assigned", lambda d: d["conversation_id"] == cid, start=mark)
        assert back["item"]["source"] in ("customer", "bot") and back["reason"] == "returning"
        maya.rec.wait_for("handoff_status", lambda d: d["status"] == "assigned" and d["agent_name"] == "Dana",
                          start=cmark)
        assert dana.call("resolve", {"conversation_id": cid, "disposition": "credited"})["ok"]
        resolved = maya.rec.wait_for("handoff_status", lambda d: d["status"] == "resolved")
        assert resolved["csat_requested"] is True
        question = maya.rec.wait_for("bot_uttered", lambda d: len(d.get("quick_replies") or []) == 5)
        assert question["quick_replies"][4]["payload"] == '/csat{"score":5}'
        assert set(question) == {"text", "quick_replies", "metadata"}, "Rasa socketio's shape, nothing else"
        assert maya.sio.call("csat", {"score": 5}, timeout=30) == {"ok": True}
        bad = maya.sio.call("csat", {"score": 9}, timeout=30)
        assert bad["ok"] is False and bad["error"]["code"] == "invalid_payload"
    finally:
        maya.close()
        dana.close()


def test_unauthenticated_agent_is_rejected(stack) -> None:
    import socketio

    for auth in (None, {"token": "not-a-jwt"}, {"token": ""}):
        client = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(stack.base_url, namespaces=["/agent"], auth=auth, transports=["websocket"],
                           wait_timeout=10)
        client.disconnect()
    import requests

    resp = requests.post(f"{stack.base_url}/api/agents/login", json={"username": "dana", "password": "nope"},
                         timeout=30)
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"


def test_health_reports_dependencies(stack) -> None:
    import requests

    body = requests.get(f"{stack.base_url}/health", timeout=30).json()
    assert body["status"] == "ok"
    assert body["rasa"]["ok"] and body["action_server"]["ok"] and body["database"]["ok"]
