"""A check-in e-mail's link, opened in a browser, shows the widget on that conversation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.integration.clients import Agent, wait_until
from tests.integration.followup_support import env, policy_dir, resolved_with_replacement, resume_token, smtp_server
from tests.stack import running_node

pytestmark = pytest.mark.timeout(600, func_only=True)


def test_the_check_in_link_reopens_the_conversation_in_the_widget(pages, watch, tmp_path) -> None:
    with smtp_server() as (controller, sink), running_node(env(controller.port, policy_dir(tmp_path))) as node:
        dana = Agent(node.base_url, "dana")
        try:
            liam, _ = resolved_with_replacement(node.base_url, dana)
            liam.close()
            [body] = wait_until(lambda: sink.to("liam@example.com"), 60)
        finally:
            dana.close()
        page = pages()
        page.goto(f"{node.base_url}/?resume={resume_token(body)}")
        log = page.get_by_role("log", name="Conversation")
        expect(log.locator(".sw-from-customer .sw-text")).to_have_text(["the vase arrived smashed, please help"],
                                                                      timeout=20_000)
        welcome = log.locator(".sw-text", has_text="Welcome back, Liam.")
        expect(welcome).to_have_count(1)
        expect(welcome).to_contain_text("the replacement for order #1051")
        assert "resume=" not in page.url, "the token leaves the address bar (it is kept with the session)"

        page.reload()  # the widget keeps the link with its session: the same conversation again
        expect(page.get_by_role("log", name="Conversation").locator(".sw-text", has_text="Welcome back, Liam.")
               ).to_have_count(1, timeout=20_000)
        assert watch.errors == [] and watch.dialogs == []


def test_a_long_wait_brings_back_the_follow_up_form_with_a_person_online(pages, tmp_path) -> None:
    policy = policy_dir(tmp_path, update_every_s=2, options_after_s=4, auto_resolve_after_s=0)
    with smtp_server() as (controller, _), running_node(env(controller.port, policy)) as node:
        dana = Agent(node.base_url, "dana")  # online: the banner is about the wait, not "no one online"
        try:
            page = pages()
            flows.open_shop(page, node.base_url, "sofia@example.com")
            flows.say(page, "I want to talk to someone please")
            banner = page.locator(".sw-banner")
            expect(banner).to_contain_text("in the queue", timeout=20_000)
            expect(page.get_by_role("group", name="Follow-up by e-mail")).to_have_count(0)
            expect(banner).to_contain_text("If you'd rather not wait", timeout=30_000)
            expect(banner).not_to_contain_text("No one is online")
            expect(page.get_by_role("group", name="Follow-up by e-mail")).to_be_visible()
        finally:
            dana.close()
