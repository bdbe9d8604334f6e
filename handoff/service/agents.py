"""Agents: sign-in, availability, and what they do inside a conversation."""

from __future__ import annotations

import time
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Optional, Tuple

import jwt
from sqlalchemy.orm import Session

from common.passwords import check_password
from handoff import errors
from handoff import events as ev
from handoff.service import handoffs, lookups, notices, publish, ratelimit
from handoff.service.changes import (
    AgentChanged,
    Event,
    MessageAdded,
    Offered,
    QueueChanged,
)
from handoff.service.context import Service
from handoff.service.handoffs import _owned
from handoff.service.idempotent import append_once
from handoff.service.queue import agent_loads, queue_items
from handoff.service.turns import check_text
from handoff.service.views import conversation_view
from store import agents as agent_store
from store import budgets, presence, resolutions
from store import conversations as conv_store
from store import errors as store_errors
from store.models.commerce import Actor
from store.models.support import AgentStatus, Message, Sender

TOKEN_TTL_S = 8 * 3600
ISSUER = "handoff"


async def login(svc: Service, username: Any, password: Any, address: str = "unknown") -> Dict[str, Any]:
    """Check the password (bcrypt) and issue a short-lived JWT.

    Every attempt counts against ``RATE_LIMIT_LOGINS`` per client address and per username
    (checked before bcrypt runs), so guessing costs time whichever one the guesser varies.
    """
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise errors.InvalidPayload("`username` and `password` are required.")
    limit = svc.settings.limit_logins
    await ratelimit.enforce(svc.limiter, ratelimit.LOGIN_ADDRESS, address, limit)
    await ratelimit.enforce(svc.limiter, ratelimit.LOGIN_USER, username.strip().lower()[:254], limit)
    agent = await svc.run(agent_store.get_by_username, username)
    # bcrypt is slow on purpose: keep it off the event loop.
    import asyncio

    hashed = agent.password_hash if agent else "$2b$12$" + "." * 53
    ok = await asyncio.get_running_loop().run_in_executor(None, check_password, password, hashed)
    if agent is None or not ok:
        raise errors.Unauthorized("Wrong username or password.")
    now = int(time.time())
    token = jwt.encode({"sub": str(agent.id), "iss": ISSUER, "iat": now, "exp": now + TOKEN_TTL_S},
                       svc.settings.secret_key, algorithm="HS256")
    active = await svc.run(lambda s: conv_store.active_counts(s).get(agent.id, 0))
    return {"token": token, "agent": agent_store.agent_dict(agent, active)}


def verify_token(svc: Service, token: Any) -> int:
    """The agent id in a valid token; Unauthorized otherwise."""
    if not isinstance(token, str) or not token:
        raise errors.Unauthorized()
    try:
        claims = jwt.decode(token, svc.settings.secret_key, algorithms=["HS256"], issuer=ISSUER)
        return int(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise errors.Unauthorized() from exc


async def connect(svc: Service, sid: str, token: Any) -> int:
    """Authenticate a new agent socket, record it in the shared presence, send state and queue.

    The socket is registered here before the store is awaited, and its presence row is written
    after; a socket that closed meanwhile is no longer registered once the row is committed,
    so its row is removed again here (``disconnect`` may have run before the row existed).
    Every path ends with no row for a closed socket.
    """
    agent_id = verify_token(svc, token)
    svc.agent_sids[sid] = agent_id
    try:
        agent = await svc.run(presence.arrive, sid, agent_id, svc.settings.node_id, svc.presence_since())
    except BaseException:
        svc.agent_sids.pop(sid, None)
        raise
    if agent is None:
        svc.agent_sids.pop(sid, None)
        raise errors.Unauthorized()
    if sid not in svc.agent_sids:  # the socket closed while its row was being written
        await _left(svc, sid)
        return agent_id
    await svc.notifier.join_agent_rooms(sid, agent_id)
    await publish.publish(svc, [AgentChanged(agent_id)])
    await svc.notifier.to_sid(sid, ev.QUEUE, {"items": await svc.run(queue_items, svc.policy)}, agent=True)
    await publish.publish(svc, [QueueChanged()])  # waiting customers now see someone is online
    return agent_id


async def disconnect(svc: Service, sid: str) -> None:
    """An agent socket closed: drop its presence row (offline with the agent's last socket anywhere)."""
    agent_id = svc.agent_sids.pop(sid, None)
    if agent_id is None:
        return
    await _left(svc, sid)


async def _left(svc: Service, sid: str) -> None:
    if await svc.run(presence.leave, sid, svc.presence_since()) is not None:
        await publish.publish(svc, [QueueChanged()])


async def sign_out(svc: Service, agent_id: int) -> Dict[str, Any]:
    """The agent signs out: away at once (no new offers), their open conversations back in the
    queue, first in line, each customer told; the agent's other tabs are told to sign out too.

    Their sockets closing afterwards takes them offline as usual.
    """
    await svc.run(presence.choose_status, agent_id, AgentStatus.AWAY, svc.presence_since())
    moved = await handoffs.return_conversations(
        svc, lambda s: [(cid, agent_id) for cid in conv_store.assigned_to(s, agent_id)], signed_out=True)
    await publish.publish(svc, [AgentChanged(agent_id), QueueChanged()])
    await svc.notifier.to_agent(agent_id, ev.SIGNED_OUT, {"returned": moved})
    return ev.ok(returned=moved)


def agent_of(svc: Service, sid: str) -> int:
    """The agent behind an agent socket."""
    agent_id = svc.agent_sids.get(sid)
    if agent_id is None:
        raise errors.Unauthorized()
    return agent_id


async def set_status(svc: Service, agent_id: int, status: Any) -> Dict[str, Any]:
    """``online`` or ``away``; coming online offers the top of the queue.

    A change that arrives after the agent's last socket closed leaves them offline.
    """
    if status not in ("online", "away"):
        raise errors.InvalidPayload("`status` must be online or away.")

    def tx(s: Session) -> Tuple[Dict[str, Any], List[Event]]:
        agent = presence.choose_status(s, agent_id, AgentStatus(status), svc.presence_since())
        if agent is None:
            return agent_store.agent_dict(lookups.agent(s, agent_id)), []
        load = next(a for a in agent_loads(s) if a.agent_id == agent_id)
        items = queue_items(s, svc.policy)
        events: List[Event] = [AgentChanged(agent_id), QueueChanged()]
        if items and load.has_room:
            events.append(Offered(agent_id, items[0]["conversation_id"], items[0]))
        return agent_store.agent_dict(agent, load.active), events

    agent, events = await svc.run(tx)
    await publish.publish(svc, events)
    return ev.ok(agent=agent)


async def open_view(svc: Service, sid: str, agent_id: int, cid: int) -> Dict[str, Any]:
    """Look at a conversation (any agent may), and follow its messages."""
    view = await svc.run(conversation_view, svc, cid, agent_id)
    await svc.notifier.watch(sid, cid)
    return view


async def send(svc: Service, agent_id: int, cid: int, text: Any,
               client_msg_id: Optional[str] = None) -> Dict[str, Any]:
    """An agent's message to the customer (shown as ``bot_uttered`` with sender ``agent``).

    A retry with the same ``client_msg_id`` is stored and shown once, and acked again with
    ``"duplicate": true`` (the customer's rule, ``handoff.service.idempotent``).
    A customer who asked to be told and has left gets one e-mail per absence (``notices``).
    """
    text = check_text(svc, text, "text")
    since = svc.presence_since()
    mailed: List[bool] = []

    def added(s: Session, msg: Message) -> MessageAdded:
        return MessageAdded(cid, msg, agent_name=lookups.agent(s, agent_id).display_name, assignee_id=agent_id)

    def write(s: Session) -> MessageAdded:
        _owned(s, cid, agent_id)
        msg = conv_store.append_message(s, cid, Sender.AGENT, text, agent_id=agent_id, client_msg_id=client_msg_id)
        conv_store.mark_first_agent_reply(s, cid)
        done = added(s, msg)
        mailed.append(notices.after_agent_reply(s, svc.settings, cid, done.agent_name or "Our team", since))
        return done

    done, duplicate = await append_once(svc, cid, client_msg_id, Sender.AGENT, write, added, agent_id=agent_id)
    if duplicate:
        return ev.ok(seq=done.message.seq, client_msg_id=client_msg_id, duplicate=True)
    if any(mailed):
        svc.wake_mailer()  # committed: the deliverer sees the row
    await publish.publish(svc, [done])
    return ev.ok(seq=done.message.seq, client_msg_id=client_msg_id)


async def note(svc: Service, agent_id: int, cid: int, text: Any) -> Dict[str, Any]:
    """A private note, never shown to the customer."""
    text = check_text(svc, text, "text")

    def tx(s: Session) -> MessageAdded:
        conv = lookups.conversation(s, cid)
        msg = conv_store.append_message(s, cid, Sender.AGENT, text, agent_id=agent_id, private=True)
        return MessageAdded(cid, msg, agent_name=lookups.agent(s, agent_id).display_name,
                            assignee_id=conv.assignee_id or agent_id)

    added = await svc.run(tx)
    await publish.publish(svc, [added])
    return ev.ok(seq=added.message.seq)


async def typing(svc: Service, agent_id: int, cid: int, is_typing: Any) -> None:
    """Show the customer that the agent is typing (only the assignee)."""
    conv = await svc.run(conv_store.get_conversation, cid)
    if conv is None or conv.assignee_id != agent_id:
        return
    name = (await svc.run(lookups.agent, agent_id)).display_name
    await svc.notifier.to_conversation(cid, ev.TYPING, {"typing": bool(is_typing), "sender": "agent",
                                                        "agent_name": name})


async def customer_typing(svc: Service, sid: str, is_typing: Any) -> None:
    """Show the assignee (and watchers) that the customer is typing."""
    conn = svc.customers.get(sid)
    if conn is None:
        return
    conv = await svc.run(conv_store.get_conversation, conn.conversation_id)
    await svc.notifier.to_conversation_agents(conn.conversation_id, conv.assignee_id if conv else None, ev.TYPING,
                                              {"conversation_id": conn.conversation_id, "typing": bool(is_typing),
                                               "sender": "customer"})


async def grant(svc: Service, agent_id: int, cid: int, data: Dict[str, Any]) -> Dict[str, Any]:
    """Refund, replacement or credit through ``store.resolutions``, within the agent's budget.

    ``data``: the rest of the ``grant`` payload (kind, reason, order_number, amount, charge_id).
    """
    kind, reason = data.get("kind"), data.get("reason")
    if kind not in ("refund", "replacement", "credit"):
        raise errors.InvalidPayload("`kind` must be refund, replacement or credit.")
    if reason is not None and not isinstance(reason, str):
        raise errors.InvalidPayload("`reason` must be text.")

    def tx(s: Session) -> Any:
        conv = _owned(s, cid, agent_id)
        agent = lookups.agent(s, agent_id)
        order_number = data.get("order_number")
        charge_id = data.get("charge_id") if kind == "refund" else None
        try:
            budgets.check_scope(s, cid, conv.customer_id, order_number=order_number if kind != "refund" else None,
                                charge_id=charge_id if isinstance(charge_id, int) else None)
        except store_errors.NotAllowed as exc:
            raise errors.Forbidden(f"Not in this conversation: {exc.message}.") from exc
        common: Dict[str, Any] = dict(actor=Actor.AGENT, agent_id=agent_id, conversation_id=cid)
        if kind == "credit":
            result = resolutions.grant_credit(s, str(order_number or ""), amount=_amount(data.get("amount")),
                                              reason=reason or "goodwill credit from support", **common)
        elif kind == "replacement":
            result = resolutions.grant_replacement(s, str(order_number or ""), reason=reason, **common)
        else:
            if not isinstance(charge_id, int) or isinstance(charge_id, bool):
                raise errors.InvalidPayload("A refund needs a `charge_id`.")
            result = resolutions.refund_charge(s, charge_id, reason=reason, **common)
        what = f"{agent.display_name} granted a {kind}"
        if result.get("amount"):
            what += f" of ${float(result['amount']):.2f}"
        if result.get("order"):
            what += f" on order #{result['order']}"
        text = f"{what}: {result.get('reason')}"
        msg = conv_store.append_message(s, cid, Sender.SYSTEM, text, agent_id=agent_id, private=True,
                                        payload={"resolution": result})
        return result, msg

    try:
        result, msg = await svc.run(tx)
    except store_errors.NotFound as exc:
        raise errors.NotFound(exc.message) from exc
    except store_errors.InvalidInput as exc:
        raise errors.InvalidPayload(exc.message) from exc
    except store_errors.NotAllowed as exc:
        raise errors.OverBudget(exc.message) from exc
    await publish.publish(svc, [MessageAdded(cid, msg, assignee_id=agent_id)])
    return ev.ok(resolution=result, note_seq=msg.seq)


def _amount(value: Any) -> Optional[Decimal]:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise errors.InvalidPayload("`amount` must be a number.") from exc
    if not amount.is_finite() or amount <= 0:
        raise errors.InvalidPayload("`amount` must be positive.")
    return amount
