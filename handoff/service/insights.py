"""Insights for signed-in agents: the report, transcript search and review, test-story export.

Read-only: each function checks the agent token and calls the ``insights`` package, which
only reads the store.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from sqlalchemy.orm import Session

from handoff import errors
from handoff.service.agents import verify_token
from handoff.service.context import Service
from insights import queries
from insights import report as insights_report
from insights import search as insights_search
from insights import story as insights_story
from insights.voice import load_rules
from store.models.base import utcnow


async def report(svc: Service, token: Any, since: Optional[str]) -> Dict[str, Any]:
    """``GET /api/insights?since=30d``: every figure of the period."""
    verify_token(svc, token)
    try:
        span = insights_report.parse_period(since)
    except ValueError as exc:
        raise errors.InvalidPayload(str(exc)) from exc
    rules = load_rules(svc.settings.policy_dir)
    now = utcnow()
    return await svc.run(insights_report.build, now - span, rules, now)


async def search(svc: Service, token: Any, args: Dict[str, str]) -> Dict[str, Any]:
    """``GET /api/insights/conversations?text=&intent=&reason=&from=&to=&csat_min=&csat_max=&since=``."""
    verify_token(svc, token)
    try:
        filters = insights_search.Filters.from_args(args)
        span = insights_report.parse_period(args.get("since") or "90d")
    except ValueError as exc:
        raise errors.InvalidPayload(str(exc)) from exc

    def tx(s: Session) -> Dict[str, Any]:
        return insights_search.search(queries.conversations(s, utcnow() - span), filters)

    return await svc.run(tx)


async def transcript(svc: Service, token: Any, conversation_id: int) -> Dict[str, Any]:
    """``GET /api/insights/conversations/<id>``: one transcript for review."""
    verify_token(svc, token)
    conv = await svc.run(queries.conversation, conversation_id)
    if conv is None:
        raise errors.NotFound("There is no such conversation.")
    return insights_search.transcript(conv)


async def story(svc: Service, token: Any, conversation_id: int) -> str:
    """``GET /api/insights/conversations/<id>/story``: the conversation as a Rasa test story (YAML)."""
    verify_token(svc, token)
    text = await svc.run(insights_story.story_for, conversation_id)
    if text is None:
        raise errors.NotFound("There is no such conversation.")
    return text
