"""The shop's data: customers, orders, billing, and the resolutions granted on them.

Invariants:
- ``Order.number`` is the customer-facing order number ("1042"), unique.
- Money is ``Numeric(10, 2)`` in the order's currency (USD in the demo).
- Every resolution (refund, replacement, credit, return) is a row in ``resolutions`` with
  who granted it (bot or agent) and why; nothing changes money without one.
"""

from __future__ import annotations

import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import relationship

from store.models.base import Base, enum_column, utcnow

__all__ = [
    "CustomerTier",
    "OrderStatus",
    "ShippingMethod",
    "ItemCondition",
    "ChargeStatus",
    "SubscriptionStatus",
    "ResolutionKind",
    "ResolutionStatus",
    "Actor",
    "Customer",
    "Order",
    "OrderItem",
    "TrackingEvent",
    "Subscription",
    "Charge",
    "Invoice",
    "Resolution",
    "PasswordReset",
]

Money = Numeric(10, 2)


class CustomerTier(str, enum.Enum):
    STANDARD = "standard"
    PLUS = "plus"
    VIP = "vip"


class OrderStatus(str, enum.Enum):
    PROCESSING = "processing"  # paid, not yet dispatched: can be cancelled or re-addressed
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELAYED = "delayed"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class ShippingMethod(str, enum.Enum):
    STANDARD = "standard"
    EXPRESS = "express"
    OVERNIGHT = "overnight"


class ItemCondition(str, enum.Enum):
    OK = "ok"
    DAMAGED = "damaged"  # reported or known damaged on delivery
    WRONG = "wrong"  # a different item than ordered was delivered


class ChargeStatus(str, enum.Enum):
    SUCCEEDED = "succeeded"
    REFUNDED = "refunded"
    DISPUTED = "disputed"


class SubscriptionStatus(str, enum.Enum):
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELLED = "cancelled"


class ResolutionKind(str, enum.Enum):
    REFUND = "refund"
    REPLACEMENT = "replacement"
    CREDIT = "credit"
    RETURN = "return"


class ResolutionStatus(str, enum.Enum):
    GRANTED = "granted"  # done (refund issued, replacement shipping, credit on account)
    IN_PROGRESS = "in_progress"  # e.g. a refund the payment provider is still processing
    PENDING_APPROVAL = "pending_approval"  # asked for, waits for a human


class Actor(str, enum.Enum):
    BOT = "bot"
    AGENT = "agent"


class Customer(Base):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    email = Column(String(254), nullable=False, unique=True, index=True)
    tier = Column(enum_column(CustomerTier), nullable=False, default=CustomerTier.STANDARD)
    lifetime_value = Column(Money, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    account_locked = Column(Boolean, nullable=False, default=False)
    failed_logins = Column(Integer, nullable=False, default=0)
    # Free-form context an agent should see ("setting up the Shopify integration").
    notes = Column(Text, nullable=True)

    orders = relationship("Order", back_populates="customer", cascade="all, delete-orphan",
                          order_by="Order.placed_at.desc()")
    subscriptions = relationship("Subscription", back_populates="customer", cascade="all, delete-orphan")
    charges = relationship("Charge", back_populates="customer", cascade="all, delete-orphan",
                           order_by="Charge.created_at.desc()")
    invoices = relationship("Invoice", back_populates="customer", cascade="all, delete-orphan")
    resolutions = relationship("Resolution", back_populates="customer", cascade="all, delete-orphan",
                               order_by="Resolution.created_at.desc()")


class Order(Base):
    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    number = Column(String(32), nullable=False, unique=True, index=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True)
    status = Column(enum_column(OrderStatus), nullable=False, default=OrderStatus.PROCESSING)
    placed_at = Column(DateTime, nullable=False, default=utcnow)
    shipping_method = Column(enum_column(ShippingMethod), nullable=False, default=ShippingMethod.STANDARD)
    shipping_paid = Column(Money, nullable=False, default=0)
    shipping_address = Column(Text, nullable=False)
    promised_date = Column(Date, nullable=True)
    delivered_at = Column(DateTime, nullable=True)
    carrier = Column(String(64), nullable=True)
    tracking_number = Column(String(64), nullable=True)
    carrier_status = Column(String(200), nullable=True)  # the carrier's latest words
    subtotal = Column(Money, nullable=False, default=0)
    total = Column(Money, nullable=False, default=0)
    currency = Column(String(3), nullable=False, default="USD")
    is_gift = Column(Boolean, nullable=False, default=False)
    gift_occasion = Column(String(120), nullable=True)  # "birthday party on Saturday"

    customer = relationship("Customer", back_populates="orders")
    items = relationship("OrderItem", back_populates="order", cascade="all, delete-orphan")
    tracking_events = relationship("TrackingEvent", back_populates="order", cascade="all, delete-orphan",
                                   order_by="TrackingEvent.at")
    resolutions = relationship("Resolution", back_populates="order", order_by="Resolution.created_at")


class OrderItem(Base):
    __tablename__ = "order_items"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    sku = Column(String(32), nullable=False)
    name = Column(String(200), nullable=False)
    quantity = Column(Integer, nullable=False, default=1)
    unit_price = Column(Money, nullable=False)
    condition = Column(enum_column(ItemCondition), nullable=False, default=ItemCondition.OK)
    # For ItemCondition.WRONG: what arrived instead.
    received_instead = Column(String(200), nullable=True)

    order = relationship("Order", back_populates="items")


class TrackingEvent(Base):
    __tablename__ = "tracking_events"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(DateTime, nullable=False)
    status = Column(String(64), nullable=False)  # label_created, picked_up, in_transit, delayed, out_for_delivery, delivered
    location = Column(String(120), nullable=True)
    description = Column(String(300), nullable=False)

    order = relationship("Order", back_populates="tracking_events")


class Subscription(Base):
    __tablename__ = "subscriptions"

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True)
    plan = Column(String(64), nullable=False)  # "Starter", "Pro", "Business"
    price = Column(Money, nullable=False)
    status = Column(enum_column(SubscriptionStatus), nullable=False, default=SubscriptionStatus.ACTIVE)
    started_at = Column(DateTime, nullable=False, default=utcnow)
    renews_at = Column(DateTime, nullable=True)

    customer = relationship("Customer", back_populates="subscriptions")


class Charge(Base):
    __tablename__ = "charges"

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True)
    order_id = Column(ForeignKey("orders.id", ondelete="SET NULL"), nullable=True, index=True)
    subscription_id = Column(ForeignKey("subscriptions.id", ondelete="SET NULL"), nullable=True, index=True)
    amount = Column(Money, nullable=False)
    currency = Column(String(3), nullable=False, default="USD")
    description = Column(String(200), nullable=False)
    status = Column(enum_column(ChargeStatus), nullable=False, default=ChargeStatus.SUCCEEDED)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    customer = relationship("Customer", back_populates="charges")


class Invoice(Base):
    __tablename__ = "invoices"

    id = Column(Integer, primary_key=True)
    number = Column(String(32), nullable=False, unique=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True)
    order_id = Column(ForeignKey("orders.id", ondelete="SET NULL"), nullable=True)
    subscription_id = Column(ForeignKey("subscriptions.id", ondelete="SET NULL"), nullable=True)
    amount = Column(Money, nullable=False)
    issued_at = Column(DateTime, nullable=False, default=utcnow)
    # Relative URL served by the handoff service (GET /api/invoices/<number>), shown to the customer.
    url = Column(String(200), nullable=True)

    customer = relationship("Customer", back_populates="invoices")


class Resolution(Base):
    """A 'Make it Right' grant: what was done, for how much, by whom and why."""

    __tablename__ = "resolutions"

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True)
    order_id = Column(ForeignKey("orders.id", ondelete="SET NULL"), nullable=True, index=True)
    charge_id = Column(ForeignKey("charges.id", ondelete="SET NULL"), nullable=True)
    kind = Column(enum_column(ResolutionKind), nullable=False)
    status = Column(enum_column(ResolutionStatus), nullable=False, default=ResolutionStatus.GRANTED)
    amount = Column(Money, nullable=False, default=0)
    currency = Column(String(3), nullable=False, default="USD")
    granted_by = Column(enum_column(Actor), nullable=False)
    agent_id = Column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    conversation_id = Column(ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True, index=True)
    reason = Column(Text, nullable=False)
    details = Column(JSON, nullable=True)  # e.g. {"replacement_order": "1107"} or {"items": [...]}
    created_at = Column(DateTime, nullable=False, default=utcnow)

    customer = relationship("Customer", back_populates="resolutions")
    order = relationship("Order", back_populates="resolutions")


class PasswordReset(Base):
    """A reset link issued to a customer (recorded; no real mail is sent)."""

    __tablename__ = "password_resets"

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    used_at = Column(DateTime, nullable=True)
