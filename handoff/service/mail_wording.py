"""What the service's e-mails to customers say: the transcript and the "we replied" notice.

Plain text, in the house voice. Never a secret: no session id, token or reset link; the link
back is the chat page itself (``CHAT_URL``), where the customer's browser keeps their session.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Sequence, Tuple

SUBJECT_TRANSCRIPT = "Your conversation with our support team"
SUBJECT_REPLY = "{name} from our support team replied to you"


def _who(line: Dict[str, Any]) -> str:
    sender = line.get("sender")
    if sender == "customer":
        return "You"
    if sender == "agent":
        return f"{line.get('agent_name') or 'Our team'} (support team)"
    if sender == "system":
        return "Update"
    return "Assistant"


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, dt.datetime) else ""


def _shown(text: str, buttons: Dict[str, str]) -> str:
    """A clicked button is stored as its payload; the customer saw (and clicked) its title."""
    return buttons.get(text, text) if text.startswith("/") else text


def transcript_mail(lines: Sequence[Dict[str, Any]], chat_url: str) -> Tuple[str, str]:
    """Subject and body of the transcript a customer asked for."""
    buttons: Dict[str, str] = {}
    out: List[str] = []
    for line in lines:
        for button in line.get("buttons") or []:
            buttons[str(button.get("payload", ""))] = str(button.get("title", ""))
        text = _shown(str(line.get("text") or ""), buttons)
        if not text:
            continue
        out.append(f"[{_when(line.get('created_at'))}] {_who(line)}:\n{text}\n")
    body = ("Hello,\n\nHere is your conversation with us, as you asked. Thank you for taking the time "
            "to tell us what happened.\n\n" + "\n".join(out) +
            f"\nIf there's anything else we can do, you can pick the conversation up here: {chat_url}\n\n"
            "Warm regards,\nThe support team\n")
    return SUBJECT_TRANSCRIPT, body


def reply_notice_mail(agent_name: str, chat_url: str) -> Tuple[str, str]:
    """Subject and body of the one notice per absence: an agent replied after the customer left."""
    body = (f"Hello,\n\n{agent_name} from our support team has replied in your chat with us, after you'd "
            "stepped away. We didn't want you to miss it.\n\n"
            f"You can read it and carry on where you left off here: {chat_url}\n"
            "(Open it in the same browser you chatted in.)\n\n"
            "You asked us to let you know when someone replies; we'll send at most one e-mail each time "
            "you're away.\n\nWarm regards,\nThe support team\n")
    return SUBJECT_REPLY.format(name=agent_name), body
