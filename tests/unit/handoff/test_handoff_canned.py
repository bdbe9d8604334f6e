"""Issue 12: the team's canned replies, through the service on a real store (SQLite)."""

from __future__ import annotations

import pytest

from handoff import errors
from handoff.service import agents as agent_service
from handoff.service import canned, handoffs, sessions, turns, views

pytestmark = pytest.mark.asyncio


async def _dana(svc) -> int:
    login = await agent_service.login(svc, "dana", "support-demo")
    return await agent_service.connect(svc, "agent-canned", login["token"])


async def test_a_fresh_store_starts_with_the_warm_defaults(svc) -> None:
    items = (await canned.list_canned(svc))["items"]
    assert {"late", "damaged", "wrong", "charge", "wait", "thanks"} <= {i["shortcut"] for i in items}


async def test_add_edit_delete_and_every_console_hears_of_it(svc) -> None:
    dana = await _dana(svc)
    added = (await canned.save(svc, dana, {"shortcut": "/Lost", "title": "Lost parcel",
                                           "text": "I'm so sorry it's gone missing, {name}. Let's find it."}))["item"]
    assert added["shortcut"] == "lost"  # the slash and the case are the agent's way of typing it
    changed = (await canned.save(svc, dana, {"id": added["id"], "shortcut": "lost", "title": "Lost parcel",
                                             "text": "I'm so sorry it's gone missing. Let's trace it together."}))
    assert changed["item"]["text"].endswith("trace it together.")
    await canned.delete(svc, {"id": added["id"]})
    assert "lost" not in {i["shortcut"] for i in (await canned.list_canned(svc))["items"]}
    announced = svc.notifier.events("agents", "canned_replies")
    assert len(announced) == 3 and "lost" not in {i["shortcut"] for i in announced[-1]["items"]}


@pytest.mark.parametrize("data,code", [
    ({"shortcut": "late", "title": "Again", "text": "Hello"}, "invalid_payload"),  # taken
    ({"shortcut": "two words", "title": "T", "text": "Hello"}, "invalid_payload"),
    ({"shortcut": "", "title": "T", "text": "Hello"}, "invalid_payload"),
    ({"shortcut": "ok", "title": "", "text": "Hello"}, "invalid_payload"),
    ({"shortcut": "ok", "title": "T", "text": "   "}, "empty_message"),
    ({"shortcut": "ok", "title": "T", "text": "x" * 5000}, "too_long"),
    ({"shortcut": "ok", "title": "T", "text": 5}, "invalid_payload"),
    ({"id": "1", "shortcut": "ok", "title": "T", "text": "Hello"}, "invalid_payload"),
    ({"id": 99999, "shortcut": "ok", "title": "T", "text": "Hello"}, "not_found"),
])
async def test_bad_input_gets_a_clear_error_and_changes_nothing(svc, data, code) -> None:
    dana = await _dana(svc)
    before = (await canned.list_canned(svc))["items"]
    with pytest.raises(errors.HandoffError) as refused:
        await canned.save(svc, dana, data)
    assert refused.value.code == code and refused.value.message
    assert (await canned.list_canned(svc))["items"] == before


async def test_deleting_one_that_is_gone_is_not_found(svc) -> None:
    with pytest.raises(errors.NotFound):
        await canned.delete(svc, {"id": 99999})
    with pytest.raises(errors.InvalidPayload):
        await canned.delete(svc, {})


async def test_the_conversation_view_carries_them_filled_for_an_anonymous_visitor(svc) -> None:
    await sessions.open_session(svc, "canned-anon", None, None, None)
    await turns.customer_message(svc, "canned-anon", "a person please", None, None)
    await svc.drain()
    dana = await _dana(svc)
    cid = svc.customers["canned-anon"].conversation_id
    await handoffs.claim(svc, dana, cid)
    view = await svc.run(views.conversation_view, svc, cid, dana)
    late = next(c for c in view["canned_replies"] if c["shortcut"] == "late")
    assert "{" not in late["text"] and "your order" in late["text"] and "Anonymous" not in late["text"]
    assert view["reply_facts"] == {"first_name": None, "order_number": None, "facts": []}
    assert view["suggested_replies"] and all("{" not in t for t in view["suggested_replies"])
