"""Inbound payload checks: the right shape or a clear ``invalid_payload``."""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Tuple

from handoff.errors import InvalidPayload, TooLong
from handoff.proactive_policy import SIGNALS

MAX_ID_CHARS = 64
MAX_STRUGGLE_COUNT = 10_000
MAX_CONTEXT_CHARS = 1024  # a struggle's ``context`` as compact JSON


def obj(data: Any, *, allow_none: bool = False) -> Dict[str, Any]:
    """The payload as a dict (``None`` becomes ``{}`` when allowed)."""
    if data is None and allow_none:
        return {}
    if not isinstance(data, dict):
        raise InvalidPayload("The payload must be a JSON object.")
    return data


def opt_str(data: Dict[str, Any], key: str, max_len: int = MAX_ID_CHARS) -> Optional[str]:
    """An optional short string field."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise InvalidPayload(f"`{key}` must be a string of at most {max_len} characters.")
    return value


def opt_int(data: Dict[str, Any], key: str) -> Optional[int]:
    """An optional non-negative integer field."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidPayload(f"`{key}` must be a non-negative integer.")
    return value


def custom_data(data: Dict[str, Any]) -> Dict[str, Any]:
    """``customData`` (Rasa widgets may send it as an object or leave it out)."""
    value = data.get("customData")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidPayload("`customData` must be an object.")
    return value


def token(data: Dict[str, Any]) -> Optional[str]:
    """The identity token from ``customData`` (long strings allowed)."""
    return opt_str(custom_data(data), "identity_token", max_len=4096)


def resume_token(data: Dict[str, Any]) -> Optional[str]:
    """The signed link token from a check-in e-mail (``customData.resume_token``), if any."""
    return opt_str(custom_data(data), "resume_token", max_len=2000)


def req_id(data: Dict[str, Any], key: str = "conversation_id") -> int:
    """A required integer id (``conversation_id`` by default); the one check of ids from clients."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPayload(f"`{key}` must be an integer.")
    return value


def opt_id(data: Dict[str, Any], key: str) -> Optional[int]:
    """An optional integer id (absent or null is None)."""
    if data.get(key) is None:
        return None
    return req_id(data, key)


def struggle(data: Dict[str, Any]) -> Tuple[str, int, Dict[str, Any]]:
    """``(signal, count, context)`` of a ``struggle`` report, or a clear error.

    ``signal`` one of :data:`SIGNALS`; ``count`` a whole number 1-10000; ``context`` an
    optional object of at most :data:`MAX_CONTEXT_CHARS` characters as JSON (``too_long``).
    """
    signal = data.get("signal")
    if signal not in SIGNALS:
        raise InvalidPayload(f"`signal` must be one of {', '.join(SIGNALS)}.")
    count = data.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_STRUGGLE_COUNT:
        raise InvalidPayload(f"`count` must be a whole number from 1 to {MAX_STRUGGLE_COUNT}.")
    context = data.get("context")
    if context is None:
        return signal, count, {}
    if not isinstance(context, dict):
        raise InvalidPayload("`context` must be an object.")
    try:
        size = len(json.dumps(context, separators=(",", ":"), allow_nan=False))
    except ValueError as exc:
        raise InvalidPayload("`context` must be plain JSON.") from exc
    if size > MAX_CONTEXT_CHARS:
        raise TooLong(f"`context` can be up to {MAX_CONTEXT_CHARS} characters of JSON.")
    return signal, count, context


def peer(environ: Optional[Mapping[str, Any]]) -> Tuple[Optional[str], Optional[str]]:
    """``(remote address, X-Forwarded-For)`` of a Socket.IO connection.

    python-engineio's Sanic driver always puts ``127.0.0.1`` in ``REMOTE_ADDR``; the real peer
    is on the Sanic request it keeps under ``sanic.request``.
    """
    environ = environ or {}
    request = environ.get("sanic.request")
    return (getattr(request, "ip", None) or None), environ.get("HTTP_X_FORWARDED_FOR")
