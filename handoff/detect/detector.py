"""The detector: loads spaCy, the lexicon and the policy once; scores messages and turns."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional, Sequence

from handoff.detect import conversation as conv
from handoff.detect.finding import Evidence, Finding, Turn
from handoff.detect.learned import LearnedModel, learned_evidence
from handoff.detect.lexicon import Lexicon, load_lexicon
from handoff.detect.message import analyse
from handoff.detect.pipeline import Pipeline, load_pipeline
from handoff.detect.policy import Policy, load_detector_policy
from handoff.detect.scoring import combine


class Detector:
    """Frustration and high-stakes detector. Build with ``Detector.load()``.

    After loading, scoring does no I/O; one instance is safe to share inside a process
    (spaCy inference is re-entrant for single documents).
    """

    def __init__(self, nlp: Any, lexicon: Lexicon, policy: Policy,
                 model: Optional[LearnedModel] = None) -> None:
        """``nlp``: a ``Pipeline`` or the spaCy ``Language`` from ``load_pipeline()``;
        ``model``: the learned heads (read from the policy's ``learned.model`` when None and
        the policy has a ``learned`` section)."""
        self.nlp, self.lexicon, self.policy = Pipeline.of(nlp), lexicon, policy
        if model is None and policy.learned is not None:
            model = LearnedModel.load(policy.learned.model_path)
        self.model = model
        self._order_pattern = conv.compile_order_pattern(policy.conversation)

    @classmethod
    def load(cls, policy_path: Optional[Path] = None) -> "Detector":
        """Load spaCy (tokenizer, tok2vec, parser), the lexicon and the policy.

        Raises:
            PolicyError: the policy file is missing or invalid.
            ModelNotFound: the pinned spaCy model is not installed.
            ModelError: the learned model file is missing or unreadable.
        """
        policy = load_detector_policy(policy_path)
        nlp = load_pipeline()
        lexicon = load_lexicon(policy.sentiment.extra_negations)
        return cls(nlp, lexicon, policy)

    def _message_evidence(self, text: str) -> List[Evidence]:
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        evidence = analyse(self.nlp, self.lexicon, self.policy, text)
        if self.model is not None and self.policy.learned is not None:
            evidence.extend(learned_evidence(self.model, self.policy.learned, text))
        return evidence

    def score_message(self, text: str) -> Finding:
        """Message-level finding: this text alone."""
        return combine(self.policy, self._message_evidence(text))

    def score_turn(self, text: str, history: Sequence[Turn] = (), *, waiting_s: float = 0.0,
                   customer_value: float = 0.0, order_numbers: Sequence[str] = ()) -> Finding:
        """Conversation-level finding for the current customer message.

        Args:
            text: the current message.
            history: earlier customer turns, oldest first (pass their findings to avoid
                re-scoring them).
            waiting_s: seconds the customer has waited for a useful answer.
            customer_value: the customer's lifetime value (USD).
            order_numbers: order numbers the current message is about (e.g. from entities).
        """
        policy = self.policy.conversation
        evidence = self._message_evidence(text)
        message_finding = combine(self.policy, evidence)
        earlier = [t.finding.score if t.finding is not None else self.score_message(t.text).score
                   for t in history[-(policy.trend_window - 1):]] if history else []
        extra = [
            conv.fallback_evidence(history, policy),
            conv.repetition_evidence(text, history, policy),
            conv.same_issue_evidence(text, history, order_numbers, policy, self._order_pattern),
            conv.trend_evidence([*earlier, message_finding.score], policy),
            conv.waiting_evidence(waiting_s, policy),
        ]
        evidence.extend(e for e in extra if e is not None)
        value_reason = policy.value_reason.format(value=f"{customer_value:,.0f}")
        return combine(self.policy, evidence, customer_value=customer_value,
                       value_reason=value_reason)
