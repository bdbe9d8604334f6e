"""All settings, read from the environment in one place.

Every variable has a safe development default so that ``make run`` works on a fresh
machine; production deployments override the secrets. The README lists them all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent

# Long enough for HS256 (RFC 7518 asks for >= 32 bytes); for development only.
DEV_SECRET = "dev-only-secret-change-me-before-any-real-deployment"


def _csv(value: str) -> Tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Typed view of the environment.

    Attributes:
        database_url: SQLAlchemy URL of the store. ``sqlite:///...`` by default,
            ``postgresql://user@host/db`` for PostgreSQL (drivers are chosen per use).
        redis_url: when set, Socket.IO rooms are shared through Redis.
        rasa_url: base URL of the Rasa server.
        rasa_token: token protecting Rasa's HTTP API (``--auth-token``).
        action_server_url: base URL of the rasa_sdk action server (for /health).
        actions_port: loopback port ``python -m bot.serve_actions`` listens on.
        host: interface the handoff service binds to.
        port: port of the handoff service.
        secret_key: signs agent session tokens (JWT, HS256).
        identity_secret: signs customer identity tokens issued by the shop.
        allowed_origins: Socket.IO/HTTP origins allowed; ``*`` allows any.
        max_message_chars: longest customer or agent message accepted.
        rate_limit_messages: messages allowed per connection per ``rate_limit_window`` s.
        rate_limit_window: seconds of the rate-limit window.
        policy_dir: folder holding the designers' YAML policies and phrase bank.
        rasa_timeout: seconds to wait for Rasa before treating it as down.
        seed_fast: hash the demo agents' passwords with a cheap bcrypt cost (tests only).
        node_id: this handoff node's name in the shared store (presence rows, turn claims); default
            ``<host>:<port>``, stable across restarts, so a restarting node clears what it owned.
        presence_ttl_s: an agent socket not vouched for this long counts as gone (its node died).
        presence_heartbeat_s: how often a node vouches for its sockets and looks for stranded turns.
        turn_lease_s: how long a node's claim on running a conversation's turn holds without renewal.
        demo_identities: serve ``/api/demo/*`` (list demo customers, sign their identity tokens
            for the demo shop page). A stand-in for a shop's backend: turn it off in production.
    """

    database_url: str = f"sqlite:///{ROOT / 'var' / 'support.db'}"
    redis_url: Optional[str] = None
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = "dev-rasa-token"
    action_server_url: str = "http://127.0.0.1:5055"
    actions_port: int = 5055
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = DEV_SECRET
    identity_secret: str = DEV_SECRET
    allowed_origins: Tuple[str, ...] = field(default_factory=lambda: ("*",))
    max_message_chars: int = 2000
    rate_limit_messages: int = 20
    rate_limit_window: float = 10.0
    policy_dir: Path = ROOT / "policy"
    rasa_timeout: float = 15.0
    seed_fast: bool = False
    demo_identities: bool = True
    node_id: str = ""
    presence_ttl_s: float = 30.0
    presence_heartbeat_s: float = 10.0
    turn_lease_s: float = 45.0

    @property
    def sync_database_url(self) -> str:
        """URL for synchronous SQLAlchemy (actions, migrations, seed)."""
        return _with_driver(self.database_url, sync=True)

    @property
    def async_database_url(self) -> str:
        """URL for SQLAlchemy's asyncio engine (the handoff service)."""
        return _with_driver(self.database_url, sync=False)

    def policy_path(self, name: str) -> Path:
        """Path of a policy file such as ``resolutions.yml``."""
        return self.policy_dir / name


def _with_driver(url: str, sync: bool) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"DATABASE_URL is not a URL: {url!r}")
    base = scheme.split("+", 1)[0]
    if base in ("postgres", "postgresql"):
        return f"postgresql+{'psycopg2' if sync else 'asyncpg'}://{rest}"
    if base == "sqlite":
        return f"sqlite{'' if sync else '+aiosqlite'}://{rest}"
    return url


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    """Build :class:`Settings` from ``env`` (default: ``os.environ``)."""
    env = os.environ if env is None else env
    defaults = Settings()

    def get(name: str, default: object) -> str:
        value = env.get(name)
        return str(default) if value in (None, "") else value

    return Settings(
        database_url=get("DATABASE_URL", defaults.database_url),
        redis_url=env.get("REDIS_URL") or None,
        rasa_url=get("RASA_URL", defaults.rasa_url).rstrip("/"),
        rasa_token=get("RASA_TOKEN", defaults.rasa_token),
        action_server_url=get("ACTION_SERVER_URL", defaults.action_server_url).rstrip("/"),
        actions_port=int(get("ACTIONS_PORT", defaults.actions_port)),
        host=get("HANDOFF_HOST", defaults.host),
        port=int(get("HANDOFF_PORT", defaults.port)),
        secret_key=get("SECRET_KEY", defaults.secret_key),
        identity_secret=get("IDENTITY_SECRET", defaults.identity_secret),
        allowed_origins=_csv(get("ALLOWED_ORIGINS", "*")),
        max_message_chars=int(get("MAX_MESSAGE_CHARS", defaults.max_message_chars)),
        rate_limit_messages=int(get("RATE_LIMIT_MESSAGES", defaults.rate_limit_messages)),
        rate_limit_window=float(get("RATE_LIMIT_WINDOW", defaults.rate_limit_window)),
        policy_dir=Path(get("POLICY_DIR", defaults.policy_dir)),
        rasa_timeout=float(get("RASA_TIMEOUT", defaults.rasa_timeout)),
        seed_fast=env.get("SEED_FAST", "") == "1",
        demo_identities=env.get("DEMO_IDENTITIES", "1") != "0",
        node_id=env.get("NODE_ID") or f"{get('HANDOFF_HOST', defaults.host)}:{get('HANDOFF_PORT', defaults.port)}",
        presence_ttl_s=float(get("PRESENCE_TTL_S", defaults.presence_ttl_s)),
        presence_heartbeat_s=float(get("PRESENCE_HEARTBEAT_S", defaults.presence_heartbeat_s)),
        turn_lease_s=float(get("TURN_LEASE_S", defaults.turn_lease_s)),
    )
