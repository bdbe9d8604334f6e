"""Re-take the two UI screenshots in docs/screenshots/ against a real stack.

    PYTHONPATH=. .venv/bin/python -m tests.browser.screenshots [--url http://127.0.0.1:8000]

Without ``--url`` a private stack is started (tests/stack.py) and stopped afterwards.
Maya's overnight birthday gift (#1042) is late; she asks for a person, Dana claims and
answers with an edited suggestion. Writes ``widget-handoff.png`` (the shop page with the
widget mid-handoff) and ``console-claimed.png`` (the console with the claimed conversation).
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Iterator, Optional

from playwright.sync_api import expect, sync_playwright

from tests.browser import flows

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@contextlib.contextmanager
def _base_url(url: Optional[str]) -> Iterator[str]:
    if url:
        yield url.rstrip("/")
        return
    from tests.stack import running_stack

    with running_stack() as stack:
        yield stack.base_url


def take(base_url: str, out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = flows.launch(playwright)
        agent = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        customer = browser.new_context(viewport={"width": 1280, "height": 820}).new_page()
        flows.sign_in(agent, base_url, "dana")
        flows.open_shop(customer, base_url, "maya@example.com")
        flows.say(customer, "Hi, where is my order 1042?")
        flows.say(customer, "I paid for overnight shipping for a birthday gift and it's three days late. "
                            "The party is tomorrow. This is ridiculous, I want to talk to a person.")
        banner = customer.locator(".sw-banner")
        try:
            expect(banner).to_be_visible(timeout=10_000)
        except AssertionError:  # the bot answered instead of handing off: ask plainly
            flows.say(customer, "Please, I want to talk to a real person now.")
            expect(banner).to_be_visible(timeout=30_000)
        flows.claim(agent, "Maya Patel", "Maya Patel")
        agent.locator(".suggestion").first.click()
        composer = agent.locator("#composer-input")
        composer.press("End")
        composer.press_sequentially(" I'm Dana, and I'm staying with you until it's sorted.")
        composer.press("Enter")
        expect(customer.locator(".sw-from-agent")).to_be_visible()
        composer.press_sequentially("Good news: ")  # the customer sees "Dana is typing…"
        expect(customer.locator(".sw-typing")).to_be_visible()
        customer.wait_for_timeout(1000)  # let the smooth scroll to the typing line finish
        customer.screenshot(path=str(out / "widget-handoff.png"))
        agent.screenshot(path=str(out / "console-claimed.png"))
        browser.close()
    print(f"wrote {out / 'widget-handoff.png'} and {out / 'console-claimed.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running stack (default: start a private one)")
    args = parser.parse_args()
    with _base_url(args.url) as base_url:
        take(base_url)


if __name__ == "__main__":
    main()
