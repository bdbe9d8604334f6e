"""The support side: agents, conversations, their transcript, handoffs and tickets.

Vocabulary follows Chatwoot: a conversation has a status, an assignee, ``waiting_since``
and first-reply/resolved timestamps; a message has a sender and a ``private`` flag for
agent notes.

Invariants:
- One conversation per customer ``session_id`` (the widget's Socket.IO session id).
- ``Message.seq`` starts at 1 and increases by one per conversation
  (``Conversation.last_seq`` holds the last one given out).
- ``(conversation_id, client_msg_id)`` is unique: a retried customer message is stored once.
- Status moves ``bot -> queued -> assigned -> bot | resolved``; ``assignee_id`` is set
  exactly when the status is ``assigned``.
"""

from __future__ import annotations

import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import relationship

from store.models.base import Base, enum_column, utcnow

__all__ = [
    "AgentStatus",
    "ConversationStatus",
    "Sender",
    "Severity",
    "Agent",
    "Conversation",
    "Message",
    "Handoff",
    "Ticket",
    "AgentPresence",
    "Attachment",
    "CustomerPresence",
    "ConversationLabel",
]


class AgentStatus(str, enum.Enum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class ConversationStatus(str, enum.Enum):
    BOT = "bot"
    QUEUED = "queued"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"


class Sender(str, enum.Enum):
    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


class Severity(str, enum.Enum):
    """The stored form of :data:`common.severity.SEVERITIES` (a unit test keeps them equal)."""

    NONE = "none"
    ELEVATED = "elevated"
    SEVERE = "severe"


class Agent(Base):
    __tablename__ = "agents"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False)
    password_hash = Column(String(200), nullable=False)  # bcrypt
    status = Column(enum_column(AgentStatus), nullable=False, default=AgentStatus.OFFLINE)
    max_concurrent = Column(Integer, nullable=False, default=3)
    # "Make it Right" budget: the most this agent may grant per incident without approval.
    resolution_budget = Column(Numeric(10, 2), nullable=False, default=50)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # When the agent's last live socket went (NULL while present): after AGENT_OFFLINE_GRACE_S their
    # open conversations go back to the queue (handoff.service.inbox.return_stranded).
    offline_since = Column(DateTime, nullable=True)


class Conversation(Base):
    __tablename__ = "conversations"

    id = Column(Integer, primary_key=True)
    session_id = Column(String(64), nullable=False, unique=True, index=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True)
    status = Column(enum_column(ConversationStatus), nullable=False, default=ConversationStatus.BOT, index=True)
    assignee_id = Column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True, index=True)
    priority = Column(Float, nullable=False, default=0.0)
    severity = Column(enum_column(Severity), nullable=False, default=Severity.NONE)
    last_seq = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    waiting_since = Column(DateTime, nullable=True)
    first_agent_reply_at = Column(DateTime, nullable=True)
    resolved_at = Column(DateTime, nullable=True)
    disposition = Column(String(64), nullable=True)
    csat = Column(Integer, nullable=True)  # 1..5
    follow_up_email = Column(String(254), nullable=True)
    # Cluster state (store.turn_claims): the node task running this conversation's turns and until
    # when its claim holds; the customer was asked for a follow-up e-mail; Rasa still needs a resume.
    turn_owner = Column(String(160), nullable=True)
    turn_until = Column(DateTime, nullable=True)
    awaiting_email = Column(Boolean, nullable=False, default=False, server_default=false())
    resume_pending = Column(Boolean, nullable=False, default=False, server_default=false())
    # "E-mail me when an agent replies after I left" (store.notices): where to, and whether this
    # absence's one notice went out (cleared when a customer socket joins again).
    notify_email = Column(String(254), nullable=True)
    away_notified = Column(Boolean, nullable=False, default=False, server_default=false())
    # Honest updates while queued (handoff.service.waiting): when the last one went out, how many
    # so far in this wait, and the place in line it gave (to say "you've moved up").
    queue_updated_at = Column(DateTime, nullable=True)
    queue_updates = Column(Integer, nullable=False, default=0, server_default="0")
    queue_position = Column(Integer, nullable=True)
    # Back in the queue through no doing of the customer (their agent signed out or went offline):
    # first in line until someone claims it.
    returned_at = Column(DateTime, nullable=True)

    messages = relationship("Message", back_populates="conversation", cascade="all, delete-orphan",
                            order_by="Message.seq")
    handoffs = relationship("Handoff", back_populates="conversation", cascade="all, delete-orphan",
                            order_by="Handoff.requested_at")


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
        UniqueConstraint("conversation_id", "client_msg_id", name="uq_messages_conversation_client_msg"),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    seq = Column(Integer, nullable=False)
    sender = Column(enum_column(Sender), nullable=False)
    text = Column(Text, nullable=False, default="")
    private = Column(Boolean, nullable=False, default=False)  # agent notes, never shown to customers
    agent_id = Column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    client_msg_id = Column(String(64), nullable=True)
    payload = Column(JSON, nullable=True)  # buttons, quick_replies, custom data
    parse = Column(JSON, nullable=True)  # Rasa's parse of a customer message
    detection = Column(JSON, nullable=True)  # the detector's finding on a customer message
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # A customer message's turn is done (answered, relayed or queued); NULL: still to run after a crash.
    answered_at = Column(DateTime, nullable=True, index=True)

    conversation = relationship("Conversation", back_populates="messages")


class Handoff(Base):
    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    source = Column(String(32), nullable=False)  # detector | customer | bot | fallback | rasa_down | high_stakes
    reasons = Column(JSON, nullable=False, default=list)
    score = Column(Float, nullable=False, default=0.0)
    severity = Column(enum_column(Severity), nullable=False, default=Severity.NONE)
    requested_at = Column(DateTime, nullable=False, default=utcnow)
    accepted_by = Column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    accepted_at = Column(DateTime, nullable=True)
    ended_at = Column(DateTime, nullable=True)
    outcome = Column(String(64), nullable=True)  # handed_back | resolved | transferred | follow_up

    conversation = relationship("Conversation", back_populates="handoffs")


class Ticket(Base):
    """A follow-up promised when no agent was available."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="SET NULL"), nullable=True)
    email = Column(String(254), nullable=False)
    summary = Column(Text, nullable=False)
    status = Column(String(32), nullable=False, default="open")
    created_at = Column(DateTime, nullable=False, default=utcnow)


class AgentPresence(Base):
    """One open agent socket: the node holding it and when that node last vouched for it.

    An agent is online while they have a row seen within ``PRESENCE_TTL_S``; a node that dies
    stops refreshing its rows, so its agents go offline on their own (store.presence).
    """

    __tablename__ = "agent_presence"

    sid = Column(String(64), primary_key=True)
    agent_id = Column(ForeignKey("agents.id", ondelete="CASCADE"), nullable=False, index=True)
    node_id = Column(String(128), nullable=False, index=True)
    last_seen = Column(DateTime, nullable=False, default=utcnow, index=True)


class Attachment(Base):
    """A file a participant sent in a conversation; its bytes live in ``ATTACHMENTS_DIR``.

    ``public_id`` names it in URLs; ``storage_key`` is the (random, extension-less) file name on
    disk, never shown to anyone. ``mime`` is what the file's first bytes say it is.
    """

    __tablename__ = "attachments"

    id = Column(Integer, primary_key=True)
    public_id = Column(String(32), nullable=False, unique=True, index=True)
    conversation_id = Column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    message_id = Column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    uploader = Column(enum_column(Sender), nullable=False)  # customer | agent
    agent_id = Column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="SET NULL"), nullable=True)
    mime = Column(String(64), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    name = Column(String(120), nullable=False)  # the uploader's file name, cleaned (for Content-Disposition)
    storage_key = Column(String(64), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class CustomerPresence(Base):
    """One open customer socket bound to a conversation, like :class:`AgentPresence`.

    The customer has left a conversation when it has no row seen within ``PRESENCE_TTL_S``
    (store.customer_presence); a node refreshes its rows on its heartbeat.
    """

    __tablename__ = "customer_presence"

    sid = Column(String(64), primary_key=True)
    conversation_id = Column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    node_id = Column(String(128), nullable=False, index=True)
    last_seen = Column(DateTime, nullable=False, default=utcnow, index=True)


class ConversationLabel(Base):
    """A label an agent put on a conversation ("vip-follow-up", "carrier-claim")."""

    __tablename__ = "conversation_labels"
    __table_args__ = (UniqueConstraint("conversation_id", "label", name="uq_conversation_labels_conversation_label"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    label = Column(String(40), nullable=False, index=True)
    agent_id = Column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
