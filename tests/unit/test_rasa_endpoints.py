"""Rasa's endpoints come from the settings, and Rasa reads what we write."""

from __future__ import annotations

from pathlib import Path

from common.rasa_endpoints import endpoints, write
from common.settings import load_settings


def test_postgres_and_redis_give_a_shared_tracker_store_and_lock_store(tmp_path: Path) -> None:
    from rasa.core.utils import AvailableEndpoints

    settings = load_settings({"DATABASE_URL": "postgresql://support:s%40cret@db.internal:6543/shop",
                              "REDIS_URL": "redis://:pw@cache.internal:6380/2",
                              "ACTION_SERVER_URL": "http://10.0.0.5:5055"})
    path = write(settings, tmp_path / "endpoints.yml")
    assert path.stat().st_mode & 0o077 == 0, "the file may hold a password: owner only"
    read = AvailableEndpoints.read_endpoints(str(path))
    assert read.action.url == "http://10.0.0.5:5055/webhook"
    tracker = read.tracker_store.kwargs
    assert read.tracker_store.type == "SQL" and tracker["dialect"] == "postgresql"
    assert (read.tracker_store.url, tracker["port"], tracker["db"], tracker["login_db"]) == \
        ("db.internal", 6543, "shop_rasa", "shop")
    assert (tracker["username"], tracker["password"]) == ("support", "s@cret")
    assert read.lock_store.type == "redis" and read.lock_store.url == "cache.internal"
    assert (read.lock_store.kwargs["port"], read.lock_store.kwargs["db"], read.lock_store.kwargs["password"]) == \
        (6380, 2, "pw")


def test_sqlite_keeps_the_tracker_next_to_the_store_and_no_lock_store(tmp_path: Path) -> None:
    out = endpoints(load_settings({"DATABASE_URL": f"sqlite:///{tmp_path}/data/support.db"}))
    assert out["tracker_store"] == {"type": "SQL", "dialect": "sqlite", "db": f"{tmp_path}/data/rasa_tracker.db"}
    assert "lock_store" not in out
