"""The insights page in headless Chromium against a running stack seeded with demo history:
figures and charts, the period selector, an empathy gap opening its transcript, transcript
search, and the test-story download."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser import flows


def _open_insights(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/console/insights")
    expect(page.locator(".topbar")).to_have_count(0)  # nothing but the sign-in form before signing in
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill(flows.AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("body[data-loaded='30d']")).to_have_count(1, timeout=20_000)


def _kpi(page: Page, key: str) -> str:
    return page.locator(f".kpi[data-key='{key}'] .kpi-value").inner_text()


def _chart_points(page: Page, canvas_id: str) -> int:
    """How many data points the chart on ``canvas_id`` draws (0 when there is no chart)."""
    return page.evaluate(
        "id => { const c = Chart.getChart(document.getElementById(id));"
        " return c ? c.data.datasets.reduce((n, d) => n + d.data.filter(v => v > 0).length, 0) : 0; }", canvas_id)


def test_insights_page_shows_figures_and_charts(pages, base_url):
    page = pages()
    _open_insights(page, base_url)
    conversations_30d = int(_kpi(page, "conversations"))
    assert conversations_30d > 0
    assert re.fullmatch(r"\d+%", _kpi(page, "contained_rate")) and re.fullmatch(r"\d+%", _kpi(page, "handoff_rate"))
    assert re.fullmatch(r"\d+ (s|min)|\d+\.\d h", _kpi(page, "time_to_first_agent_reply_s"))
    assert re.fullmatch(r"[1-5]\.\d", _kpi(page, "csat"))
    assert _kpi(page, "grants").startswith("$")
    expect(page.locator(".insights-notice")).to_contain_text("generated demo history")
    for canvas in ("chart-daily", "chart-reasons", "chart-escalation", "chart-csat", "chart-grants"):
        assert _chart_points(page, canvas) > 0, canvas
    assert page.locator("#chart-daily").bounding_box()["height"] > 100

    page.get_by_label("Period").select_option("90d")
    expect(page.locator("body[data-loaded='90d']")).to_have_count(1)
    assert int(_kpi(page, "conversations")) > conversations_30d
    expect(page.locator(".gap")).not_to_have_count(0)
    expect(page.locator(".gap-phrase").first).to_contain_text("confusing")


def test_empathy_gap_opens_its_transcript_and_downloads_a_story(pages, base_url):
    page = pages(accept_downloads=True)
    _open_insights(page, base_url)
    page.get_by_label("Period").select_option("90d")
    expect(page.locator("body[data-loaded='90d']")).to_have_count(1)
    example = page.locator(".gap-phrase .gap-example").first
    conversation = example.inner_text().lstrip("#")
    example.click()
    detail = page.get_by_role("region", name="Transcript")
    expect(detail.get_by_role("heading", name=f"Conversation #{conversation}")).to_be_visible()
    expect(detail.locator(".line-customer").first).to_be_visible()
    expect(detail.locator(".review-lines")).to_contain_text("confusing")
    with page.expect_download() as info:
        detail.get_by_role("button", name="Download test story").click()
    download = info.value
    assert download.suggested_filename == f"conversation-{conversation}.yml"
    story = open(download.path(), encoding="utf-8").read()
    assert story.startswith('version: "3.1"') and f"- story: conversation {conversation}" in story
    assert "intent: setup_help" in story


def test_transcript_search_by_text_and_csat(pages, base_url):
    page = pages()
    _open_insights(page, base_url)
    review = page.locator("#review")
    review.get_by_label("Text").fill("confusing")
    review.get_by_role("button", name="Search").click()
    expect(review.locator(".review-count")).to_contain_text("conversation")
    snippets = review.locator(".review-snippet").all_inner_texts()
    assert snippets and all("confusing" in s.lower() for s in snippets)

    page.get_by_label("Period").select_option("90d")
    expect(page.locator("body[data-loaded='90d']")).to_have_count(1)
    review.get_by_label("Text").fill("")
    review.get_by_label("CSAT at most").select_option("2")
    review.get_by_role("button", name="Search").click()
    rows = review.locator(".review-open .review-meta")
    expect(rows.filter(has_not_text=re.compile(r"CSAT [12]\b"))).to_have_count(0)
    assert rows.count() > 0


def test_insights_api_needs_an_agent(pages, base_url):
    page = pages()
    for path in ("/api/insights", "/api/insights/conversations", "/api/insights/conversations/1/story"):
        response = page.request.get(f"{base_url}{path}")
        assert response.status == 401, path
    bad = page.request.get(f"{base_url}/api/insights", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status == 401


def test_console_links_to_insights_in_a_signed_in_tab(pages, base_url):
    page = pages()
    page.goto(f"{base_url}/console")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(flows.AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".topbar")).to_be_visible()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Insights").click()
    insights = opened.value
    expect(insights.locator("body[data-loaded='30d']")).to_have_count(1, timeout=20_000)  # no second sign-in
    assert insights.locator("#username").count() == 0
