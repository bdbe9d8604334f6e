"""rasa-webchat 1.0.1 (npm, socket.io-client 3), served from a second origin, shows everything we store.

The most used third-party widget for Rasa's socketio channel renders a message only when its
keys are exactly Rasa's (``{text}``, ``{text, quick_replies}``, ``{attachment}``; ``metadata``
is stripped first). A new user's set-up: ``WebChat.default({socketUrl, socketPath, ...})`` on
their own site, pointed at the handoff service. ``make setup`` fetches the pinned package
(Makefile, ``$(WEBCHAT_DIR)``).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.integration.clients import Agent, transcript, wait_until

ROOT = Path(__file__).resolve().parents[2]
WEBCHAT_JS = ROOT / "var" / "npm" / "rasa-webchat-1.0.1" / "lib" / "index.js"
TIMEOUT_S = 45

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A shop using rasa-webchat</title></head>
<body><h1>Another shop</h1>
<script src="/rasa-webchat.js"></script>
<script>
  WebChat.default({
    socketUrl: %(socket_url)s, socketPath: "/socket.io/", customData: {language: "en"},
    initPayload: "/greet", embedded: true, title: "Support", params: {storage: "local"},
    customMessageDelay: () => 0,
  }, null);
</script></body></html>
"""


@contextlib.contextmanager
def _second_origin(socket_url: str) -> Iterator[str]:
    """A static site on another loopback port: the page above and the package's UMD build."""
    if not WEBCHAT_JS.exists():
        raise AssertionError(f"{WEBCHAT_JS} is missing: `make setup` installs rasa-webchat 1.0.1")
    files = {"/": ("text/html", (PAGE % {"socket_url": json.dumps(socket_url)}).encode()),
             "/rasa-webchat.js": ("application/javascript", WEBCHAT_JS.read_bytes())}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            kind, body = files.get(self.path.split("?")[0], ("text/plain", b""))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _norm(text: str) -> str:
    return " ".join(str(text).split())


def _session_id(page: Page) -> str:
    return page.evaluate("JSON.parse(localStorage.getItem('chat_session') || '{}').session_id || ''")


def _stored(base_url: str, session_id: str) -> List[Dict[str, Any]]:
    """What the service stored for the customer to see: bot, agent and system messages."""
    replay = transcript(base_url, session_id)["messages"]
    return [m for m in replay if m["metadata"]["sender"] != "customer"]


def _all_shown(page: Page, base_url: str, session_id: str, until) -> List[Dict[str, Any]]:
    """Wait until the store satisfies ``until`` and the widget caught up; assert it shows every message.

    Each stored message is one response bubble with its text; the latest one's buttons are
    the widget's quick replies (rasa-webchat shows quick replies on the last message only).
    """
    stored = wait_until(lambda: (lambda s: s if until(s) else None)(_stored(base_url, session_id)), TIMEOUT_S)
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what is missing
        page.wait_for_function("n => document.querySelectorAll('.rw-response').length >= n", arg=len(stored),
                               timeout=TIMEOUT_S * 1000)
    shown = [_norm(t) for t in page.locator(".rw-response").all_inner_texts()]
    assert shown == [_norm(m["text"]) for m in stored], "every stored message, once, in order"
    last = stored[-1]
    titles = [q["title"] for q in last.get("quick_replies") or []]
    if titles:
        expect(page.locator(".rw-reply")).to_have_text(titles)
    return stored


def _has_buttons(stored: List[Dict[str, Any]], pattern: str) -> bool:
    return bool(stored) and any(re.search(pattern, q["payload"]) for q in stored[-1].get("quick_replies") or [])


def test_rasa_webchat_from_another_origin_shows_every_message(base_url, pages):
    for username in ("dana", "sam"):  # nobody online: whatever earlier tests left steps away
        agent = Agent(base_url, username)
        assert agent.call("set_status", {"status": "away"})["ok"]
        agent.close()

    with _second_origin(base_url) as site:
        page = pages()
        page.goto(site)
        expect(page.locator(".rw-new-message")).to_be_visible(timeout=20_000)
        session_id = wait_until(lambda: _session_id(page), TIMEOUT_S)
        _all_shown(page, base_url, session_id, lambda s: len(s) >= 1)  # the greeting (initPayload)

        # A bot answer with buttons, then one of them: a handoff with nobody online (options).
        box = page.locator(".rw-new-message")
        box.fill("i want to make a complaint")
        box.press("Enter")
        expect(page.locator(".rw-client", has_text="i want to make a complaint")).to_be_visible()
        _all_shown(page, base_url, session_id, lambda s: _has_buttons(s, "^/request_human$"))
        page.locator(".rw-reply").first.click()
        stored = _all_shown(page, base_url, session_id, lambda s: _has_buttons(s, "^/follow_up$"))
        assert stored[-1]["metadata"]["sender"] == "system"

        # An agent comes online, claims and replies.
        dana = Agent(base_url, "dana")
        try:
            assert dana.call("set_status", {"status": "online"})["ok"]
            items = dana.call("queue", {})["items"]
            cid = next(i["conversation_id"] for i in items if i["session_id"] == session_id)
            assert dana.call("claim", {"conversation_id": cid})["ok"]
            hello = "Hi, I'm Dana. I'm sorry this happened; let's put it right together."
            assert dana.call("send", {"conversation_id": cid, "text": hello, "client_msg_id": "wc-1"})["ok"]
            _all_shown(page, base_url, session_id, lambda s: s[-1]["text"] == hello)

            # A reload: the same session (rasa-webchat keeps its id), everything still shown, and
            # the socket is back in the conversation's room.
            page.reload()
            expect(page.locator(".rw-new-message")).to_be_visible(timeout=20_000)
            assert _session_id(page) == session_id
            again = "I can see your message here; I'm checking the order now."
            assert dana.call("send", {"conversation_id": cid, "text": again, "client_msg_id": "wc-2"})["ok"]
            _all_shown(page, base_url, session_id, lambda s: s[-1]["text"] == again)
            box.fill("thank you")
            box.press("Enter")
            expect(page.locator(".rw-client", has_text="thank you")).to_be_visible()
            relayed = dana.rec.wait_for("message", lambda d: d["message"]["text"] == "thank you", TIMEOUT_S)
            assert relayed["message"]["sender"] == "customer"

            # Resolved: the CSAT question and its score buttons, then the customer's score.
            assert dana.call("resolve", {"conversation_id": cid, "disposition": "resolved"})["ok"]
        finally:
            dana.close()
        stored = _all_shown(page, base_url, session_id, lambda s: _has_buttons(s, "^/csat"))
        assert [q["title"] for q in stored[-1]["quick_replies"]] == ["1", "2", "3", "4", "5"]
        page.locator(".rw-reply", has_text=re.compile("^5$")).click()
        final = _all_shown(page, base_url, session_id, lambda s: len(s) > len(stored))
        senders = {m["metadata"]["sender"] for m in final}
        assert senders == {"bot", "agent", "system"}, senders
        for message in final:  # the shapes rasa-webchat renders, and nothing else on top
            assert set(message) - {"metadata"} in ({"text"}, {"text", "quick_replies"}), message
