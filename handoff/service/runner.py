"""Run each conversation's customer turns one at a time, in order, on whichever node claims them.

A customer message is stored, and the conversation's turn claim taken when it is free, in
one transaction before the ack (``claim_with_state``: the claim is held across nodes in the
store, ``store.turn_claims``, and expires when its holder dies); ``drive`` is then spawned, answers
every unanswered customer message in ``seq`` order, and gives the claim up. A message that
arrives while another task holds the claim is picked up by that task; one left
behind by a node that died is found by ``recover`` (at start-up and on every heartbeat, see
``upkeep``) and answered here or on another node. No per-conversation state stays in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Dict, Optional, Tuple

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


@dataclass(frozen=True)
class FirstTurn:
    """A turn whose claim was taken in the transaction that stored its message."""

    owner: str
    message: Message
    state: Dict[str, Any]
    accept_ms: Optional[float] = None  # that transaction's time, for the turn's timing line


def task_owner(svc: Service) -> str:
    """A fresh claim owner for one ``drive`` task of this node."""
    return f"{svc.settings.node_id}/{uuid.uuid4().hex[:12]}"


def claim_with_state(s: Session, svc: Service, conversation_id: int, owner: str,
                     msg: Message) -> Optional[Dict[str, Any]]:
    """In the caller's transaction: claim the conversation for ``owner`` and read ``msg``'s turn state.

    None when another task holds the claim: that task answers ``msg`` after its own message
    (``take_next`` sees it, whichever of the two transactions commits first).
    """
    if not turn_claims.claim(s, conversation_id, owner, svc.settings.turn_lease_s):
        return None
    return turns.turn_state(s, conversation_id, msg.seq)


async def drive(svc: Service, conversation_id: int, hint: Optional[CustomerConn] = None,
                first: Optional[FirstTurn] = None) -> None:
    """Answer the conversation's unanswered customer messages while holding its turn claim.

    ``hint``: the socket that sent the message, when it is on this node (its identity token
    goes to Rasa as is). ``first``: a message already claimed (by ``customer_message``).
    Each message is marked answered in the transaction that takes the next one.
    """
    owner = first.owner if first is not None else task_owner(svc)
    lease = svc.settings.turn_lease_s
    try:
        done: Optional[int] = None
        if first is not None:
            await _holding(svc, conversation_id, owner, _answer(
                svc, await _conn(svc, conversation_id, hint), first.message, first.state, first.accept_ms))
            done = first.message.id
        while True:
            taken = await svc.run(_take_next, conversation_id, owner, lease, done)
            if taken is None:  # someone else holds the claim (and answers this message), or all done
                return
            msg, state = taken
            await _holding(svc, conversation_id, owner, _answer(svc, await _conn(svc, conversation_id, hint), msg, state))
            done = msg.id
    except BaseException:
        await svc.run(turn_claims.release, conversation_id, owner)  # or let it expire if the store is down
        raise


async def _holding(svc: Service, conversation_id: int, owner: str, turn: Awaitable[None]) -> None:
    """Run ``turn`` while renewing the claim every third of its lease.

    A turn can outlast one lease (a resume and two Rasa calls, each up to ``RASA_TIMEOUT``);
    without renewal another node's recovery would answer the same message again meanwhile.
    """
    lease = svc.settings.turn_lease_s

    async def renew() -> None:
        while True:
            await asyncio.sleep(lease / 3)
            try:
                if not await svc.run(turn_claims.claim, conversation_id, owner, lease):
                    log.warning("handoff.turn_claim_lost conversation=%s owner=%s", conversation_id, owner)
                    return
            except errors.StoreFailed:
                continue  # the store is back later, or the claim expires and recovery answers

    keeper = asyncio.ensure_future(renew())
    try:
        await turn
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper


def _take_next(s: Session, conversation_id: int, owner: str, lease: float,
               done: Optional[int]) -> Optional[Tuple[Message, Dict[str, Any]]]:
    """Mark ``done`` answered, claim, and return the next message with its turn state (one transaction)."""
    if done is not None:
        turn_claims.mark_answered(s, done)
    msg = turn_claims.take_next(s, conversation_id, owner, lease)
    return None if msg is None else (msg, turns.turn_state(s, conversation_id, msg.seq))


async def _answer(svc: Service, conn: CustomerConn, msg: Message, state: Dict[str, Any],
                  accept_ms: Optional[float] = None) -> None:
    try:
        await turns.bot_turn(svc, conn, msg, state, accept_ms)
    except errors.StoreFailed:
        raise  # left unanswered: recovered once the store is back
    except Exception:  # noqa: BLE001 - a failing turn must not be retried for ever
        log.exception("handoff.turn_failed conversation=%s seq=%s", conn.conversation_id, msg.seq)


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
