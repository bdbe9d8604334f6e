"""Choose how the learned heads add to the rules (``learned.heads`` and the thresholds).

Tuning data, none of it reported as a result:
  [0] GoEmotions dev, *tune* half (../shared/eval): anger/disgust vs calm (no negative label)
  [1] TweetEval emotion train: anger vs rest, with the anger head's probability out of fold
  [2] TweetEval sentiment val+test: negative vs rest, the negative head out of fold
Every row is scored once by the rules alone and by each head; a grid of head weights and
floors and of the sentiment weight is then recomputed exactly as ``scoring.combine`` does.
For each setting, the severe threshold is the lowest on a grid that keeps GoEmotions calm rows
rated severe at or under ``--max-calm-severe``, and the elevated one the lowest that keeps calm
rows rated elevated or severe at or under ``--max-calm-elevated``. Prints the settings with the
best mean ROC-AUC; copy the chosen ones into policy/detector.yml by hand. The GoEmotions
held-out half, TweetEval emotion val, offensive val and our probe set are never read here.

The pick (printed last, shipped in policy/detector.yml): among settings at least as good as the
rules alone on [0] and keeping ``sentiment.weight`` >= 0.5 (the parse-aware negation lives
there), the best AUC sum on [1] + [2] (the negative head stands in for complaints to
companies, which we have no data for). ``--top 5000`` prints every setting.

Usage: python -m bench.tune_detector [--eval-dir DIR] [--data-dir DIR] [--top 15]
       [--highest-severe 0.82] [--highest-elevated 0.42] [--max-calm-severe 0.016]
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import numpy

from bench.eval_detector import DEFAULT_EVAL_DIR, NEGATIVE, SEVERE, auc, load_goemotions
from bench.shared import shared_dir

WEIGHTS = (0.0, 0.2, 0.4, 0.8, 1.2)
FLOORS = (0.3, 0.5)
SENTIMENT_WEIGHTS = (0.35, 0.5, 0.7)
SEVERE_GRID = tuple(round(0.80 + 0.01 * i, 2) for i in range(13))    # 0.80 .. 0.92
ELEVATED_GRID = tuple(round(0.40 + 0.01 * i, 2) for i in range(31))  # 0.40 .. 0.70


@dataclass
class TuneSet:
    """Rows with 0/1 labels, each head's probability, and the rules' raw parts."""

    name: str
    texts: List[str]
    y: numpy.ndarray
    probs: numpy.ndarray
    base: numpy.ndarray = field(default_factory=lambda: numpy.zeros(0))
    sentiment: numpy.ndarray = field(default_factory=lambda: numpy.zeros(0))
    intensity: numpy.ndarray = field(default_factory=lambda: numpy.zeros(0))
    topic: numpy.ndarray = field(default_factory=lambda: numpy.zeros(0, dtype=bool))

    def score_rules(self, detector) -> None:
        """Per row: the rules' raw sum without sentiment and before intensity, the sentiment
        strength, the intensity strength, and whether a topic fired (learned heads off)."""
        policy = detector.policy
        rules = detector.__class__(detector.nlp, detector.lexicon, replace(policy, learned=None),
                                   detector.model)
        iw, sw = policy.intensity.weight, policy.sentiment.weight
        rows = []
        for text in self.texts:
            f = rules.score_message(text)
            s = f.signals
            other = sum(v for k, v in s.items() if not k.startswith("topic:") and k not in ("intensity", "sentiment"))
            rows.append((other, s.get("sentiment", 0.0) / sw, s.get("intensity", 0.0) / iw, bool(f.topics)))
        base, sent, inten, topic = zip(*rows, strict=False)
        self.base, self.sentiment = numpy.array(base), numpy.array(sent)
        self.intensity, self.topic = numpy.array(inten), numpy.array(topic)

    def combined(self, ws: Sequence[float], fs: Sequence[float], sw: float, amp: float, iw: float,
                 topic_floor: float) -> numpy.ndarray:
        """The score ``combine`` gives with these head weights and floors and sentiment weight."""
        learned = sum(w * numpy.clip((self.probs[:, h] - f) / (1 - f), 0, None)
                      for h, (w, f) in enumerate(zip(ws, fs, strict=False)) if w)
        raw = (self.base + sw * self.sentiment + learned) * (1 + amp * self.intensity) + iw * self.intensity
        score = 1 - numpy.exp(-raw)
        return numpy.where(self.topic, numpy.maximum(score, topic_floor), score)


def out_of_fold_sets(data_dir: Path, heads: Sequence[str], model) -> List[TuneSet]:
    """TweetEval emotion train (anger vs rest) and sentiment (negative vs rest), each with its
    own head's probability out of fold (5 folds, the same training as train_detector) and the
    other heads' probability from the shipped model (those rows were not in their data)."""
    from sklearn.model_selection import StratifiedKFold

    from bench.train_detector import C, build_vocabulary, datasets, feature_sets, fit, matrix

    data = datasets(data_dir)
    feats = {h: feature_sets(t) for h, (t, _) in data.items()}
    vocabulary, idf = build_vocabulary([f for h in feats for f in feats[h]])
    index = {f: i for i, f in enumerate(vocabulary)}
    out = []
    for head, name in (("anger", "TweetEval emotion train (out of fold), anger vs rest"),
                       ("negative", "TweetEval sentiment val+test (out of fold), negative vs rest")):
        texts, y = data[head]
        y_arr = numpy.asarray(y)
        x = matrix(feats[head], index, idf)
        oof = numpy.zeros(len(y_arr))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y_arr):
            oof[test] = fit(x[train], y_arr[train], C[head]).predict_proba(x[test])[:, 1]
        probs = numpy.array([[{r.head: r.probability for r in model.read(t)}[h] for h in heads] for t in texts])
        probs[:, list(heads).index(head)] = oof
        out.append(TuneSet(name, list(texts), y_arr, probs))
    return out


def calm_share(calm_scores: numpy.ndarray, calm_topic: numpy.ndarray) -> Callable[[float], float]:
    """Share of calm rows at or above a threshold (a topic always counts)."""
    return lambda t: float(((calm_scores >= t) | calm_topic).mean())


def lowest(grid: Sequence[float], share_at: Callable[[float], float], limit: float) -> Optional[float]:
    """The lowest threshold on ``grid`` whose share stays at or under ``limit``."""
    return next((t for t in grid if share_at(t) <= limit), None)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--data-dir", type=Path, default=shared_dir() / "data")
    parser.add_argument("--max-calm-severe", type=float, default=0.016)
    parser.add_argument("--max-calm-elevated", type=float, default=0.145)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--highest-severe", type=float, default=0.82,
                        help="the severe threshold may not go above this (the handoff policy "
                             "was designed around 0.80)")
    parser.add_argument("--highest-elevated", type=float, default=0.42)
    args = parser.parse_args(argv)

    from handoff.detect import Detector

    detector = Detector.load()
    policy = detector.policy
    if detector.model is None or policy.learned is None:
        print("the policy has no learned section")
        return 2
    heads = [h.head for h in policy.learned.heads]
    ge = [r for r in load_goemotions(args.eval_dir / "goemotions") if r.split == "tune"]
    ge = [r for r in ge if r.labels & SEVERE or not r.labels & NEGATIVE]
    ge_probs = numpy.array([[{x.head: x.probability for x in detector.model.read(r.text)}[h] for h in heads]
                            for r in ge])
    sets = [TuneSet("GoEmotions tune half, anger/disgust vs calm", [r.text for r in ge],
                    numpy.array([int(bool(r.labels & SEVERE)) for r in ge]), ge_probs)]
    sets += out_of_fold_sets(args.data_dir, heads, detector.model)
    for ts in sets:
        ts.score_rules(detector)
    amp, iw, floor = policy.intensity.amplify, policy.intensity.weight, policy.thresholds.topic_floor
    calm = sets[0].y == 0
    results: List[tuple] = []
    for ws in itertools.product(WEIGHTS, repeat=len(heads)):
        for fs in itertools.product(FLOORS, repeat=len(heads)):
            if any(w == 0 and f != FLOORS[0] for w, f in zip(ws, fs, strict=False)):
                continue
            for sw in SENTIMENT_WEIGHTS:
                scores = [ts.combined(ws, fs, sw, amp, iw, floor) for ts in sets]
                share = calm_share(scores[0][calm], sets[0].topic[calm])
                severe = lowest([t for t in SEVERE_GRID if t <= args.highest_severe], share,
                                args.max_calm_severe)
                elevated = lowest([t for t in ELEVATED_GRID if t <= args.highest_elevated], share,
                                  args.max_calm_elevated)
                if severe is None or elevated is None:
                    continue
                aucs = [auc(ts.y.tolist(), s.tolist()) for ts, s in zip(sets, scores, strict=False)]
                results.append((float(numpy.mean(aucs)), aucs, ws, fs, sw, elevated, severe))
    results.sort(key=lambda r: -r[0])
    print(f"heads {heads}; " + "; ".join(f"[{k}] {ts.name} n={len(ts.y)}" for k, ts in enumerate(sets)))
    rules = next(r for r in results if not any(r[2]) and r[4] == max(SENTIMENT_WEIGHTS))
    eligible = [r for r in results if r[1][0] >= rules[1][0] and r[4] >= 0.5]
    pick = max(eligible, key=lambda r: r[1][1] + r[1][2]) if eligible else rules
    for label, (mean, aucs, ws, fs, sw, elevated, severe) in (
            [("rules alone", rules)] + [("", r) for r in results[:args.top]] + [("PICK", pick)]):
        print(f"{label:<11} mean AUC {mean:.4f} ({' / '.join(f'{a:.4f}' for a in aucs)})  head weights {ws} "
              f"floors {fs} sentiment {sw}  elevated {elevated} severe {severe}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
