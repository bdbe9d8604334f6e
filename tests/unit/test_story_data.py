"""The Rasa test stories test something the training data doesn't already say.

``make test-stories`` runs ``tests/stories`` end to end (``rasa test core --e2e``): the
customer's text goes through the NLU, then the policies. These checks keep that honest:
no test story repeats a training story or rule step for step, no customer line is a
training example (up to case, punctuation, order numbers and e-mails), and every rule and
every training story has a test story that walks through it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")
Step = Tuple[str, str]


def _documents(folder: str) -> Iterator[Tuple[Path, Dict[str, Any]]]:
    for path in sorted((ROOT / folder).rglob("*.yml")):
        yield path, yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _blocks(folder: str, key: str) -> List[Tuple[str, List[Dict[str, Any]]]]:
    return [(f"{path.name}: {block.get('story') or block.get('rule')}", block.get("steps") or [])
            for path, doc in _documents(folder) for block in doc.get(key) or []]


def path_of(steps: List[Dict[str, Any]]) -> Tuple[Step, ...]:
    """The intents (base names) and actions of a story or rule, in order."""
    out: List[Step] = []
    for step in steps:
        if "intent" in step:
            out.append(("intent", str(step["intent"]).split("/")[0]))
        elif "action" in step:
            out.append(("action", str(step["action"])))
    return tuple(out)


def wording(text: str) -> str:
    """``"It's [1042](order_number)!"`` -> ``"it s <n>"``: what the customer's words are."""
    text = ANNOTATION.sub(r"\1", text).lower()
    text = re.sub(r"\S+@\S+", " <email> ", text)
    text = re.sub(r"\d+", " <n> ", text)
    return " ".join(re.sub(r"[^\w<>]+", " ", text).split())


def _nlu_wordings() -> set:
    found = set()
    for _, doc in _documents("bot/data/nlu"):
        for item in doc.get("nlu") or []:
            for line in str(item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    found.add(wording(line.strip()[2:]))
    return found


TEST_STORIES = _blocks("tests/stories", "stories")
TRAINING = _blocks("bot/data/stories", "stories") + _blocks("bot/data/rules", "rules")
RULES = _blocks("bot/data/rules", "rules")


def test_the_loaders_see_the_data() -> None:
    assert len(TEST_STORIES) >= 40 and len(RULES) >= 40 and len(TRAINING) > len(RULES)
    assert wording("It's [1042][{\"entity\": \"order_number\"}, {\"entity\": \"DATE\"}]!") == "it s <n>"
    assert wording("[maya@example.com](email) is mine") == "<email> is mine"


def test_make_runs_the_stories_end_to_end_and_strictly() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest-stories:", 1)[1].split("\n\n", 1)[0]
    assert "test core --e2e" in recipe and "--fail-on-prediction-errors" in recipe and "tests/stories" in recipe


def test_every_story_file_is_one_rasa_tests() -> None:
    """Rasa only runs files named ``test_*`` as test stories; any other is silently skipped."""
    assert [p.name for p in (ROOT / "tests/stories").rglob("*.yml") if not p.name.startswith("test_")] == []


def test_no_test_story_repeats_a_training_story_or_rule() -> None:
    training = {path_of(steps): name for name, steps in TRAINING}
    repeats = [(name, training[path_of(steps)]) for name, steps in TEST_STORIES if path_of(steps) in training]
    assert repeats == []


def test_customer_lines_are_not_training_examples() -> None:
    examples = _nlu_wordings()
    lines = [(name, step["user"].strip()) for name, steps in TEST_STORIES for step in steps
             if "user" in step and not step["user"].strip().startswith("/")]  # "/intent": a button
    assert len(lines) >= 80
    assert [(name, text) for name, text in lines if wording(text) in examples] == []


def _contains(path: Tuple[Step, ...], part: Tuple[Step, ...]) -> bool:
    return any(path[i:i + len(part)] == part for i in range(len(path) - len(part) + 1))


def _walks(path: Tuple[Step, ...], story: Tuple[Step, ...]) -> bool:
    """Whether ``path`` takes every step of ``story`` in order (answers to a form's questions,
    which training stories leave out, may come in between)."""
    steps = iter(path)
    return all(step in steps for step in story)


STORIES = _blocks("bot/data/stories", "stories")


@pytest.mark.parametrize("name,steps", STORIES, ids=[name for name, _ in STORIES])
def test_every_training_story_has_a_test_story(name: str, steps: List[Dict[str, Any]]) -> None:
    story = path_of(steps)
    assert any(_walks(path_of(test), story) for _, test in TEST_STORIES), f"no test story walks {story}"


@pytest.mark.parametrize("name,steps", RULES, ids=[name for name, _ in RULES])
def test_every_rule_has_a_test_story(name: str, steps: List[Dict[str, Any]]) -> None:
    rule = path_of(steps)
    assert any(_contains(path_of(story), rule) for _, story in TEST_STORIES), f"no test story walks {rule}"
