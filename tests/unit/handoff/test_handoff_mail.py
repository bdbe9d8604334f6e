"""The handoff service's side of the outbox: the periodic deliverer and confirmation links."""

from __future__ import annotations

import asyncio

import pytest

from handoff import errors
from handoff.service import mail
from store import outbox

pytestmark = pytest.mark.asyncio


async def test_the_periodic_deliverer_sends_what_is_pending(svc) -> None:
    await svc.run(outbox.enqueue, "maya@example.com", "hello", "left behind by an action server")
    task = asyncio.ensure_future(mail.deliver_periodically(svc.settings, interval=0.05))
    try:  # wait on the row's state (the file is written before the row is marked sent)
        rows: list = []
        for _ in range(600):
            rows = await svc.run(outbox.messages_to, "maya@example.com")
            if [r["status"] for r in rows] == ["sent"]:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
    assert [r["status"] for r in rows] == ["sent"]
    [eml] = list(svc.settings.outbox_dir.glob("*.eml"))
    assert "left behind by an action server" in eml.read_text()


async def test_an_unknown_confirmation_token_is_not_found(svc) -> None:
    with pytest.raises(errors.NotFound):
        await mail.confirm(svc, "no-such-token")
