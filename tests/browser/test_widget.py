"""The widget on a phone-sized screen, by keyboard only, with its accessibility hooks."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from handoff.hours import back_at
from handoff.policy import load_handoff_policy
from store.models.base import utcnow
from tests.browser import flows

ROOT = Path(__file__).resolve().parents[2]


def test_phone_width_keyboard_only_and_labelled(base_url, pages, watch):
    page = pages(viewport={"width": 375, "height": 720}, is_mobile=True, has_touch=True)
    flows.open_shop(page, base_url)

    # At load on a phone the shop stays in view: the widget waits behind its launcher and
    # leaves the focus where it was.
    expect(page.locator(".sw-panel")).to_be_hidden()
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_be_visible()
    assert page.evaluate("!document.querySelector('.sw-root').contains(document.activeElement)")
    expect(page.locator(".sw-connection")).not_to_have_text("Online")
    launcher.tap()

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    box = page.locator(".sw-panel").bounding_box()
    assert box["width"] <= 375 and box["x"] >= 0

    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    message = page.get_by_label("Your message")
    expect(message).to_be_focused()  # opened by the customer: the input has the focus

    page.keyboard.type("Hello, what are your shipping options?")
    page.keyboard.press("Enter")
    expect(log.locator(".sw-from-customer .sw-text")).to_have_text("Hello, what are your shipping options?")
    page.wait_for_function("document.querySelectorAll('.sw-log > li:not(.sw-from-customer)').length > 0", timeout=30_000)
    flows.assert_in_seq_order(flows.widget_messages(page))

    # Keyboard reaches the send button and the minimise control; focus is visible.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.get_by_role("button", name="Minimise chat").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Chat with us")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your message")).to_be_visible()
    assert watch.dialogs == []


def test_lost_connection_keeps_the_message_and_sends_it_once(base_url, pages):
    page = pages()
    flows.open_shop(page, base_url)
    flows.say(page, "Hi there")

    page.context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    expect(page.locator(".sw-root[data-connection='offline']")).to_be_visible(timeout=20_000)
    box = page.get_by_label("Your message")
    box.fill("Sent while offline")
    box.press("Enter")
    expect(page.locator(".sw-pending .sw-text", has_text="Sent while offline")).to_be_visible()

    page.context.set_offline(False)
    expect(page.locator(".sw-root[data-connection='online']")).to_be_visible(timeout=20_000)
    expect(page.locator(".sw-from-customer:not(.sw-pending) .sw-text", has_text="Sent while offline")).to_have_count(1)
    page.reload()
    expect(page.locator(".sw-root[data-connection='online']")).to_be_visible()
    page.wait_for_function("document.querySelectorAll('.sw-from-customer').length >= 2")
    messages = flows.widget_messages(page)
    flows.assert_in_seq_order(messages)
    assert [m["text"] for m in messages].count("Sent while offline") == 1


def test_no_agent_online_offers_follow_up_by_email(base_url, pages):
    for username in ("dana", "sam"):  # whatever earlier tests left: both agents step away
        console = pages()
        flows.sign_in(console, base_url, username)
        switch = console.get_by_role("switch")
        switch.click()
        expect(switch).to_have_attribute("aria-checked", "false")
        console.get_by_role("button", name="Sign out").click()
        expect(console.get_by_label("Username")).to_be_visible()
    page = pages()
    flows.open_shop(page, base_url, "sofia@example.com")
    flows.say(page, "Please, I want to talk to a real person now.")

    banner = page.locator(".sw-banner")
    # Outside the business hours (policy/handoff.yml) the banner says when the team is back.
    closed = back_at(load_handoff_policy(ROOT / "policy" / "handoff.yml").business_hours, utcnow())
    expect(banner).to_contain_text(f"Our team is away right now; we're back {closed}." if closed
                                   else "No one is online right now", timeout=30_000)
    expect(page.locator(".sw-connection")).to_have_text("Assistant available — no one from our team is online")
    offer = page.get_by_role("group", name="Follow-up by e-mail")
    expect(offer.get_by_role("button", name="Continue with the assistant")).to_be_visible()
    # Sofia is signed in: the e-mail on file is used, she is never asked to type it.
    offer.get_by_role("button", name="E-mail me when someone can help").click()
    expect(page.locator(".sw-from-system").last).to_contain_text("sofia@example.com", timeout=15_000)
    expect(page.get_by_label("Your e-mail for our reply")).to_have_count(0)
    expect(banner).to_be_hidden()
    flows.assert_in_seq_order(flows.widget_messages(page))


def test_an_anonymous_visitor_types_the_follow_up_address(base_url, pages):
    for username in ("dana", "sam"):  # nobody online
        console = pages()
        flows.sign_in(console, base_url, username)
        console.get_by_role("switch").click()
        expect(console.get_by_role("switch")).to_have_attribute("aria-checked", "false")
        console.get_by_role("button", name="Sign out").click()
        expect(console.get_by_label("Username")).to_be_visible()
    page = pages()
    flows.open_shop(page, base_url)
    flows.say(page, "Please, I want to talk to a real person now.")
    offer = page.get_by_role("group", name="Follow-up by e-mail")
    offer.get_by_role("button", name="E-mail me when someone can help").click(timeout=30_000)
    email = offer.get_by_label("Your e-mail for our reply")
    email.fill("not-an-email")
    email.press("Enter")
    expect(offer.get_by_role("alert").first).to_contain_text("doesn't look complete")
    email.fill("visitor@example.net")
    email.press("Enter")
    expect(page.locator(".sw-from-system").last).to_contain_text("visitor@example.net", timeout=15_000)
