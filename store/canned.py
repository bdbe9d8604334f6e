"""SQL for the team's canned replies (``store.models.canned``).

Synchronous, ``Session`` first, never commits. Input is checked by the service
(``handoff.service.canned``); a duplicate shortcut is :class:`store.errors.InvalidInput`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.errors import InvalidInput, NotFound
from store.models.base import utcnow
from store.models.canned import CannedReply


def canned_dict(row: CannedReply) -> Dict[str, Any]:
    """A canned reply as JSON."""
    return {"id": row.id, "shortcut": row.shortcut, "title": row.title, "text": row.text,
            "updated_at": row.updated_at.isoformat() + "Z" if row.updated_at else None}


def list_canned(session: Session) -> List[Dict[str, Any]]:
    """Every canned reply, by shortcut."""
    return [canned_dict(r) for r in session.execute(select(CannedReply).order_by(CannedReply.shortcut)).scalars()]


def _taken(session: Session, shortcut: str, other_than: Optional[int]) -> bool:
    stmt = select(CannedReply.id).where(CannedReply.shortcut == shortcut)
    if other_than is not None:
        stmt = stmt.where(CannedReply.id != other_than)
    return session.execute(stmt).first() is not None


def save_canned(session: Session, *, shortcut: str, title: str, text: str, agent_id: Optional[int],
                canned_id: Optional[int] = None) -> Dict[str, Any]:
    """Add a canned reply, or change ``canned_id``; a shortcut another reply has is refused."""
    if _taken(session, shortcut, canned_id):
        raise InvalidInput(f"The shortcut /{shortcut} is already taken; pick another one.")
    if canned_id is None:
        row = CannedReply(shortcut=shortcut, title=title, text=text, updated_by=agent_id)
        session.add(row)
    else:
        found = session.get(CannedReply, canned_id)
        if found is None:
            raise NotFound("That canned reply no longer exists.")
        row = found
        row.shortcut, row.title, row.text, row.updated_by, row.updated_at = shortcut, title, text, agent_id, utcnow()
    session.flush()
    return canned_dict(row)


def delete_canned(session: Session, canned_id: int) -> None:
    """Remove a canned reply (NotFound when it is already gone)."""
    row = session.get(CannedReply, canned_id)
    if row is None:
        raise NotFound("That canned reply no longer exists.")
    session.delete(row)
    session.flush()


def load_defaults(path: Union[str, Path]) -> List[Dict[str, str]]:
    """The default canned replies from ``policy/canned_replies.yml`` (empty when absent)."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    items: Iterable[Mapping[str, Any]] = raw.get("replies") or [] if isinstance(raw, dict) else []
    return [{"shortcut": str(i["shortcut"]).strip().lower(), "title": str(i["title"]).strip(),
             "text": str(i["text"]).strip()} for i in items if i.get("shortcut") and i.get("text") and i.get("title")]
