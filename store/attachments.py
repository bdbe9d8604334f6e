"""SQL for attachments: the row of a checked, stored file, and its look-up by public id."""

from __future__ import annotations

from typing import List, Optional, Set

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models.base import utcnow
from store.models.support import Attachment, Sender


def add_attachment(session: Session, *, public_id: str, conversation_id: int, uploader: Sender, mime: str,
                   size: int, sha256: str, name: str, storage_key: str, agent_id: Optional[int] = None,
                   customer_id: Optional[int] = None) -> Attachment:
    """Record a stored file (the message showing it is linked with :func:`link_message`)."""
    row = Attachment(public_id=public_id, conversation_id=conversation_id, uploader=uploader, mime=mime, size=size,
                     sha256=sha256, name=name, storage_key=storage_key, agent_id=agent_id, customer_id=customer_id,
                     created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def link_message(session: Session, attachment: Attachment, message_id: int) -> None:
    """The transcript message that shows ``attachment``."""
    attachment.message_id = message_id
    session.flush()


def get_by_public_id(session: Session, public_id: str) -> Optional[Attachment]:
    """The attachment named ``public_id`` in URLs, or None."""
    return session.execute(select(Attachment).where(Attachment.public_id == public_id)).scalar_one_or_none()


def known_storage_keys(session: Session, keys: List[str]) -> Set[str]:
    """Which of ``keys`` (file names in ``ATTACHMENTS_DIR``) a row names."""
    if not keys:
        return set()
    rows = session.execute(select(Attachment.storage_key).where(Attachment.storage_key.in_(keys))).scalars()
    return set(rows)
