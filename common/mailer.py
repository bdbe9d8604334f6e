"""Delivering the outbox (:mod:`store.outbox`): SMTP when ``SMTP_HOST`` is set, else files.

:func:`deliver_pending` claims each pending row in its own short transaction, sends it,
then marks it sent (or failed) in another, so a message is never sent twice by two
deliverers and a crash leaves it to be retried. The file sink writes one ``.eml`` per
message under ``settings.outbox_dir`` (``var/outbox/`` by default), named by row id.
Synchronous: callers run it in a worker thread.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Dict

from sqlalchemy.orm import sessionmaker

from common.settings import Settings
from store import outbox
from store.db import transaction

log = logging.getLogger(__name__)


def build(settings: Settings, message: Dict[str, Any]) -> EmailMessage:
    """The RFC 5322 message for an outbox row."""
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = message["to"]
    mail["Subject"] = message["subject"]
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=f"outbox-{message['id']}")
    mail.set_content(message["body"])
    return mail


def send(settings: Settings, message: Dict[str, Any]) -> None:
    """Hand one message to SMTP, or write it to the file sink."""
    mail = build(settings, message)
    if not settings.smtp_host:
        folder = Path(settings.outbox_dir)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{message['id']:08d}.eml.tmp"
        tmp.write_bytes(bytes(mail))
        tmp.replace(folder / f"{message['id']:08d}.eml")
        return
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(mail)


def deliver_pending(settings: Settings, sessions: sessionmaker, limit: int = 50) -> int:
    """Send what is pending; returns how many messages left (0 when another deliverer had them)."""
    with transaction(sessions) as session:
        ids = outbox.pending_ids(session, limit)
    sent = 0
    for message_id in ids:
        with transaction(sessions) as session:
            message = outbox.claim(session, message_id)
        if message is None:
            continue
        try:
            send(settings, message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("outbox.failed id=%s error=%s", message_id, exc)
            with transaction(sessions) as session:
                outbox.mark_failed(session, message_id, f"{type(exc).__name__}: {exc}")
            continue
        with transaction(sessions) as session:
            outbox.mark_sent(session, message_id)
        sent += 1
    return sent
