"""The demo shop: a dozen customers and ~40 orders covering every support scenario.

The scenario facts (Maya's late overnight birthday gift #1042, Liam's damaged vase #1051,
Sofia's wrong colour #1060, Noah's duplicate "Pro" charge, Emma's locked account, Oliver's
Shopify set-up, Ava the VIP with #1075 still processing, Lucas's refund for #1080) are a
contract the bot, the console and the tests rely on. Dates are relative to ``now`` so
"promised three days ago" stays true; everything else is fixed, so two seeds are equal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common.passwords import hash_password
from store.demo_history import add_history
from store.models import (
    Actor,
    Agent,
    Charge,
    ChargeStatus,
    Customer,
    CustomerTier,
    Invoice,
    ItemCondition,
    Order,
    OrderItem,
    OrderStatus,
    Resolution,
    ResolutionKind,
    ResolutionStatus,
    ShippingMethod,
    Subscription,
    TrackingEvent,
)
from store.models.base import utcnow

D = Decimal
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
SHIPPING = {ShippingMethod.STANDARD: D("5.99"), ShippingMethod.EXPRESS: D("12.99"),
            ShippingMethod.OVERNIGHT: D("24.99")}

# name, e-mail, tier, address, notes, locked
CUSTOMERS: Sequence[Tuple[str, str, CustomerTier, str, Optional[str], bool]] = (
    ("Maya Patel", "maya@example.com", CustomerTier.STANDARD, "18 Alder Lane, Portland, OR 97214", None, False),
    ("Liam O'Brien", "liam@example.com", CustomerTier.STANDARD, "4 Harbour View, Boston, MA 02110", None, False),
    ("Sofia Garcia", "sofia@example.com", CustomerTier.PLUS, "227 Mesa Drive, Austin, TX 78704", None, False),
    ("Noah Kim", "noah@example.com", CustomerTier.STANDARD, "91 Pine Street, Seattle, WA 98101", None, False),
    ("Emma Johnson", "emma@example.com", CustomerTier.STANDARD, "3 Elm Court, Columbus, OH 43004", None, True),
    ("Oliver Smith", "oliver@example.com", CustomerTier.PLUS, "500 Market Street, Denver, CO 80202",
     "Business plan. Setting up the Shopify integration: the API key was accepted but the product "
     "sync has been stuck at 0% for two days; asked for help twice by e-mail.", False),
    ("Ava Chen", "ava@example.com", CustomerTier.VIP, "1200 Bay Road, San Francisco, CA 94107",
     "VIP since 2019; prefers e-mail follow-ups.", False),
    ("Lucas Brown", "lucas@example.com", CustomerTier.STANDARD, "66 Birch Avenue, Chicago, IL 60614", None, False),
    ("Chloe Martin", "chloe@example.com", CustomerTier.STANDARD, "12 Rue Street, New Orleans, LA 70116", None, False),
    ("Ethan Wright", "ethan@example.com", CustomerTier.STANDARD, "7 Quarry Road, Madison, WI 53703", None, False),
    ("Isabella Rossi", "isabella@example.com", CustomerTier.PLUS, "45 Vine Street, Philadelphia, PA 19106", None, False),
    ("James Okafor", "james@example.com", CustomerTier.STANDARD, "310 Oak Hollow, Atlanta, GA 30303", None, False),
)

CATALOGUE: Sequence[Tuple[str, str, Decimal]] = (
    ("KT-101", "Wooden Rainbow Stacker", D("34.00")),
    ("HM-220", "Ceramic Bud Vase, Speckled White", D("48.00")),
    ("HM-310", "Linen Throw Blanket, Sage Green", D("79.00")),
    ("KC-045", "Cast Iron Skillet, 10 inch", D("42.50")),
    ("KC-112", "Pour-Over Coffee Set", D("56.00")),
    ("ST-007", "Leather Desk Notebook", D("24.00")),
    ("ST-019", "Fountain Pen, Midnight Blue", D("38.00")),
    ("HM-405", "Scented Soy Candle, Cedar", D("19.50")),
    ("GD-230", "Herb Garden Starter Kit", D("29.99")),
    ("AP-550", "Merino Wool Scarf, Charcoal", D("65.00")),
    ("KT-150", "Plush Fox, Large", D("27.00")),
    ("HM-512", "Walnut Serving Board", D("54.00")),
)
SKU = {sku: (name, price) for sku, name, price in CATALOGUE}
CARRIERS = ("UPS", "FedEx", "USPS")
HUBS = ("Louisville, KY", "Memphis, TN", "Indianapolis, IN", "Chicago, IL")
AGENTS = (("dana", "Dana", D("100.00"), 3), ("sam", "Sam", D("50.00"), 3))
DEMO_AGENT_PASSWORD = "support-demo"


class _Shop:
    """Builds the demo rows on a session, relative to one fixed ``now``."""

    def __init__(self, session: Session, now: dt.datetime) -> None:
        self.s = session
        self.now = now
        self.today = now.date()
        self.customers: Dict[str, Customer] = {}
        self.charges: Dict[str, Charge] = {}

    # --- building blocks ------------------------------------------------------------
    def order(self, email: str, number: str, skus: Sequence[str], placed: dt.datetime,
              method: ShippingMethod = ShippingMethod.STANDARD, promised_days: int = 5,
              status: OrderStatus = OrderStatus.DELIVERED, delivered_after: Optional[int] = 4,
              carrier: Optional[str] = "UPS", **extra: object) -> Order:
        customer = self.customers[email]
        items = [OrderItem(sku=sku, name=SKU[sku][0], quantity=1, unit_price=SKU[sku][1]) for sku in skus]
        subtotal = sum((i.unit_price for i in items), D("0"))
        delivered_at = (placed + delivered_after * DAY  # same time of day: never late by the clock
                        if status in (OrderStatus.DELIVERED, OrderStatus.RETURNED) and delivered_after is not None
                        else None)
        delivered = delivered_at is not None
        shipped = status not in (OrderStatus.PROCESSING, OrderStatus.CANCELLED)
        order = Order(
            number=number, customer=customer, status=status, placed_at=placed, shipping_method=method,
            shipping_paid=SHIPPING[method], shipping_address=extra.pop("address", None) or self._address(email),
            promised_date=(placed + promised_days * DAY).date(),
            delivered_at=delivered_at,
            carrier=carrier if shipped else None,
            tracking_number=self._tracking(carrier, number) if shipped else None,
            subtotal=subtotal, total=subtotal + SHIPPING[method], items=items, **extra,
        )
        if shipped and "carrier_status" not in extra:
            order.carrier_status = "Delivered" if delivered else "In transit, on schedule"
        self.s.add(order)
        self.s.flush()
        self.charges[number] = Charge(customer=customer, order_id=order.id, amount=order.total, description=f"Order #{number}",
                          created_at=placed + dt.timedelta(minutes=2),
                          status=ChargeStatus.REFUNDED if status is OrderStatus.CANCELLED else ChargeStatus.SUCCEEDED)
        self.s.add(self.charges[number])
        if delivered:
            self._standard_tracking(order)
            self.s.add(Invoice(number=f"INV-{number}", customer=customer, order_id=order.id, amount=order.total,
                               issued_at=order.delivered_at, url=f"/api/invoices/INV-{number}"))
        return order

    def _address(self, email: str) -> str:
        return next(c[3] for c in CUSTOMERS if c[1] == email)

    @staticmethod
    def _tracking(carrier: Optional[str], number: str) -> Optional[str]:
        prefix = {"UPS": "1Z84A7", "FedEx": "7731", "USPS": "9400111"}.get(carrier or "", "TRK")
        return f"{prefix}{int(number) * 7919:010d}"

    def _standard_tracking(self, order: Order) -> None:
        placed, hub = order.placed_at, HUBS[int(order.number) % len(HUBS)]
        self.track(order, placed + 3 * HOUR, "label_created", None, "Shipping label created; the carrier is expecting the parcel")
        self.track(order, placed + 20 * HOUR, "picked_up", "Shop warehouse, Reno, NV", "Picked up by the carrier")
        self.track(order, placed + 1 * DAY + 9 * HOUR, "in_transit", hub, f"Arrived at the {hub} sort facility")
        if order.delivered_at:
            city = order.shipping_address.split(", ", 1)[-1]
            self.track(order, order.delivered_at - 4 * HOUR, "out_for_delivery", city, "Out for delivery")
            self.track(order, order.delivered_at, "delivered", city, "Delivered, left at the front door")

    def track(self, order: Order, at: dt.datetime, status: str, location: Optional[str], text: str) -> None:
        order.tracking_events.append(TrackingEvent(at=at, status=status, location=location, description=text))

    def subscription(self, email: str, plan: str, price: str, months: int, duplicate_last: bool = False) -> None:
        customer = self.customers[email]
        start = self.now - (months * 30 + 2) * DAY
        sub = Subscription(customer=customer, plan=plan, price=D(price), started_at=start,
                           renews_at=start + (months + 1) * 30 * DAY)
        self.s.add(sub)
        self.s.flush()
        for month in range(months + 1):
            at = start + month * 30 * DAY
            text = f"{plan} plan (monthly)"
            self.s.add(Charge(customer=customer, subscription_id=sub.id, amount=sub.price, description=text, created_at=at))
            self.s.add(Invoice(number=f"INV-{customer.email.split('@')[0].upper()}-{month + 1:02d}", customer=customer,
                               subscription_id=sub.id, amount=sub.price, issued_at=at,
                               url=f"/api/invoices/INV-{customer.email.split('@')[0].upper()}-{month + 1:02d}"))
            if duplicate_last and month == months:
                # The payment provider retried a timed-out request and both went through.
                self.s.add(Charge(customer=customer, subscription_id=sub.id, amount=sub.price, description=text,
                                  created_at=at + dt.timedelta(minutes=4)))

    # --- the scenarios ----------------------------------------------------------------
    def build(self) -> None:
        ago = lambda days, hours=0: self.now - days * DAY - hours * HOUR
        for name, email, tier, _addr, notes, locked in CUSTOMERS:
            c = Customer(name=name, email=email, tier=tier, notes=notes, account_locked=locked,
                         failed_logins=5 if locked else 0, created_at=ago(400 + len(self.customers) * 37))
            self.customers[email] = c
            self.s.add(c)
        self._ordinary_orders(ago)

        # Maya: the late overnight birthday gift, and an earlier order that came on time.
        late = self.order("maya@example.com", "1042", ["KT-101", "KT-150"], ago(4, 4), ShippingMethod.OVERNIGHT,
                          promised_days=1, status=OrderStatus.DELAYED, delivered_after=None,
                          carrier_status="Delayed at the Louisville, KY hub: missed connection, awaiting the next available flight",
                          is_gift=True, gift_occasion="her niece's birthday party")
        late.promised_date = self.today - 3 * DAY
        self.track(late, ago(4, 2), "label_created", None, "Shipping label created; the carrier is expecting the parcel")
        self.track(late, ago(4), "picked_up", "Shop warehouse, Reno, NV", "Picked up by the carrier (UPS Next Day Air)")
        self.track(late, ago(3, 14), "in_transit", "Louisville, KY", "Arrived at the UPS Worldport hub, Louisville, KY")
        self.track(late, ago(3, 6), "delayed", "Louisville, KY", "Missed the scheduled flight; rescheduled for the next available one")
        self.track(late, ago(1, 3), "delayed", "Louisville, KY", "Still at the hub: delay due to a sorting backlog; new delivery date pending")
        self.order("maya@example.com", "1043", ["HM-405", "ST-007"], ago(21), promised_days=5,
                   delivered_after=4)

        # Liam: a ceramic vase, a gift, arrived broken.
        vase = self.order("liam@example.com", "1051", ["HM-220"], ago(4), ShippingMethod.EXPRESS, promised_days=3,
                          delivered_after=3, is_gift=True, gift_occasion="his mother's 60th birthday",
                          carrier_status="Delivered; the driver noted a crushed corner on the box")
        vase.items[0].condition = ItemCondition.DAMAGED

        # Sofia: ordered sage green, received blue.
        wrong = self.order("sofia@example.com", "1060", ["HM-310"], ago(5), promised_days=4, delivered_after=3)
        wrong.items[0].condition = ItemCondition.WRONG
        wrong.items[0].received_instead = "Linen Throw Blanket, Ocean Blue"

        # Noah: "Pro" charged twice this month. Emma: locked out. Oliver: Business plan, stuck on Shopify.
        self.subscription("noah@example.com", "Pro", "29.00", months=3, duplicate_last=True)
        self.subscription("oliver@example.com", "Business", "99.00", months=5)
        self.subscription("isabella@example.com", "Starter", "9.00", months=2)

        # Ava: VIP, an order still being packed (can be cancelled or re-addressed).
        self.order("ava@example.com", "1075", ["AP-550", "HM-512", "KC-112"], ago(0, 3), ShippingMethod.EXPRESS,
                   promised_days=3, status=OrderStatus.PROCESSING, delivered_after=None)
        self.order("chloe@example.com", "1090", ["GD-230"], ago(0, 20), promised_days=6,
                   status=OrderStatus.PROCESSING, delivered_after=None)
        transit = self.order("ethan@example.com", "1088", ["KC-045"], ago(2), promised_days=5,
                             status=OrderStatus.IN_TRANSIT, delivered_after=None, carrier="FedEx")
        self.track(transit, ago(1, 20), "label_created", None, "Shipping label created; the carrier is expecting the parcel")
        self.track(transit, ago(1, 8), "picked_up", "Shop warehouse, Reno, NV", "Picked up by the carrier")
        self.track(transit, ago(0, 10), "in_transit", "Memphis, TN", "Departed the FedEx Memphis hub, on schedule")

        # Lucas: returned a pen, the refund is with the payment provider.
        returned = self.order("lucas@example.com", "1080", ["ST-019", "ST-007"], ago(18), promised_days=5,
                              status=OrderStatus.RETURNED, delivered_after=4)
        self.track(returned, ago(6), "return_received", "Shop warehouse, Reno, NV", "Return received and inspected at our warehouse")
        self.s.flush()
        sam = self.s.execute(select(Agent).where(Agent.username == "sam")).scalar_one()
        for kind, status, amount, days, reason in (
            (ResolutionKind.RETURN, ResolutionStatus.GRANTED, D("0"), 9, "Pen nib arrived bent; return label e-mailed"),
            (ResolutionKind.REFUND, ResolutionStatus.IN_PROGRESS, returned.subtotal, 5,
             "Return received and inspected; refund to the original card (5-7 business days)"),
        ):
            charge_id = self.charges["1080"].id if kind is ResolutionKind.REFUND else None
            self.s.add(Resolution(customer=returned.customer, order=returned, charge_id=charge_id, kind=kind, status=status, amount=amount,
                                  granted_by=Actor.AGENT, agent_id=sam.id, reason=reason, created_at=ago(days)))

        for c in self.customers.values():
            c.lifetime_value = sum((o.total for o in c.orders if o.status is not OrderStatus.CANCELLED), D("0"))
        self.customers["ava@example.com"].lifetime_value = D("12480.00")

    def _ordinary_orders(self, ago) -> None:
        """34 unremarkable orders (#1001-#1034), all delivered on time but one cancelled."""
        emails = [c[1] for c in CUSTOMERS]
        for i in range(34):
            email = emails[(i * 5) % len(emails)]
            skus = [CATALOGUE[(i * 7) % len(CATALOGUE)][0]]
            if i % 3 == 0:
                skus.append(CATALOGUE[(i * 7 + 4) % len(CATALOGUE)][0])
            number = str(1001 + i)
            placed = ago(130 - i * 3, i % 9)
            method = (ShippingMethod.STANDARD, ShippingMethod.STANDARD, ShippingMethod.EXPRESS)[i % 3]
            carrier = CARRIERS[i % len(CARRIERS)]
            if i == 17:
                self.order(email, number, skus, placed, method, status=OrderStatus.CANCELLED, delivered_after=None,
                           carrier=None)
                continue
            self.order(email, number, skus, placed, method, promised_days=5 if method is ShippingMethod.STANDARD else 3,
                       delivered_after=4 if method is ShippingMethod.STANDARD else 2, carrier=carrier)


def add_agents(session: Session, rounds: int) -> None:
    """The two demo agents (password ``support-demo``)."""
    for username, display, budget, max_chats in AGENTS:
        session.add(Agent(username=username, display_name=display, resolution_budget=budget,
                          max_concurrent=max_chats, password_hash=hash_password(DEMO_AGENT_PASSWORD, rounds)))


def seed(session: Session, now: Optional[dt.datetime] = None, fast: bool = False, history: bool = True) -> None:
    """Add the whole demo data set to ``session`` (the caller commits).

    Args:
        now: the moment the dates are relative to (default: now, UTC).
        fast: bcrypt cost 4 instead of 12 for the agents' passwords (tests).
        history: also write the past demo conversations (``store/demo_history.py``).
    """
    rounds = 4 if fast else 12
    add_agents(session, rounds)
    session.flush()
    now = now or utcnow()
    _Shop(session, now).build()
    session.flush()
    if history:
        add_history(session, now)  # past conversations for the insights page, marked as demo data


def seed_if_empty(session: Session, now: Optional[dt.datetime] = None, fast: bool = False,
                  history: bool = True) -> bool:
    """Seed and commit when there are no customers yet; True when this call seeded.

    A concurrent seeder that wins the race makes this one roll back and return False.
    """
    if session.execute(select(Customer.id).limit(1)).first() is not None:
        return False
    try:
        seed(session, now=now, fast=fast, history=history)
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def demo_customers() -> List[str]:
    """E-mails of the seeded customers, in seed order."""
    return [c[1] for c in CUSTOMERS]
