"""``/confirm/<token>``: the page a mailed confirmation link opens.

``GET`` only shows what will happen and a button (mail scanners that prefetch links change
nothing); the ``POST`` from that button carries the change out, once. Plain HTML, no script.
"""

from __future__ import annotations

from html import escape
from typing import Callable

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff import errors
from handoff.service import mail
from handoff.service.context import Service

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<h1>{title}</h1><p>{text}</p>{form}</body></html>"""
FORM = '<form method="post"><button type="submit">Yes, confirm the change</button></form>'


def _page(title: str, text: str, form: str = "", status: int = 200) -> HTTPResponse:
    return response.html(PAGE.format(title=escape(title), text=escape(text), form=form), status=status,
                         headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def blueprint(service: Callable[[], Service]) -> Blueprint:
    bp = Blueprint("confirm")

    @bp.get("/confirm/<token:str>")
    async def ask(_: Request, token: str) -> HTTPResponse:
        return _page("Confirm your change", "You asked us in the support chat for a change to your order. "
                     "Press the button to confirm it; nothing changes until you do.", FORM)

    @bp.post("/confirm/<token:str>")
    async def done(_: Request, token: str) -> HTTPResponse:
        try:
            result = await mail.confirm(service(), token)
        except errors.HandoffError as exc:
            return _page("We couldn't make that change", f"{exc.message} Your order is as it was; reply in the "
                         "chat and we'll sort it out together.", status=exc.status)
        what = (f"Order #{result['order']} is cancelled and the refund is on its way."
                if result["kind"] == "cancel_order"
                else f"Order #{result['order']} will now go to {result['new_address']}.")
        return _page("Done", what)

    return bp
