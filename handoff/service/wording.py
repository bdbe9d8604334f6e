"""What the service itself says to customers (system messages), in the house voice.

Validate first, say plainly what happens next and roughly when, use "we", own it, no
forced cheer, never "policy prevents".
"""

from __future__ import annotations

import random
from typing import Optional, Sequence

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


def nobody_online(back_at: Optional[str]) -> str:
    """Why no one is there, by the business hours: closed ("we're back at 9:00 tomorrow") or
    open with everyone busy or away ("no one is free right now"). ``back_at`` is
    ``handoff.hours.back_at`` (None while open). The one home of this sentence."""
    if back_at:
        return f"no one from our support team is online right now: we're closed, and we're back {back_at}"
    return "no one from our support team is online and free right now"


def no_agent(source: str, announced: bool = False, back_at: Optional[str] = None) -> str:
    """Nobody is online: say so and offer choices (``announced``: the bot already said the
    matter goes to the team, so only the facts and the choices)."""
    when = "when we open" if back_at else "as soon as someone picks this up"
    if announced:
        return (f"I'm sorry: {nobody_online(back_at)}. We can e-mail you {when} (usually within one business "
                "day), or you can keep chatting with me in the meantime.")
    lead = ("I'm having trouble on my side right now, and nothing you wrote is lost. "
            if source == "rasa_down" else "I want a person from our team on this for you. ")
    return (f"{lead}I'm sorry: {nobody_online(back_at)}. "
            f"We can e-mail you {when} (usually within one business day), "
            "or you can keep chatting with me in the meantime, and I'll do everything I can.")


def still_queued(position: int, wait_s: Optional[int], agents_online: int, back_at: Optional[str] = None) -> str:
    """A reply to every message while the customer waits."""
    if agents_online <= 0:
        return (f"Got it, I've added that to your conversation for our team, though {nobody_online(back_at)}; "
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




# Honest updates while a customer waits (handoff.service.waiting): the n-th update uses the
# n-th opener (mod the list), so two updates in a row never start the same way.
_UPDATE_OPENERS = (
    "Thanks for bearing with us.",
    "I'm still here with you, and your conversation is still with our team.",
    "A quick update while you wait.",
    "Thank you for your patience; I know waiting isn't fun.",
)
_LONG_WAIT = (
    "I know this is taking longer than anyone would like.",
    "This is taking longer than it should, and I'm sorry about that.",
    "I'm sorry this wait is dragging on.",
)
_OPTIONS = (
    "If you'd rather not keep waiting, we can e-mail you when someone picks this up, or you can keep chatting "
    "with me in the meantime.",
    "You don't have to wait here: we can follow up by e-mail instead, or I can keep helping in the meantime.",
    "If it suits you better, leave it with us and we'll e-mail you, or carry on with me while you wait.",
)


def _pick(options: Sequence[str], n: int) -> str:
    return options[n % len(options)]


def queue_update(n: int, position: int, wait_s: Optional[int], agents_online: int, *,
                 moved_from: Optional[int] = None, long_wait: bool = False, offer_options: bool = False,
                 back_at: Optional[str] = None) -> str:
    """The ``n``-th honest update (0-based) to a waiting customer: place in line, a realistic wait,
    an apology when it runs long, and the choices when waiting no longer makes sense."""
    parts = [_pick(_UPDATE_OPENERS, n)]
    if long_wait:
        parts.append(_pick(_LONG_WAIT, n))
    if agents_online <= 0:
        promise = "" if back_at else ", so I can't promise a time"
        parts.append(f"Honestly, {nobody_online(back_at)}{promise}; your conversation stays in our team's queue "
                     "with everything you've written.")
    else:
        if moved_from is not None and moved_from > position:
            where = "you're next in line" if position <= 1 else f"you've moved up to number {position} in line"
            parts.append(f"Good news: {where}.")
        else:
            parts.append("You're next in line." if position <= 1 else f"You're number {position} in line.")
        parts.append(f"Realistically it's {_wait(wait_s) or 'a few minutes'} more, and the person who joins "
                     "will see this whole conversation.")
    if offer_options:
        parts.append(_pick(_OPTIONS, n))
    return " ".join(parts)


def auto_resolved_customer() -> str:
    """To the customer when an assigned conversation went quiet and was closed."""
    return ("We haven't heard from you in a while, so we've closed this conversation for now. Nothing is lost: "
            "write here any time and we'll pick it up from where we left off.")


def auto_resolved_note(idle_s: float) -> str:
    """The private note agents see on an auto-resolved conversation."""
    minutes = max(1, round(idle_s / 60))
    return f"Resolved automatically: no reply from the customer for {minutes} minute{'s' if minutes != 1 else ''}."


def first_name(full_name: Optional[str]) -> Optional[str]:
    """How we greet a customer ("Maya" of "Maya Patel"); None when we don't know them."""
    return full_name.split()[0] if full_name and full_name.strip() else None


def checkin_subject(kind: str, order_number: Optional[str]) -> Optional[str]:
    """What a check-in was about, as the welcome-back note names it ("the replacement for order #1051")."""
    order = f" for order #{order_number}" if order_number else ""
    return {"replacement": f"the replacement{order}", "refund": f"your refund{order}",
            "credit": f"order #{order_number}" if order_number else None}.get(kind)


def welcome_back(name: Optional[str], kind: str, order_number: Optional[str] = None) -> str:
    """The conversation reopened from a check-in e-mail's link: the bot has the whole context."""
    subject = checkin_subject(kind, order_number)
    hello = f"Welcome back, {name}." if name else "Welcome back."
    about = f" Here's our conversation about {subject}, just as we left it." if subject else (
        " Here's our conversation, just as we left it.")
    return f"{hello}{about} How did it go? Tell me here and we'll sort out anything that's still not right."


def _one(options: Sequence[str]) -> str:
    """One of several wordings, so a returning customer doesn't read the same line twice."""
    return random.choice(list(options))


def agent_left(agent_name: str, signed_out: bool, agents_online: int) -> str:
    """The customer's agent signed out or lost their connection: say so, and what happens now."""
    what = (f"{agent_name} has had to sign off" if signed_out
            else f"We've lost touch with {agent_name} for the moment")
    if agents_online <= 0:
        return _one((
            f"I'm sorry: {what}, and no one else from our support team is online right now. "
            "We can e-mail you as soon as someone picks this up, or you can keep chatting with me meanwhile.",
            f"{what}, and I'm sorry to say no one else from our team is online just now. "
            "Nothing you wrote is lost: we can e-mail you when someone is back, or I can keep helping here.",
            f"I'm sorry about this: {what}, and the rest of our team is offline right now. "
            "You can leave your e-mail for a follow-up, or keep going with me in the meantime.",
        ))
    return _one((
        f"I'm sorry: {what}, so I've put you first in line for the next person on our team. "
        "They'll see everything you've written, so you won't need to repeat anything.",
        f"{what}, and I don't want you waiting on a reply that won't come. You're first in line for "
        "someone else from our team, and they'll see this whole conversation.",
        f"I'm sorry for the interruption: {what}. Your conversation is at the front of our team's line, "
        "and whoever picks it up will see everything so far.",
    ))


def back_with(agent_name: str) -> str:
    """A re-escalation went straight back to the agent who helped before."""
    return _one((
        f"{agent_name}, who helped you earlier, is back with you and can see everything so far.",
        f"Good news: {agent_name} is picking this up again and has the whole conversation in front of them.",
        f"{agent_name} from our support team is back on this and can see everything you've written since.",
    ))


def previous_unavailable(agent_name: str, others_online: bool = True) -> str:
    """The agent the customer wanted back isn't available: said before the queue's facts
    (``others_online`` False: before the no-one-online notice)."""
    if not others_online:
        return _one((
            f"I'm sorry, {agent_name} isn't available at the moment.",
            f"{agent_name} can't pick this up just now, I'm sorry.",
            f"I'm sorry: {agent_name} isn't free at the moment.",
        ))
    return _one((
        f"{agent_name} isn't available right now, so I've asked the next person on our team instead.",
        f"I'm sorry, {agent_name} can't take this right now, so someone else from our team will pick it up.",
        f"{agent_name} isn't free at the moment, so the next person on our team will pick this up.",
    ))
