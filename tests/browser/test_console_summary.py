"""Claiming a conversation shows the handoff summary and a next best action that works with one click.

Maya (signed in) asks for a person straight away; her overnight gift #1042 is late. Dana claims:
the summary names her, guesses the late order, and offers a credit within Dana's budget; one
click grants it (the summary then lists it under "Done so far"); "Send recap" reaches Maya.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import flows
from tests.browser.test_csp import _violations


def _session_of(customer) -> str:
    return customer.evaluate(
        "() => { const k = Object.keys(localStorage).find(k => k.startsWith('support-chat:customer-'));"
        " return JSON.parse(localStorage.getItem(k)).sessionId; }")


def test_claiming_shows_the_summary_and_a_one_click_next_best_action(base_url, pages):
    agent = pages(viewport={"width": 1440, "height": 1000}, bypass_csp=False)  # the summary runs under the CSP
    violations = _violations(agent)
    customer = pages()
    flows.sign_in(agent, base_url, "dana")
    flows.open_shop(customer, base_url, "maya@example.com")
    flows.say(customer, "I'd like to talk to a human please")
    expect(customer.locator(".sw-banner")).to_be_visible(timeout=30_000)

    item = agent.locator(f".queue-item[data-session-id='{_session_of(customer)}']")
    flows.claim(agent, item, "Maya Patel")
    summary = agent.locator(".handoff-summary")
    expect(summary).to_be_visible()
    expect(summary.locator(".summary-want")).to_contain_text("#1042")
    expect(summary.locator(".summary-facts")).to_contain_text("Maya Patel, signed in")
    expect(summary.locator(".summary-facts")).to_contain_text("Waiting for")

    grant = summary.locator("#summary-grant")
    expect(grant).to_have_text(re.compile(r"^Credit \$\d+\.\d\d on order #1042$"))
    grant.click()
    expect(summary.locator(".summary-facts")).to_contain_text(re.compile(r"Credit of \$\d+\.\d\d \(granted, by agent\)"))
    expect(summary.locator(".summary-action-step")).to_contain_text("Already done")
    expect(agent.locator(".transcript > li", has_text="granted a credit")).to_be_visible()

    recap = summary.locator(".summary-recap-text").inner_text()
    assert recap.startswith(("Maya", "Just so", "Let me")) and "http" not in recap
    summary.get_by_role("button", name="Send recap").click()
    expect(customer.locator(".sw-from-agent .sw-text", has_text=recap[:60])).to_be_visible(timeout=15_000)
    assert violations == []
    agent.get_by_role("button", name="Resolve", exact=True).click()  # frees Dana for the next tests
    agent.get_by_role("button", name="Yes, resolve").click()
    expect(agent.locator(".conv-meta")).not_to_contain_text("Assigned to you")
