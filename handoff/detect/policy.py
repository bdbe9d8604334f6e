"""The detector's policy (policy/detector.yml), loaded and checked once.

Every number, word list and reason template the detector uses lives in the YAML file so
designers can tune it; this module turns it into typed, validated objects and fails with
a message that names the offending key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from handoff.detect.finding import TOPICS
from handoff.detect.phrases import PhraseError, PhraseSet

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POLICY_PATH = REPO_ROOT / "policy" / "detector.yml"


class PolicyError(ValueError):
    """The policy file is missing, malformed or has an invalid value."""


class _Section:
    """Typed reads from one mapping of the YAML file, with the key path in errors."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise PolicyError(f"{path or 'policy'} must be a mapping")
        self.data, self.path = data, path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def section(self, key: str) -> "_Section":
        if key not in self.data:
            raise PolicyError(f"{self._where(key)} is missing")
        return _Section(self.data[key], self._where(key))

    def num(self, key: str, default: Optional[float] = None, lo: float = 0.0,
            hi: float = float("inf")) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PolicyError(f"{self._where(key)} must be a number, got {value!r}")
        if not lo <= value <= hi:
            raise PolicyError(f"{self._where(key)} must be within {lo}..{hi}, got {value}")
        return float(value)

    def text(self, key: str, default: Optional[str] = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value:
            raise PolicyError(f"{self._where(key)} must be a non-empty string")
        return value

    def words(self, key: str, default: Optional[List[str]] = None) -> Tuple[str, ...]:
        value = self.data.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise PolicyError(f"{self._where(key)} must be a list of strings")
        return tuple(str(v) for v in value)

    def phrases(self, key: str) -> PhraseSet:
        try:
            return PhraseSet(self.words(key))
        except PhraseError as exc:
            raise PolicyError(f"{self._where(key)}: {exc}") from exc


@dataclass(frozen=True)
class Thresholds:
    elevated: float
    severe: float
    topic_floor: float


@dataclass(frozen=True)
class SentimentPolicy:
    weight: float
    positive_offset: float
    center: float
    spread: float
    min_reason: float
    reason: str
    extra_negations: Tuple[str, ...]
    ignore: frozenset
    discount: frozenset
    discount_factor: float


@dataclass(frozen=True)
class CuePolicy:
    """A weighted phrase list: anger, profanity, escalation, urgency, sarcasm."""

    weight: float
    saturate: int
    reason: str
    matcher: PhraseSet


@dataclass(frozen=True)
class IntensityPolicy:
    weight: float
    amplify: float
    caps_min_words: int
    exclaim_run: int
    question_run: int
    elongation_run: int
    allowed_caps: frozenset
    reason: str


@dataclass(frozen=True)
class TopicPolicy:
    name: str
    reason: str
    matcher: PhraseSet


@dataclass(frozen=True)
class ConversationPolicy:
    fallback_intents: frozenset
    min_confidence: float
    fallback_streak: int
    fallback_weight: float
    fallback_reason: str
    repeat_similarity: float
    repeat_weight: float
    repeat_saturate: int
    repeat_reason: str
    issue_min_turns: int
    issue_weight: float
    issue_reason: str
    order_pattern: str
    issue_ignore_intents: frozenset
    intent_reason: str
    trend_window: int
    trend_min_turns: int
    trend_min_rise: float
    trend_weight: float
    trend_reason: str
    waiting_start_s: float
    waiting_full_s: float
    waiting_weight: float
    waiting_reason: str
    value_threshold: float
    value_boost: float
    value_reason: str
    # "that's not what I asked", "you're not understanding me": complaints about the bot's understanding
    not_understood: Tuple[str, ...] = ()


@dataclass(frozen=True)
class HeadPolicy:
    """How one learned head counts: strength = (p - floor) / (1 - floor), 0 below the floor."""

    head: str
    weight: float
    floor: float
    reason: str


@dataclass(frozen=True)
class LearnedPolicy:
    """The learned model's file and how its heads add to the score."""

    model_path: Path
    heads: Tuple[HeadPolicy, ...]
    min_reason: float


@dataclass(frozen=True)
class Policy:
    """Everything in policy/detector.yml, validated."""

    thresholds: Thresholds
    sentiment: SentimentPolicy
    cues: Dict[str, CuePolicy]
    sarcasm_context: float
    intensity: IntensityPolicy
    topics: Tuple[TopicPolicy, ...]
    amount_threshold: float
    amount_reason: str
    conversation: ConversationPolicy
    learned: Optional[LearnedPolicy] = None


def _learned(sec: _Section) -> LearnedPolicy:
    model = Path(sec.text("model"))
    heads_sec = sec.section("heads")
    heads = []
    for name in heads_sec.data:
        head = heads_sec.section(str(name))
        floor = head.num("floor", hi=0.99)
        heads.append(HeadPolicy(str(name), head.num("weight", hi=10), floor, head.text("reason")))
    return LearnedPolicy(model_path=model if model.is_absolute() else REPO_ROOT / model,
                         heads=tuple(heads), min_reason=sec.num("min_reason", 0.0, hi=1))


def _cue(root: _Section, name: str, key: str = "phrases") -> CuePolicy:
    sec = root.section(name)
    return CuePolicy(
        weight=sec.num("weight", hi=10),
        saturate=int(sec.num("saturate", 1, lo=1, hi=20)),
        reason=sec.text("reason"),
        matcher=sec.phrases(key),
    )


def _phrase_list(sec: _Section, key: str) -> Tuple[str, ...]:
    """An optional ``<key>.phrases`` list, checked to compile (compiled where it is used)."""
    if key not in sec.data:
        return ()
    return sec.section(key).phrases("phrases").phrases


def _conversation(sec: _Section) -> ConversationPolicy:
    fb, rep, issue = sec.section("fallback"), sec.section("repetition"), sec.section("same_issue")
    trend, wait, value = sec.section("trend"), sec.section("waiting"), sec.section("value")
    order_pattern = issue.text("order_pattern")
    try:
        PhraseSet([order_pattern])
    except PhraseError as exc:
        raise PolicyError(f"conversation.same_issue.order_pattern: {exc}") from exc
    start_s, full_s = wait.num("start_s"), wait.num("full_s")
    if full_s <= start_s:
        raise PolicyError("conversation.waiting.full_s must be above start_s")
    return ConversationPolicy(
        fallback_intents=frozenset(fb.words("intents")),
        min_confidence=fb.num("min_confidence", hi=1),
        fallback_streak=int(fb.num("streak", lo=1, hi=20)),
        fallback_weight=fb.num("weight", hi=10),
        fallback_reason=fb.text("reason"),
        repeat_similarity=rep.num("similarity", lo=0.05, hi=1),
        repeat_weight=rep.num("weight", hi=10),
        repeat_saturate=int(rep.num("saturate", lo=1, hi=20)),
        repeat_reason=rep.text("reason"),
        issue_min_turns=int(issue.num("min_turns", lo=2, hi=50)),
        issue_weight=issue.num("weight", hi=10),
        issue_reason=issue.text("reason"),
        order_pattern=order_pattern,
        issue_ignore_intents=frozenset(issue.words("ignore_intents", [])),
        intent_reason=issue.text("intent_reason"),
        trend_window=int(trend.num("window", lo=2, hi=50)),
        trend_min_turns=int(trend.num("min_turns", lo=2, hi=50)),
        trend_min_rise=trend.num("min_rise", hi=1),
        trend_weight=trend.num("weight", hi=10),
        trend_reason=trend.text("reason"),
        waiting_start_s=start_s,
        waiting_full_s=full_s,
        waiting_weight=wait.num("weight", hi=10),
        waiting_reason=wait.text("reason"),
        value_threshold=value.num("threshold"),
        value_boost=value.num("boost", hi=10),
        value_reason=value.text("reason"),
        not_understood=_phrase_list(sec, "not_understood"),
    )


def parse_policy(data: Any) -> Policy:
    """Validate a decoded policy document.

    Raises:
        PolicyError: naming the first offending key.
    """
    root = _Section(data, "")
    th = root.section("thresholds")
    thresholds = Thresholds(th.num("elevated", hi=1), th.num("severe", hi=1),
                            th.num("topic_floor", hi=1))
    if not 0 < thresholds.elevated < thresholds.severe <= thresholds.topic_floor:
        raise PolicyError("thresholds must satisfy 0 < elevated < severe <= topic_floor")
    se = root.section("sentiment")
    sentiment = SentimentPolicy(
        weight=se.num("weight", hi=10), positive_offset=se.num("positive_offset", hi=1),
        center=se.num("center", hi=20), spread=se.num("spread", lo=0.05, hi=20),
        min_reason=se.num("min_reason", hi=1),
        reason=se.text("reason"), extra_negations=se.words("extra_negations", []),
        ignore=frozenset(w.lower() for w in se.words("ignore", [])),
        discount=frozenset(w.lower() for w in se.section("discount").words("words")),
        discount_factor=se.section("discount").num("factor", hi=1),
    )
    cues = {
        "anger": _cue(root, "anger", "words"),
        "profanity": _cue(root, "profanity", "words"),
        "escalation": _cue(root, "escalation"),
        "problem": _cue(root, "problem"),
        "urgency": _cue(root, "urgency"),
        "sarcasm": _cue(root, "sarcasm"),
    }
    if "directed" in root.data:  # optional: anger aimed at the company or its people
        cues["directed"] = _cue(root, "directed", "targets")
    it = root.section("intensity")
    intensity = IntensityPolicy(
        weight=it.num("weight", hi=10), amplify=it.num("amplify", hi=10),
        caps_min_words=int(it.num("caps_min_words", lo=1, hi=50)),
        exclaim_run=int(it.num("exclaim_run", lo=1, hi=20)),
        question_run=int(it.num("question_run", lo=1, hi=20)),
        elongation_run=int(it.num("elongation_run", lo=2, hi=20)),
        allowed_caps=frozenset(w.lower() for w in it.words("allowed_caps", [])),
        reason=it.text("reason"),
    )
    tp = root.section("topics")
    unknown = set(tp.data) - set(TOPICS)
    if unknown:
        raise PolicyError(f"topics: unknown topic(s) {sorted(unknown)}; known: {list(TOPICS)}")
    topics = tuple(
        TopicPolicy(name, tp.section(name).text("reason"), tp.section(name).phrases("phrases"))
        for name in TOPICS if name in tp.data and name != "large_amount"
    )
    amount = tp.section("large_amount")
    return Policy(
        thresholds=thresholds, sentiment=sentiment, cues=cues,
        sarcasm_context=root.section("sarcasm").num("needs_negative_context", 0.2, hi=1),
        intensity=intensity, topics=topics, amount_threshold=amount.num("threshold"),
        amount_reason=amount.text("reason"),
        conversation=_conversation(root.section("conversation")),
        learned=_learned(root.section("learned")) if "learned" in root.data else None,
    )


def load_detector_policy(path: Optional[Path] = None) -> Policy:
    """Read and validate the policy file (default: policy/detector.yml)."""
    path = Path(path) if path is not None else DEFAULT_POLICY_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"cannot read detector policy {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path} is not valid YAML: {exc}") from exc
    try:
        return parse_policy(data)
    except PolicyError as exc:
        raise PolicyError(f"{path}: {exc}") from exc
