"""The whole handoff, in two real browsers against a real stack.

Liam's gift vase (#1051) arrived broken. He chats, gets frustrated and asks for a person;
Dana gets a visible and audible notice, claims, sees the transcript, the detector's reasons
and Liam's orders, sends an edited suggested reply, grants a replacement (the store
changes, a note is left) and hands back to the assistant. Liam reloads mid-way and sees
everything, in order, once.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import flows

FRUSTRATED = ("This is ridiculous. The vase I sent as a gift arrived smashed and I'm fed up. "
              "I want to talk to a real person now!")


def test_frustrated_customer_is_handed_to_an_agent_and_back(base_url, pages, watch):
    agent = pages(viewport={"width": 1440, "height": 900})
    customer = pages()
    flows.sign_in(agent, base_url, "dana")
    flows.open_shop(customer, base_url, "liam@example.com")

    # The customer chats, then gets frustrated and asks for a person.
    flows.say(customer, "Hi, I need some help with an order")
    flows.say(customer, FRUSTRATED)
    banner = customer.locator(".sw-banner")
    expect(banner).to_contain_text(re.compile(r"in the queue|next in the queue|connecting you"), timeout=30_000)

    # The agent gets a visible and audible notice.
    notice = agent.locator(".toast", has_text="Liam O'Brien")
    expect(notice).to_be_visible(timeout=15_000)
    assert agent.evaluate("window.__supportConsoleBeeps || 0") >= 1
    item = flows.queue_item(agent, "Liam O'Brien")
    expect(item.locator(".badge").first).to_have_text(re.compile("Severe|Elevated|Calm"))
    expect(item.locator(".wait")).to_have_text(re.compile(r"\d+ (s|min)"))

    # Claim: transcript, reasons and the customer's context are in one view.
    flows.claim(agent, "Liam O'Brien", "Liam O'Brien")
    transcript = agent.locator(".transcript")
    expect(transcript.locator(".msg-customer", has_text="arrived smashed")).to_be_visible()
    expect(agent.locator(".conv-reasons li").first).to_be_visible()
    expect(transcript.locator(".detection").first).to_be_visible()
    context = agent.locator(".context-panel")
    expect(context).to_contain_text("liam@example.com")
    expect(context.locator(".ctx-order", has_text="#1051")).to_be_visible()
    expect(context.locator(".ctx-order", has_text="#1051").locator(".timeline li").first).to_be_attached()
    expect(customer.locator(".sw-banner")).to_have_text("Dana from our team has joined.")

    # Typing shows both ways.
    composer = agent.locator("#composer-input")
    composer.press_sequentially("Hello")
    expect(customer.locator(".sw-typing")).to_contain_text("Dana is typing")
    composer.fill("")
    customer.get_by_label("Your message").press_sequentially("still there?")
    expect(agent.locator(".typing")).to_contain_text("customer is typing")
    customer.get_by_label("Your message").fill("")

    # A suggested reply goes in with one click and is edited before sending.
    suggestion = agent.locator(".suggestion").first
    suggested = suggestion.text_content().strip()
    suggestion.click()
    expect(composer).to_have_value(suggested)
    composer.press("End")
    composer.press_sequentially(" I'm Dana, and I'm on it.")
    composer.press("Enter")
    sent = f"{suggested} I'm Dana, and I'm on it."
    agent_message = customer.locator(".sw-from-agent", has_text="I'm Dana, and I'm on it.")
    expect(agent_message).to_be_visible()
    expect(agent_message.locator(".sw-who")).to_have_text("Dana · Support team")
    assert agent_message.locator(".sw-text").inner_text() == sent

    # Reload mid-way: the whole history comes back in order, nothing doubled.
    before = flows.widget_messages(customer)
    customer.reload()
    expect(customer.locator(".sw-root[data-connection='online']")).to_be_visible()
    customer.wait_for_function("n => document.querySelectorAll('.sw-log > li').length >= n", arg=len(before))
    after = flows.widget_messages(customer)
    assert after == before
    flows.assert_in_seq_order(after)
    expect(customer.locator(".sw-banner")).to_have_text("Dana from our team has joined.")

    # A replacement within budget: the store changes and a private note is left.
    orders_before = context.locator(".ctx-order").count()
    agent.locator(".chip", has_text="Replace").first.click()
    agent.get_by_label("Reason (goes into the note)").fill("gift vase arrived broken")
    agent.get_by_role("button", name="Grant").click()
    expect(agent.locator(".grant-form .form-feedback")).to_contain_text("Replacement granted for #1051")
    expect(context.locator(".ctx-resolutions")).to_contain_text("Replacement")
    expect(context.locator(".ctx-order")).to_have_count(orders_before + 1)  # the replacement order
    note = transcript.locator(".msg-note", has_text="1051")
    expect(note).to_be_visible()

    # Hand back to the assistant.
    agent.get_by_role("button", name="Hand back to the assistant").click()
    expect(agent.locator(".conv-meta")).not_to_contain_text("Assigned to you")
    expect(customer.locator(".sw-from-system", has_text="handed you back")).to_be_visible()
    expect(customer.locator(".sw-banner")).to_be_hidden()

    # The customer saw everything in order; private notes never reached them.
    final = flows.widget_messages(customer)
    flows.assert_in_seq_order(final)
    texts = [m["text"] for m in final]
    order = [
        next(i for i, t in enumerate(texts) if "arrived smashed" in t),
        next(i for i, t in enumerate(texts) if "joined" in t),
        texts.index(sent),
        next(i for i, t in enumerate(texts) if "handed you back" in t),
    ]
    assert order == sorted(order), texts
    assert not any("gift vase arrived broken" in t for t in texts)
    assert watch.dialogs == []
