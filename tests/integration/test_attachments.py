"""Attachments over real HTTP and Socket.IO: a photo of the broken vase reaches the bot and the agent.

The customer uploads as their session (session id + identity token), the agent with their
token; the links each side is sent open the file for them and 404 for anyone else; refused
types and oversized files store nothing.
"""

from __future__ import annotations

import io
import uuid
from typing import Any, Dict, Optional

import pytest
import requests
from PIL import Image

from tests.integration.clients import Agent, Customer, identity_token, wait_until

pytestmark = pytest.mark.timeout(300, func_only=True)
FIVE_MIB = 5 * 1024 * 1024


def png(color: str = "red", size: int = 40) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), color).save(out, format="PNG")
    return out.getvalue()


def upload(base_url: str, data: bytes, name: str, *, session_id: Optional[str] = None, token: Optional[str] = None,
           agent_token: Optional[str] = None, conversation_id: Optional[int] = None,
           content_type: str = "image/png") -> requests.Response:
    headers: Dict[str, str] = {}
    if session_id:
        headers["X-Session-Id"] = session_id
    if token:
        headers["X-Identity-Token"] = token
    if agent_token:
        headers["Authorization"] = f"Bearer {agent_token}"
    params: Dict[str, Any] = {"client_msg_id": uuid.uuid4().hex[:12]}
    if conversation_id is not None:
        params["conversation_id"] = conversation_id
    return requests.post(f"{base_url}/api/attachments", params=params, headers=headers,
                         files={"file": (name, data, content_type)}, timeout=60)


def test_a_photo_of_the_broken_vase_is_thanked_for_and_dana_sees_it(stack) -> None:
    # A visitor (the bot asks which order first, so it keeps the chat whatever order #1051 went through)
    liam, dana, token = Customer(stack.base_url), None, None
    try:
        liam.start()
        liam.ask("The ceramic vase I sent as a gift arrived broken. I'm so disappointed.")
        photo = png()
        mark = liam.rec.mark()
        resp = upload(stack.base_url, photo, "vase.png", session_id=liam.session_id)
        assert resp.status_code == 200, resp.text
        ack = resp.json()
        assert ack["ok"] and ack["attachment"]["mime"] == "image/png" and ack["attachment"]["size"] == len(photo)
        assert ack["message"]["attachment"] == {"type": "image", "payload": {"src": ack["attachment"]["url"]}}
        thanks = liam.rec.wait_for("bot_uttered", lambda d: d["metadata"]["seq"] > ack["seq"], 60, start=mark)
        assert thanks["metadata"]["sender"] == "bot", thanks
        assert thanks["text"].startswith(("Thank you for the photo", "Thanks for sending the photo",
                                          "Thank you, that photo")), thanks  # the damaged situation's thanks
        # the customer's own link opens the file, with its checked type and nothing to run
        got = requests.get(ack["attachment"]["url"], timeout=30)
        assert got.status_code == 200 and got.content == photo
        assert got.headers["Content-Type"] == "image/png"
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert got.headers["Content-Disposition"].startswith("inline;") and "vase.png" in got.headers["Content-Disposition"]
        assert "sandbox" in got.headers["Content-Security-Policy"]
        # the replay carries it too, in Rasa's image shape
        replay = Customer(stack.base_url)
        try:
            replay.start(session_id=liam.session_id, last_seq=0, identity_token=token)
            entries = replay.rec.wait_for("transcript")["messages"]
            [mine] = [m for m in entries if m["metadata"]["seq"] == ack["seq"]]
            assert mine["attachment"]["type"] == "image" and mine["metadata"]["attachment"]["name"] == "vase.png"
        finally:
            replay.close()

        liam.ask("I want to talk to a person")
        dana = Agent(stack.base_url, "dana")
        cid = dana.rec.wait_for("queue", lambda d: any(i["session_id"] == liam.session_id for i in d["items"]))
        conversation_id = next(i["conversation_id"] for i in cid["items"] if i["session_id"] == liam.session_id)
        claimed = dana.call("claim", {"conversation_id": conversation_id})
        assert claimed["ok"], claimed
        [shown] = [m for m in claimed["conversation"]["messages"] if m["seq"] == ack["seq"]]
        assert shown["sender"] == "customer" and shown["attachment"]["mime"] == "image/png"
        assert requests.get(shown["attachment"]["url"], timeout=30).content == photo

        # Dana sends the return label as a PDF: Liam gets it as a file attachment
        mark = liam.rec.mark()
        pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
        sent = upload(stack.base_url, pdf, "return-label.pdf", agent_token=dana.token, conversation_id=conversation_id,
                      content_type="application/pdf")
        assert sent.status_code == 200, sent.text
        label = liam.rec.wait_for("bot_uttered", lambda d: d["metadata"].get("sender") == "agent", 60, start=mark)
        assert label["attachment"]["type"] == "file" and label["metadata"]["agent_name"] == "Dana"
        opened = requests.get(label["attachment"]["payload"]["src"], timeout=30)
        assert opened.content == pdf and opened.headers["Content-Type"] == "application/pdf"
        assert opened.headers["Content-Disposition"].startswith("attachment;")
    finally:
        liam.close()
        if dana is not None:
            dana.close()


def test_refused_types_and_oversized_files_store_nothing(stack) -> None:
    visitor = Customer(stack.base_url)
    try:
        visitor.start()
        before = visitor.last_seq()
        svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
        refused = upload(stack.base_url, svg, "vase.png", session_id=visitor.session_id)  # named and typed as a PNG
        assert refused.status_code == 415 and refused.json()["error"]["code"] == "unsupported_type"
        big = png()
        big += b"\x00" * (FIVE_MIB + 1 - len(big))
        too_big = upload(stack.base_url, big, "huge.png", session_id=visitor.session_id)
        assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "file_too_large"
        assert "5 MB" in too_big.json()["error"]["message"]
        nobody = upload(stack.base_url, png(), "x.png")
        assert nobody.status_code == 409 and nobody.json()["error"]["code"] == "no_session"
        assert visitor.last_seq() == before
    finally:
        visitor.close()


def test_another_customer_gets_404(stack) -> None:
    token = identity_token(stack.base_url, "maya@example.com")
    maya, other = Customer(stack.base_url), Customer(stack.base_url)
    try:
        maya.start(identity_token=token)
        other.start()
        ack = upload(stack.base_url, png("blue"), "receipt.png", session_id=maya.session_id, token=token).json()
        theirs = upload(stack.base_url, png("green"), "mine.png", session_id=other.session_id).json()
        public_id = ack["attachment"]["id"]
        their_access = theirs["attachment"]["url"].split("?access=")[1]
        for url in (f"{stack.base_url}/attachments/{public_id}",
                    f"{stack.base_url}/attachments/{public_id}?access={their_access}",
                    f"{stack.base_url}/attachments/{public_id}?access=forged"):
            resp = requests.get(url, timeout=30)
            assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found", url
        # Maya's session without Maya's identity is not Maya's: nothing is posted into it
        posing = upload(stack.base_url, png(), "x.png", session_id=maya.session_id)
        assert posing.status_code == 404
        assert wait_until(lambda: requests.get(ack["attachment"]["url"], timeout=30).status_code == 200)
    finally:
        maya.close()
        other.close()
