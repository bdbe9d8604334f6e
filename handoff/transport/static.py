"""The widget demo page, the agent console and the modules both import, served from their folders (no traversal)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import List, Optional

from sanic import Blueprint, Request, response
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse

ROOT = Path(__file__).resolve().parents[2]


def served_folders(root: Path = ROOT) -> List[Path]:
    """The folders whose files anyone may fetch (uploads must never be kept in one)."""
    return [root / "widget", root / "console", root / "shared"]


def safe_file(folder: Path, relative: str) -> Optional[Path]:
    """``folder/relative`` when it is a file inside ``folder``, else None."""
    base = folder.resolve()
    try:
        target = (base / relative).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if base != target and base not in target.parents:
        return None
    return target if target.is_file() else None


async def _serve(folder: Path, relative: str) -> HTTPResponse:
    found = safe_file(folder, relative or "index.html")
    if found is None:
        raise NotFound("Not found")
    mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    return await response.file(found, mime_type=mime, headers={"X-Content-Type-Options": "nosniff"})


def blueprint(root: Path = ROOT) -> Blueprint:
    """``/`` and ``/widget/*`` from ``widget/``; ``/console`` and ``/console/*`` from ``console/``;
    ``/shared/*`` from ``shared/`` (DOM and ack helpers both use)."""
    bp = Blueprint("static_ui")
    widget, console, shared = served_folders(root)

    @bp.get("/")
    async def index(_: Request) -> HTTPResponse:
        return await _serve(widget, "index.html")

    @bp.get("/widget/<path:path>")
    async def widget_file(_: Request, path: str) -> HTTPResponse:
        return await _serve(widget, path)

    @bp.get("/console")
    async def console_index(_: Request) -> HTTPResponse:
        return await _serve(console, "index.html")

    @bp.get("/console/insights")
    async def insights_page(_: Request) -> HTTPResponse:
        return await _serve(console, "insights.html")

    @bp.get("/console/<path:path>")
    async def console_file(_: Request, path: str) -> HTTPResponse:
        return await _serve(console, path)

    @bp.get("/shared/<path:path>")
    async def shared_file(_: Request, path: str) -> HTTPResponse:
        return await _serve(shared, path)

    return bp
