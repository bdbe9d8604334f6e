"""Attachments: the type by magic bytes, the size limit, the access rule, the wire shapes, the turn."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.core.channels.socketio import SocketIOOutput

from common.phrase_bank import attachment_thanks, load_phrase_bank
from common.settings import ROOT
from handoff import errors
from handoff import events as ev
from handoff.service import agents, attachments, blobs, handoffs, sessions, turns
from handoff.service.attachment_links import Viewer, grant, links_for_customer, may_view, viewer_of
from handoff.service.filetypes import PDF, PNG, check_file, clean_name, sniff
from store.models.support import Message, Sender

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
GIF_BYTES = b"GIF89a" + b"\x00" * 64
WEBP_BYTES = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF_BYTES = b"%PDF-1.7\n" + b"\x00" * 64
SECRET = "s" * 40


@pytest.mark.parametrize("data, mime", [(PNG_BYTES, "image/png"), (JPEG_BYTES, "image/jpeg"), (GIF_BYTES, "image/gif"),
                                        (WEBP_BYTES, "image/webp"), (PDF_BYTES, "application/pdf")])
def test_the_type_comes_from_the_first_bytes(data: bytes, mime: str) -> None:
    assert check_file(data, 1024).mime == mime


@pytest.mark.parametrize("data", [
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    b"<!doctype html><script>alert(1)</script>",
    b"MZ\x90\x00 an executable",
    b"RIFF\x24\x00\x00\x00WAVEfmt ",  # RIFF, but audio
    b"just text named photo.png",
    b"\x89PNG",  # cut short
])
def test_anything_else_is_refused_whatever_it_is_called(data: bytes) -> None:
    assert sniff(data) is None
    with pytest.raises(errors.UnsupportedType) as refused:
        check_file(data, 1024)
    assert refused.value.code == "unsupported_type" and refused.value.status == 415


def test_the_size_limit_is_exact_and_empty_files_are_refused() -> None:
    exact = PNG_BYTES + b"\x00" * (200 - len(PNG_BYTES))
    assert check_file(exact, 200) is PNG
    with pytest.raises(errors.FileTooLarge) as big:
        check_file(exact + b"\x00", 200)
    assert big.value.code == "file_too_large" and big.value.status == 413
    with pytest.raises(errors.EmptyFile):
        check_file(b"", 200)


def test_names_lose_paths_and_markup_and_take_the_sniffed_extension() -> None:
    assert clean_name("C:\\Users\\liam\\broken vase.PNG", PNG) == "broken vase.png"
    assert clean_name("../../etc/passwd", PDF) == "passwd.pdf"
    assert clean_name('evil".html', PNG) == "evil.png"
    assert clean_name(None, PNG) == "photo.png"
    assert clean_name("x" * 500 + ".pdf", PDF).endswith(".pdf") and len(clean_name("x" * 500, PDF)) <= 120


def test_the_access_rule_agents_and_the_conversations_own_customer_only() -> None:
    assert may_view(5, Viewer(agent=True))
    assert may_view(5, Viewer(conversation_id=5))
    assert not may_view(5, Viewer(conversation_id=6))
    assert not may_view(5, Viewer())


def test_a_grant_opens_one_file_for_one_viewer_until_it_expires() -> None:
    token = grant(SECRET, "a" * 32, Viewer(conversation_id=7), 600)
    assert viewer_of(SECRET, "a" * 32, token) == Viewer(conversation_id=7)
    assert viewer_of(SECRET, "b" * 32, token) is None  # another file
    assert viewer_of("t" * 40, "a" * 32, token) is None  # not signed by us
    assert viewer_of(SECRET, "a" * 32, None) is None
    old = grant(SECRET, "a" * 32, Viewer(agent=True), 60, now=time.time() - 3 * 3600)
    assert viewer_of(SECRET, "a" * 32, old) is None
    # rounded up to the hour: the same link within the hour, so the browser's cache works
    assert grant(SECRET, "a" * 32, Viewer(agent=True), 7200, now=36001.0) == \
        grant(SECRET, "a" * 32, Viewer(agent=True), 7200, now=39000.0)


def _stored(upload: Dict[str, Any], sender: Sender = Sender.CUSTOMER) -> Message:
    return Message(seq=3, sender=sender, text="", payload={"upload": upload}, created_at=dt.datetime(2024, 5, 1, 12))


class RecordingSio:
    def __init__(self) -> None:
        self.emitted: List[Any] = []

    async def emit(self, event: str, data: Any = None, **_: Any) -> None:
        self.emitted.append(data)


@pytest.mark.asyncio
async def test_an_image_goes_out_as_rasas_send_image_url_and_the_details_under_metadata() -> None:
    upload = {"id": "c" * 32, "kind": "image", "mime": "image/png", "size": 72, "name": "vase.png"}
    sio = RecordingSio()
    await SocketIOOutput(sio, "bot_uttered").send_image_url("s", "https://x/attachments/ccc")  # type: ignore[arg-type]
    [rasa] = sio.emitted
    ours = ev.bot_uttered(_stored(upload), link=lambda u: "https://x/attachments/ccc")
    assert {k: v for k, v in ours.items() if k != "metadata"} == rasa
    assert ours["metadata"]["attachment"] == {**upload, "url": "https://x/attachments/ccc"}
    assert ours["metadata"]["sender"] == "customer"
    pdf = ev.bot_uttered(_stored({**upload, "kind": "file", "mime": "application/pdf", "name": "label.pdf"}),
                         link=lambda u: "https://x/a")
    assert pdf["attachment"] == {"type": "file", "payload": {"src": "https://x/a", "title": "label.pdf"}}
    agent_side = ev.message_dict(_stored(upload), for_agent=True, link=lambda u: "https://x/agents")
    assert agent_side["attachment"]["payload"] == {"src": "https://x/agents"}
    assert agent_side["attachment"]["mime"] == "image/png" and agent_side["text"] == ""


def test_the_thanks_fit_the_situation_and_name_what_arrived() -> None:
    bank = load_phrase_bank(ROOT / "policy" / "phrase_bank.yml")
    first = lambda lines: lines[0]  # noqa: E731
    damaged = attachment_thanks(bank, ["greet", "item_damaged"], "image", first)
    assert damaged == bank["attachment_thanks"]["damaged"][0].replace("{what}", "photo")
    assert damaged.startswith("Thank you for the photo, that helps")
    general = attachment_thanks(bank, ["greet"], "file", first)
    assert general == bank["attachment_thanks"]["general"][0].replace("{what}", "document")
    assert len(bank["attachment_thanks"]["damaged"]) >= 3


def test_files_are_written_whole_under_random_names_and_found_only_by_their_key(tmp_path) -> None:
    key = blobs.save(tmp_path / "att", b"bytes")
    assert blobs.path_of(tmp_path / "att", key).read_bytes() == b"bytes"
    assert blobs.save(tmp_path / "att", b"bytes") != key
    assert blobs.path_of(tmp_path / "att", "../" + key) is None
    assert not list((tmp_path / "att").glob(".*.part"))
    blobs.remove(tmp_path / "att", key)
    assert blobs.path_of(tmp_path / "att", key) is None
    assert blobs.inside_any(ROOT / "widget" / "uploads", [ROOT / "widget"])
    assert not blobs.inside_any(ROOT / "var" / "attachments", [ROOT / "widget", ROOT / "console"])


def _reader(data: bytes, name: Optional[str] = "vase.png"):
    async def read(limit: int) -> Tuple[bytes, Optional[str]]:
        return data, name

    return read


async def _customer(svc, sid: str = "c1") -> str:
    await sessions.open_session(svc, sid, None, None, None)
    return svc.customers[sid].session_id


@pytest.mark.asyncio
async def test_a_customer_photo_is_stored_posted_and_thanked_for(svc) -> None:
    session_id = await _customer(svc)
    ack = await attachments.upload(svc, _reader(PNG_BYTES), address="1.2.3.4", session_id=session_id,
                                   client_msg_id="u-1")
    await svc.drain()
    assert ack["ok"] and ack["attachment"]["mime"] == "image/png" and ack["attachment"]["size"] == len(PNG_BYTES)
    assert ack["message"]["attachment"]["type"] == "image"
    url = ack["attachment"]["url"]
    public_id, access = url.split("/attachments/")[1].split("?access=")
    served = await attachments.open_file(svc, public_id, access)
    assert served.path.read_bytes() == PNG_BYTES and served.inline and served.name == "vase.png"
    assert served.path.parent == svc.settings.attachments_dir
    # the bot thanked them, and Rasa never got an empty message
    [thanks] = [d for d in svc.notifier.events("conv", "bot_uttered") if d["metadata"]["sender"] == "bot"]
    assert "photo" in thanks["text"]
    assert not [c for c in svc.rasa.calls if c[0] == "send"]
    # the agents got it with their own link
    [relayed] = [d for d in svc.notifier.events("conv_agents", "message") if d["message"]["sender"] == "customer"]
    agent_url = relayed["message"]["attachment"]["url"]
    aid, agent_access = agent_url.split("/attachments/")[1].split("?access=")
    assert (await attachments.open_file(svc, aid, agent_access)).path == served.path
    # a retry is stored once, and its extra file removed
    again = await attachments.upload(svc, _reader(PNG_BYTES), address="1.2.3.4", session_id=session_id,
                                     client_msg_id="u-1")
    assert again["duplicate"] and again["seq"] == ack["seq"]
    assert len(list(svc.settings.attachments_dir.iterdir())) == 1


@pytest.mark.asyncio
async def test_another_customer_gets_not_found(svc) -> None:
    mine = await _customer(svc, "c1")
    theirs = await _customer(svc, "c2")
    ack = await attachments.upload(svc, _reader(PNG_BYTES), address="a", session_id=mine)
    other = await attachments.upload(svc, _reader(PDF_BYTES, "x.pdf"), address="b", session_id=theirs)
    public_id = ack["attachment"]["id"]
    their_access = other["attachment"]["url"].split("?access=")[1]
    for access in (None, "", their_access, grant(svc.settings.secret_key, public_id,
                                                 Viewer(conversation_id=svc.customers["c2"].conversation_id), 60)):
        with pytest.raises(errors.NotFound):
            await attachments.open_file(svc, public_id, access)


@pytest.mark.asyncio
async def test_refusals_store_nothing(svc) -> None:
    session_id = await _customer(svc)
    with pytest.raises(errors.UnsupportedType):
        await attachments.upload(svc, _reader(b"<svg/>", "x.png"), address="a", session_id=session_id)
    small = dataclasses.replace(svc.settings, attachment_max_bytes=32)
    with pytest.raises(errors.FileTooLarge):
        await attachments.upload(dataclasses.replace(svc, settings=small), _reader(PNG_BYTES), address="a",
                                 session_id=session_id)
    with pytest.raises(errors.NotFound):  # not a session of this identity
        await attachments.upload(svc, _reader(PNG_BYTES), address="a", session_id="f" * 32)
    with pytest.raises(errors.NoSession):
        await attachments.upload(svc, _reader(PNG_BYTES), address="a")
    assert not svc.settings.attachments_dir.exists() or not list(svc.settings.attachments_dir.iterdir())
    view = await svc.run(lambda s: __import__("store.conversations", fromlist=["x"]).messages_after(
        s, svc.customers["c1"].conversation_id))
    assert not [m for m in view if m.sender == Sender.CUSTOMER]


@pytest.mark.asyncio
async def test_uploads_are_limited_per_identity_or_address(svc) -> None:
    from common.settings import Limit

    tight = dataclasses.replace(svc, settings=dataclasses.replace(svc.settings, limit_uploads=Limit(1, 60.0)))
    session_id = await _customer(svc)
    await attachments.upload(tight, _reader(PNG_BYTES), address="9.9.9.9", session_id=session_id)
    with pytest.raises(errors.RateLimited):
        await attachments.upload(tight, _reader(PNG_BYTES), address="9.9.9.9", session_id=session_id)


@pytest.mark.asyncio
async def test_an_agent_sends_into_their_own_conversation_only(svc) -> None:
    token = (await agents.login(svc, "dana", "support-demo"))["token"]
    dana = await agents.connect(svc, "a1", token)
    await _customer(svc)
    cid = svc.customers["c1"].conversation_id
    with pytest.raises(errors.InvalidState):  # not claimed yet
        await attachments.upload(svc, _reader(PDF_BYTES, "label.pdf"), address="a", agent_token=token,
                                 conversation_id=cid)
    await turns.customer_message(svc, "c1", "a person please", None, None)
    await svc.drain()
    await handoffs.claim(svc, dana, cid)
    ack = await attachments.upload(svc, _reader(PDF_BYTES, "label.pdf"), address="a", agent_token=token,
                                   conversation_id=cid)
    assert ack["message"]["sender"] == "agent" and ack["message"]["attachment"]["name"] == "label.pdf"
    [shown] = [d for d in svc.notifier.events("conv", "bot_uttered") if d["metadata"]["sender"] == "agent"]
    assert shown["attachment"]["type"] == "file"
    public_id, access = shown["attachment"]["payload"]["src"].split("/attachments/")[1].split("?access=")
    served = await attachments.open_file(svc, public_id, access)
    assert not served.inline and served.mime == "application/pdf"
    assert links_for_customer(svc, cid)({"id": public_id}).endswith(f"?access={access}")
    with pytest.raises(errors.Unauthorized):
        await attachments.upload(svc, _reader(PDF_BYTES), address="a", agent_token="forged", conversation_id=cid)




def test_the_sweep_removes_only_old_files_no_row_names(tmp_path) -> None:
    import os

    folder = tmp_path / "att"
    kept, orphan, young = (blobs.save(folder, b"x") for _ in range(3))
    part = folder / f".{'e' * 32}.part"
    part.write_bytes(b"half")
    old = time.time() - 7200
    for path in (folder / kept, folder / orphan, part):
        os.utime(path, (old, old))
    removed = blobs.sweep(folder, lambda keys: {k for k in keys if k == kept})
    assert removed == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted([kept, young])
