"""The read models' public face: one import for the bot, the console and the service.

The functions live by concept in :mod:`store.read` (customers, orders, billing, records,
context); this module only re-exports them.
"""

from __future__ import annotations

from store.read.billing import (
    charge_dict,
    duplicate_charges,
    duplicate_of,
    duplicate_pairs,
    get_invoice,
    invoices_for,
    recent_charges,
    subscriptions_for,
)
from store.read.context import customer_context, most_pressing_issue
from store.read.customers import customer_brief, customer_dict, find_customer_by_email, get_customer, list_customers
from store.read.orders import (
    days_late,
    find_order,
    get_order,
    late_orders,
    order_summary,
    order_timeline,
    orders_for,
    verify_order_owner,
)
from store.read.records import refunds_in_progress, resolution_dict, resolutions_for
from store.read.summary import conversation_facts
from store.read.values import JSON, normalize_email, normalize_order_number

__all__ = [
    "JSON", "charge_dict", "conversation_facts", "customer_brief", "customer_context", "customer_dict", "days_late", "duplicate_charges",
    "duplicate_of", "duplicate_pairs", "find_customer_by_email", "find_order", "get_customer", "get_invoice",
    "get_order", "invoices_for", "late_orders", "list_customers", "most_pressing_issue", "normalize_email",
    "normalize_order_number", "order_summary", "order_timeline", "orders_for", "recent_charges",
    "refunds_in_progress", "resolution_dict", "resolutions_for", "subscriptions_for", "verify_order_owner",
]
