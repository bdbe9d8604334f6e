"""Issue 12 over the real service: the team's canned replies (shared by every console) and
suggested replies filled from verified context, promising only what each agent may grant.

One handoff node on a fresh store with no Rasa behind it (``tests.stack.running_node``): what
is tested here is decided by the service and the store, and with the bot down every message
goes to the queue, where agents claim it.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.integration.clients import Agent, Customer, identity_token
from tests.stack import Stack, running_node

pytestmark = pytest.mark.timeout(300, func_only=True)


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with running_node() as running:
        yield running


def test_canned_replies_are_shared_checked_and_filled(stack) -> None:
    dana, sam = Agent(stack.base_url, "dana"), Agent(stack.base_url, "sam")
    try:
        listed = dana.call("canned_list", {})
        assert listed["ok"] and {"late", "wait"} <= {i["shortcut"] for i in listed["items"]}

        mark = sam.rec.mark()
        saved = dana.call("canned_save", {"shortcut": "/Lost", "title": "Lost parcel",
                                          "text": "I'm so sorry order {order} has gone missing, {name}. "
                                                  "Let's trace it together."})
        assert saved["ok"] and saved["item"]["shortcut"] == "lost"
        heard = sam.rec.wait_for("canned_replies", lambda d: any(i["shortcut"] == "lost" for i in d["items"]),
                                 start=mark)
        assert next(i for i in heard["items"] if i["shortcut"] == "lost")["title"] == "Lost parcel"

        taken = sam.call("canned_save", {"shortcut": "lost", "title": "Mine", "text": "Hello"})
        assert taken["ok"] is False and taken["error"]["code"] == "invalid_payload"
        assert "already taken" in taken["error"]["message"]
        assert sam.call("canned_save", {"shortcut": "a b", "title": "T", "text": "x"})["error"]["code"] == \
            "invalid_payload"
        assert sam.call("canned_save", "not an object")["error"]["code"] == "invalid_payload"
        edited = sam.call("canned_save", {"id": saved["item"]["id"], "shortcut": "lost", "title": "Lost parcel",
                                          "text": "I'm so sorry order {order} has gone missing, {name}. "
                                                  "Let's trace it with the carrier together."})
        assert edited["ok"] and "with the carrier" in edited["item"]["text"]

        # An anonymous visitor: the canned reply reads well with neither a name nor an order.
        visitor = Customer(stack.base_url)
        try:
            visitor.start()
            visitor.ask("I want to talk to a real person now please")
            cid = _queued(dana, visitor.session_id)
            view = dana.call("claim", {"conversation_id": cid})["conversation"]
            lost = next(c for c in view["canned_replies"] if c["shortcut"] == "lost")
            assert lost["text"] == "I'm so sorry your order has gone missing. Let's trace it with the carrier together."
            assert view["reply_facts"]["first_name"] is None and view["reply_facts"]["order_number"] is None
            assert not any("anonymous" in t.lower() or "{" in t for t in view["suggested_replies"])
            assert dana.call("resolve", {"conversation_id": cid})["ok"]
        finally:
            visitor.close()

        assert dana.call("canned_delete", {"id": saved["item"]["id"]})["ok"]
        gone = dana.call("canned_delete", {"id": saved["item"]["id"]})
        assert gone["ok"] is False and gone["error"]["code"] == "not_found"
        assert "lost" not in {i["shortcut"] for i in sam.call("canned_list", {})["items"]}
    finally:
        dana.close()
        sam.close()


def _queued(agent: Agent, session_id: str) -> int:
    """The conversation id of ``session_id`` once it is in the queue (offered to whoever is least busy)."""
    snapshot = agent.rec.wait_for("queue", lambda d: any(i["session_id"] == session_id for i in d["items"]))
    return next(i["conversation_id"] for i in snapshot["items"] if i["session_id"] == session_id)


def test_suggestions_name_the_verified_customer_and_stay_within_each_agents_budget(stack) -> None:
    dana, sam = Agent(stack.base_url, "dana"), Agent(stack.base_url, "sam")
    liam = Customer(stack.base_url)
    try:
        liam.start(identity_token=identity_token(stack.base_url, "liam@example.com"))
        liam.ask("I want to talk to a real person about my order 1051 please")  # queued: the bot is down
        cid = _queued(dana, liam.session_id)
        peek = sam.call("open", {"conversation_id": cid})["conversation"]  # Sam's budget is $50
        view = dana.call("claim", {"conversation_id": cid})["conversation"]  # Dana's is $100
        assert view["reply_facts"]["first_name"] == "Liam" and view["reply_facts"]["order_number"] == "1051"
        damaged = view["replies_by_situation"]["damaged"]
        assert any(t.startswith("Liam") and "#1051" in t for t in damaged)
        for seen in (view, peek):  # a full refund is offered only when the grant rules allow it
            if any("full refund" in t for t in seen["replies_by_situation"]["damaged"]):
                assert "order_refund" in seen["reply_facts"]["facts"]
        assert "order_refund" not in peek["reply_facts"]["facts"]  # order 1051 cost $60.99
        assert not any("full refund" in t for t in peek["replies_by_situation"]["damaged"])
        assert not any("{" in t for texts in view["replies_by_situation"].values() for t in texts)
        assert dana.call("resolve", {"conversation_id": cid})["ok"]
    finally:
        liam.close()
        dana.close()
        sam.close()
