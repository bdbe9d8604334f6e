"""A photo of the broken vase, in two real browsers: a visitor attaches a PNG in the widget, the
assistant thanks them, Dana sees the photo inline in the console and sends back a PDF they can open."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.browser import flows


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, format="PNG")
    return out.getvalue()


def test_customer_attaches_a_photo_and_the_agent_sees_it_inline(base_url, pages):
    agent = pages(viewport={"width": 1440, "height": 900})
    customer = pages()
    flows.sign_in(agent, base_url, "dana")
    flows.open_shop(customer, base_url)
    flows.say(customer, "The ceramic vase I sent as a gift arrived broken. I'm so disappointed.")

    expect(customer.get_by_role("button", name="Attach a photo or PDF")).to_be_visible()
    customer.locator(".sw-composer input[type=file]").set_input_files(
        {"name": "vase.png", "mimeType": "image/png", "buffer": _png()})
    photo = customer.locator(".sw-from-customer:not(.sw-pending) img.sw-image")
    expect(photo).to_be_visible(timeout=15_000)
    expect(photo).to_have_attribute("alt", "Photo: vase.png")
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 64, "the served image really loads"
    thanks = customer.locator(".sw-from-bot .sw-text", has_text=re.compile("^(Thank you|Thanks).*photo"))
    expect(thanks.last).to_be_visible(timeout=flows.BOT_REPLY_TIMEOUT_MS)

    # A file the server refuses comes back with its reason, and nothing stays in the log.
    customer.locator(".sw-composer input[type=file]").set_input_files(
        {"name": "notes.png", "mimeType": "image/png", "buffer": b"not really a picture"})
    expect(customer.locator(".sw-error")).to_contain_text("photos (PNG, JPEG, WebP, GIF) and PDF")
    expect(customer.locator(".sw-pending")).to_have_count(0)

    flows.say(customer, "I want to talk to a person please")
    flows.claim(agent, flows.queue_item_of(agent, customer), "Anonymous visitor")
    seen = agent.locator(".transcript .msg-customer img.msg-image")
    expect(seen).to_be_visible()
    assert seen.evaluate("img => img.complete && img.naturalWidth") == 64

    agent.locator("#composer-file").set_input_files(
        {"name": "return-label.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    expect(agent.locator(".transcript .msg-agent .msg-file")).to_have_text(re.compile("return-label.pdf"))
    link = customer.locator(".sw-from-agent a.sw-file")
    expect(link).to_have_text(re.compile("return-label.pdf"))
    href = link.get_attribute("href") or ""
    assert href.startswith(base_url + "/attachments/") and "access=" in href

    # Hand back, so the conversation does not hold a place in Dana's capacity for later tests.
    agent.get_by_role("button", name="Hand back to the assistant").click()
    expect(agent.locator(".conv-meta")).not_to_contain_text("Assigned to you")
