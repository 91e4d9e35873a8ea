"""Wordpiece → token alignment (pure numpy; the Rasa-side checks are in test_minilm_featurizer)."""

from __future__ import annotations

import numpy as np

from nlu.components.alignment import align_pieces_to_tokens


def _vectors(n: int, dim: int = 4) -> np.ndarray:
    return np.arange(n * dim, dtype=np.float32).reshape(n, dim)


def test_a_word_split_into_pieces_gets_their_mean() -> None:
    # "my airfryer": my | air ##fr ##yer
    offsets = np.array([[0, 2], [3, 6], [6, 8], [8, 11]])
    vectors = _vectors(4)
    out = align_pieces_to_tokens(offsets, vectors, [(0, 2), (3, 11)])
    assert out.shape == (2, 4) and out.dtype == np.float32
    np.testing.assert_allclose(out[0], vectors[0])
    np.testing.assert_allclose(out[1], vectors[1:4].mean(axis=0))


def test_pieces_outside_every_token_are_ignored() -> None:
    # "broken, order": the comma piece belongs to no whitespace token.
    offsets = np.array([[0, 6], [6, 7], [8, 13]])
    vectors = _vectors(3)
    out = align_pieces_to_tokens(offsets, vectors, [(0, 6), (8, 13)])
    np.testing.assert_allclose(out, vectors[[0, 2]])


def test_an_unknown_piece_wider_than_the_token_still_aligns() -> None:
    # "broken😡": the tokenizer keeps "broken" (7..13), MiniLM has one [UNK] for 7..14.
    offsets = np.array([[0, 6], [7, 14], [15, 20]])
    vectors = _vectors(3)
    out = align_pieces_to_tokens(offsets, vectors, [(0, 6), (7, 13), (15, 20)])
    np.testing.assert_allclose(out, vectors)


def test_a_piece_spanning_two_tokens_counts_for_both() -> None:
    offsets = np.array([[0, 5]])
    vectors = _vectors(1)
    out = align_pieces_to_tokens(offsets, vectors, [(0, 2), (2, 5)])
    np.testing.assert_allclose(out, np.repeat(vectors, 2, axis=0))


def test_tokens_past_the_truncation_get_zero_rows() -> None:
    offsets = np.array([[0, 3], [4, 7]])
    out = align_pieces_to_tokens(offsets, _vectors(2), [(0, 3), (4, 7), (8, 12), (13, 15)])
    assert out.shape == (4, 4)
    assert out[:2].any(axis=1).all() and not out[2:].any()


def test_no_tokens_or_no_pieces() -> None:
    assert align_pieces_to_tokens(np.zeros((0, 2)), np.zeros((0, 8)), []).shape == (0, 8)
    out = align_pieces_to_tokens(np.zeros((0, 2)), np.zeros((0, 8)), [(0, 3)])
    assert out.shape == (1, 8) and not out.any()
