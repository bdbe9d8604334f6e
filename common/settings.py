"""All settings, read from the environment in one place.

Every variable has a development default so that ``make run`` works on a fresh machine.
The defaults that would be unsafe in the open (the committed secrets, the demo identity
endpoints) are accepted only on loopback: :func:`require_safe_bind` refuses anything else.
The README lists every variable.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, List, Mapping, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent

# Long enough for HS256 (RFC 7518 asks for >= 32 bytes); for development only.
DEV_SECRET = "dev-only-secret-change-me-before-any-real-deployment"
DEV_RASA_TOKEN = "dev-rasa-token"
MIN_SECRET_CHARS = 32
# The variables whose development defaults are refused off loopback.
GUARDED = ("SECRET_KEY", "IDENTITY_SECRET", "RASA_TOKEN", "DEMO_IDENTITIES")


def _csv(value: str) -> Tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events per ``window`` seconds (per identity or client address)."""

    count: int
    window: float


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
        limit_messages: customer messages per identity (or client address).
        limit_sessions: ``session_request``s per identity (or client address).
        limit_typing: customer typing events per identity (or client address).
        limit_logins: agent sign-in attempts per client address, and per username.
        limit_struggle: ``struggle`` reports from the shop page per identity (or client address).
        limit_offers: proactive offers of help made per identity (or client address), across
            conversations (``policy/proactive.yml`` says when; this says how often at most).
        limit_max_keys: keys the in-process limiter keeps (least recently used go first);
            with ``redis_url`` the counters live in Redis and expire there.
        trusted_proxies: addresses/networks whose ``X-Forwarded-For`` is believed (none by
            default: the socket's peer is the client).
        policy_dir: folder holding the designers' YAML policies and phrase bank.
        rasa_timeout: seconds to wait for Rasa before treating it as down.
        seed_fast: hash the demo agents' passwords with a cheap bcrypt cost (tests only).
        node_id: this handoff node's name in the shared store (presence rows, turn claims); default
            ``<host>:<port>``, stable across restarts, so a restarting node clears what it owned.
        presence_ttl_s: an agent socket not vouched for this long counts as gone (its node died).
        presence_heartbeat_s: how often a node vouches for its sockets and looks for stranded turns.
        agent_offline_grace_s: an agent offline (socket closed, presence expired) this long gets their
            open conversations returned to the queue, first in line (signing out returns them at once).
        turn_lease_s: how long a node's claim on running a conversation's turn holds without renewal.
        followup_delay_s: when set, every check-in e-mail waits this long after its grant or handoff
            (tests, demos); unset, ``policy/followups.yml`` gives a delay per kind.
        housekeeping_s: how often every node sends due check-ins, honest queue updates and
            auto-resolves idle conversations (each claimed in the store, so nodes never double up).
        demo_identities: serve ``/api/demo/*`` (list demo customers, sign their identity tokens
            for the demo shop page). A stand-in for a shop's backend: turn it off in production.
        demo_history: the seed also writes a few hundred past demo conversations
            (``store/demo_history.py``) for the insights page.
        public_url: base of the links mailed to customers (reset and confirmation links).
        chat_url: the page with the chat, linked from the transcript and "we replied" e-mails
            (default ``<public_url>/#support-chat``, which opens the widget on the demo shop).
        limit_emails: e-mails a customer may ask for from the chat (transcripts), per identity or
            client address, and per conversation.
        outbox_dir: where the file sink writes one ``.eml`` per message when no SMTP host is set.
        smtp_host: send the outbox through this SMTP server instead (``smtp_*``: port, user,
            password, sender, STARTTLS).
        attachments_dir: where uploaded files are kept (outside every served folder, random names);
            with several nodes it must be one shared folder (every node serves every file).
        attachment_max_bytes: the largest file accepted.
        attachment_url_ttl_s: how long an attachment link handed to a participant opens the file.
        limit_uploads: attachment uploads per identity (customer, agent) or client address.
    """

    database_url: str = f"sqlite:///{ROOT / 'var' / 'support.db'}"
    redis_url: Optional[str] = None
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = DEV_RASA_TOKEN
    action_server_url: str = "http://127.0.0.1:5055"
    actions_port: int = 5055
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = DEV_SECRET
    identity_secret: str = DEV_SECRET
    allowed_origins: Tuple[str, ...] = field(default_factory=lambda: ("*",))
    max_message_chars: int = 2000
    limit_messages: Limit = Limit(20, 10.0)
    limit_sessions: Limit = Limit(20, 60.0)
    limit_typing: Limit = Limit(30, 10.0)
    limit_logins: Limit = Limit(5, 20.0)
    limit_emails: Limit = Limit(5, 3600.0)
    limit_struggle: Limit = Limit(20, 60.0)
    limit_offers: Limit = Limit(4, 3600.0)
    limit_max_keys: int = 10_000
    trusted_proxies: Tuple[str, ...] = ()
    policy_dir: Path = ROOT / "policy"
    rasa_timeout: float = 15.0
    seed_fast: bool = False
    demo_identities: bool = True
    demo_history: bool = True
    public_url: str = "http://127.0.0.1:8000"
    chat_url: str = "http://127.0.0.1:8000/#support-chat"
    outbox_dir: Path = ROOT / "var" / "outbox"
    smtp_host: Optional[str] = None
    smtp_port: int = 25
    smtp_user: Optional[str] = None
    smtp_password: Optional[str] = None
    smtp_from: str = "support@example.com"
    smtp_starttls: bool = False
    attachments_dir: Path = ROOT / "var" / "attachments"
    attachment_max_bytes: int = 5 * 1024 * 1024
    attachment_url_ttl_s: int = 12 * 3600
    limit_uploads: Limit = Limit(10, 60.0)
    node_id: str = ""
    presence_ttl_s: float = 30.0
    presence_heartbeat_s: float = 10.0
    agent_offline_grace_s: float = 120.0
    turn_lease_s: float = 45.0
    followup_delay_s: Optional[float] = None
    housekeeping_s: float = 15.0

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

    def limit(count: str, window: str, default: Limit) -> Limit:
        return Limit(int(get(count, default.count)), float(get(window, default.window)))

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
        limit_messages=limit("RATE_LIMIT_MESSAGES", "RATE_LIMIT_WINDOW", defaults.limit_messages),
        limit_sessions=limit("RATE_LIMIT_SESSIONS", "RATE_LIMIT_SESSIONS_WINDOW", defaults.limit_sessions),
        limit_typing=limit("RATE_LIMIT_TYPING", "RATE_LIMIT_TYPING_WINDOW", defaults.limit_typing),
        limit_logins=limit("RATE_LIMIT_LOGINS", "RATE_LIMIT_LOGINS_WINDOW", defaults.limit_logins),
        limit_emails=limit("RATE_LIMIT_EMAILS", "RATE_LIMIT_EMAILS_WINDOW", defaults.limit_emails),
        limit_struggle=limit("RATE_LIMIT_STRUGGLE", "RATE_LIMIT_STRUGGLE_WINDOW", defaults.limit_struggle),
        limit_offers=limit("RATE_LIMIT_OFFERS", "RATE_LIMIT_OFFERS_WINDOW", defaults.limit_offers),
        limit_max_keys=int(get("RATE_LIMIT_MAX_KEYS", defaults.limit_max_keys)),
        trusted_proxies=_networks(_csv(env.get("TRUSTED_PROXIES", ""))),
        policy_dir=Path(get("POLICY_DIR", defaults.policy_dir)),
        rasa_timeout=float(get("RASA_TIMEOUT", defaults.rasa_timeout)),
        seed_fast=env.get("SEED_FAST", "") == "1",
        demo_identities=env.get("DEMO_IDENTITIES", "1") != "0",
        demo_history=env.get("DEMO_HISTORY", "1") != "0",
        public_url=get("PUBLIC_URL", defaults.public_url).rstrip("/"),
        chat_url=get("CHAT_URL", get("PUBLIC_URL", defaults.public_url).rstrip("/") + "/#support-chat"),
        outbox_dir=Path(get("OUTBOX_DIR", defaults.outbox_dir)),
        smtp_host=env.get("SMTP_HOST") or None,
        smtp_port=int(get("SMTP_PORT", defaults.smtp_port)),
        smtp_user=env.get("SMTP_USER") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_from=get("SMTP_FROM", defaults.smtp_from),
        smtp_starttls=env.get("SMTP_STARTTLS", "") == "1",
        attachments_dir=Path(get("ATTACHMENTS_DIR", defaults.attachments_dir)),
        attachment_max_bytes=int(get("ATTACHMENT_MAX_BYTES", defaults.attachment_max_bytes)),
        attachment_url_ttl_s=int(get("ATTACHMENT_URL_TTL_S", defaults.attachment_url_ttl_s)),
        limit_uploads=limit("RATE_LIMIT_UPLOADS", "RATE_LIMIT_UPLOADS_WINDOW", defaults.limit_uploads),
        node_id=env.get("NODE_ID") or f"{get('HANDOFF_HOST', defaults.host)}:{get('HANDOFF_PORT', defaults.port)}",
        presence_ttl_s=float(get("PRESENCE_TTL_S", defaults.presence_ttl_s)),
        presence_heartbeat_s=float(get("PRESENCE_HEARTBEAT_S", defaults.presence_heartbeat_s)),
        turn_lease_s=float(get("TURN_LEASE_S", defaults.turn_lease_s)),
        followup_delay_s=float(env["FOLLOWUP_DELAY_S"]) if env.get("FOLLOWUP_DELAY_S") else None,
        housekeeping_s=float(get("HOUSEKEEPING_S", defaults.housekeeping_s)),
        agent_offline_grace_s=float(get("AGENT_OFFLINE_GRACE_S", defaults.agent_offline_grace_s)),
    )


def _networks(values: Tuple[str, ...]) -> Tuple[str, ...]:
    """``TRUSTED_PROXIES`` entries, each an address or a network (checked here, at start)."""
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ValueError(f"TRUSTED_PROXIES: {value!r} is not an IP address or network") from exc
    return values


def is_loopback(host: str) -> bool:
    """True when ``host`` (an address to bind to) is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def unsafe_defaults(settings: Settings, host: str, names: Collection[str] = GUARDED) -> List[str]:
    """What must be set before binding to ``host``; empty on loopback or when all is set.

    The secrets committed in the repo (and secrets too short for HS256) let anyone forge
    agent and customer tokens or drive Rasa; the demo endpoints sign identities for anyone.
    ``names``: the variables the process uses (default: all of them, as the handoff service).
    """
    if is_loopback(host):
        return []
    values = {"SECRET_KEY": settings.secret_key, "IDENTITY_SECRET": settings.identity_secret,
              "RASA_TOKEN": settings.rasa_token}
    problems = [f"{name} (a random secret of at least {MIN_SECRET_CHARS} characters)"
                for name, value in values.items()
                if name in names and (value in (DEV_SECRET, DEV_RASA_TOKEN) or len(value) < MIN_SECRET_CHARS)]
    if "DEMO_IDENTITIES" in names and settings.demo_identities:
        problems.append("DEMO_IDENTITIES=0 (the demo endpoints sign identity tokens for anyone)")
    return problems


def require_safe_bind(settings: Settings, host: str, process: str, names: Collection[str] = GUARDED) -> None:
    """Refuse to start ``process`` on ``host`` with development defaults (SystemExit naming what to set)."""
    problems = unsafe_defaults(settings, host, names)
    if problems:
        raise SystemExit(f"{process}: refusing to listen on {host} with development defaults. "
                         f"Set: {'; '.join(problems)}. Only loopback (127.0.0.1) accepts them.")
