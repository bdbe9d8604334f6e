"""Vendor CLINC150 off-topic utterances: training examples for ``out_of_scope`` and a measuring set.

CLINC150 (Larson et al., EMNLP 2019, CC BY 3.0) has 150 intents over 10 domains (banking, travel,
kitchen, small talk, ...) plus out-of-scope queries. Most of it is off-topic for a shop's support
assistant. The intents in ``OVERLAPPING`` are about orders, payments, accounts or the chat itself,
so they are left out of both files: our own intents should handle them.

* TRAIN split -> ``bot/data/nlu/out_of_scope_clinc150.yml`` (``--train-per-intent`` each, plus
  ``--oos-train`` of CLINC's own ``oos_train``).
* VAL split -> ``tests/nlu/clinc150_oos_val.yml`` (``--val-per-intent`` each plus all ``oos_val``),
  used only for measuring (``make nlu-report``).
* VAL split of the overlapping intents that one of ours answers (``MAPPED``) ->
  ``tests/nlu/clinc150_inscope_val.yml``, every val utterance labelled with our intent: other people's
  wording of requests we handle, measuring only.
* TRAIN split of the same intents, less the two about banks (``TRAIN_MAPPED``) ->
  ``bot/data/nlu/clinc150_inscope.yml`` (``--inscope-per-intent`` each, labelled with our intent). Without them every CLINC-styled sentence the model saw was
  off-topic, so it learned the *style* ("i would like to know if ...", "tell me ...") as out of
  scope and turned away requests it handles when worded that way. Texts that a test story or a
  held-out file uses are skipped.

Sampling is deterministic (sha1 of the text), so re-running gives the same files. Run by hand;
nothing in ``make run``/``make test`` reads ../shared.

Usage: python -m bench.vendor_clinc150 --source ../shared/data/clinc150/train_val.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
TRAIN_OUT = ROOT / "bot" / "data" / "nlu" / "out_of_scope_clinc150.yml"
VAL_OUT = ROOT / "tests" / "nlu" / "clinc150_oos_val.yml"
INSCOPE_OUT = ROOT / "tests" / "nlu" / "clinc150_inscope_val.yml"
INSCOPE_TRAIN_OUT = ROOT / "bot" / "data" / "nlu" / "clinc150_inscope.yml"

#: CLINC150 intents a support assistant for a shop answers itself (or that are chat mechanics).
OVERLAPPING = frozenset({
    # orders, bills, payments, cards, the customer's account
    "order", "order_status", "bill_balance", "bill_due", "pay_bill", "card_declined", "transactions",
    "report_fraud", "spending_history", "account_blocked", "pin_change", "change_user_name", "user_name",
    "freeze_account", "damaged_card", "report_lost_card", "new_card", "replacement_card_duration",
    "redeem_rewards", "rewards_balance", "reset_settings", "sync_device", "change_language",
    # conversation mechanics and questions about the assistant
    "greeting", "goodbye", "thank_you", "yes", "no", "maybe", "cancel", "are_you_a_bot",
    "what_is_your_name", "who_made_you", "who_do_you_work_for", "what_can_i_ask_you",
})


#: Overlapping CLINC intents whose every utterance one of our intents answers (CLINC's -> ours). Left
#: out: intents about a bank's cards, bills and rewards, and mechanics we have no intent for.
MAPPED = {
    "order_status": "order_status",
    "account_blocked": "account_access",
    "card_declined": "billing_issue",
    "greeting": "greet",
    "goodbye": "goodbye",
    "thank_you": "thank",
    "yes": "affirm",
    "no": "deny",
    "are_you_a_bot": "bot_challenge",
}


#: The mapped intents trained on: CLINC's ``account_blocked`` and ``card_declined`` are about banks
#: ("why is there a hold on my wells fargo account"), and trained on they taught the model that
#: any bank question is ours (off-topic rejection fell from 0.906 to 0.891). They are measured only.
TRAIN_MAPPED = frozenset(MAPPED) - {"account_blocked", "card_declined"}


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _pick(rows: Iterable[Sequence[str]], keep: Callable[[str], bool], per_label: Optional[int],
          skip: Callable[[str], bool]) -> Dict[str, List[str]]:
    """Cleaned texts of every label ``keep`` accepts, ``per_label`` of each (all when None) chosen
    by hash, leaving out those ``skip`` flags; by label, in label order."""
    by_label: Dict[str, set] = defaultdict(set)
    for text, label in rows:
        text = _clean(text)
        if keep(label) and text and not skip(text):
            by_label[label].add(text)
    return {label: sorted(by_label[label], key=_key)[:per_label] for label in sorted(by_label)}


def sample(rows: Iterable[Sequence[str]], per_label: int, exclude: Iterable[str] = ()) -> List[Tuple[str, str]]:
    """``per_label`` rows of every label not in OVERLAPPING, chosen by hash; texts in ``exclude`` skipped."""
    skip = {_clean(t) for t in exclude}
    picked = _pick(rows, lambda label: label not in OVERLAPPING, per_label, skip.__contains__)
    return [(text, label) for label, texts in picked.items() for text in texts]


def _clean(text: str) -> str:
    # Rasa's markdown-like entity syntax uses [] and (); CLINC texts rarely contain them.
    return " ".join(text.replace("[", "(").replace("]", ")").split())


def render(header: str, rows: Sequence[Tuple[str, str]]) -> str:
    """The off-topic file: every row under ``out_of_scope``."""
    return render_labelled(header, [(text, "out_of_scope") for text, _ in rows])


def mapped(rows: Iterable[Sequence[str]], per_label: Optional[int] = None, exclude: Iterable[str] = (),
           labels: Iterable[str] = MAPPED) -> List[Tuple[str, str]]:
    """Rows of the ``labels`` (CLINC's, ``MAPPED`` ones) as ``(text, our intent)``: ``per_label`` of each
    (all when None), chosen by hash, by our intent; texts whose wording is in ``exclude`` skipped."""
    skip = {_wording(t) for t in exclude}
    wanted = set(labels) & set(MAPPED)
    picked = _pick(rows, wanted.__contains__, per_label, lambda text: _wording(text) in skip)
    rows_out = [(text, MAPPED[label]) for label, texts in picked.items() for text in texts]
    return sorted(rows_out, key=lambda row: (row[1], _key(row[0])))


def _wording(text: str) -> str:
    """Lower-case words only (how tests/unit/test_story_data.py compares customer lines)."""
    return " ".join(re.sub(r"[^\w]+", " ", re.sub(r"\d+", " 0 ", text.lower())).split())


def _lines(folder: Path) -> List[str]:
    """Customer lines of the test stories and examples of the held-out files (never trained on)."""
    found = []
    for path in sorted(folder.rglob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith(("- user:", "user:")):
                found.append(line.split(":", 1)[1].strip().strip("|\"'"))
            elif line.startswith("- ") and not line.startswith(("- intent:", "- story:", "- rule:")):
                found.append(line[2:])
    return found


def render_labelled(header: str, rows: Sequence[Tuple[str, str]]) -> str:
    lines = ['version: "3.1"']
    lines += [f"# {line}" if line else "#" for line in header.strip().splitlines()]
    lines.append("nlu:")
    for intent in sorted({intent for _, intent in rows}):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text, label in rows if label == intent]
    return "\n".join(lines) + "\n"


TRAIN_HEADER = """Off-topic requests from CLINC150's TRAIN split (Larson et al., EMNLP 2019; CC BY 3.0;
https://github.com/clinc/oos-eval), {n} utterances: {per} from each of its {labels} intents that are not
about a shop's support (banking, travel, kitchen, small talk, ...) plus {oos} of its own out-of-scope
queries. Generated by `python -m bench.vendor_clinc150`; do not edit by hand. The VAL split is kept
for measuring (tests/nlu/clinc150_oos_val.yml); the TEST split is not used."""

VAL_HEADER = """Off-topic requests from CLINC150's VAL split (Larson et al., EMNLP 2019; CC BY 3.0;
https://github.com/clinc/oos-eval), {n} utterances: {per} from each of its {labels} intents that are not
about a shop's support plus all {oos} of its out-of-scope val queries. Measuring only (make nlu-report:
share predicted out_of_scope or nlu_fallback). Never train on it. Generated by
`python -m bench.vendor_clinc150`."""

INSCOPE_TRAIN_HEADER = """Requests we handle, in other people's words: CLINC150's TRAIN split (Larson et al., EMNLP 2019;
CC BY 3.0; https://github.com/clinc/oos-eval), {n} utterances: {per} from each of the {labels} CLINC intents
that one of ours answers and that are not about banks, labelled with ours ({mapping}). They keep the
model from learning CLINC's style as "off-topic" (out_of_scope_clinc150.yml is CLINC too). Generated by
`python -m bench.vendor_clinc150`; do not edit by hand. The VAL split is kept for measuring
(tests/nlu/clinc150_inscope_val.yml); the TEST split is not used."""

INSCOPE_HEADER = """Requests we handle, in other people's words: CLINC150's VAL split (Larson et al., EMNLP 2019;
CC BY 3.0; https://github.com/clinc/oos-eval), all {n} utterances of the {labels} CLINC intents that one
of ours answers, labelled with ours ({mapping}). Measuring only (make nlu-report: share taken for the
right intent; a clarifying question counts as a miss). Never train on it. Generated by
`python -m bench.vendor_clinc150`."""


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data" / "clinc150" / "train_val.json")
    parser.add_argument("--train-per-intent", type=int, default=3)
    parser.add_argument("--oos-train", type=int, default=80)
    parser.add_argument("--val-per-intent", type=int, default=6)
    parser.add_argument("--inscope-per-intent", type=int, default=25)
    args = parser.parse_args(argv)
    data = json.loads(args.source.read_text(encoding="utf-8"))

    val = sample(data["val"], args.val_per_intent)
    val_oos = sample(data["oos_val"], len(data["oos_val"]))
    held = [text for text, _ in val + val_oos]
    train = sample(data["train"], args.train_per_intent, exclude=held)
    train_oos = sample(data["oos_train"], args.oos_train, exclude=held)

    labels = len({label for _, label in train})
    TRAIN_OUT.write_text(render(TRAIN_HEADER.format(n=len(train) + len(train_oos), per=args.train_per_intent,
                                                    labels=labels, oos=len(train_oos)), train + train_oos),
                         encoding="utf-8")
    VAL_OUT.write_text(render(VAL_HEADER.format(n=len(val) + len(val_oos), per=args.val_per_intent,
                                                labels=len({label for _, label in val}), oos=len(val_oos)),
                              val + val_oos), encoding="utf-8")
    inscope = mapped(data["val"])
    mapping = ", ".join(f"{theirs} -> {ours}" for theirs, ours in MAPPED.items())
    INSCOPE_OUT.write_text(render_labelled(INSCOPE_HEADER.format(n=len(inscope), labels=len(MAPPED), mapping=mapping),
                                           inscope), encoding="utf-8")
    never = [text for text, _ in inscope] + _lines(ROOT / "tests" / "stories") + _lines(ROOT / "tests" / "nlu")
    inscope_train = mapped(data["train"], args.inscope_per_intent, exclude=never, labels=TRAIN_MAPPED)
    trained = ", ".join(f"{theirs} -> {ours}" for theirs, ours in MAPPED.items() if theirs in TRAIN_MAPPED)
    INSCOPE_TRAIN_OUT.write_text(render_labelled(INSCOPE_TRAIN_HEADER.format(
        n=len(inscope_train), per=args.inscope_per_intent, labels=len(TRAIN_MAPPED), mapping=trained),
        inscope_train), encoding="utf-8")
    print(f"{TRAIN_OUT.relative_to(ROOT)}: {len(train) + len(train_oos)}; {VAL_OUT.relative_to(ROOT)}: "
          f"{len(val) + len(val_oos)}; {INSCOPE_OUT.relative_to(ROOT)}: {len(inscope)}; "
          f"{INSCOPE_TRAIN_OUT.relative_to(ROOT)}: {len(inscope_train)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
