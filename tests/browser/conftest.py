"""Browser fixtures: a running stack, one headless Chromium, fresh pages per test.

The stack (handoff service, Rasa, action server, a fresh SQLite store) is started once per
session by ``tests/stack.py``. ``STACK_URL=http://127.0.0.1:8000`` uses a stack you already
run (``make run``) instead.
"""

from __future__ import annotations

import os
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser import flows


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    external = os.environ.get("STACK_URL")
    if external:
        yield external.rstrip("/")
        return
    from tests.stack import running_stack

    with running_stack() as stack:
        yield stack.base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = flows.launch(playwright)
        yield browser
        browser.close()


class PageWatch:
    """Collects what must never happen on a page: dialogs (XSS) and uncaught script errors."""

    def __init__(self) -> None:
        self.dialogs: List[str] = []
        self.errors: List[str] = []

    def attach(self, page: Page) -> Page:
        def on_dialog(dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


def _new_page(browser: Browser, watch: PageWatch, contexts: List[BrowserContext], **options) -> Page:
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    contexts.append(context)
    return watch.attach(context.new_page())


@pytest.fixture
def pages(browser: Browser, watch: PageWatch) -> Iterator:
    """A factory of isolated pages (own cookies and storage); closed after the test."""
    contexts: List[BrowserContext] = []

    def make(**options) -> Page:
        options.setdefault("viewport", {"width": 1280, "height": 860})
        # Playwright's wait_for_function evaluates its predicate with eval(), which the pages'
        # CSP refuses; test_csp.py runs the pages with the policy enforced (bypass_csp=False).
        options.setdefault("bypass_csp", True)
        return _new_page(browser, watch, contexts, **options)

    yield make
    for context in contexts:
        context.close()
    assert not watch.errors, f"uncaught script errors: {watch.errors}"
