"""The learned model's features: word 1-2-grams and in-word character 3-5-grams (pure).

One function turns a message into feature strings, each tied to the word it came from, so the
training script (``handoff.detect.train``) and the detector at run time see exactly the same
features, and a feature's weight can be shown as a word or phrase of the message.
"""

from __future__ import annotations

import re
from typing import List, Tuple

CHAR_SIZES = (3, 4, 5)
_URL = re.compile(r"\S+://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+|\[name\]|\[religion\]")
_ELONGATED = re.compile(r"(.)\1{2,}")
_DIGITS = re.compile(r"\d")
# Words (letters, digits, apostrophes), runs of ! or ?, and any other single non-space symbol
# (emoji, "#" is dropped below so hashtags read as their word).
_TOKEN = re.compile(r"[a-z0-9@'_]+|[!?]+|[^\sa-z0-9@'_#.,;:\"()\[\]*/\\-]")


def tokens(text: str) -> List[str]:
    """Lower-cased word tokens: URLs and @mentions (GoEmotions' [NAME]) become placeholders,
    "sooooo" becomes "soo", digits become 0 (an order number is not a word)."""
    text = _URL.sub(" http ", text.lower().replace("\u2019", "'"))
    text = _MENTION.sub(" @user ", text)
    text = _DIGITS.sub("0", _ELONGATED.sub(r"\1\1", text))
    return [t.strip("'") or t for t in _TOKEN.findall(text)]


def features(text: str) -> Tuple[List[str], List[Tuple[str, int]]]:
    """The message's tokens, and its features as ``(feature, index of the first token)``.

    Features: ``w:word``, ``w:word next`` (bigrams), ``c:<n-gram>`` for character n-grams of
    each letter word padded with spaces (" useless " -> " us", "use", ...).
    """
    toks = tokens(text)
    out: List[Tuple[str, int]] = []
    for i, tok in enumerate(toks):
        out.append(("w:" + tok, i))
        if i + 1 < len(toks):
            out.append(("w:" + tok + " " + toks[i + 1], i))
        if tok[0].isalpha() and len(tok) > 1 and tok != "@user":
            padded = " " + tok + " "
            for n in CHAR_SIZES:
                for j in range(len(padded) - n + 1):
                    out.append(("c:" + padded[j:j + n], i))
    return toks, out
