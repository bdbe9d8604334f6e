"""Issue 9 over the real socket: no account takeover from the chat, grants that stay in budget.

An anonymous visitor proves order 1042 with maya@example.com, then says "I forgot my
password": the reset link goes to Maya's inbox (the stack's file sink, ``OUTBOX_DIR``),
never into any ``bot_uttered``. Agents over budget on one order are refused.
"""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path
from typing import Any, List

import pytest
import requests

from tests.integration.clients import Agent, Customer, identity_token, wait_until
from tests.integration.scenario_support import StoreView

pytestmark = pytest.mark.timeout(300, func_only=True)


def mails_to(folder: Path, address: str) -> List[Any]:
    found = [message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]
    return [m for m in found if m["To"] == address]


def text_of(mail: Any) -> str:
    return mail.get_payload(decode=True).decode()


def assert_no_secret(replies: List[Any]) -> None:
    for reply in replies:
        text = reply.get("text") or ""
        assert "/reset/" not in text and "/confirm/" not in text and "http" not in text, text


def test_order_and_email_then_forgot_password_sends_the_link_by_mail_only(stack) -> None:
    outbox = stack.workdir / "outbox"
    visitor = Customer(stack.base_url)
    try:
        visitor.start()
        visitor.ask("where is my order?")
        visitor.ask("1042")
        matched = visitor.ask("maya@example.com")
        assert any("1042" in (r.get("text") or "") for r in matched), matched
        replies = visitor.ask("I forgot my password")
        assert any("maya@example.com" in (r.get("text") or "") for r in replies), replies
        assert_no_secret(visitor.rec.of("bot_uttered"))
        [mail] = wait_until(lambda: mails_to(outbox, "maya@example.com"), timeout=30)
        assert "/reset/" in text_of(mail)
    finally:
        visitor.close()


def test_order_verified_cancel_happens_only_from_the_mailed_link(stack) -> None:
    outbox, store = stack.workdir / "outbox", StoreView(stack.database_url)
    visitor = Customer(stack.base_url)
    try:
        visitor.start()
        visitor.ask("I want to cancel my order")
        visitor.ask("1090")
        recap = visitor.ask("chloe@example.com")
        assert any("Shall I go ahead?" in (r.get("text") or "") for r in recap), recap
        replies = visitor.ask("yes")
        assert any("chloe@example.com" in (r.get("text") or "") for r in replies), replies
        assert_no_secret(visitor.rec.of("bot_uttered"))
        assert store.order("1090").status.value == "processing", "nothing changes from the chat"
        [mail] = wait_until(lambda: mails_to(outbox, "chloe@example.com"), timeout=30)
        link = text_of(mail).split("/confirm/")[1].split()[0]
        page = requests.get(f"{stack.base_url}/confirm/{link}", timeout=30)
        assert page.status_code == 200 and "<form" in page.text
        assert store.order("1090").status.value == "processing", "opening the link only asks"
        done = requests.post(f"{stack.base_url}/confirm/{link}", timeout=30)
        assert done.status_code == 200 and "cancelled" in done.text
        assert store.order("1090").status.value == "cancelled"
        again = requests.post(f"{stack.base_url}/confirm/{link}", timeout=30)
        assert again.status_code == 404  # single use
    finally:
        visitor.close()
        store.engine.dispose()


def test_grants_over_budget_and_outside_the_conversation_are_refused(stack) -> None:
    ava, visitor = Customer(stack.base_url), Customer(stack.base_url)
    dana = Agent(stack.base_url, "dana")
    try:
        ava.start(identity_token=identity_token(stack.base_url, "ava@example.com"))
        ava.ask("I'd like to talk to a human please")
        cid = dana.rec.wait_for("handoff_offered")["conversation_id"]
        assert dana.call("claim", {"conversation_id": cid})["ok"]
        credit = {"conversation_id": cid, "kind": "credit", "order_number": "1075", "amount": 40, "reason": "sorry"}
        assert dana.call("grant", credit)["ok"]
        assert dana.call("grant", credit)["ok"]
        third = dana.call("grant", credit)  # $120 on one order: above Dana's $100 per incident
        assert third["ok"] is False and third["error"]["code"] == "over_budget", third
        elsewhere = dana.call("grant", {**credit, "order_number": "1042", "amount": 5})  # Maya's order
        assert elsewhere["ok"] is False and elsewhere["error"]["code"] == "forbidden", elsewhere

        mark = dana.rec.mark()
        visitor.start()
        visitor.ask("I'd like to talk to a human please")
        anon = dana.rec.wait_for("handoff_offered", lambda d: d["conversation_id"] != cid, start=mark)
        assert dana.call("claim", {"conversation_id": anon["conversation_id"]})["ok"]
        unverified = dana.call("grant", {**credit, "conversation_id": anon["conversation_id"],
                                         "order_number": "1042", "amount": 5})
        assert unverified["ok"] is False and unverified["error"]["code"] == "forbidden", unverified
    finally:
        ava.close()
        visitor.close()
        dana.close()
