"""The action server app: built by a factory, opening the store only when it starts."""

import pytest


def test_app_opens_the_store_only_when_the_server_starts(db_settings):
    from bot.actions import runtime
    from bot.serve_actions import create_app

    runtime.dispose()
    app = create_app(db_settings)
    with pytest.raises(RuntimeError):
        runtime.current()
    paths = {route.path for route in app.router.routes}
    assert {"webhook", "health", "actions"} <= paths
