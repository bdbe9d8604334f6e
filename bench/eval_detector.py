"""Detector figures on public, human-labelled data (``make eval-detector``).

Data: ../shared/eval (GoEmotions dev, TweetEval emotion validation; see its README) and
TweetEval offensive validation (../shared/data/tweeteval/offensive/val_*).
Positives: GoEmotions ``anger``/``disgust``; calm: rows with no negative label; TweetEval
anger vs the rest; offensive vs not. GoEmotions rows are split by a hash of the comment id: the
"tune" half was used to set the policy's weights (with the learned heads' out-of-fold training
data, ``bench.tune_detector``); the "held-out" half, TweetEval emotion val and offensive val
were never used to train or tune. VADER's negated compound score is the baseline.

Also reported, on a separate line: our own probe set of customer-service messages
(tests/unit/detect/data/service_probe.tsv, written by us in the styles of airline, bank,
telecom, retail and SaaS complaints). It is NOT a public benchmark: a check for generality.

Usage: python -m bench.eval_detector [--eval-dir DIR] [--reasons N] [--probe FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bench.shared import shared_dir

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL_DIR = shared_dir() / "eval"
DEFAULT_PROBE = ROOT / "tests" / "unit" / "detect" / "data" / "service_probe.tsv"
PROBE_LABELS = ("severe", "elevated", "calm")
NEGATIVE = frozenset({"anger", "annoyance", "disappointment", "disapproval", "disgust",
                      "embarrassment", "fear", "grief", "nervousness", "remorse", "sadness"})
SEVERE = frozenset({"anger", "disgust"})


@dataclass(frozen=True)
class Row:
    text: str
    labels: frozenset
    split: str  # "tune" or "held-out"


def split_of(key: str) -> str:
    """Stable half split by a hash of the row id."""
    return "tune" if int(hashlib.md5(key.encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def load_goemotions(folder: Path) -> List[Row]:
    names = (folder / "labels.txt").read_text(encoding="utf-8").split("\n")
    rows = []
    for line in (folder / "dev.tsv").read_text(encoding="utf-8").splitlines():
        text, ids, key = line.split("\t")
        labels = frozenset(names[int(i)] for i in ids.split(","))
        rows.append(Row(text, labels, split_of(key)))
    return rows


def load_tweeteval(folder: Path) -> List[Row]:
    names = dict(line.split("\t") for line in
                 (folder / "mapping.txt").read_text(encoding="utf-8").splitlines() if line)
    texts = (folder / "val_text.txt").read_text(encoding="utf-8").splitlines()
    labels = (folder / "val_labels.txt").read_text(encoding="utf-8").split()
    return [Row(t, frozenset({names[l]}), "held-out") for t, l in zip(texts, labels, strict=True)]


def load_offensive(folder: Path) -> List[Row]:
    """TweetEval offensive validation (not in the learned heads' training data)."""
    texts = (folder / "val_text.txt").read_text(encoding="utf-8").split("\n")
    labels = (folder / "val_labels.txt").read_text(encoding="utf-8").split()
    return [Row(t, frozenset({"offensive" if lab == "1" else "not"}), "held-out")
            for t, lab in zip(texts, labels, strict=False)]


def load_probe(path: Path) -> List[Row]:
    """Our probe set: ``text<TAB>label`` lines; ``#`` comments and the header are skipped.

    Raises:
        ValueError: a line without a tab or with a label other than severe/elevated/calm.
    """
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line == "text\tlabel":
            continue
        text, sep, label = line.rpartition("\t")
        if not sep or label not in PROBE_LABELS:
            raise ValueError(f"{path}:{number}: expected text<TAB>severe|elevated|calm")
        rows.append(Row(text, frozenset({label}), "probe"))
    return rows


def auc(y: Sequence[int], scores: Sequence[float]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, scores))


def pr(pred: Sequence[bool], gold: Sequence[bool]) -> Tuple[float, float, int]:
    tp = sum(1 for p, g in zip(pred, gold, strict=True) if p and g)
    npred, ngold = sum(pred), sum(gold)
    return (tp / npred if npred else 0.0), (tp / ngold if ngold else 0.0), npred


class Scored:
    """Detector findings and the VADER baseline for a list of rows."""

    def __init__(self, rows: List[Row], detector, vader) -> None:
        self.rows = rows
        self.findings = []
        start = time.perf_counter()
        for row in rows:
            self.findings.append(detector.score_message(row.text))
        self.ms_per_message = 1000 * (time.perf_counter() - start) / max(1, len(rows))
        self.vader = [-vader.polarity_scores(r.text)["compound"] for r in rows]


def goemotions_report(sc: Scored, split: Optional[str]) -> List[str]:
    idx = [i for i, r in enumerate(sc.rows) if split is None or r.split == split]
    pos = [i for i in idx if sc.rows[i].labels & SEVERE]
    calm = [i for i in idx if not sc.rows[i].labels & NEGATIVE]
    both = pos + calm
    y = [1] * len(pos) + [0] * len(calm)
    det = auc(y, [sc.findings[i].score for i in both])
    vad = auc(y, [sc.vader[i] for i in both])
    calm_severe = sum(sc.findings[i].severity == "severe" for i in calm) / max(1, len(calm))
    calm_elev = sum(sc.findings[i].severity != "none" for i in calm) / max(1, len(calm))
    p, r, n = pr([sc.findings[i].severity == "severe" for i in idx],
                 [bool(sc.rows[i].labels & SEVERE) for i in idx])
    pe, re_, ne = pr([sc.findings[i].severity != "none" for i in idx],
                     [bool(sc.rows[i].labels & NEGATIVE) for i in idx])
    name = split or "all"
    return [
        f"GoEmotions [{name}] n={len(idx)} anger/disgust={len(pos)} calm={len(calm)}",
        f"  ROC-AUC anger/disgust vs calm: detector {det:.3f} | VADER negated compound {vad:.3f}",
        f"  calm rated severe: {calm_severe:.2%}   calm rated elevated or severe: {calm_elev:.2%}",
        f"  severity=severe vs anger/disgust: precision {p:.3f} recall {r:.3f} (rated severe: {n})",
        f"  severity>=elevated vs any negative label: precision {pe:.3f} recall {re_:.3f} ({ne})",
    ]


def tweeteval_report(sc: Scored) -> List[str]:
    y = [int("anger" in r.labels) for r in sc.rows]
    det = auc(y, [f.score for f in sc.findings])
    vad = auc(y, sc.vader)
    p, r, n = pr([f.severity == "severe" for f in sc.findings], [bool(v) for v in y])
    return [
        f"TweetEval emotion val [held-out] n={len(y)} anger={sum(y)}",
        f"  ROC-AUC anger vs rest: detector {det:.3f} | VADER negated compound {vad:.3f}",
        f"  severity=severe vs anger: precision {p:.3f} recall {r:.3f} (rated severe: {n})",
    ]


def offensive_report(sc: Scored) -> List[str]:
    y = [int("offensive" in r.labels) for r in sc.rows]
    det = auc(y, [f.score for f in sc.findings])
    vad = auc(y, sc.vader)
    p, r, n = pr([f.severity == "severe" for f in sc.findings], [bool(v) for v in y])
    return [
        f"TweetEval offensive val [held-out] n={len(y)} offensive={sum(y)}",
        f"  ROC-AUC offensive vs not: detector {det:.3f} | VADER negated compound {vad:.3f}",
        f"  severity=severe vs offensive: precision {p:.3f} recall {r:.3f} (rated severe: {n})",
    ]


def probe_report(sc: Scored) -> List[str]:
    """Severe vs calm AUC and how each label was rated, on our own probe set."""
    label = [next(iter(r.labels)) for r in sc.rows]
    both = [i for i, lab in enumerate(label) if lab in ("severe", "calm")]
    y = [int(label[i] == "severe") for i in both]
    det = auc(y, [sc.findings[i].score for i in both])
    vad = auc(y, [sc.vader[i] for i in both])

    def share(lab: str, levels: Tuple[str, ...]) -> str:
        idx = [i for i, x in enumerate(label) if x == lab]
        n = sum(sc.findings[i].severity in levels for i in idx)
        return f"{n}/{len(idx)}"

    return [
        f"OWN PROBE SET (ours, not a public benchmark; tests/unit/detect/data/service_probe.tsv)"
        f" n={len(label)}",
        f"  ROC-AUC severe vs calm: detector {det:.3f} | VADER negated compound {vad:.3f}",
        f"  calm rated severe {share('calm', ('severe',))}, calm rated elevated+ "
        f"{share('calm', ('elevated', 'severe'))}; severe rated severe "
        f"{share('severe', ('severe',))}; elevated rated elevated+ "
        f"{share('elevated', ('elevated', 'severe'))}",
    ]


def reason_report(sc: Scored, split: Optional[str], top: int, min_sentiment: float) -> List[str]:
    """Per signal: how often its reason was shown and the share of those rows with a
    negative label (sentiment counts only where it was named, at ``min_sentiment``)."""
    fired: Dict[str, int] = Counter()
    hits: Dict[str, int] = Counter()
    severe_hits: Dict[str, int] = defaultdict(int)
    for row, f in zip(sc.rows, sc.findings, strict=True):
        if split is not None and row.split != split:
            continue
        for signal, value in f.signals.items():
            if value <= 0 or (signal == "sentiment" and value < min_sentiment):
                continue
            fired[signal] += 1
            hits[signal] += bool(row.labels & NEGATIVE)
            severe_hits[signal] += bool(row.labels & SEVERE)
    rows = [r for r in sc.rows if split is None or r.split == split]
    base_neg = sum(bool(r.labels & NEGATIVE) for r in rows) / max(1, len(rows))
    base_severe = sum(bool(r.labels & SEVERE) for r in rows) / max(1, len(rows))
    lines = [f"Per-reason precision, GoEmotions [{split or 'all'}] "
             "(share of rows where the signal fired that carry a negative / anger-disgust label;"
             f" base rates {base_neg:.3f} / {base_severe:.3f})"]
    for signal, n in fired.most_common(top):
        lines.append(f"  {signal:<24} fired {n:>5}  negative {hits[signal] / n:.3f}  "
                     f"anger/disgust {severe_hits[signal] / n:.3f}")
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--reasons", type=int, default=20, help="signals listed per split")
    parser.add_argument("--policy", type=Path, default=None)
    parser.add_argument("--probe", type=Path, default=DEFAULT_PROBE)
    args = parser.parse_args(argv)
    if not (args.eval_dir / "goemotions" / "dev.tsv").is_file():
        print(f"no evaluation data in {args.eval_dir}", file=sys.stderr)
        return 2

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from handoff.detect import Detector

    detector, vader = Detector.load(args.policy), SentimentIntensityAnalyzer()
    ge = Scored(load_goemotions(args.eval_dir / "goemotions"), detector, vader)
    te = Scored(load_tweeteval(args.eval_dir / "tweeteval_emotion"), detector, vader)
    learned = "with the learned heads" if detector.model is not None else "rules only (no learned section)"
    lines = [f"Detector evaluation, {learned} (tuned on the GoEmotions 'tune' half only)", ""]
    for split in ("held-out", "tune"):
        lines += goemotions_report(ge, split) + [""]
    lines += tweeteval_report(te) + [""]
    offensive = args.eval_dir.parent / "data" / "tweeteval" / "offensive"
    if (offensive / "val_text.txt").is_file():
        lines += offensive_report(Scored(load_offensive(offensive), detector, vader)) + [""]
    if args.probe.is_file():
        lines += probe_report(Scored(load_probe(args.probe), detector, vader)) + [""]
    sentiment = detector.policy.sentiment
    lines += reason_report(ge, "held-out", args.reasons,
                           sentiment.weight * sentiment.min_reason) + [""]
    lines.append(f"mean scoring time: {ge.ms_per_message:.2f} ms/message (GoEmotions)")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
