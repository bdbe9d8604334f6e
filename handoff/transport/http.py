"""HTTP routes: parse the request, call one service function, answer JSON."""

from __future__ import annotations

from typing import Any, Callable

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff import errors
from handoff.service import agents, shop
from handoff.service.clients import client_address
from handoff.service.context import Service


def blueprint(service: Callable[[], Service]) -> Blueprint:
    """The ``/health`` and ``/api`` routes."""
    bp = Blueprint("api")

    @bp.get("/health")
    async def health(_: Request) -> HTTPResponse:
        body, status = await shop.health(service())
        return response.json(body, status=status)

    def address(request: Request) -> str:
        return client_address(service().settings, request.ip or None, request.headers.get("X-Forwarded-For"))

    @bp.post("/api/agents/login")
    async def login(request: Request) -> HTTPResponse:
        body = _json(request)
        return response.json(await agents.login(service(), body.get("username"), body.get("password"),
                                                address(request)))

    @bp.get("/api/phrase-bank")
    async def phrase_bank(_: Request) -> HTTPResponse:
        return response.json(service().phrase_bank)

    @bp.get("/api/invoices/<number:str>")
    async def invoice(request: Request, number: str) -> HTTPResponse:
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else request.args.get("token", "")
        return response.json(await shop.invoice(service(), number, token))

    @bp.get("/api/demo/customers")
    async def demo_customers(request: Request) -> HTTPResponse:
        return response.json(await shop.demo_customers(service(), address(request)))

    @bp.get("/api/demo/identity/<customer_id:int>")
    async def demo_identity(request: Request, customer_id: int) -> HTTPResponse:
        return response.json(await shop.demo_identity(service(), customer_id, address(request)))

    return bp


def _json(request: Request) -> Any:
    try:
        body = request.json
    except Exception as exc:  # noqa: BLE001 - Sanic raises InvalidUsage for bad JSON
        raise errors.InvalidPayload("The body must be JSON.") from exc
    if not isinstance(body, dict):
        raise errors.InvalidPayload("The body must be a JSON object.")
    return body


def error_response(_: Request, exc: errors.HandoffError) -> HTTPResponse:
    """The one mapping of domain errors to HTTP answers."""
    return response.json({"error": errors.error_body(exc)}, status=exc.status)
