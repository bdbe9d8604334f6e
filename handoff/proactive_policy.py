"""Proactive help designers edit (``policy/proactive.yml``), loaded into typed objects.

A signal from the shop page (``struggle``) whose count reaches its threshold becomes one
offer of help with buttons; the rules of when (once per signal per conversation, never with a
person on it, rate-limited) are ``handoff.service.proactive``'s. A malformed file raises
ValueError naming the key, so the service refuses to start rather than offer nonsense.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Pattern, Tuple

import yaml

# The signals of the customer protocol's ``struggle`` event (docs/protocol.md); fixed by the protocol.
SIGNALS: Tuple[str, ...] = ("login_failed", "payment_error", "rage_click", "help_dwell")
DISMISS_PREFIX = "/proactive_dismiss"
# A button payload: an intent (retrieval intents with their "/"), optionally with entities as JSON.
PAYLOAD = re.compile(r"^/[A-Za-z_][\w/]*(\{.*\})?$")
DISMISS = re.compile(r'^/proactive_dismiss\s*(\{.*\})\s*$')


@dataclass(frozen=True)
class Button:
    """A button of an offer: a payload for Rasa, or the dismiss button the service answers."""

    title: str
    payload: Optional[str] = None  # None: the dismiss button

    @property
    def dismiss(self) -> bool:
        return self.payload is None


@dataclass(frozen=True)
class SignalRule:
    """One signal: from what count it is offered, what is said and which buttons come with it."""

    threshold: int
    offers: Tuple[str, ...]
    buttons: Tuple[Button, ...]

    def button_payloads(self, signal: str) -> List[Dict[str, str]]:
        """The buttons as a stored message's ``payload.buttons`` (Rasa's shape: title, payload)."""
        return [{"title": b.title, "payload": b.payload if b.payload is not None else dismiss_payload(signal)}
                for b in self.buttons]

    def first_help(self) -> str:
        """The payload of the first helping button (what a typed "yes" stands for)."""
        return next(b.payload for b in self.buttons if b.payload is not None)

    def accepts(self, text: str) -> bool:
        """Whether ``text`` is what one of the non-dismiss buttons sends."""
        return any(b.payload == text for b in self.buttons if not b.dismiss)


ACCEPT, DISMISS_ANSWER = "accept", "dismiss"


@dataclass(frozen=True)
class ProactivePolicy:
    """Every configured signal; one left out of the file is never offered.

    ``typed_answers``: whole-message patterns by which a typed reply to the offer just made
    counts as its first helping button (``accept``) or as "No thanks" (``dismiss``).
    """

    signals: Mapping[str, SignalRule] = field(default_factory=dict)
    dismissed: Tuple[str, ...] = ("No problem — I'm right here if anything comes up.",)
    typed_answers: Mapping[str, Pattern[str]] = field(default_factory=dict)

    def typed_answer(self, text: str) -> Optional[str]:
        """``"accept"``, ``"dismiss"`` or None for a typed reply."""
        words = " ".join(text.replace("\u2019", "'").split()).rstrip(".!").strip()
        for answer in (DISMISS_ANSWER, ACCEPT):
            pattern = self.typed_answers.get(answer)
            if pattern is not None and pattern.fullmatch(words):
                return answer
        return None


def dismiss_payload(signal: str) -> str:
    """What the "No thanks" button of ``signal`` sends (``/proactive_dismiss{"signal": ...}``)."""
    return DISMISS_PREFIX + json.dumps({"signal": signal}, separators=(",", ":"))


def dismissed_signal(text: str) -> Optional[str]:
    """The signal a "No thanks" payload dismisses, or None (not one, or not a known signal)."""
    match = DISMISS.match(text or "")
    if not match:
        return None
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return None
    signal = data.get("signal") if isinstance(data, dict) else None
    return signal if signal in SIGNALS else None


def load_proactive_policy(path: Path) -> ProactivePolicy:
    """Read ``proactive.yml``; a missing file offers nothing, a malformed one raises ValueError."""
    if not path.exists():
        return ProactivePolicy()
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: expected a mapping at the top level")
    return policy_from_dict(raw, path.name)


def policy_from_dict(raw: Mapping[str, Any], name: str = "proactive.yml") -> ProactivePolicy:
    """Build and check the policy from the YAML's mapping."""
    signals_raw = raw.get("signals") or {}
    if not isinstance(signals_raw, dict):
        raise ValueError(f"{name}: `signals` must be a mapping of signal name to its rule")
    unknown = sorted(set(signals_raw) - set(SIGNALS))
    if unknown:
        raise ValueError(f"{name}: signals {unknown} are not protocol signals {list(SIGNALS)}")
    signals = {sig: _rule(rule, f"{name}: signals.{sig}") for sig, rule in signals_raw.items()}
    dismissed = _texts(raw.get("dismissed"), f"{name}: dismissed") if "dismissed" in raw else ProactivePolicy().dismissed
    return ProactivePolicy(signals=signals, dismissed=dismissed, typed_answers=_answers(raw.get("typed_answers"), name))


def _answers(raw: Any, name: str) -> Dict[str, Pattern[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - {ACCEPT, DISMISS_ANSWER}:
        raise ValueError(f"{name}: typed_answers: expected {{accept: <pattern>, dismiss: <pattern>}}")
    try:
        return {k: re.compile(str(v), re.IGNORECASE) for k, v in raw.items() if v}
    except re.error as exc:
        raise ValueError(f"{name}: typed_answers: a bad pattern: {exc}") from exc


def _rule(raw: Any, where: str) -> SignalRule:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a mapping with threshold, offers and buttons")
    threshold = raw.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"{where}.threshold: expected a whole number of at least 1, got {threshold!r}")
    buttons = tuple(_button(b, f"{where}.buttons[{i}]") for i, b in enumerate(_list(raw.get("buttons"),
                                                                                     f"{where}.buttons")))
    if sum(1 for b in buttons if b.dismiss) != 1:
        raise ValueError(f"{where}.buttons: exactly one button needs `dismiss: true` (the \"No thanks\")")
    if len(buttons) < 2:
        raise ValueError(f"{where}.buttons: an offer needs a button that helps besides the dismiss button")
    return SignalRule(threshold=threshold, offers=_texts(raw.get("offers"), f"{where}.offers"), buttons=buttons)


def _button(raw: Any, where: str) -> Button:
    if not isinstance(raw, dict) or not isinstance(raw.get("title"), str) or not raw["title"].strip():
        raise ValueError(f"{where}: expected {{title: ..., payload: /intent}} or {{title: ..., dismiss: true}}")
    if raw.get("dismiss") is True:
        if raw.get("payload") is not None:
            raise ValueError(f"{where}: a dismiss button has no payload (the service makes it)")
        return Button(raw["title"].strip())
    payload = raw.get("payload")
    if not isinstance(payload, str) or not PAYLOAD.match(payload) or payload.startswith(DISMISS_PREFIX):
        raise ValueError(f"{where}.payload: expected an intent payload such as /account_access, got {payload!r}")
    return Button(raw["title"].strip(), payload)


def _list(raw: Any, where: str) -> List[Any]:
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}: expected a non-empty list")
    return raw


def _texts(raw: Any, where: str) -> Tuple[str, ...]:
    items = _list(raw, where)
    if not all(isinstance(t, str) and t.strip() for t in items):
        raise ValueError(f"{where}: every entry must be a non-empty text")
    return tuple(" ".join(t.split()) for t in items)
