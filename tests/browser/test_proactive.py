"""Proactive help on the demo shop page: struggle signals bring one offer in the chat, with buttons."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from handoff.proactive_policy import load_proactive_policy
from tests.browser import flows

POLICY = load_proactive_policy(Path(__file__).resolve().parents[2] / "policy" / "proactive.yml")


def _bot_texts(page) -> list:
    return [m["text"] for m in flows.widget_messages(page) if m["sender"] == "bot"]


def _fail_sign_in(page, attempt: int) -> None:
    page.get_by_label("Password").fill("hunter2")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("#sign-in-state")).to_contain_text(f"attempt {attempt}")


def test_two_failed_sign_ins_bring_an_offer_and_no_thanks_dismisses_it(base_url, pages, watch):
    page = pages()
    flows.open_shop(page, base_url)
    quick = page.locator(".sw-quick-replies .sw-quick")

    _fail_sign_in(page, 1)
    expect(page.get_by_label("Password")).to_have_value("")  # the password is never kept, nor sent
    _fail_sign_in(page, 2)
    offer = page.locator(".sw-from-bot .sw-text").last
    expect(offer).to_be_visible(timeout=flows.BOT_REPLY_TIMEOUT_MS)
    assert offer.text_content() in POLICY.signals["login_failed"].offers
    expect(quick).to_have_text(["Yes, please help", "No thanks"])

    quick.filter(has_text="No thanks").click()
    expect(quick).to_have_count(0)
    expect(page.locator(".sw-from-customer .sw-text").last).to_have_text("No thanks")
    page.wait_for_function(
        "texts => texts.includes(document.querySelector('.sw-log > li:last-child .sw-text').textContent)",
        arg=list(POLICY.dismissed), timeout=flows.BOT_REPLY_TIMEOUT_MS)
    offers = [t for t in _bot_texts(page) if t in POLICY.signals["login_failed"].offers]
    assert len(offers) == 1
    flows.assert_in_seq_order(flows.widget_messages(page))
    assert watch.dialogs == []


def test_rage_clicks_bring_an_offer_whose_yes_starts_the_help_flow(base_url, pages):
    page = pages()
    flows.open_shop(page, base_url)
    page.get_by_role("button", name="Add to basket").click(click_count=3, delay=60)
    expect(page.locator(".sw-quick-replies .sw-quick")).to_have_text(
        ["Help me order", "Talk to a person", "No thanks"], timeout=flows.BOT_REPLY_TIMEOUT_MS)
    assert _bot_texts(page)[-1] in POLICY.signals["rage_click"].offers
    before = len(_bot_texts(page))
    page.get_by_role("button", name="Help me order").click()
    expect(page.locator(".sw-from-customer .sw-text").last).to_have_text("Help me order")
    page.wait_for_function(
        "n => document.querySelectorAll('.sw-log > li.sw-from-bot').length > n", arg=before,
        timeout=flows.BOT_REPLY_TIMEOUT_MS)
    reply = _bot_texts(page)[-1]
    assert any(word in reply for word in ("basket", "Checkout", "ordered", "order")), reply
