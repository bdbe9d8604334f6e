"""What the service itself says to customers (system messages), in the house voice.

Validate first, say plainly what happens next and roughly when, use "we", own it, no
forced cheer, never "policy prevents".
"""

from __future__ import annotations

from typing import Optional

CSAT_BUTTONS = [{"title": f"{n}", "payload": '/csat{"score":%d}' % n} for n in range(1, 6)]
NO_AGENT_BUTTONS = [
    {"title": "E-mail me when someone can help", "payload": "/follow_up"},
    {"title": "Keep chatting with the assistant", "payload": "/continue_with_bot"},
]


def _wait(seconds: Optional[int]) -> str:
    if seconds is None:
        return ""
    minutes = max(1, round(seconds / 60))
    return "about a minute" if minutes <= 1 else f"about {minutes} minutes"


def queued(position: int, wait_s: Optional[int], source: str, announced: bool = False) -> str:
    """A person is on the way (``announced``: the bot already said so; give only the facts)."""
    where = "You're next in line" if position <= 1 else f"You're number {position} in line"
    if announced:
        return (f"{where} for our support team, who will see this whole conversation; that usually takes "
                f"{_wait(wait_s) or 'a few minutes'}.")
    lead = {
        "customer": "Of course. I'm bringing in a person from our support team now.",
        "high_stakes": "This needs a person's attention, so I'm bringing in someone from our support team now.",
        "detector": "I can hear how frustrating this has been, and you deserve a person on it. "
                    "I'm bringing in someone from our support team now.",
        "bot": "I'm bringing in a person from our support team who can sort this out with you.",
        "fallback": "I'm sorry I keep missing what you need. I'm bringing in a person from our support team.",
        "rasa_down": "I'm having trouble on my side right now, so I've passed your message to our support "
                     "team. Nothing you wrote is lost.",
    }.get(source, "I'm bringing in a person from our support team now.")
    return (f"{lead} They'll see this whole conversation, so you won't need to repeat anything. "
            f"{where}; that usually takes {_wait(wait_s) or 'a few minutes'}.")


def no_agent(source: str, announced: bool = False) -> str:
    """Nobody is online: say so and offer choices (``announced``: the bot already said the
    matter goes to the team, so only the facts and the choices)."""
    if announced:
        return ("Right now no one from our support team is online. We can e-mail you as soon as someone "
                "picks this up (usually within one business day), or you can keep chatting with me in the "
                "meantime.")
    lead = ("I'm having trouble on my side right now, and nothing you wrote is lost. "
            if source == "rasa_down" else "I want a person from our team on this for you. ")
    return (f"{lead}I'm sorry: no one from our support team is online right now. "
            "We can e-mail you as soon as someone picks this up (usually within one business day), "
            "or you can keep chatting with me in the meantime, and I'll do everything I can.")


def still_queued(position: int, wait_s: Optional[int], agents_online: int) -> str:
    """A reply to every message while the customer waits."""
    if agents_online <= 0:
        return ("Got it, I've added that to your conversation for our team. No one is online just yet; "
                "you can leave your e-mail for a follow-up or keep chatting with me.")
    where = "you're next in line" if position <= 1 else f"you're number {position} in line"
    return (f"Got it, I've added that so the person who joins sees it. {where.capitalize()}"
            f"{'; ' + _wait(wait_s) + ' to go' if wait_s else ''}.")


def no_reply() -> str:
    """The bot had nothing to say: never leave a message unanswered."""
    return ("I want to make sure I get this right for you. Could you tell me a bit more, "
            "or say it another way? You can also ask for a person at any time.")


def agent_joined(agent_name: str) -> str:
    return f"{agent_name} from our support team has joined and can see everything you've written."


def transferred(from_name: str, to_name: str) -> str:
    return f"{from_name} has brought in {to_name}, who can see the whole conversation."


def requeued(from_name: str) -> str:
    return (f"{from_name} has passed your conversation to a colleague. You keep your place, "
            "and they'll see everything so far.")


def handed_back(agent_name: str) -> str:
    return (f"{agent_name} has handed you back to me, and I have the whole conversation. "
            "What else can we sort out for you?")


def resolved() -> str:
    return "Thanks for sticking with us through this. How did we do? (1 = poor, 5 = great)"


def csat_thanks(score: int) -> str:
    if score <= 2:
        return "Thank you for telling us. We clearly didn't get this right, and we'll look at what went wrong."
    return "Thank you for letting us know."


def follow_up_asked() -> str:
    return "What e-mail address should we use? Type it here and we'll follow up there."


def follow_up_recorded(email: str) -> str:
    return (f"Done: we'll e-mail {email} as soon as someone from our team picks this up. "
            "In the meantime I'm still here if you want to keep going.")


def continue_with_bot() -> str:
    return "Alright, I'm still here. Tell me what you need and we'll keep working on it together."


