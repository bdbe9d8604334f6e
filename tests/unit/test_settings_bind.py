"""The start-up check: development defaults are accepted on loopback only."""

from __future__ import annotations

import dataclasses

import pytest

from common.settings import (
    DEV_RASA_TOKEN,
    DEV_SECRET,
    Limit,
    Settings,
    is_loopback,
    load_settings,
    require_safe_bind,
    unsafe_defaults,
)

STRONG = "s" * 40


def _production(**changes: object) -> Settings:
    base = Settings(secret_key=STRONG, identity_secret=STRONG + "i", rasa_token=STRONG + "r", demo_identities=False)
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_accepts_the_development_defaults(host: str) -> None:
    assert is_loopback(host)
    assert unsafe_defaults(Settings(), host) == []
    require_safe_bind(Settings(), host, "handoff service")


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "shop.example.com"])
def test_any_other_address_names_every_default_to_set(host: str) -> None:
    assert not is_loopback(host)
    problems = unsafe_defaults(Settings(), host)
    assert [p.split(" ")[0] for p in problems] == ["SECRET_KEY", "IDENTITY_SECRET", "RASA_TOKEN", "DEMO_IDENTITIES=0"]
    with pytest.raises(SystemExit) as exc:
        require_safe_bind(Settings(), host, "handoff service")
    message = str(exc.value)
    assert f"refusing to listen on {host}" in message
    assert "SECRET_KEY" in message and "IDENTITY_SECRET" in message and "RASA_TOKEN" in message
    assert "DEMO_IDENTITIES=0" in message


def test_set_secrets_and_demo_off_start_anywhere() -> None:
    assert unsafe_defaults(_production(), "0.0.0.0") == []
    require_safe_bind(_production(), "0.0.0.0", "handoff service")


@pytest.mark.parametrize("changes,named", [
    ({"secret_key": DEV_SECRET}, "SECRET_KEY"),
    ({"identity_secret": DEV_SECRET}, "IDENTITY_SECRET"),
    ({"rasa_token": DEV_RASA_TOKEN}, "RASA_TOKEN"),
    ({"secret_key": "short"}, "SECRET_KEY"),  # too short for HS256
    ({"demo_identities": True}, "DEMO_IDENTITIES=0"),
])
def test_each_leftover_is_named(changes: dict, named: str) -> None:
    problems = unsafe_defaults(_production(**changes), "10.0.0.5")
    assert len(problems) == 1 and problems[0].startswith(named)


def test_a_process_checks_only_what_it_uses() -> None:
    """Rasa's bridge cares about RASA_TOKEN; the action server about IDENTITY_SECRET."""
    assert unsafe_defaults(_production(rasa_token=DEV_RASA_TOKEN), "0.0.0.0", ["IDENTITY_SECRET"]) == []
    assert unsafe_defaults(Settings(), "0.0.0.0", ["RASA_TOKEN"])[0].startswith("RASA_TOKEN")


def test_the_bridge_channel_refuses_its_development_token_off_loopback() -> None:
    from bot.channels.bridge import BridgeInput

    BridgeInput(DEV_RASA_TOKEN).check_bind("127.0.0.1")
    with pytest.raises(SystemExit, match="RASA_TOKEN"):
        BridgeInput(DEV_RASA_TOKEN).check_bind("0.0.0.0")
    BridgeInput(STRONG).check_bind("0.0.0.0")


def test_limits_and_trusted_proxies_come_from_the_environment() -> None:
    s = load_settings({"RATE_LIMIT_LOGINS": "3", "RATE_LIMIT_LOGINS_WINDOW": "60", "RATE_LIMIT_SESSIONS": "7",
                       "TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    assert s.limit_logins == Limit(3, 60.0) and s.limit_sessions.count == 7
    assert s.limit_messages == Limit(20, 10.0) and s.limit_typing == Limit(30, 10.0)
    assert s.trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    assert load_settings({}).trusted_proxies == ()
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        load_settings({"TRUSTED_PROXIES": "nginx"})


def test_rasa_runs_without_its_unauthenticated_rest_channel() -> None:
    import yaml

    from common.settings import ROOT

    deployed = yaml.safe_load((ROOT / "credentials.yml").read_text())
    assert set(deployed) == {"bot.channels.bridge.BridgeInput"}
    bench = yaml.safe_load((ROOT / "bench" / "credentials.yml").read_text())
    assert "rest" in bench, "the benchmark's straight-to-Rasa baseline brings its own"
