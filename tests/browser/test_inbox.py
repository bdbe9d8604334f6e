"""The console's inbox in a real browser: views, search, labels and the open conversation with its
draft survive a reload; private-note mode switches off after a note; the transfer picker hands the
conversation to a named colleague (two agents and a customer, each in their own browser context)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import flows


def test_inbox_survives_a_reload_and_transfer_goes_to_a_named_agent(base_url, pages, watch) -> None:
    dana = pages(viewport={"width": 1440, "height": 900})
    sam = pages(viewport={"width": 1440, "height": 900})
    customer = pages()
    flows.sign_in(dana, base_url, "dana")
    flows.sign_in(sam, base_url, "sam")
    flows.open_shop(customer, base_url)
    flows.say(customer, "I want to talk to a person")

    item = flows.queue_item_of(dana, customer)
    expect(item).to_be_visible(timeout=30_000)
    assert item.bounding_box()["height"] <= 100, "compact queue cards"
    cid = item.get_attribute("data-conversation-id")
    flows.claim(dana, item, "Anonymous visitor")
    mine = dana.locator(f".mine-item[data-conversation-id='{cid}']")
    expect(mine).to_be_visible()
    rail, queue = dana.locator(".mine-section").bounding_box(), dana.locator(".inbox-section").bounding_box()
    assert rail["y"] < queue["y"], "My conversations sit above the inbox"

    # A private note, then the mode is off again.
    dana.locator("#composer-note").check()
    composer = dana.locator("#composer-input")
    composer.fill("checked the carrier, nothing yet")
    composer.press("Enter")
    expect(dana.locator(".msg-note", has_text="checked the carrier")).to_be_visible()
    expect(dana.locator("#composer-note")).not_to_be_checked()

    # A label, an inbox view with a search, a draft: all still there after a reload.
    dana.locator("#label-input").fill("Needs Callback")
    dana.get_by_role("button", name="Add label").click()
    expect(dana.locator(".conv-labels .label-chip", has_text="needs callback")).to_be_visible()
    dana.get_by_role("tab", name=re.compile("^All")).click()
    dana.locator("#inbox-q").fill("talk to a person")
    card = dana.locator(f".inbox-card[data-conversation-id='{cid}']")
    expect(card).to_be_visible()
    expect(card.locator(".label-chip", has_text="needs callback")).to_be_visible()
    composer.fill("Thanks for waiting, I'm looking at")

    dana.reload()
    expect(dana.locator(".conn[data-state='online']")).to_be_visible(timeout=15_000)
    expect(dana.locator("#conv-title")).to_have_text("Anonymous visitor")
    expect(dana.locator(f".mine-item.active[data-conversation-id='{cid}']")).to_be_visible()
    expect(dana.locator("#composer-input")).to_have_value("Thanks for waiting, I'm looking at")
    expect(dana.get_by_role("tab", name=re.compile("^All"))).to_have_attribute("aria-selected", "true")
    expect(dana.locator("#inbox-q")).to_have_value("talk to a person")
    expect(dana.locator(f".inbox-card[data-conversation-id='{cid}']")).to_be_visible()
    dana.locator("#inbox-label").select_option("needs callback")
    expect(dana.locator(".inbox-card")).to_have_count(1)

    # Transfer to Sam by name: the picker lists him with his capacity.
    picker = dana.locator("#transfer-to")
    picker.focus()
    sam_option = picker.locator("option", has_text="Sam")
    expect(sam_option).to_have_text(re.compile(r"Sam · online, \d+/\d+ open"))
    picker.select_option(label=sam_option.inner_text())
    dana.get_by_role("button", name="Transfer", exact=True).click()
    expect(dana.locator(".conv-meta")).not_to_contain_text("Assigned to you")
    expect(sam.locator(f".mine-item[data-conversation-id='{cid}']")).to_be_visible(timeout=15_000)
    expect(customer.locator(".sw-from-system", has_text="Sam")).to_be_visible()

    # Sam resolves, after confirming.
    sam.locator(f".mine-item[data-conversation-id='{cid}']").click()
    expect(sam.locator(".conv-meta")).to_contain_text("Assigned to you")
    sam.get_by_role("button", name="Resolve", exact=True).click()
    sam.get_by_role("button", name="Yes, resolve").click()
    expect(customer.locator(".sw-rating")).to_be_visible()
    assert watch.dialogs == [] and watch.errors == []
