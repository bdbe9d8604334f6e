"""The demo seed: the scenario facts others rely on, determinism and idempotence."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from common.passwords import check_password
from store.models import (
    Agent,
    Charge,
    Customer,
    CustomerTier,
    Invoice,
    ItemCondition,
    Order,
    OrderStatus,
    ShippingMethod,
)
from store.seed import CUSTOMERS, seed, seed_if_empty

NOW = dt.datetime(2025, 3, 14, 12, 0, 0)


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _order(session, number: str) -> Order:
    return session.execute(select(Order).where(Order.number == number)).scalar_one()


def _customer(session, email: str) -> Customer:
    return session.execute(select(Customer).where(Customer.email == email)).scalar_one()


def test_a_dozen_customers_and_about_forty_orders(db_session):
    assert _count(db_session, Customer) == len(CUSTOMERS) == 12
    assert 38 <= _count(db_session, Order) <= 45
    assert {a.username for a in db_session.execute(select(Agent)).scalars()} == {"dana", "sam"}


def test_seed_if_empty_does_nothing_the_second_time(db_session):
    before = (_count(db_session, Customer), _count(db_session, Order), _count(db_session, Charge))
    assert seed_if_empty(db_session, fast=True) is False
    assert (_count(db_session, Customer), _count(db_session, Order), _count(db_session, Charge)) == before


def test_maya_late_overnight_birthday_gift(db_session):
    order = _order(db_session, "1042")
    assert order.customer.email == "maya@example.com"
    assert order.shipping_method == ShippingMethod.OVERNIGHT and float(order.shipping_paid) == 24.99
    assert order.is_gift and "birthday" in order.gift_occasion
    assert order.status == OrderStatus.DELAYED and order.delivered_at is None
    assert order.promised_date == dt.datetime.utcnow().date() - dt.timedelta(days=3)
    assert "hub" in order.carrier_status
    assert [e.status for e in order.tracking_events][-1] == "delayed"
    on_time = _order(db_session, "1043")
    assert on_time.customer is order.customer and on_time.status == OrderStatus.DELIVERED
    assert on_time.delivered_at.date() <= on_time.promised_date


def test_liam_damaged_vase_and_sofia_wrong_colour(db_session):
    vase = _order(db_session, "1051")
    assert vase.customer.email == "liam@example.com" and vase.is_gift and vase.status == OrderStatus.DELIVERED
    assert [(i.condition, "Vase" in i.name) for i in vase.items] == [(ItemCondition.DAMAGED, True)]
    wrong = _order(db_session, "1060")
    assert wrong.customer.email == "sofia@example.com"
    item = wrong.items[0]
    assert item.condition == ItemCondition.WRONG and "Green" in item.name and "Blue" in item.received_instead


def test_noah_charged_twice_for_pro_this_month(db_session):
    noah = _customer(db_session, "noah@example.com")
    recent = [c for c in noah.charges if c.created_at > dt.datetime.utcnow() - dt.timedelta(days=30)]
    assert [(float(c.amount), "Pro" in c.description) for c in recent] == [(29.0, True), (29.0, True)]
    assert noah.subscriptions[0].plan == "Pro" and float(noah.subscriptions[0].price) == 29.0


def test_emma_locked_oliver_shopify_ava_vip_lucas_refund(db_session):
    emma = _customer(db_session, "emma@example.com")
    assert emma.account_locked and emma.failed_logins == 5
    oliver = _customer(db_session, "oliver@example.com")
    assert "Shopify" in oliver.notes and oliver.subscriptions[0].plan == "Business"
    ava = _customer(db_session, "ava@example.com")
    assert ava.tier == CustomerTier.VIP and float(ava.lifetime_value) == 12480.0
    assert _order(db_session, "1075").customer is ava and _order(db_session, "1075").status == OrderStatus.PROCESSING
    refund = _order(db_session, "1080")
    assert refund.customer.email == "lucas@example.com" and refund.status == OrderStatus.RETURNED
    assert [(r.kind.value, r.status.value) for r in refund.resolutions] == [("return", "granted"), ("refund", "in_progress")]


def test_every_delivered_order_has_an_invoice_with_its_url(db_session):
    delivered = db_session.execute(select(Order).where(Order.status == OrderStatus.DELIVERED)).scalars().all()
    invoices = {i.order_id: i for i in db_session.execute(select(Invoice)).scalars()}
    assert delivered and all(o.id in invoices for o in delivered)
    assert all(i.url == f"/api/invoices/{i.number}" for i in invoices.values())


def test_only_the_scenario_orders_are_late(db_session):
    today = dt.datetime.utcnow().date()
    late = [o.number for o in db_session.execute(select(Order)).scalars()
            if o.promised_date and (o.delivered_at.date() if o.delivered_at else today) > o.promised_date
            and o.status != OrderStatus.CANCELLED]
    assert late == ["1042"]


def test_agents_log_in_with_the_demo_password(db_session):
    dana = db_session.execute(select(Agent).where(Agent.username == "dana")).scalar_one()
    assert dana.display_name == "Dana" and float(dana.resolution_budget) == 100.0 and dana.max_concurrent == 3
    assert check_password("support-demo", dana.password_hash) and not check_password("wrong", dana.password_hash)


def _snapshot(session):
    rows = session.execute(select(Order).order_by(Order.number)).scalars()
    return [(o.number, o.customer.email, o.status, o.placed_at, o.promised_date, o.delivered_at, o.total,
             [(i.sku, i.condition) for i in o.items], [(e.at, e.description) for e in o.tracking_events])
            for o in rows]


def test_seed_is_deterministic_for_a_given_now(tmp_path):
    from common.settings import Settings
    from store.db import make_engine, session_factory
    from store.migrate import migrate

    snapshots = []
    for name in ("a.db", "b.db"):
        settings = Settings(database_url=f"sqlite:///{tmp_path / name}", seed_fast=True)
        migrate(settings, seed=False)
        engine = make_engine(settings)
        with session_factory(engine)() as session:
            seed(session, now=NOW, fast=True)
            session.commit()
            snapshots.append(_snapshot(session))
        engine.dispose()
    assert snapshots[0] == snapshots[1]
    assert dict((s[0], s[4]) for s in snapshots[0])["1042"] == NOW.date() - dt.timedelta(days=3)
