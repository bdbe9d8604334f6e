"""Run the action server on loopback: ``python -m bot.serve_actions``.

rasa_sdk's own runner binds 0.0.0.0, so we build its app with
``rasa_sdk.endpoint.create_app`` and run it ourselves on ``127.0.0.1:$ACTIONS_PORT``
(``settings.actions_port``, default 5055). The store engine is created when the server
starts and disposed when it stops, never at import.
"""

from __future__ import annotations

import logging
import time
from typing import Optional

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from common.settings import Settings, load_settings, require_safe_bind

HOST = "127.0.0.1"
logger = logging.getLogger("bot.actions.server")


def create_app(settings: Optional[Settings] = None) -> Sanic:
    """The rasa_sdk Sanic app serving ``bot.actions``, with the store opened at start-up."""
    from rasa_sdk.endpoint import create_app as create_sdk_app

    from bot.actions import runtime

    settings = settings or load_settings()
    app = create_sdk_app("bot.actions", cors_origins="")

    @app.listener("before_server_start")
    async def open_store(_app: Sanic, _loop: object) -> None:
        runtime.configure(settings)
        logger.info("actions.store_opened")

    @app.listener("after_server_stop")
    async def close_store(_app: Sanic, _loop: object) -> None:
        runtime.dispose()

    @app.middleware("request")
    async def start_clock(request: Request) -> None:
        request.ctx.started = time.perf_counter()

    @app.middleware("response")
    async def log_timing(request: Request, _response: HTTPResponse) -> None:
        # Where a turn's time goes inside Rasa: one line per action run (bench/README.md).
        started = getattr(request.ctx, "started", None)
        if started is not None and request.path == "/webhook":
            action = (request.json or {}).get("next_action") if isinstance(request.json, dict) else None
            logger.info("actions.timing action=%s ms=%.1f", action, (time.perf_counter() - started) * 1000)

    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    port = settings.actions_port
    require_safe_bind(settings, HOST, "action server", ["IDENTITY_SECRET"])  # loopback today; follows HOST
    app = create_app(settings)
    logger.info("actions.listening http://%s:%d/webhook", HOST, port)
    app.run(host=HOST, port=port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
