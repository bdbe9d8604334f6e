"""HTTP routes of the insights page: parse the request, call one service function, answer."""

from __future__ import annotations

from typing import Callable

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.service import insights
from handoff.service.context import Service

FILTERS = ("text", "intent", "reason", "from", "to", "csat_min", "csat_max", "handed_off", "since")


def bearer(request: Request) -> str:
    """The token of ``Authorization: Bearer <token>`` ("" when absent)."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def blueprint(service: Callable[[], Service]) -> Blueprint:
    """``/api/insights`` and its transcript routes (agents only: a console session token)."""
    bp = Blueprint("insights")

    @bp.get("/api/insights")
    async def report(request: Request) -> HTTPResponse:
        return response.json(await insights.report(service(), bearer(request), request.args.get("since")))

    @bp.get("/api/insights/conversations")
    async def search(request: Request) -> HTTPResponse:
        args = {name: request.args.get(name, "") for name in FILTERS}
        return response.json(await insights.search(service(), bearer(request), args))

    @bp.get("/api/insights/conversations/<conversation_id:int>")
    async def transcript(request: Request, conversation_id: int) -> HTTPResponse:
        return response.json(await insights.transcript(service(), bearer(request), conversation_id))

    @bp.get("/api/insights/conversations/<conversation_id:int>/story")
    async def story(request: Request, conversation_id: int) -> HTTPResponse:
        text = await insights.story(service(), bearer(request), conversation_id)
        return response.text(text, content_type="application/x-yaml; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="conversation-{conversation_id}.yml"'})

    return bp
