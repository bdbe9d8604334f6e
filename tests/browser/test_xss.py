"""Whatever anyone types is shown as text, in the widget and in the console.

The payloads would run script or render markup if either UI used innerHTML or a
markdown renderer; here no dialog may fire, no element may be created from them, and the
characters must be visible literally.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import flows

SCRIPT = "<script>window.__xss = 1; alert('xss')</script>"
IMAGE = '<img src=x onerror="window.__xss = 2; alert(2)">'
LINK = "[x](javascript:alert(1))"
AGENT_PAYLOAD = "<b>bold?</b> <svg onload=alert(3)> [click](javascript:alert(4))"


def _no_injected_nodes(page, scope: str) -> None:
    assert page.locator(f"{scope} script, {scope} img, {scope} svg, {scope} a[href^='javascript']").count() == 0
    assert page.evaluate("window.__xss === undefined")


def test_payloads_render_literally_in_both_uis(base_url, pages, watch):
    agent = pages(viewport={"width": 1440, "height": 900})
    customer = pages()
    flows.sign_in(agent, base_url, "dana")
    flows.open_shop(customer, base_url)  # anonymous visitor

    sent = [SCRIPT, IMAGE, LINK]
    for text in sent:
        flows.say(customer, text)
    flows.say(customer, "Please, I want to talk to a real person now.")
    expect(customer.locator(".sw-banner")).to_be_visible(timeout=30_000)

    texts = [m["text"] for m in flows.widget_messages(customer)]
    assert all(text in texts for text in sent), texts
    expect(customer.locator(".sw-from-customer .sw-text", has_text="<script>")).to_be_visible()
    _no_injected_nodes(customer, ".sw-root")

    # The agent sees the visitor's words literally, in the queue and in the transcript.
    item = flows.queue_item_of(agent, customer)
    expect(item.locator(".queue-last")).to_be_visible(timeout=15_000)
    _no_injected_nodes(agent, ".app")
    flows.claim(agent, item, "Anonymous visitor")
    console_texts = [m["text"] for m in flows.console_messages(agent)]
    assert all(text in console_texts for text in sent), console_texts
    _no_injected_nodes(agent, ".app")

    # And back: the agent's markup reaches the customer as text too.
    composer = agent.locator("#composer-input")
    composer.fill(AGENT_PAYLOAD)
    composer.press("Enter")
    expect(customer.locator(".sw-from-agent .sw-text")).to_have_text(AGENT_PAYLOAD)
    _no_injected_nodes(customer, ".sw-root")

    agent.get_by_role("button", name="Resolve", exact=True).click()
    agent.get_by_role("button", name="Yes, resolve").click()
    expect(customer.locator(".sw-rating")).to_be_visible()
    assert watch.dialogs == []
