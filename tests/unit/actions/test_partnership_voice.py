"""Every variation of the lines that carry a scenario's fix speaks as a partner ("we/let's").

The brief's scenarios (tests/integration/test_brief_scenarios.py) check "we/let's" over a
whole conversation; variations are picked at random, so each one must carry it.
"""

from __future__ import annotations

import re

import pytest

from bot.actions import account, billing, changes, damage, pending, setup

WE = re.compile(r"\b(we|we'll|we've|we're|let's)\b", re.I)


@pytest.mark.parametrize("options", [
    damage.REPLACED, billing.REFUNDED, account.SENT, setup.SPECIFIC, changes.CANCEL_RECAP,
    changes.ADDRESS_RECAP, pending.CANCELLED, pending.READDRESSED, pending.KEPT["change_address"],
    pending.CONFIRM_SENT["cancel_order"], pending.CONFIRM_SENT["change_address"],
], ids=["replaced", "refunded", "reset_link", "setup", "cancel_recap", "address_recap", "cancelled",
        "readdressed", "address_kept", "cancel_by_mail", "address_by_mail"])
def test_every_variation_says_we_or_lets(options) -> None:
    assert options and all(WE.search(text) for text in options), [t for t in options if not WE.search(t)]
