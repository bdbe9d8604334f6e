"""Every text the bot or an agent suggestion can say, with the file and line it comes from.

- ``domain.yml``: each response variation's text and button titles;
- ``policy/phrase_bank.yml``: the situation openers and the agents' suggested replies and the
  thanks for a photo;
- ``policy/canned_replies.yml``: the team's default canned replies (what a fresh store starts with);
- ``policy/assist.yml``: the recap sentence an agent sends, and the situation words it is built from;
- ``policy/proactive.yml``: the offers of help (openers of a negative situation), their button
  titles and the replies to "No thanks";
- ``policy/followups.yml``: the check-in e-mails' subjects and messages;
- ``bot/actions/*.py``: string literals in module-level UPPER_CASE constants (the actions'
  reply lists) and literal arguments of ``reply.say(...)`` (parsed with ``ast``, never imported).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

SAY = ("say", "say_new")


@dataclass(frozen=True)
class Text:
    """One text: where it is (``file:line``), what it belongs to (``where``) and what it says."""

    file: str
    line: int
    where: str  # "utter_greet", "situations.damaged", "REPLACED"
    text: str
    kind: str  # response | button | situation | agent_reply | canned | recap | recap_part | thanks | checkin | action


def _get(node: Optional[Node], key: str) -> Optional[Node]:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v
    return None


def _items(node: Optional[Node]) -> Iterator[tuple]:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                yield k, v


def _compose(path: Path) -> Optional[Node]:
    with open(path, encoding="utf-8") as fh:
        return yaml.compose(fh)


def response_lines(root: Path, rel: str = "domain.yml") -> Dict[str, int]:
    """Line of each response name in ``domain.yml``."""
    return {k.value: k.start_mark.line + 1 for k, _ in _items(_get(_compose(root / rel), "responses"))}


def domain_texts(root: Path, rel: str = "domain.yml") -> List[Text]:
    out: List[Text] = []
    for name, variations in _items(_get(_compose(root / rel), "responses")):
        for variation in variations.value if isinstance(variations, SequenceNode) else []:
            text = _get(variation, "text")
            if isinstance(text, ScalarNode):
                out.append(Text(rel, text.start_mark.line + 1, name.value, text.value, "response"))
            buttons = _get(variation, "buttons")
            for button in buttons.value if isinstance(buttons, SequenceNode) else []:
                title = _get(button, "title")
                if isinstance(title, ScalarNode):
                    out.append(Text(rel, title.start_mark.line + 1, name.value, title.value, "button"))
    return out


def bank_texts(root: Path, rel: str = "policy/phrase_bank.yml") -> List[Text]:
    out: List[Text] = []
    doc = _compose(root / rel)
    for section, kind in (("situations", "situation"), ("agent_replies", "agent_reply"),
                          ("attachment_thanks", "thanks")):
        for name, phrases in _items(_get(doc, section)):
            for phrase in phrases.value if isinstance(phrases, SequenceNode) else []:
                if isinstance(phrase, ScalarNode):
                    out.append(Text(rel, phrase.start_mark.line + 1, f"{section}.{name.value}", phrase.value, kind))
    return out


def canned_texts(root: Path, rel: str = "policy/canned_replies.yml") -> List[Text]:
    """The default canned replies (``replies: [{shortcut, title, text}]``)."""
    if not (root / rel).exists():
        return []
    out: List[Text] = []
    replies = _get(_compose(root / rel), "replies")
    for entry in replies.value if isinstance(replies, SequenceNode) else []:
        shortcut, text = _get(entry, "shortcut"), _get(entry, "text")
        if isinstance(text, ScalarNode):
            where = f"canned./{shortcut.value}" if isinstance(shortcut, ScalarNode) else "canned"
            out.append(Text(rel, text.start_mark.line + 1, where, text.value, "canned"))
    return out


def assist_texts(root: Path, rel: str = "policy/assist.yml") -> List[Text]:
    """The customer-facing part of the agent assist: ``recap`` lines and the ``about``/``worry`` they hold."""
    if not (root / rel).exists():
        return []
    doc = _compose(root / rel)
    recap = _get(doc, "recap")
    out = [Text(rel, t.start_mark.line + 1, "recap", t.value, "recap")
           for t in (recap.value if isinstance(recap, SequenceNode) else []) if isinstance(t, ScalarNode)]
    for name, block in _items(_get(doc, "situations")):
        for key in ("about", "worry", "urgent_worry"):
            node = _get(block, key)
            if isinstance(node, ScalarNode):
                out.append(Text(rel, node.start_mark.line + 1, f"situations.{name.value}.{key}", node.value,
                                "recap_part"))
    return out


def proactive_texts(root: Path, rel: str = "policy/proactive.yml") -> List[Text]:
    """Offers count as situation openers (they must validate), "No thanks" replies as a response."""
    path = root / rel
    if not path.exists():
        return []
    doc = _compose(path)
    out: List[Text] = []
    dismissed = _get(doc, "dismissed")
    for text in dismissed.value if isinstance(dismissed, SequenceNode) else []:
        if isinstance(text, ScalarNode):
            out.append(Text(rel, text.start_mark.line + 1, "proactive.dismissed", text.value, "response"))
    for name, rule in _items(_get(doc, "signals")):
        offers = _get(rule, "offers")
        for text in offers.value if isinstance(offers, SequenceNode) else []:
            if isinstance(text, ScalarNode):
                out.append(Text(rel, text.start_mark.line + 1, f"proactive.{name.value}", text.value, "situation"))
        buttons = _get(rule, "buttons")
        for button in buttons.value if isinstance(buttons, SequenceNode) else []:
            title = _get(button, "title")
            if isinstance(title, ScalarNode):
                out.append(Text(rel, title.start_mark.line + 1, f"proactive.{name.value}", title.value, "button"))
    return out


def followup_texts(root: Path, rel: str = "policy/followups.yml") -> List[Text]:
    """The check-in e-mails' messages (kind ``checkin``) and subjects (``button``: short, no variation rule)."""
    if not (root / rel).exists():
        return []
    out: List[Text] = []
    doc = _compose(root / rel)
    for section, kind in (("messages", "checkin"), ("subjects", "button")):
        for name, texts in _items(_get(doc, section)):
            for text in texts.value if isinstance(texts, SequenceNode) else []:
                if isinstance(text, ScalarNode):
                    out.append(Text(rel, text.start_mark.line + 1, f"{section}.{name.value}", text.value, kind))
    return out


def _strings(node: Optional[ast.AST]) -> Iterator[Tuple[int, str]]:
    """(line, text) of every string constant under ``node``."""
    for sub in ast.walk(node) if node is not None else ():
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.lineno, sub.value


def action_texts(root: Path, folder: str = "bot/actions") -> List[Text]:
    out: List[Text] = []
    for path in sorted((root / folder).glob("*.py")):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for stmt in tree.body:
            targets: List[ast.expr] = []
            value: Optional[ast.expr] = None
            if isinstance(stmt, ast.Assign):
                targets, value = list(stmt.targets), stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    out += [Text(rel, line, target.id, text, "action") for line, text in _strings(value)
                            if " " in text.strip()]
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in SAY \
                    and call.args:
                out += [Text(rel, line, f"{call.func.attr}()", text, "action") for line, text in _strings(call.args[0])
                        if " " in text.strip()]
    return out


def name_uses(root: Path, names: List[str], folder: str = "bot/actions") -> Iterator[tuple]:
    """``(file, line, name)`` wherever an action module imports, calls or passes one of ``names``."""
    wanted = set(names)
    for path in sorted((root / folder).glob("*.py")):
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name in wanted:
                        yield rel, node.lineno, alias.name
            elif isinstance(node, ast.Name) and node.id in wanted:
                yield rel, node.lineno, node.id
            elif isinstance(node, ast.Attribute) and node.attr in wanted:
                yield rel, node.lineno, node.attr


def _action_name(cls: ast.ClassDef) -> Optional[str]:
    for item in cls.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "name":
            for sub in ast.walk(item):
                if isinstance(sub, ast.Return) and isinstance(sub.value, ast.Constant) \
                        and isinstance(sub.value.value, str):
                    return sub.value.value
    return None


def constant_actions(root: Path, folder: str = "bot/actions") -> Dict[tuple, str]:
    """``(file, CONSTANT) -> action name``: the action whose class uses a reply constant.

    A constant used by exactly one action class belongs to it; one used only by module-level
    helpers belongs to the module's only action, when it has one.
    """
    out: Dict[tuple, str] = {}
    for path in sorted((root / folder).glob("*.py")):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        actions = {}
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            name = _action_name(cls)
            if name:
                actions[name] = {n.id for n in ast.walk(cls) if isinstance(n, ast.Name)}
        constants = {t.id for s in tree.body if isinstance(s, (ast.Assign, ast.AnnAssign))
                     for t in (s.targets if isinstance(s, ast.Assign) else [s.target])
                     if isinstance(t, ast.Name) and t.id.isupper()}
        for constant in constants:
            users = [a for a, names in actions.items() if constant in names]
            if len(users) == 1:
                out[(rel, constant)] = users[0]
            elif not users and len(actions) == 1:
                out[(rel, constant)] = next(iter(actions))
    return out
