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
from bot.actions.turn import Turn, agents_online, metadata
from common.phrase_bank import situation_for
from common.severity import severity_rank

# Said instead of "I'm bringing in a teammate now" when nobody from the team is online.
NOBODY_ONLINE = [
    "This needs a person from our team, so I've passed it to them with everything we've said here.",
    "I want a person from our team on this, so I've handed it over with our whole conversation.",
    "This deserves a person's judgement, so I've passed it to our team along with everything you've told me.",
]


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
        self.handed_off = False  # this action asked the service for a person

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

        A severe turn opens with a ``severe`` line whatever the topic. Validation fits the
        moment: no line when one of the bot's last few turns already validated the same
        situation (the customer is answering our questions, not raising it again), and never the same
        phrase twice in a conversation.
        """
        bank = runtime.current().phrase_bank()
        if not (always or voice.is_negative(bank, turn.intent, turn.severity)):
            return
        if voice.validated_this_turn(self.tracker, bank):
            return
        name = "severe" if turn.severity == "severe" else (situation or situation_for(bank, [turn.intent]))
        if voice.validated_recently(self.tracker, bank, name):
            return
        line = voice.validating_line(self.tracker, bank, name)
        if line:
            self.say(line)

    def hand_off(self, options: List[str], reason: str, severity: str = "elevated", **fields: Any) -> None:
        """Tell the customer a person is coming, and ask the service for one.

        When the service said no one from the team is online, the bot never promises one
        "now": it says the matter goes to the team, and the service adds the choices
        (an e-mail follow-up, or carrying on here).
        """
        if agents_online(metadata(self.tracker)) == 0:
            self.pick(NOBODY_ONLINE)
        else:
            self.pick(options, **fields)
        self.handed_off = True
        self.dispatcher.utter_message(json_message=handoff_payload(reason, severity))
