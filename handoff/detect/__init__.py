"""Frustration and high-stakes detector: explainable scores for customer messages.

``Detector.load()`` once per process, then ``score_message(text)`` or
``score_turn(text, history, ...)``; see docs/detector.md for the policy.
"""

from handoff.detect.detector import Detector
from handoff.detect.finding import Finding, Turn
from handoff.detect.learned import ModelError
from handoff.detect.policy import PolicyError

__all__ = ["Detector", "Finding", "Turn", "PolicyError", "ModelError"]
