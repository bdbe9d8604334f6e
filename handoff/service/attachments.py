"""Attachments: a participant uploads a photo or PDF into their conversation; participants open it.

Upload: who is asking is settled before a byte of the body is read (a customer by their
session id and, when signed in, identity token, the socket's own rule; an agent by their
token, on a conversation they own), then the upload counts against ``RATE_LIMIT_UPLOADS``
per identity or client address, then the body is read up to ``ATTACHMENT_MAX_BYTES`` and
its type is taken from its first bytes. The file is written (``blobs``) before the row and
the transcript message are committed together; the answer comes after the commit. A
customer's file then takes its turn like any message (``turns``: the bot thanks them for it).

Open: ``/attachments/<id>?access=<grant>`` (``attachment_links``): 404 unless the grant is
valid for that file and its viewer may see the conversation.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from sqlalchemy.orm import Session

from common.identity import verify_identity
from handoff import errors
from handoff import events as ev
from handoff.service import blobs, lookups, publish, ratelimit
from handoff.service.attachment_links import links_for_agents, links_for_customer, may_view, viewer_of
from handoff.service.changes import MessageAdded
from handoff.service.context import CustomerConn, Service
from handoff.service.filetypes import check_file, clean_name
from handoff.service.handoffs import _owned
from handoff.service.idempotent import append_once
from handoff.service.sessions import CLIENT_SESSION_ID, owned_by
from store import attachments as att_store
from store import conversations as conv_store
from store.models.support import Message, Sender

log = logging.getLogger(__name__)

# Reads the request body up to the given number of bytes: (file bytes, file name as sent).
BodyReader = Callable[[int], Awaitable[Tuple[bytes, Optional[str]]]]


@dataclass(frozen=True)
class Uploader:
    """Who uploads, into which conversation (settled before the body is read)."""

    sender: Sender
    conversation_id: int
    limit_key: str
    agent_id: Optional[int] = None
    customer_id: Optional[int] = None
    session_id: str = ""
    identity_token: Optional[str] = None
    address: str = "unknown"


@dataclass(frozen=True)
class Served:
    """A file to send back: where it is and the headers it goes with."""

    path: Path
    mime: str
    name: str
    inline: bool  # images are shown; documents download


async def upload(svc: Service, read: BodyReader, *, address: str, session_id: Optional[str] = None,
                 identity_token: Optional[str] = None, agent_token: Optional[str] = None,
                 conversation_id: Optional[int] = None, client_msg_id: Optional[str] = None) -> Dict[str, Any]:
    """Check, store and post one file; the ack after the commit (``client_msg_id``: a retry is stored once).

    Returns ``{"ok", "seq", "client_msg_id", "attachment", "message"}``: ``message`` is the
    transcript entry as the uploader's side shows it (a customer message, or the agent's).
    """
    who = await _uploader(svc, address, session_id, identity_token, agent_token, conversation_id)
    await ratelimit.enforce(svc.limiter, ratelimit.UPLOADS, who.limit_key, svc.settings.limit_uploads)
    data, raw_name = await read(svc.settings.attachment_max_bytes)
    kind = check_file(data, svc.settings.attachment_max_bytes)
    folder = svc.settings.attachments_dir
    loop = asyncio.get_running_loop()
    key = await loop.run_in_executor(None, blobs.save, folder, data)
    public_id, name = secrets.token_hex(16), clean_name(raw_name, kind)
    upload_info: Dict[str, Any] = {"id": public_id, "kind": kind.kind, "mime": kind.mime, "size": len(data),
                                   "name": name}
    sha256 = hashlib.sha256(data).hexdigest()
    cid = who.conversation_id

    def write(s: Session) -> Tuple[Message, Optional[str]]:
        _still_allowed(s, svc, who)
        row = att_store.add_attachment(s, public_id=public_id, conversation_id=cid, uploader=who.sender,
                                       mime=kind.mime, size=len(data), sha256=sha256, name=name,
                                       storage_key=key, agent_id=who.agent_id, customer_id=who.customer_id)
        msg = conv_store.append_message(s, cid, who.sender, "", agent_id=who.agent_id, client_msg_id=client_msg_id,
                                        payload={"upload": upload_info})
        att_store.link_message(s, row, msg.id)
        if who.sender == Sender.AGENT:
            conv_store.mark_first_agent_reply(s, cid)
        return msg, _agent_name(s, who)

    try:
        (msg, agent_name), duplicate = await append_once(svc, cid, client_msg_id, who.sender, write,
                                                         lambda s, found: (found, _agent_name(s, who)),
                                                         agent_id=who.agent_id)
    except BaseException:
        await loop.run_in_executor(None, blobs.remove, folder, key)
        raise
    if duplicate:
        await loop.run_in_executor(None, blobs.remove, folder, key)
    else:
        log.info("handoff.attachment_stored conversation=%s by=%s mime=%s size=%s", cid, who.sender.value,
                 kind.mime, len(data))
        await _after(svc, who, msg, agent_name)
    return _ack(svc, who, msg, agent_name, duplicate)


async def open_file(svc: Service, public_id: str, access: Optional[str]) -> Served:
    """The file behind ``public_id`` for the holder of ``access``; ``not_found`` for anyone else."""
    viewer = viewer_of(svc.settings.secret_key, public_id, access)
    if viewer is None:
        raise errors.NotFound()
    row = await svc.run(att_store.get_by_public_id, public_id)
    if row is None or not may_view(row.conversation_id, viewer):
        raise errors.NotFound()
    path = blobs.path_of(svc.settings.attachments_dir, row.storage_key)
    if path is None:
        log.error("handoff.attachment_file_missing id=%s dir=%s", public_id, svc.settings.attachments_dir)
        raise errors.NotFound()
    return Served(path=path, mime=row.mime, name=row.name, inline=row.mime.startswith("image/"))


async def _uploader(svc: Service, address: str, session_id: Optional[str], identity_token: Optional[str],
                    agent_token: Optional[str], conversation_id: Optional[int]) -> Uploader:
    if agent_token:
        from handoff.service.agents import verify_token

        agent_id = verify_token(svc, agent_token)
        if conversation_id is None:
            raise errors.InvalidPayload("An agent's upload needs `conversation_id`.")
        who = Uploader(Sender.AGENT, conversation_id, f"agent:{agent_id}", agent_id=agent_id, address=address)
    else:
        if not session_id:
            raise errors.NoSession("Send the chat's session id with the file.")
        identity = verify_identity(identity_token, svc.settings.identity_secret)
        customer_id = identity.customer_id if identity else None
        conv = await svc.run(_session_conversation, svc, session_id, customer_id)
        who = Uploader(Sender.CUSTOMER, conv, ratelimit.subject(customer_id, address), customer_id=customer_id,
                       session_id=session_id, identity_token=identity_token if identity else None, address=address)
    await svc.run(_still_allowed, svc, who)
    return who


def _session_conversation(s: Session, svc: Service, session_id: str, customer_id: Optional[int]) -> int:
    """The conversation of a live session bound to this identity (the socket's rule), else ``not_found``."""
    conv = conv_store.get_by_session_id(s, session_id) if CLIENT_SESSION_ID.match(session_id) else None
    if conv is None or not owned_by(conv, customer_id) or \
            conv_store.is_expired(conv, dt.timedelta(hours=svc.policy.expire_after_hours)):
        raise errors.NotFound("There is no such chat.")
    return int(conv.id)


def _still_allowed(s: Session, svc: Service, who: Uploader) -> None:
    """An agent posts only into a conversation they own; a customer's binding cannot change, so is not re-read."""
    if who.sender == Sender.AGENT:
        assert who.agent_id is not None
        _owned(s, who.conversation_id, who.agent_id)
    else:
        lookups.conversation(s, who.conversation_id)


def _agent_name(s: Session, who: Uploader) -> Optional[str]:
    return lookups.agent(s, who.agent_id).display_name if who.agent_id is not None else None


async def _after(svc: Service, who: Uploader, msg: Message, agent_name: Optional[str]) -> None:
    """An agent's file is shown at once; a customer's takes its turn (in order, under the turn claim)."""
    if who.sender == Sender.AGENT:
        await publish.publish(svc, [MessageAdded(who.conversation_id, msg, agent_name=agent_name,
                                                 assignee_id=who.agent_id)])
        return
    from handoff.service import runner

    conn = CustomerConn("", who.conversation_id, who.session_id, who.customer_id, who.identity_token, who.address)
    svc.spawn(runner.drive(svc, who.conversation_id, conn), name=f"turn:{who.conversation_id}")


def _ack(svc: Service, who: Uploader, msg: Message, agent_name: Optional[str], duplicate: bool) -> Dict[str, Any]:
    if who.sender == Sender.AGENT:
        link = links_for_agents(svc)
        shown: Dict[str, Any] = ev.message_dict(msg, agent_name, for_agent=True, link=link)
    else:
        link = links_for_customer(svc, who.conversation_id)
        shown = ev.bot_uttered(msg, agent_name, link)
    upload_info = (msg.payload or {}).get("upload") or {}
    ack = ev.ok(seq=msg.seq, client_msg_id=msg.client_msg_id, attachment=ev.upload_meta(upload_info, link(upload_info)),
                message=shown)
    if duplicate:
        ack["duplicate"] = True
    return ack

