"""The served embedder (ONNX fp32, the project's one MiniLM export) gives torch's vectors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from retrieval.embedder import DEFAULT_ONNX_FILE, make_embedder
from retrieval.kb import load_knowledge_base, split_sentences
from tests.retrieval.conftest import REPO_ROOT

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Policy sentences of every length, and buyers' questions as typed (typos, emoji)."""
    clauses = load_knowledge_base(REPO_ROOT / "data" / "policies")
    sentences = [s for c in clauses for s in split_sentences(c.text)]
    lines = (REPO_ROOT / "data" / "eval" / "policy_questions.jsonl").read_text().splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    whole_clauses = [c.text for c in clauses[:10]]  # long inputs, near the 256-piece limit
    return sentences[::3] + questions[::4] + whole_clauses + ["my airfryer came broken 😡"]


def test_onnx_vectors_match_torch(minilm, texts: list[str]) -> None:
    assert minilm.backend == "onnx" and minilm.onnx_file == DEFAULT_ONNX_FILE
    torch_vectors = make_embedder("torch").load().encode(texts)
    onnx_vectors = minilm.encode(texts)

    cosines = (torch_vectors * onnx_vectors).sum(axis=1)
    assert cosines.min() >= 0.9999, texts[int(cosines.argmin())]
    assert np.abs(torch_vectors - onnx_vectors).max() < 1e-3


def test_one_text_alone_or_in_a_padded_batch_gets_the_same_vector(minilm, texts) -> None:
    # Padding is masked out of the mean: the served path embeds one question at a time.
    batch = minilm.encode(texts[:20])
    alone = np.vstack([minilm.encode([t]) for t in texts[:20]])
    assert np.abs(batch - alone).max() < 1e-4
