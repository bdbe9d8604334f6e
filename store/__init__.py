"""The store: SQLAlchemy models, repositories and demo seed data.

Shared by the Rasa action server (synchronous sessions) and the handoff service
(asyncio sessions, calling the same repository functions through ``run_sync``).
"""
