"""The pipeline's tok2vec, run for one document without thinc's per-layer Python overhead.

spaCy's small English tok2vec (hash embeddings -> maxout -> layer norm, then residual
window-CNN blocks) costs ~2.5 ms per call on this machine even for a 5-token sentence: the
arithmetic is ~0.4 ms, the rest is thinc dispatching ~70 layer calls and their backprop
closures. This module reads the same weights once and applies the same operations
(``ops.hash``, ``ops.gather_add``, ``ops.gemm``, ``ops.seq2col``) in one function, so the parser
gets the same ``doc.tensor`` it would get from the tok2vec component (checked to float
tolerance in tests/unit/detect/test_detect_speed.py).

If the model's layers are not the expected architecture (another model version),
``compile_tok2vec`` returns None and the caller uses the component as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple

import numpy

_EPS = 1e-08
_SUM = numpy.add.reduce


@dataclass(frozen=True)
class _Block:
    """maxout (W: nO*nP x nI, b) followed by layer norm (G, b)."""

    W: Any
    b: Any
    nO: int
    nP: int
    G: Any
    beta: Any


@dataclass(frozen=True)
class _Embed:
    column: int
    E: Any
    seed: int


class FastTok2Vec:
    """Inference-only twin of a ``HashEmbedCNN`` tok2vec model."""

    def __init__(self, ops: Any, columns: Sequence[int], embeds: Sequence[_Embed],
                 reduce: _Block, blocks: Sequence[Tuple[int, _Block]], pad: int) -> None:
        self.ops, self.columns, self.pad = ops, list(columns), pad
        self.embeds, self.reduce, self.blocks = list(embeds), reduce, list(blocks)

    @staticmethod
    def _maxout_norm(ops: Any, X: Any, block: _Block) -> Any:
        Y = ops.gemm(X, block.W, trans2=True)
        Y += block.b
        Z = ops.maxout(Y.reshape(Y.shape[0], block.nO, block.nP))[0]
        n = Z.shape[1]  # layer norm as thinc computes it, without numpy's Python wrappers
        D = Z - _SUM(Z, axis=1, keepdims=True) / n
        var = _SUM(D * D, axis=1, keepdims=True) / n + _EPS
        return D * var ** -0.5 * block.G + block.beta

    def __call__(self, doc: Any) -> Any:
        """Token vectors (len(doc) x width) for one document."""
        ops = self.ops
        ids = numpy.ascontiguousarray(doc.to_array(self.columns), dtype="uint64")
        if ids.ndim == 1:
            ids = ids.reshape(-1, 1)
        parts = []
        for emb in self.embeds:
            keys = ops.hash(numpy.ascontiguousarray(ids[:, emb.column]), emb.seed) % emb.E.shape[0]
            parts.append(ops.gather_add(emb.E, keys))
        X = self._maxout_norm(ops, numpy.hstack(parts), self.reduce)
        if self.pad:  # the encoder sees zero rows around the document, as in thinc
            edge = numpy.zeros((self.pad, X.shape[1]), dtype=X.dtype)
            X = numpy.vstack((edge, X, edge))
        trim = 0
        for window, block in self.blocks:
            X = X + self._maxout_norm(ops, ops.seq2col(X, window), block)
            # Edge rows now differ from thinc's (they saw zeros past the edge, not padding
            # rows already dropped); no document row depends on them any more: drop them.
            if trim + window <= self.pad:
                X, trim = X[window:len(X) - window], trim + window
        return numpy.ascontiguousarray(X[self.pad - trim:len(X) - (self.pad - trim)])


def _block(maxout: Any, norm: Any) -> _Block:
    nO, nP, nI = maxout.get_dim("nO"), maxout.get_dim("nP"), maxout.get_dim("nI")
    W = numpy.ascontiguousarray(maxout.get_param("W").reshape(nO * nP, nI))
    return _Block(W, maxout.get_param("b").reshape(nO * nP), nO, nP,
                  norm.get_param("G"), norm.get_param("b"))


def _named(model: Any, name: str) -> List[Any]:
    return [node for node in model.walk(order="dfs_pre") if node.name == name]


def compile_tok2vec(model: Any) -> Optional[FastTok2Vec]:
    """A ``FastTok2Vec`` for the tok2vec ``model``, or None when its layout is unexpected."""
    try:
        extract = _named(model, "extract_features")
        hashembeds = _named(model, "hashembed")
        getitems = _named(model, "ints-getitem")
        maxouts = _named(model, "maxout")
        norms = _named(model, "layernorm")
        windows = _named(model, "expand_window")
        if (len(extract) != 1 or not hashembeds or len(getitems) != len(hashembeds)
                or len(maxouts) != len(norms) or len(maxouts) != len(windows) + 1):
            return None
        residuals = [n for n in model.walk()
                     if n.name.startswith("residual(") and ")>>" not in n.name]
        if len(residuals) != len(windows):
            return None
        encoders = [n for n in model.walk(order="dfs_pre")
                    if n.name.startswith("with_array(residual(")]
        if len(encoders) != 1:
            return None
        pad = int(encoders[0].attrs.get("pad", 0))
        columns = extract[0].attrs["columns"]
        embeds = []
        for getter, emb in zip(getitems, hashembeds, strict=False):
            index = getter.attrs["index"]
            column = index[1] if isinstance(index, tuple) else index
            embeds.append(_Embed(int(column), emb.get_param("E"), int(emb.attrs["seed"])))
        blocks = [(int(w.attrs["window_size"]), _block(m, n))
                  for w, m, n in zip(windows, maxouts[1:], norms[1:], strict=False)]
        return FastTok2Vec(model.ops, columns, embeds, _block(maxouts[0], norms[0]), blocks, pad)
    except (KeyError, ValueError, AttributeError, TypeError):
        return None
