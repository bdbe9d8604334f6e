"""Who is on the other end: the client address, believing ``X-Forwarded-For`` only from trusted proxies."""

from __future__ import annotations

import ipaddress
from typing import Optional, Sequence

from common.settings import Settings


def _trusted(address: str, proxies: Sequence[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in proxies)


def client_address(settings: Settings, peer: Optional[str], forwarded_for: Optional[str]) -> str:
    """The client's address for limits.

    ``peer`` is the socket's remote address; ``forwarded_for`` the ``X-Forwarded-For`` header.
    The header is read only when the peer is a trusted proxy (``TRUSTED_PROXIES``), right to
    left: the first hop that is not a trusted proxy is the client (a client can prepend
    anything it likes, never append past the proxy).
    """
    address = (peer or "").strip() or "unknown"
    if not forwarded_for or not _trusted(address, settings.trusted_proxies):
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        address = hop
        if not _trusted(hop, settings.trusted_proxies):
            break
    return address


def is_local(address: str) -> bool:
    """True for a loopback client (the demo endpoints answer only those)."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
