"""Read models of the shop: JSON-ready dicts for the bot, the console and the service.

Every function takes a synchronous ``Session`` first (the handoff service calls them through
``run_sync``) and never writes. Results hold only plain values: money as ``float`` with two
decimals, dates and times as ISO strings, enums as their string values (:mod:`store.read.values`).
A few lookups return the ORM ``Order`` on purpose, since they feed ``order_summary`` /
``order_timeline`` and the resolution functions. :mod:`store.queries` re-exports the public names.
"""
