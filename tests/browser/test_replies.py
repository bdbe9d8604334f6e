"""Issue 12 in two real browsers: the suggested replies panel (three best fits in full, the
rest behind "More", nothing named or promised that isn't verified), "/late" expanding in the
composer, and the team's canned replies edited in the console.

The panel and the composer depend on the service and the store only, so this runs against one
handoff node with no Rasa behind it (``tests.stack.running_node``): the visitor's message goes
straight to the queue, as it does whenever the assistant is down.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.stack import running_node


@pytest.fixture(scope="module")
def node_url() -> Iterator[str]:
    with running_node() as running:
        yield running.base_url

LOST = "I'm so sorry order {order} seems to have gone missing, {name}. Let's trace it with the carrier together."


def _fully_shown(locator) -> bool:
    """No card is cut off: its whole text fits in its box."""
    return locator.evaluate("n => n.scrollHeight <= n.clientHeight + 1 && n.scrollWidth <= n.clientWidth + 1")


def test_suggestions_panel_and_canned_replies(node_url, pages, watch):
    base_url = node_url
    agent = pages(viewport={"width": 1440, "height": 900})
    customer = pages()
    flows.sign_in(agent, base_url, "dana")
    flows.open_shop(customer, base_url)  # an anonymous visitor: no verified name or order
    flows.say(customer, "I want to talk to a real person now please")
    flows.claim(agent, flows.queue_item_of(agent, customer), "Anonymous visitor")

    # The three best fits, each in full; the rest behind "More"; no sideways strip.
    best = agent.locator(".best-fits .suggestion")
    expect(best).to_have_count(3)
    for i in range(3):
        card = best.nth(i)
        expect(card).to_be_visible()
        assert _fully_shown(card), card.text_content()
        text = card.text_content()
        assert "anonymous" not in text.lower() and "{" not in text and not text.startswith(","), text
    panel = agent.locator(".suggestions")
    assert panel.evaluate("n => n.scrollWidth <= n.clientWidth + 1")
    more = agent.locator(".more-suggestions")
    expect(more.locator("summary")).to_have_text(re.compile(r"More suggestions \(\d+\)"))
    expect(more.locator(".suggestion").first).to_be_hidden()
    more.locator("summary").click()
    expect(more.locator(".suggestion").first).to_be_visible()
    expect(agent.locator(".reply-facts")).to_contain_text("No verified name or order")

    # Nothing verified: a damaged-item suggestion promises no replacement, refund or gift.
    agent.locator("#suggest-situation").select_option("damaged")
    texts = agent.locator(".suggestion").all_text_contents()
    assert texts
    for text in texts:
        assert not re.search(r"gift|replacement|full refund|refund you", text, re.I), text

    # "/late" expands in the composer (Enter expands, never sends "/late"), filled without a name.
    composer = agent.locator("#composer-input")
    composer.click()
    composer.press_sequentially("/la")
    expect(agent.locator(".canned-hint[data-shortcut='late']")).to_be_visible()
    composer.press_sequentially("te")
    composer.press("Enter")
    expect(composer).to_have_value(re.compile(r"^I'm so sorry your order is running late: I know you were"))
    assert "{" not in composer.input_value()
    expect(customer.locator(".sw-from-agent")).to_have_count(0)
    composer.press("Enter")
    expect(customer.locator(".sw-from-agent", has_text="is running late")).to_be_visible()

    # The team's canned replies: add, refuse a taken shortcut (nothing typed is lost), edit, use, delete.
    agent.get_by_role("button", name="Canned replies").click()
    dialog = agent.locator("#canned-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".canned-item[data-shortcut='late']")).to_be_visible()
    shortcut, title = dialog.locator("#canned-shortcut"), dialog.locator("#canned-title")
    reply = dialog.locator("#canned-text")
    shortcut.fill("/Lost")
    title.fill("Lost parcel")
    reply.fill(LOST.replace(" with the carrier", ""))
    dialog.get_by_role("button", name="Add reply").click()
    expect(dialog.locator(".canned-item[data-shortcut='lost']")).to_be_visible()
    shortcut.fill("late")
    title.fill("Another late")
    reply.fill("Hello there")
    dialog.get_by_role("button", name="Add reply").click()
    expect(dialog.locator(".canned-form .form-feedback")).to_contain_text("already taken")
    expect(reply).to_have_value("Hello there")
    dialog.locator(".canned-item[data-shortcut='lost']").get_by_role("button", name="Edit").click()
    expect(shortcut).to_have_value("lost")
    reply.fill(LOST)
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog.locator(".canned-item[data-shortcut='lost']")).to_contain_text("with the carrier")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    composer.fill("")
    composer.press_sequentially("/lost")
    expect(agent.locator(".canned-hint[data-shortcut='lost']")).to_be_visible()  # the fresh copy arrived
    composer.press("Tab")
    expect(composer).to_have_value(
        "I'm so sorry your order seems to have gone missing. Let's trace it with the carrier together.")

    agent.get_by_role("button", name="Canned replies").click()
    remove = dialog.locator(".canned-item[data-shortcut='lost']").get_by_role("button", name="Delete")
    remove.click()
    dialog.locator(".canned-item[data-shortcut='lost']").get_by_role("button", name="Confirm delete").click()
    expect(dialog.locator(".canned-item[data-shortcut='lost']")).to_have_count(0)
    assert watch.dialogs == [] and watch.errors == []
