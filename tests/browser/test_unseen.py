"""Nothing goes unseen, in two real browsers: the widget's badge and title while minimised or
hidden, the assistant's typing, the console's notice for a message in a conversation that isn't
open, and the widget's small items (Escape, links, the counter, the transcript e-mail).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser import flows

# Playwright cannot hide a headless tab; the page's own visibility API is made to say "hidden".
HIDE = """() => {
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => window.__vis || 'visible'});
  window.__vis = 'hidden';
  document.dispatchEvent(new Event('visibilitychange'));
}"""
SHOW = "() => { window.__vis = 'visible'; document.dispatchEvent(new Event('visibilitychange')); }"

# Records, on every change of the widget, whether the typing line shows and how many replies there are.
WATCH_TYPING = """() => {
  window.__typingLog = [];
  const root = document.querySelector('.sw-root');
  const line = root.querySelector('.sw-typing');
  new MutationObserver(() => window.__typingLog.push({
    typing: line.hidden ? null : line.textContent,
    replies: root.querySelectorAll('.sw-log > li:not(.sw-from-customer)').length,
  })).observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def _session_key(customer: Page) -> str:
    """The demo shop's session key for the signed-in customer (``customer-<id>``)."""
    return customer.evaluate("Object.keys(localStorage).find(k => /^support-chat:customer-\\d+$/.test(k))"
                             ".slice('support-chat:'.length)")


def _ask_for_a_person(customer: Page) -> None:
    flows.say(customer, "I'd like to talk to a person please")
    expect(customer.locator(".sw-banner")).to_contain_text(re.compile("queue|connecting you"), timeout=30_000)


def test_replies_are_noticed_in_the_widget_and_the_console(base_url, pages, watch):
    agent = pages(viewport={"width": 1440, "height": 900}, permissions=["notifications"])
    emma, oliver = pages(), pages()
    flows.sign_in(agent, base_url, "dana")

    # The assistant shows it is typing before its reply appears.
    flows.open_shop(emma, base_url, "emma@example.com")
    emma.evaluate(WATCH_TYPING)
    flows.say(emma, "Hi there, can you help me?")
    log = emma.evaluate("window.__typingLog")
    shown = [entry for entry in log if entry["typing"]]
    assert shown and shown[0]["typing"] == "The assistant is typing…", log
    assert shown[0]["replies"] < log[-1]["replies"]  # it showed before the reply was in
    expect(emma.locator(".sw-typing")).to_be_hidden()
    flows.assert_in_seq_order(flows.widget_messages(emma))

    _ask_for_a_person(emma)
    title = emma.title()
    emma.get_by_role("button", name="Minimise chat").click()
    launcher = emma.get_by_role("button", name=re.compile("^Chat with us"))
    expect(launcher.locator(".sw-badge")).to_be_hidden()

    # Dana joins and replies while Emma's widget is minimised: a badge and the title say so.
    flows.claim(agent, flows.queue_item_of(agent, emma, _session_key(emma)), "Emma Johnson")
    expect(launcher.locator(".sw-badge")).to_have_text("1")
    expect(emma).to_have_title(f"(1) New message — {title}")
    composer = agent.locator("#composer-input")
    composer.fill("Hi Emma, I'm Dana. Here's the page you need: /returns/1051/label.")
    composer.press("Enter")
    expect(launcher.locator(".sw-badge")).to_have_text("2")
    expect(launcher).to_have_attribute("aria-label", "Chat with us, 2 new messages")
    expect(emma).to_have_title(f"(2) New messages — {title}")
    launcher.click()
    expect(emma.get_by_label("Your message")).to_be_focused()
    expect(emma).to_have_title(title)
    expect(launcher.locator(".sw-badge")).to_be_hidden()
    expect(emma.locator(".sw-connection")).to_have_text("Dana from our team is here")

    # The path is a link on the service's origin, built as an element.
    link = emma.locator(".sw-from-agent .sw-text a")
    expect(link).to_have_text("/returns/1051/label")
    expect(link).to_have_attribute("href", f"{base_url}/returns/1051/label")
    expect(link).to_have_attribute("rel", "noopener noreferrer")

    # The tab in the background: the title counts; back in front, it clears.
    emma.evaluate(HIDE)
    composer.fill("Take your time, I'm here.")
    composer.press("Enter")
    expect(emma).to_have_title(f"(1) New message — {title}")
    emma.evaluate(SHOW)
    expect(emma).to_have_title(title)

    # A reload neither repeats what was seen nor loses the count of what wasn't.
    emma.get_by_role("button", name="Minimise chat").click()
    composer.fill("Still with you.")
    composer.press("Enter")
    expect(launcher.locator(".sw-badge")).to_have_text("1")
    emma.reload()
    expect(emma.locator(".sw-root[data-connection='online']")).to_be_visible()
    expect(emma.get_by_role("button", name=re.compile("^Chat with us")).locator(".sw-badge")).to_have_text("1")
    emma.get_by_role("button", name=re.compile("^Chat with us")).click()

    # Oliver comes in too; with his conversation open, Emma's next message is a notice for Dana.
    flows.open_shop(oliver, base_url, "oliver@example.com")
    _ask_for_a_person(oliver)
    flows.claim(agent, flows.queue_item_of(agent, oliver, _session_key(oliver)), "Oliver Smith")
    before = agent.title()
    beeps = agent.evaluate("window.__supportConsoleBeeps || 0")
    flows.say(emma, "Thanks Dana, one more question about my account", wait_for_reply=False)
    notice = agent.locator(".toast", has_text="New message from Emma Johnson")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("one more question about my account")
    assert agent.evaluate("window.__supportConsoleBeeps || 0") > beeps
    expect(agent).not_to_have_title(before)
    expect(agent).to_have_title(re.compile(r"^\(\d+\) Support console$"))
    notice.get_by_role("button", name="Open").click()
    expect(agent.locator("#conv-title")).to_have_text("Emma Johnson")
    expect(agent).to_have_title(before)

    # With the console in the background, even the open conversation's message is announced,
    # by the browser too (notifications were allowed).
    agent.evaluate(HIDE)
    flows.say(emma, "Are you still there?", wait_for_reply=False)
    expect(agent.locator(".toast", has_text="New message from Emma Johnson")).to_contain_text("still there")
    expect(agent).to_have_title(re.compile(r"^\(\d+\) Support console$"))
    assert agent.evaluate("window.__supportConsoleNotifications || 0") >= 1
    agent.evaluate(SHOW)
    expect(agent).to_have_title(before)

    # E-mail me the transcript: a signed-in customer isn't asked for the address.
    emma.get_by_role("button", name="E-mail me the transcript").click()
    expect(emma.get_by_role("group", name="E-mail me the transcript")).to_contain_text(
        "We've sent the transcript to e•••@example.com")

    # Leave Dana free for the other tests.
    for name in ("Emma Johnson", "Oliver Smith"):
        agent.locator(".mine-item", has_text=name).click()
        agent.get_by_role("button", name="Hand back to the assistant").click()
        expect(agent.locator(".conv-meta")).not_to_contain_text("Assigned to you")
    assert watch.dialogs == []


def test_escape_minimises_and_a_long_paste_gets_a_counter_not_a_cut(base_url, pages):
    page = pages()
    flows.open_shop(page, base_url)
    box = page.get_by_label("Your message")
    counter = page.locator(".sw-counter")
    expect(counter).to_be_hidden()

    pasted = "The whole story, pasted from my notes. " * 60  # 2,340 characters, over the 2,000 limit
    box.fill(pasted)
    expect(counter).to_be_visible()
    expect(counter).to_contain_text(f"{len(pasted):,} / 2,000")
    expect(counter).to_contain_text(f"{len(pasted) - 2000} characters over the limit")
    box.press("Enter")
    expect(box).to_have_value(pasted)  # nothing cut, nothing sent
    assert page.locator(".sw-from-customer").count() == 0
    box.fill(pasted[:1900])
    expect(counter).to_have_text("1,900 / 2,000 characters")
    box.fill("")
    expect(counter).to_be_hidden()

    box.press("Escape")
    expect(page.locator(".sw-panel")).to_be_hidden()
    launcher = page.get_by_role("button", name=re.compile("^Chat with us"))
    expect(launcher).to_be_focused()
    page.reload()  # the customer's choice holds on the next page
    expect(page.locator(".sw-root[data-connection='online']")).to_be_visible()
    expect(page.locator(".sw-panel")).to_be_hidden()
    launcher.click()
    expect(box).to_be_visible()
