"""Re-take docs/screenshots/insights.png: the insights page on the demo history (90 days).

The key figures, the charts and the first empathy gaps.

    PYTHONPATH=. .venv/bin/python -m tests.browser.insights_screenshot [--url http://127.0.0.1:8000]

Without ``--url`` a private stack is started (tests/stack.py) and stopped afterwards.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Optional

from playwright.sync_api import expect, sync_playwright

from tests.browser import flows
from tests.browser.screenshots import OUT, _base_url


def take(base_url: str, out: Path = OUT) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    target = out / "insights.png"
    with sync_playwright() as playwright:
        browser = flows.launch(playwright)
        page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        page.goto(f"{base_url}/console/insights")
        page.get_by_label("Username").fill("dana")
        page.get_by_label("Password").fill(flows.AGENT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("body[data-loaded='30d']")).to_have_count(1, timeout=20_000)
        page.get_by_label("Period").select_option("90d")
        expect(page.locator("body[data-loaded='90d']")).to_have_count(1)
        expect(page.locator(".gap").first).to_be_visible()
        # The figures, the charts and the first empathy gaps.
        bottom = page.evaluate("document.querySelectorAll('.gap')[3].getBoundingClientRect().bottom + window.scrollY")
        page.screenshot(path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": 1440, "height": int(bottom) + 16})
        browser.close()
    return target


def main(argv: Optional[list] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running stack (default: start a private one)")
    args = parser.parse_args(argv)
    with _base_url(args.url) as base_url:
        print(take(base_url))


if __name__ == "__main__":
    main()
