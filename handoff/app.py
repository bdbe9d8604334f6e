"""App factory: Sanic + python-socketio, resources opened at start and closed at stop."""

from __future__ import annotations

import asyncio
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Optional, Union

import socketio
from sanic import Sanic

from common.phrase_bank import load_phrase_bank
from common.settings import Settings
from handoff import errors
from handoff.policy import load_handoff_policy
from handoff.proactive_policy import load_proactive_policy
from handoff.rasa_client import RasaClient
from handoff.service import blobs, housekeeping, mail, upkeep
from handoff.service.context import Service
from handoff.service.ratelimit import make_limiter
from handoff.transport import attachments_http, confirm, http, insights_http, static
from handoff.transport.agent import AgentNamespace
from handoff.transport.customer import CustomerNamespace
from handoff.transport.headers import add_security_headers
from handoff.transport.notifier import SocketNotifier

log = logging.getLogger(__name__)


def origin_check(settings: Settings) -> Union[str, Callable[..., bool]]:
    """Engine.IO's CORS setting: ``*``, or the allowed list plus the service's own origin."""
    if "*" in settings.allowed_origins:
        return "*"
    allowed = set(settings.allowed_origins)

    def check(origin: Optional[str], environ: Optional[Dict[str, Any]] = None) -> bool:
        if origin is None or origin in allowed:
            return True
        if environ and environ.get("HTTP_HOST"):
            return origin == f"{environ.get('wsgi.url_scheme', 'http')}://{environ['HTTP_HOST']}"
        return False

    return check


def create_app(settings: Settings, *, detector: Any = None, rasa: Any = None) -> Sanic:
    """Build the handoff service.

    Args:
        settings: the environment's settings (``common.settings.load_settings()``).
        detector: a ready detector (default: ``handoff.detect.Detector.load()`` at start).
        rasa: a Rasa client (default: :class:`RasaClient` on ``settings.rasa_url``).
    """
    app = Sanic(f"handoff_{uuid.uuid4().hex[:8]}")
    app.config.REQUEST_MAX_SIZE = 64 * 1024
    app.config.WEBSOCKET_MAX_SIZE = 64 * 1024
    manager = socketio.AsyncRedisManager(settings.redis_url) if settings.redis_url else None
    sio = socketio.AsyncServer(async_mode="sanic", client_manager=manager, cors_allowed_origins=origin_check(settings),
                               max_http_buffer_size=64 * 1024, logger=False, engineio_logger=False)
    sio.attach(app, socketio_path="socket.io")
    state: Dict[str, Service] = {}

    def service() -> Service:
        try:
            return state["service"]
        except KeyError:
            raise errors.Unavailable("The service is starting up.") from None

    sio.register_namespace(CustomerNamespace(service))
    sio.register_namespace(AgentNamespace(service))
    app.blueprint(http.blueprint(service))
    app.blueprint(insights_http.blueprint(service))
    app.blueprint(confirm.blueprint(service))
    app.blueprint(attachments_http.blueprint(service))
    app.blueprint(static.blueprint())
    app.exception(errors.HandoffError)(http.error_response)
    app.register_middleware(add_security_headers, "response")

    @app.before_server_start
    async def start(app_: Sanic, loop: Any) -> None:
        from store.db import async_session_factory, make_async_engine

        if blobs.inside_any(settings.attachments_dir, static.served_folders()):
            raise SystemExit(f"ATTACHMENTS_DIR={settings.attachments_dir} is inside a folder the service serves; "
                             "keep uploads outside widget/, console/ and shared/.")

        engine = make_async_engine(settings)
        client = rasa or RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout)
        await client.start()
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detector")
        found = detector
        if found is None:
            from handoff.detect import Detector

            found = await loop.run_in_executor(pool, Detector.load)
        app_.ctx.engine, app_.ctx.pool = engine, pool
        state["service"] = Service(
            settings=settings,
            policy=load_handoff_policy(settings.policy_path("handoff.yml")),
            phrase_bank=load_phrase_bank(settings.policy_path("phrase_bank.yml")),
            db=async_session_factory(engine), rasa=client, detector=found, notifier=SocketNotifier(sio),
            limiter=make_limiter(settings), detector_pool=pool, mail_wakeup=asyncio.Event(),
            proactive=load_proactive_policy(settings.policy_path("proactive.yml")))
        svc = state["service"]
        await upkeep.start(svc)  # clear what this node owned before, answer stranded turns
        app_.ctx.upkeep = asyncio.ensure_future(upkeep.forever(svc))
        app_.ctx.mailer = asyncio.ensure_future(mail.deliver_periodically(settings, wakeup=svc.mail_wakeup))
        app_.ctx.housekeeping = asyncio.ensure_future(housekeeping.forever(svc))
        log.info("handoff.started host=%s port=%s node=%s redis=%s", settings.host, settings.port,
                 settings.node_id, bool(settings.redis_url))
        if settings.demo_identities:
            log.warning("handoff.demo_identities_on: /api/demo/* lists the demo customers and signs identity "
                        "tokens for them (loopback clients only). Set DEMO_IDENTITIES=0 outside development.")

    @app.after_server_stop
    async def stop(app_: Sanic, loop: Any) -> None:
        for name in ("upkeep", "mailer", "housekeeping"):
            task = getattr(app_.ctx, name, None)
            if task is not None:
                task.cancel()
        svc = state.pop("service", None)
        if svc is not None:
            await svc.drain()
            await svc.rasa.close()
            close = getattr(svc.limiter, "close", None)
            if close is not None:
                await close()
        if getattr(app_.ctx, "engine", None) is not None:
            await app_.ctx.engine.dispose()
        if getattr(app_.ctx, "pool", None) is not None:
            app_.ctx.pool.shutdown(wait=False)

    app.ctx.sio = sio
    return app
