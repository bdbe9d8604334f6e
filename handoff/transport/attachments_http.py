"""Attachment routes: ``POST /api/attachments`` (multipart upload), ``GET /attachments/<id>``.

Parse only: who is asking (headers), the multipart body (read here, up to the service's
limit), one service call, the answer. The file goes back with its checked type, ``nosniff``,
``Content-Disposition`` and a CSP that runs nothing.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Sequence, Tuple
from urllib.parse import quote

from sanic import Blueprint, Request, response
from sanic.headers import parse_content_header
from sanic.request import parse_multipart_form
from sanic.response import HTTPResponse

from handoff import errors
from handoff.service import attachments
from handoff.service.clients import client_address
from handoff.service.context import Service
from handoff.service.filetypes import too_large_message
from handoff.transport import parse
from handoff.transport.http import error_response
from handoff.transport.insights_http import bearer

# Room for the multipart envelope around the file (boundaries, part headers).
ENVELOPE_BYTES = 16 * 1024
# Past this much, an oversized upload is refused without reading the rest (the connection closes).
DRAIN_FACTOR = 2
FILE_CSP = "default-src 'none'; sandbox"


def blueprint(service: Callable[[], Service]) -> Blueprint:
    bp = Blueprint("attachments")

    @bp.options("/api/attachments")
    async def preflight(request: Request) -> HTTPResponse:
        """A widget on the shop's own origin asks first (custom headers): allowed for ``ALLOWED_ORIGINS``."""
        headers = cors(service().settings.allowed_origins, request.headers.get("Origin"))
        if headers:
            headers.update({"Access-Control-Allow-Methods": "POST",
                            "Access-Control-Allow-Headers": "Authorization, X-Session-Id, X-Identity-Token",
                            "Access-Control-Max-Age": "600"})
        return response.empty(status=204, headers=headers)

    @bp.post("/api/attachments", stream=True)
    async def upload(request: Request) -> HTTPResponse:
        svc = service()
        headers = cors(svc.settings.allowed_origins, request.headers.get("Origin"))
        try:
            ack = await attachments.upload(
                svc, lambda limit: read_file(request, limit),
                address=client_address(svc.settings, request.ip or None, request.headers.get("X-Forwarded-For")),
                session_id=request.headers.get("X-Session-Id") or None,
                identity_token=request.headers.get("X-Identity-Token") or None,
                agent_token=bearer(request) or None, conversation_id=_int(request.args.get("conversation_id")),
                client_msg_id=parse.opt_str({"client_msg_id": request.args.get("client_msg_id")}, "client_msg_id"))
        except errors.HandoffError as exc:  # the one mapping, plus CORS so a shop page can read why
            refused = error_response(request, exc)
            refused.headers.update(headers)
            return refused
        return response.json(ack, headers=headers)

    @bp.get("/attachments/<public_id:str>")
    async def open_file(request: Request, public_id: str) -> HTTPResponse:
        served = await attachments.open_file(service(), public_id, request.args.get("access"))
        return await response.file(served.path, mime_type=served.mime, headers={
            "Content-Disposition": disposition(served.name, served.inline),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": FILE_CSP,
            "Cache-Control": "private, max-age=3600",
        })

    return bp


async def read_file(request: Request, limit: int) -> Tuple[bytes, Optional[str]]:
    """The ``file`` part of a multipart body of at most ``limit`` bytes of file (and its name as sent)."""
    ctype, options = parse_content_header(request.headers.get("Content-Type", ""))
    boundary = options.get("boundary")
    if ctype != "multipart/form-data" or not boundary:
        raise errors.InvalidPayload("Send the file as multipart/form-data, in a field named `file`.")
    cap, chunks, total = limit + ENVELOPE_BYTES, [], 0
    stream = request.stream
    while stream is not None:
        chunk = await stream.read()
        if chunk is None:
            break
        total += len(chunk)
        if total <= cap:
            chunks.append(chunk)
        elif total > cap * DRAIN_FACTOR:
            break  # read (and dropped) what is reasonable: answer now, the connection closes
    if total > cap:
        raise errors.FileTooLarge(too_large_message(limit))
    try:
        _, files = parse_multipart_form(b"".join(chunks), str(boundary).encode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.InvalidPayload("The upload is not valid multipart/form-data.") from exc
    part = files.get("file") if files else None
    if part is None:
        raise errors.InvalidPayload("Send the file in a multipart field named `file`.")
    return part.body, part.name


def cors(allowed: Sequence[str], origin: Optional[str]) -> Dict[str, str]:
    """CORS headers for ``origin`` when ``ALLOWED_ORIGINS`` lets it in (no cookies are involved)."""
    if not origin or ("*" not in allowed and origin not in allowed):
        return {}
    return {"Access-Control-Allow-Origin": "*" if "*" in allowed else origin, "Vary": "Origin"}


def disposition(name: str, inline: bool) -> str:
    """``inline`` for images, ``attachment`` (a download) for documents; an ASCII name and the UTF-8 one."""
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
    return f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _int(value: Optional[str]) -> Optional[int]:
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise errors.InvalidPayload("`conversation_id` must be an integer.")
    return int(str(value))
