"""Security headers on every HTTP answer (pages, static files, JSON, Socket.IO polling).

The pages load only their own files: scripts are same-origin modules (no inline script, no
``eval``), styles are same-origin stylesheets, the favicon is ``data:``, and the sockets
connect back to this origin. Nothing here is meant to be framed: the widget reaches a shop's
page as a script, not as an iframe, so the demo page and the console are both ``DENY``.
"""

from __future__ import annotations

from sanic import Request
from sanic.response import BaseHTTPResponse

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


async def add_security_headers(_: Request, response: BaseHTTPResponse) -> None:
    """Sanic response middleware: set what the handler has not set itself."""
    if response is None:
        return
    for name, value in HEADERS.items():
        if name not in response.headers:
            response.headers[name] = value
