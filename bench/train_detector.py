"""Train the detector's learned heads on public tweets (``make train-detector``).

Reads ../shared/data/tweeteval at train time only and writes plain arrays (no pickle) to
handoff/detect/model/detector_model.npz, plus a model card (detector_model.json: data, sizes,
cross-validated AUC per head, the 15 strongest n-grams of each head). The detector loads the
arrays once in ``Detector.load()``; nothing reads ../shared at run time.

Heads (each a binary logistic regression over the same features, see handoff/detect/ngrams.py):
  anger      TweetEval emotion train: anger vs joy / optimism / sadness      (3,257 tweets)
  offensive  TweetEval offensive train: offensive vs not                     (11,916 tweets)
  negative   TweetEval sentiment val + test: negative vs neutral / positive  (14,284 tweets)
and, for every head, our own routine NLU examples (bot/data/nlu: order status, FAQ, invoices...)
as calm, our `complain` examples as negative (see ``nlu_examples``). TweetEval emotion val and
offensive val are never read here (they are reported on).

Usage: python -m bench.train_detector [--data-dir DIR] [--out FILE] [--sample N] [--cv]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy

from bench.shared import shared_dir
from handoff.detect.learned import DEFAULT_MODEL_PATH, FORMAT
from handoff.detect.ngrams import features

ROOT = Path(__file__).resolve().parents[1]
NLU_DIR = ROOT / "bot" / "data" / "nlu"
_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")  # "[1042](order_number)" -> "1042"
# Routine requests: calm for every head. Problem reports (late, damaged, wrong item, billing...)
# and returns, refunds and cancellations are left out: they are often calmly worded, but not
# always calm ("the quality is poor, I'm sending it back").
CALM_INTENTS = frozenset({"order_status", "place_order", "faq", "get_invoice", "change_order",
                          "change_shipping_address", "upgrade_plan", "manage_account", "greet",
                          "thank", "goodbye", "affirm", "inform", "setup_help"})
HEADS = ("anger", "negative", "offensive")
MIN_DF = 3          # features seen in fewer training tweets are dropped
MAX_FEATURES = 60000  # then the most frequent ones are kept
C = {"anger": 2.0, "negative": 2.0, "offensive": 2.0}  # inverse L2 strength (chosen with --cv)


def read_split(folder: Path, split: str) -> Tuple[List[str], List[str]]:
    names = dict(line.split("\t") for line in
                 (folder / "mapping.txt").read_text(encoding="utf-8").splitlines() if line.strip())
    texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").split("\n")
    labels = (folder / f"{split}_labels.txt").read_text(encoding="utf-8").split()
    texts = texts[:len(labels)]
    return texts, [names[lab] for lab in labels]


def nlu_examples(folder: Path = NLU_DIR) -> Tuple[List[str], List[str]]:
    """Our own NLU training examples (designers' data in bot/data/nlu): routine requests, and
    complaints. Tweets have few customer-service words; without these, "what's your refund
    policy for damaged items?" reads as angry."""
    import yaml

    calm, complaints = [], []
    for path in sorted(folder.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            intent = str(item.get("intent", "")).split("/")[0]
            examples = [line[2:].strip() for line in str(item.get("examples", "")).splitlines()
                        if line.strip().startswith("- ")]
            examples = [_ENTITY.sub(r"\1", e) for e in examples]
            if intent in CALM_INTENTS:
                calm += examples
            elif intent == "complain":
                complaints += examples
    return calm, complaints


def datasets(data: Path, with_nlu: bool = True) -> Dict[str, Tuple[List[str], List[int]]]:
    """Per head: texts and 0/1 labels (tweets, then our NLU examples when ``with_nlu``)."""
    tw = data / "tweeteval"
    et, el = read_split(tw / "emotion", "train")
    ot, ol = read_split(tw / "offensive", "train")
    st: List[str] = []
    sl: List[str] = []
    for split in ("val", "test"):
        t, lab = read_split(tw / "sentiment", split)
        st, sl = st + t, sl + lab
    out = {
        "anger": (et, [int(lab == "anger") for lab in el]),
        "offensive": (ot, [int(lab == "offensive") for lab in ol]),
        "negative": (st, [int(lab == "negative") for lab in sl]),
    }
    if with_nlu:
        calm, complaints = nlu_examples()
        for head, (texts, y) in out.items():
            extra = complaints if head == "negative" else []
            out[head] = (texts + calm + extra, y + [0] * len(calm) + [1] * len(extra))
    return out


def feature_sets(texts: Sequence[str]) -> List[List[str]]:
    return [sorted({f for f, _ in features(t)[1]}) for t in texts]


def build_vocabulary(all_feats: Sequence[Sequence[str]]) -> Tuple[List[str], numpy.ndarray]:
    """Features in at least MIN_DF tweets, the MAX_FEATURES most frequent; smoothed idf."""
    df: Counter = Counter()
    for feats in all_feats:
        df.update(feats)
    kept = sorted((f for f, n in df.items() if n >= MIN_DF), key=lambda f: (-df[f], f))[:MAX_FEATURES]
    kept.sort()
    n = len(all_feats)
    idf = numpy.array([math.log((1 + n) / (1 + df[f])) + 1 for f in kept], dtype=numpy.float64)
    return kept, idf


def matrix(feats: Sequence[Sequence[str]], index: Dict[str, int], idf: numpy.ndarray):
    """The same vectors as ``LearnedModel.vectorise``: binary x idf, L2-normalised rows."""
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for r, fs in enumerate(feats):
        ids = [index[f] for f in fs if f in index]
        if not ids:
            continue
        v = idf[ids]
        v = v / math.sqrt(float(v @ v))
        rows += [r] * len(ids)
        cols += ids
        vals += v.tolist()
    return csr_matrix((vals, (rows, cols)), shape=(len(feats), len(index)))


def fit(x, y: Sequence[int], c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=0).fit(x, y)


def cross_validated_auc(x, y: Sequence[int], c: float, folds: int = 5) -> float:
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    y_arr = numpy.asarray(y)
    scores = numpy.zeros(len(y_arr))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(x, y_arr):
        scores[test] = fit(x[train], y_arr[train], c).decision_function(x[test])
    return float(roc_auc_score(y_arr, scores))


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=shared_dir() / "data")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--sample", type=int, default=0, help="at most N tweets a head (quick runs)")
    parser.add_argument("--cv", action="store_true", help="5-fold AUC for C in 0.5..8 (slow)")
    args = parser.parse_args(argv)
    if not (args.data_dir / "tweeteval").is_dir():
        print(f"no TweetEval data in {args.data_dir}")
        return 2
    start = time.perf_counter()
    data = datasets(args.data_dir)
    if args.sample:
        data = {h: (t[:args.sample], y[:args.sample]) for h, (t, y) in data.items()}
    feats = {h: feature_sets(t) for h, (t, _) in data.items()}
    vocabulary, idf = build_vocabulary([f for h in HEADS for f in feats[h]])
    index = {f: i for i, f in enumerate(vocabulary)}
    coef = numpy.zeros((len(HEADS), len(vocabulary)))
    intercept = numpy.zeros(len(HEADS))
    card: Dict[str, object] = {"format": FORMAT, "trained_at_commit": git_commit(),
                               "features": len(vocabulary), "min_df": MIN_DF, "heads": {}}
    for h, head in enumerate(HEADS):
        x, y = matrix(feats[head], index, idf), data[head][1]
        info: Dict[str, object] = {"rows": len(y), "positives": int(sum(y)), "C": C[head]}
        if args.cv:
            info["cv_auc"] = {str(c): round(cross_validated_auc(x, y, c), 4) for c in (0.5, 1, 2, 4, 8)}
        else:
            info["cv_auc"] = round(cross_validated_auc(x, y, C[head]), 4)
        model = fit(x, y, C[head])
        coef[h], intercept[h] = model.coef_[0], model.intercept_[0]
        order = numpy.argsort(-coef[h] * idf)
        info["strongest"] = [vocabulary[i] for i in order[:15]]
        card["heads"][head] = info  # type: ignore[index]
        print(head, json.dumps({k: v for k, v in info.items() if k != "strongest"}))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    numpy.savez_compressed(
        args.out, format=numpy.array(FORMAT), heads=numpy.array(",".join(HEADS)),
        vocabulary=numpy.frombuffer("\n".join(vocabulary).encode("utf-8"), dtype=numpy.uint8),
        idf=idf.astype(numpy.float32), coef=coef.astype(numpy.float32),
        intercept=intercept.astype(numpy.float32))
    card["data"] = {"source": "TweetEval (cardiffnlp/tweeteval) and bot/data/nlu, see docs/detector.md",
                    "nlu": "routine intents as calm for every head; complain as negative",
                    "anger": "emotion/train", "offensive": "offensive/train",
                    "negative": "sentiment/val + sentiment/test"}
    card["seconds"] = round(time.perf_counter() - start, 1)
    args.out.with_suffix(".json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(vocabulary)} features) "
          f"in {card['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
