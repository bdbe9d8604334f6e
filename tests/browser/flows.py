"""What a customer and an agent do in the two UIs, as small Playwright steps.

Shared by the browser tests and ``tests/browser/screenshots.py``. Every step waits for
what a person would see; nothing reaches into the pages' internals except to read the
rendered DOM.
"""

from __future__ import annotations

import re
import shutil
from typing import Dict, List

from playwright.sync_api import Browser, Page, Playwright, expect

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]

BOT_REPLY_TIMEOUT_MS = 30_000
AGENT_PASSWORD = "support-demo"


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise RuntimeError("chromium is not installed (make setup installs it)")
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


# --- customer ------------------------------------------------------------------------------
def open_shop(page: Page, base_url: str, email: str = "") -> None:
    """Open the demo shop as ``email`` (anonymous when empty) and wait until the chat is online."""
    page.goto(f"{base_url}/" + (f"?as={email}" if email else ""))
    expect(page.locator(".sw-root[data-connection='online']")).to_be_visible(timeout=20_000)
    if email:
        expect(page.locator("#demo-state")).to_contain_text("Chatting as", timeout=10_000)


def widget_messages(page: Page) -> List[Dict[str, str]]:
    """The widget's transcript as rendered: seq, sender and text of each message, in order."""
    return page.eval_on_selector_all(
        ".sw-log > li",
        "nodes => nodes.map(n => ({seq: n.dataset.seq, sender: n.dataset.sender,"
        " text: n.querySelector('.sw-text').textContent}))",
    )


def say(page: Page, text: str, *, wait_for_reply: bool = True) -> None:
    """Type ``text`` in the widget with the keyboard and send it with Enter."""
    before = len([m for m in widget_messages(page) if m["sender"] != "customer"])
    box = page.get_by_label("Your message")
    box.click()
    box.fill(text)
    box.press("Enter")
    mine = page.locator(".sw-from-customer:not(.sw-pending) .sw-text", has_text=text[:40])
    expect(mine.last).to_be_visible(timeout=10_000)
    if wait_for_reply:
        page.wait_for_function(
            "n => document.querySelectorAll('.sw-log > li:not(.sw-from-customer)').length > n",
            arg=before, timeout=BOT_REPLY_TIMEOUT_MS,
        )


def assert_in_seq_order(messages: List[Dict[str, str]]) -> None:
    """Every message has a seq; seqs strictly increase (nothing doubled, nothing out of order)."""
    seqs = [int(m["seq"]) for m in messages]
    assert seqs == sorted(seqs), seqs
    assert len(seqs) == len(set(seqs)), f"a message is shown twice: {seqs}"


# --- agent ---------------------------------------------------------------------------------
def sign_in(page: Page, base_url: str, username: str = "dana") -> None:
    page.goto(f"{base_url}/console")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".conn[data-state='online']")).to_be_visible(timeout=15_000)
    # Connecting makes an offline agent available; one left "away" is switched back on.
    expect(page.locator("#availability[data-status]")).to_be_attached()
    switch = page.get_by_role("switch")
    if switch.get_attribute("data-status") != "online":
        switch.click()
    expect(page.locator("#availability[data-status='online']")).to_be_attached()
    expect(switch).to_have_attribute("aria-checked", "true")


def queue_item(page: Page, has_text: str):
    """The queue entry showing ``has_text`` (a customer name or words of their last message)."""
    return page.locator(".queue-item", has_text=has_text)


def queue_item_of(agent: Page, customer: Page, session_key: str = "visitor"):
    """The queue entry of the conversation the ``customer`` page is in (by session id)."""
    session_id = customer.evaluate(
        "key => JSON.parse(localStorage.getItem('support-chat:' + key)).sessionId", session_key)
    return agent.locator(f".queue-item[data-session-id='{session_id}']")


def claim(page: Page, item, customer_name: str) -> None:
    """Claim a queued conversation (a queue-item locator, or text it shows) and wait until it is open."""
    if isinstance(item, str):
        item = queue_item(page, item)
    expect(item).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    item.get_by_role("button", name=re.compile("^Claim")).click()
    expect(page.locator("#conv-title")).to_have_text(customer_name, timeout=10_000)
    expect(page.locator(".conv-meta")).to_contain_text("Assigned to you")


def console_messages(page: Page) -> List[Dict[str, str]]:
    return page.eval_on_selector_all(
        ".transcript > li",
        "nodes => nodes.map(n => ({seq: n.dataset.seq, sender: n.dataset.sender, private: n.dataset.private,"
        " text: n.querySelector('.msg-text').textContent}))",
    )
