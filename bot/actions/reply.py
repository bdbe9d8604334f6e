"""What an action says: varied lines, the validating opener and the handoff payload.

An action that needs a person never says "no": it tells the customer warmly what happens
next and utters ``{"handoff": {...}}`` (see docs/architecture.md); the handoff service acts
on the payload and never shows it to the customer.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import runtime, voice
from bot.actions.turn import Turn
from common.phrase_bank import situation_for
from common.severity import severity_rank


def handoff_payload(reason: str, severity: str = "elevated") -> Dict[str, Any]:
    """The custom payload that asks the handoff service for a person."""
    return {"handoff": {"reason": reason, "source": "bot",
                        "severity": severity if severity_rank(severity) > 0 else "elevated"}}


class Reply:
    """Collects an action's messages, remembering what it said (for :func:`voice.pick`)."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        self.dispatcher = dispatcher
        self.tracker = tracker
        self.texts: List[str] = []

    def say(self, text: str, buttons: Optional[List[Dict[str, str]]] = None) -> str:
        self.dispatcher.utter_message(text=text, buttons=buttons or [])
        self.texts.append(text)
        return text

    def say_new(self, text: str) -> Optional[str]:
        """Say ``text`` unless it was already said in this conversation (facts, lists)."""
        if any(text in old for old in voice.said(self.tracker) + self.texts):
            return None
        return self.say(text)

    def pick(self, options: List[str], buttons: Optional[List[Dict[str, str]]] = None, **fields: Any) -> str:
        """Say one of ``options`` not yet said in this conversation."""
        return self.say(voice.pick(self.tracker, options, also_said=self.texts, **fields), buttons)

    def validate_first(self, turn: Turn, situation: Optional[str] = None, always: bool = False) -> None:
        """Open with a validating line when the turn is negative and none was said yet.

        A severe turn opens with a ``severe`` line whatever the topic.
        """
        bank = runtime.current().phrase_bank()
        if not (always or voice.is_negative(bank, turn.intent, turn.severity)):
            return
        if voice.validated_this_turn(self.tracker, bank):
            return
        name = "severe" if turn.severity == "severe" else (situation or situation_for(bank, [turn.intent]))
        self.say(voice.validating_line(self.tracker, bank, name))

    def hand_off(self, options: List[str], reason: str, severity: str = "elevated", **fields: Any) -> None:
        """Tell the customer a person is coming, and ask the service for one."""
        self.pick(options, **fields)
        self.dispatcher.utter_message(json_message=handoff_payload(reason, severity))
