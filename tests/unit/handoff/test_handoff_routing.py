"""Queue priority, least-busy routing and wait estimates (limits: test_handoff_limits.py)."""

from __future__ import annotations

from handoff.policy import QueuePolicy
from handoff.service.routing import AgentLoad, estimated_wait_s, least_busy, priority, sort_queue


def test_priority_grows_with_severity_waiting_and_value() -> None:
    q = QueuePolicy()
    base = priority(q, "none", 0, 0)
    assert priority(q, "severe", 0, 0) > priority(q, "elevated", 0, 0) > base
    assert priority(q, "none", 300, 0) > base
    assert priority(q, "none", 0, 12480) > base
    assert priority(q, "severe", 10_000, 1e9) == 1.0


def test_least_busy_available_agent() -> None:
    agents = [AgentLoad(1, True, 2, 3), AgentLoad(2, True, 1, 3), AgentLoad(3, False, 0, 3), AgentLoad(4, True, 3, 3)]
    assert least_busy(agents) == 2
    assert least_busy([AgentLoad(1, True, 3, 3), AgentLoad(2, False, 0, 3)]) is None
    assert least_busy([AgentLoad(5, True, 1, 3), AgentLoad(4, True, 1, 3)]) == 4


def test_wait_estimate() -> None:
    q = QueuePolicy(average_handle_s=180)
    assert estimated_wait_s(q, 1, 0, 0) is None
    assert estimated_wait_s(q, 1, 1, 1) == 60
    assert estimated_wait_s(q, 3, 1, 1) > estimated_wait_s(q, 2, 1, 1)


def test_sort_queue_priority_then_wait() -> None:
    items = [{"id": 1, "priority": 0.2, "waiting_s": 50}, {"id": 2, "priority": 0.9, "waiting_s": 1},
             {"id": 3, "priority": 0.2, "waiting_s": 90}]
    assert [i["id"] for i in sort_queue(items)] == [2, 3, 1]
