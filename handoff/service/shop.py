"""HTTP-side service functions: health, invoices, the demo shop's stand-in backend."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Tuple

import aiohttp
from sqlalchemy import text

from common.identity import sign_identity, verify_identity
from handoff import errors
from handoff.service import agents
from handoff.service.clients import is_local
from handoff.service.context import Service
from store import conversations as conv_store


async def health(svc: Service) -> Tuple[Dict[str, Any], int]:
    """The service, Rasa, the action server and the database; 503 when the database is down."""

    async def database() -> bool:
        try:
            async with svc.db() as session:
                await session.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "down"
            return False

    async def action_server() -> bool:
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as http:
                async with http.get(f"{svc.settings.action_server_url}/health") as resp:
                    return resp.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False

    db_ok, rasa_ok, actions_ok = await asyncio.gather(database(), svc.rasa.healthy(), action_server())
    overall = "down" if not db_ok else ("ok" if rasa_ok and actions_ok else "degraded")
    body = {"status": overall, "service": {"ok": True}, "rasa": {"ok": rasa_ok, "url": svc.settings.rasa_url},
            "action_server": {"ok": actions_ok, "url": svc.settings.action_server_url},
            "database": {"ok": db_ok}}
    return body, 200 if db_ok else 503


def _require_demo(svc: Service, address: str) -> None:
    """The demo endpoints answer loopback clients only, and only with ``DEMO_IDENTITIES`` on.

    The service refuses to start off loopback with them on (``common.settings.require_safe_bind``);
    this also covers a proxy on the same machine forwarding remote clients (``TRUSTED_PROXIES``).
    """
    if not svc.settings.demo_identities:
        raise errors.NotFound("Demo identities are turned off (DEMO_IDENTITIES=0).")
    if not is_local(address):
        raise errors.NotFound("Demo identities are served to this machine only.")


async def demo_customers(svc: Service, address: str = "127.0.0.1") -> List[Dict[str, Any]]:
    """The demo customers a visitor may chat as."""
    _require_demo(svc, address)
    return await svc.run(conv_store.list_customers)


async def demo_identity(svc: Service, customer_id: int, address: str = "127.0.0.1") -> Dict[str, Any]:
    """Sign an identity token, as the shop's backend would for its signed-in user."""
    _require_demo(svc, address)
    customer = await svc.run(conv_store.customer_brief, customer_id)
    if customer is None:
        raise errors.NotFound("There is no such customer.")
    token = sign_identity(customer["id"], customer["email"], svc.settings.identity_secret)
    return {"token": token, "customer": customer}


async def invoice(svc: Service, number: str, token: str) -> Dict[str, Any]:
    """An invoice, for its owner (identity token) or any agent (agent token)."""
    found = await svc.run(conv_store.get_invoice, number)
    identity = verify_identity(token, svc.settings.identity_secret)
    is_agent = False
    if identity is None:
        try:
            agents.verify_token(svc, token)
            is_agent = True
        except errors.Unauthorized:
            raise errors.Unauthorized("Open the invoice from your chat or account page.") from None
    owner = identity.customer_id if identity is not None else None
    if found is None or (not is_agent and found["customer_id"] != owner):
        raise errors.NotFound("There is no such invoice.")
    return found
