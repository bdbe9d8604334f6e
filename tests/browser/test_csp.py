"""The Content-Security-Policy matches what the pages need: nothing they load or run is refused."""

from __future__ import annotations

from typing import List

from playwright.sync_api import expect

from tests.browser import flows


def _violations(page) -> List[str]:
    found: List[str] = []
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    return found


def test_demo_shop_page_and_widget_run_under_the_policy(base_url, pages):
    page = pages(bypass_csp=False)
    violations = _violations(page)
    response = page.request.get(f"{base_url}/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    flows.open_shop(page, base_url, "maya@example.com")  # fetches a demo identity, opens the socket
    flows.say(page, "hello", wait_for_reply=False)
    assert violations == []


def test_console_signs_in_under_the_policy(base_url, pages):
    page = pages(bypass_csp=False)
    violations = _violations(page)
    flows.sign_in(page, base_url, "dana")
    expect(page.locator(".conn[data-state='online']")).to_be_visible()
    assert violations == []
