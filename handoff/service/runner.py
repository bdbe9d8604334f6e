"""Run each conversation's customer turns one at a time, in order, on whichever node claims them.

``drive`` is spawned for every acknowledged customer message. It takes the conversation's
turn claim in the store (``store.turn_claims``: held across nodes, expiring when its holder
dies), answers every unanswered customer message in ``seq`` order, and gives the claim up.
A message that arrives while another task holds the claim is picked up by that task; one left
behind by a node that died is found by ``recover`` (at start-up and on every heartbeat, see
``upkeep``) and answered here or on another node. No per-conversation state stays in memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Optional, Tuple

from sqlalchemy.orm import Session

from common.identity import sign_identity
from handoff import errors
from handoff.service import lookups, turns
from handoff.service.context import CustomerConn, Service
from store import conversations as conv_store
from store import turn_claims
from store.models.base import utcnow
from store.models.support import Message

log = logging.getLogger(__name__)
# A message this young is still its own node's: recovery leaves it alone.
RECOVER_AFTER_S = 5.0
# A stranded turn older than this is history, not a question waiting for an answer.
RECOVER_WITHIN = dt.timedelta(hours=1)
# Identity tokens re-issued for a turn recovered away from the customer's socket.
RECOVERED_TOKEN_TTL_S = 600


async def drive(svc: Service, conversation_id: int, hint: Optional[CustomerConn] = None) -> None:
    """Answer the conversation's unanswered customer messages while holding its turn claim.

    ``hint``: the socket that sent the message, when it is on this node (its identity token
    goes to Rasa as is).
    """
    owner = f"{svc.settings.node_id}/{uuid.uuid4().hex[:12]}"
    lease = svc.settings.turn_lease_s
    try:
        while True:
            msg = await svc.run(turn_claims.take_next, conversation_id, owner, lease)
            if msg is None:  # someone else holds the claim (and answers this message), or all done
                return
            await _answer(svc, await _conn(svc, conversation_id, hint), msg)
    except BaseException:
        await svc.run(turn_claims.release, conversation_id, owner)  # or let it expire if the store is down
        raise


async def _answer(svc: Service, conn: CustomerConn, msg: Message) -> None:
    try:
        await turns.bot_turn(svc, conn, msg)
    except errors.StoreFailed:
        raise  # left unanswered: recovered once the store is back
    except Exception:  # noqa: BLE001 - a failing turn must not be retried for ever
        log.exception("handoff.turn_failed conversation=%s seq=%s", conn.conversation_id, msg.seq)
    await svc.run(turn_claims.mark_answered, msg.id)


async def _conn(svc: Service, conversation_id: int, hint: Optional[CustomerConn]) -> CustomerConn:
    """Who the turn speaks for, from the store; the live socket's token when it is here."""
    if hint is not None and hint.conversation_id == conversation_id:
        return hint

    def read(s: Session) -> Tuple[str, Optional[int], Optional[str]]:
        conv = lookups.conversation(s, conversation_id)
        brief = conv_store.customer_brief(s, conv.customer_id) if conv.customer_id is not None else None
        return conv.session_id, conv.customer_id, (brief or {}).get("email")

    session_id, customer_id, email = await svc.run(read)
    token = None
    if customer_id is not None and email:
        # The conversation was bound to this verified customer when the session opened.
        token = sign_identity(int(customer_id), str(email), svc.settings.identity_secret, RECOVERED_TOKEN_TTL_S)
    return CustomerConn("", conversation_id, session_id, customer_id, token)


async def recover(svc: Service) -> int:
    """Spawn ``drive`` for conversations whose acknowledged messages nobody is answering."""
    now = utcnow()
    stranded = await svc.run(turn_claims.stranded, now - RECOVER_WITHIN, now - dt.timedelta(seconds=RECOVER_AFTER_S))
    for cid in stranded:
        log.info("handoff.turn_recovered conversation=%s node=%s", cid, svc.settings.node_id)
        svc.spawn(drive(svc, cid), name=f"recover:{cid}")
    return len(stranded)
