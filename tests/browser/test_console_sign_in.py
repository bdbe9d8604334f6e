"""An unauthenticated visitor to /console sees only the sign-in form."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import flows


def test_unauthenticated_visitor_sees_only_sign_in(base_url, pages):
    page = pages()
    page.goto(f"{base_url}/console")

    expect(page.get_by_role("heading", name="Support console")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    for hidden in (".topbar", ".queue", ".transcript", ".context-panel", ".grant-form"):
        assert page.locator(hidden).count() == 0, f"{hidden} is on the page before sign-in"
    assert "Waiting" not in page.locator("body").inner_text()


def test_wrong_password_keeps_the_sign_in_and_says_why(base_url, pages):
    page = pages()
    page.goto(f"{base_url}/console")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("don't match")
    assert page.locator(".topbar").count() == 0


def test_sign_in_then_reload_stays_signed_in_and_sign_out_clears(base_url, pages):
    page = pages()
    flows.sign_in(page, base_url, "sam")
    expect(page.locator(".agent-name")).to_have_text("Sam")

    page.reload()
    expect(page.locator(".conn[data-state='online']")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_label("Username")).to_be_visible()
    assert page.locator(".topbar").count() == 0
