"""``python -m handoff``: run the handoff service on ``HANDOFF_HOST:HANDOFF_PORT``."""

from __future__ import annotations

import logging

from common.settings import load_settings, require_safe_bind
from handoff.app import create_app


def main() -> None:
    """Start one service process (several may share rooms through ``REDIS_URL``)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    require_safe_bind(settings, settings.host, "handoff service")
    app = create_app(settings)
    app.run(host=settings.host, port=settings.port, access_log=False, motd=False, workers=1)


if __name__ == "__main__":
    main()
