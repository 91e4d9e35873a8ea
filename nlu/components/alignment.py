"""Wordpieces → Rasa tokens: mean-pool the pieces whose characters overlap each token.

Pure numpy (no Rasa), so the main environment's tests exercise it directly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def align_pieces_to_tokens(
    piece_offsets: np.ndarray,
    piece_vectors: np.ndarray,
    token_spans: Sequence[tuple[int, int]],
) -> np.ndarray:
    """One row per token: the mean of the wordpieces overlapping its ``[start, end)`` span.

    ``piece_offsets`` is ``(pieces, 2)`` character offsets into the same text the token spans
    index (special tokens such as ``[CLS]`` left out), ``piece_vectors`` is ``(pieces, dim)``.
    A token that no piece overlaps (its text fell beyond the encoder's truncation, or consisted
    only of characters the encoder's normaliser drops) gets a zero row, as Rasa's
    LanguageModelFeaturizer does for truncated tokens. A piece spanning two tokens counts for
    both. Returns float32 ``(tokens, dim)``.
    """
    dim = piece_vectors.shape[1]
    if not len(token_spans):
        return np.zeros((0, dim), dtype=np.float32)
    if not len(piece_offsets):
        return np.zeros((len(token_spans), dim), dtype=np.float32)
    spans = np.asarray(token_spans, dtype=np.int64).reshape(-1, 2)
    offsets = np.asarray(piece_offsets, dtype=np.int64).reshape(-1, 2)
    # overlap[t, p]: piece p shares at least one character with token t.
    overlap = (offsets[None, :, 0] < spans[:, None, 1]) & (offsets[None, :, 1] > spans[:, None, 0])
    counts = overlap.sum(axis=1, keepdims=True)
    weights = overlap / np.maximum(counts, 1)
    return (weights @ piece_vectors).astype(np.float32, copy=False)
