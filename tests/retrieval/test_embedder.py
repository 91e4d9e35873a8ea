from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.embedder import (
    DEFAULT_MODEL_NAME,
    DEFAULT_ONNX_FILE,
    Embedder,
    MemoEmbedder,
    SentenceTransformerEmbedder,
    default_model_path,
    make_embedder,
    normalise,
)
from retrieval.errors import EmbedderNotLoadedError, RetrievalError
from tests.retrieval.fakes import FakeEmbedder


def test_normalise_gives_unit_float32_c_contiguous_rows_without_touching_input() -> None:
    raw = np.asfortranarray(np.array([[3.0, 4.0], [0.0, 0.0]]))

    out = normalise(raw)

    assert out.dtype == np.float32 and out.flags["C_CONTIGUOUS"]
    assert np.allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    assert raw[0, 0] == 3.0


def test_constructor_is_cheap_and_use_before_load_is_named(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder(tmp_path / "missing-model")

    assert not embedder.loaded
    with pytest.raises(EmbedderNotLoadedError, match="call load"):
        embedder.encode(["refund"])
    with pytest.raises(EmbedderNotLoadedError):
        _ = embedder.dimension
    with pytest.raises(RetrievalError, match="does not exist"):
        embedder.load()


def test_names_identify_the_numeric_variant(tmp_path: Path) -> None:
    torch_variant = make_embedder("torch")
    onnx_variant = make_embedder("onnx", onnx_file=tmp_path / "model_qint8.onnx")
    served = make_embedder()

    assert torch_variant.name == DEFAULT_MODEL_NAME
    assert onnx_variant.name == f"{DEFAULT_MODEL_NAME}:onnx:model_qint8"
    assert torch_variant.model_path == default_model_path()
    # The product serves the project's one export, fp32 (`make nlu-encoder`).
    assert served.backend == "onnx" and served.onnx_file == DEFAULT_ONNX_FILE
    assert served.name == f"{DEFAULT_MODEL_NAME}:onnx:model"


def test_onnx_backend_needs_a_file_and_backends_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="onnx_file"):
        SentenceTransformerEmbedder(tmp_path, backend="onnx")
    with pytest.raises(ValueError, match="backend"):
        SentenceTransformerEmbedder(tmp_path, backend="tensorflow")


def test_fake_satisfies_the_protocol() -> None:
    fake = FakeEmbedder()
    assert isinstance(fake, Embedder)
    vectors = fake.encode(["refund days", "refund days", "zebra"])
    assert vectors.shape == (3, 64)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)


def test_memo_embeds_a_text_once_and_passes_batches_through() -> None:
    fake = FakeEmbedder()
    memo = MemoEmbedder(fake, size=2)

    first = memo.encode(["how long do refunds take?"])
    again = memo.encode(["how long do refunds take?"])
    assert fake.calls == 1 and np.array_equal(first, again)
    again[0, 0] = 42.0  # a caller's edit does not reach the memo
    assert memo.encode(["how long do refunds take?"])[0, 0] == first[0, 0]

    memo.encode(["a", "b"])
    memo.encode(["a", "b"])
    assert fake.calls == 3  # batches are never memoised

    memo.encode(["x"])
    memo.encode(["y"])  # the oldest entry (the refund question) is dropped
    memo.encode(["how long do refunds take?"])
    assert fake.calls == 6
    assert memo.name == fake.name and memo.dimension == fake.dimension
