"""The learned part of the detector: logistic regression heads over word and character n-grams.

Trained by ``python -m bench.train_detector`` (``make train-detector``) on public tweets (see
docs/detector.md) and shipped as plain arrays in ``handoff/detect/model/detector_model.npz``
(no pickle). Each head reads one thing (``anger``: the wording reads as angry; ``negative``: as
negative; ``offensive``: as offensive) as a probability, and names the words that pushed it up,
so its contribution to the score comes with a reason like every rule's.

Features are binary n-gram presence x idf, L2-normalised (``handoff.detect.ngrams``);
``p = sigmoid(intercept + coef . x)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy

from handoff.detect.cues import quote
from handoff.detect.finding import Evidence
from handoff.detect.ngrams import features
from handoff.detect.policy import LearnedPolicy
from handoff.detect.scoring import LEARNED_PREFIX

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "model" / "detector_model.npz"
FORMAT = 1


class ModelError(ValueError):
    """The model file is missing, unreadable or of another format."""


@dataclass(frozen=True)
class Reading:
    """One head's reading of a message.

    Attributes:
        head: what the head reads ("anger", "negative", "offensive").
        probability: 0..1, the head's probability for the message.
        words: the message's words that raised it most, strongest first.
    """

    head: str
    probability: float
    words: Tuple[str, ...]


class LearnedModel:
    """The heads with their shared vocabulary. Build with ``LearnedModel.load()``; pure after."""

    def __init__(self, vocabulary: Sequence[str], idf: numpy.ndarray, coef: numpy.ndarray,
                 intercept: numpy.ndarray, heads: Sequence[str]) -> None:
        if coef.shape != (len(heads), len(vocabulary)) or idf.shape != (len(vocabulary),):
            raise ModelError("model arrays do not match its vocabulary and heads")
        self.index: Dict[str, int] = {f: i for i, f in enumerate(vocabulary)}
        self.idf = idf.astype(numpy.float64)
        self.coef = coef.astype(numpy.float64)
        self.intercept = intercept.astype(numpy.float64)
        self.heads = tuple(heads)

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL_PATH) -> "LearnedModel":
        """Read the arrays written by the training script.

        Raises:
            ModelError: the file is missing or not a detector model of this format.
        """
        try:
            with numpy.load(path, allow_pickle=False) as data:
                if int(data["format"]) != FORMAT:
                    raise ModelError(f"{path}: model format {int(data['format'])}, expected {FORMAT}")
                vocabulary = bytes(data["vocabulary"]).decode("utf-8").split("\n")
                heads = str(data["heads"]).split(",")
                return cls(vocabulary, data["idf"], data["coef"], data["intercept"], heads)
        except (OSError, KeyError, ValueError) as exc:
            if isinstance(exc, ModelError):
                raise
            raise ModelError(f"cannot read the detector model {path}: {exc}") from exc

    def vectorise(self, text: str) -> "Vector":
        """The message's known features: ids, values (binary x idf, L2-normalised), and the
        token each came from."""
        toks, feats = features(text)
        seen: Dict[int, int] = {}
        for feat, pos in feats:
            i = self.index.get(feat)
            if i is not None and i not in seen:
                seen[i] = pos
        ids = numpy.fromiter(seen.keys(), dtype=numpy.int64, count=len(seen))
        values = self.idf[ids]
        norm = math.sqrt(float(values @ values)) if len(ids) else 1.0
        return Vector(toks, ids, values / norm, list(seen.values()))

    def probabilities(self, vector: "Vector") -> List[float]:
        """Each head's probability, in the model's head order."""
        logits = self.intercept + self.coef[:, vector.ids] @ vector.values
        return [1.0 / (1.0 + math.exp(-float(z))) for z in logits]

    def top_words(self, vector: "Vector", head: str, top: int = 3, share: float = 0.3) -> Tuple[str, ...]:
        """The words that raised ``head`` most (character n-grams count for their word,
        a bigram for its first word), strongest first; only words with at least ``share`` of
        the strongest word's contribution."""
        contrib = self.coef[self.heads.index(head), vector.ids] * vector.values
        per_token: Dict[int, float] = {}
        for pos, c in zip(vector.positions, contrib.tolist(), strict=False):
            per_token[pos] = per_token.get(pos, 0.0) + c
        words: List[str] = []
        best = 0.0
        for pos in sorted(per_token, key=lambda p: -per_token[p]):
            c, word = per_token[pos], vector.tokens[pos]
            best = best or c
            if c <= 0 or c < share * best or len(words) == top:
                break
            if word not in words and word != "@user":
                words.append(word)
        return tuple(words)

    def read(self, text: str, top: int = 3) -> List[Reading]:
        """Every head's reading of ``text``, in the model's head order."""
        vector = self.vectorise(text)
        return [Reading(head, p, self.top_words(vector, head, top))
                for head, p in zip(self.heads, self.probabilities(vector), strict=False)]


@dataclass(frozen=True)
class Vector:
    """A message as the model sees it (see ``LearnedModel.vectorise``)."""

    tokens: List[str]
    ids: numpy.ndarray
    values: numpy.ndarray
    positions: List[int]


def learned_evidence(model: "LearnedModel", policy: LearnedPolicy, text: str) -> List[Evidence]:
    """One piece of evidence per head above its floor: strength (p - floor) / (1 - floor).

    The reason names the probability and the words that raised it; a contribution below
    ``policy.min_reason`` counts with no reason shown (as weak sentiment does).
    """
    vector = model.vectorise(text)
    probability = dict(zip(model.heads, model.probabilities(vector), strict=False))
    out: List[Evidence] = []
    for head in policy.heads:
        p = probability.get(head.head)
        if p is None or p <= head.floor:
            continue
        strength = (p - head.floor) / (1.0 - head.floor)
        reason = ""
        if strength >= policy.min_reason:
            words = model.top_words(vector, head.head)
            evidence = quote(list(words)) if words else "its wording"
            reason = head.reason.format(probability=f"{p:.2f}", evidence=evidence)
        out.append(Evidence(LEARNED_PREFIX + head.head, strength, reason))
    return out
