"""MiniLM on onnxruntime: wordpiece embeddings with character offsets, and the sentence vector.

Runs the ONNX file written by ``python -m nlu.export_encoder`` (outputs ``token_embeddings`` and
``sentence_embedding``) with the model's own ``tokenizer.json``. Needs numpy, onnxruntime and
tokenizers only: Rasa's environment and the main one can both import it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENCODER_PATH_ENV = "AFTERSALES_ENCODER_PATH"
DEFAULT_ENCODER_DIR = PROJECT_ROOT / "artifacts" / "nlu-encoder"
DEFAULT_ENCODER_FILE = "model_qint8.onnx"
TOKENIZER_FILE = "tokenizer.json"
BUILD_HINT = "build it with `python -m nlu.export_encoder` in the main environment"


class EncoderNotFound(FileNotFoundError):
    """The ONNX encoder or its tokenizer is not where the configuration says."""


def resolve_model_path(configured: str | os.PathLike[str] | None) -> Path:
    """The ONNX file: as configured, else ``$AFTERSALES_ENCODER_PATH``, else the int8 export.

    A relative path is taken relative to the project root (not the working directory), so the
    same model resolves the same file under ``rasa train``, ``rasa run`` and the tests.
    """
    value = (
        configured or os.environ.get(ENCODER_PATH_ENV) or DEFAULT_ENCODER_DIR / DEFAULT_ENCODER_FILE
    )
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def resolve_tokenizer_path(configured: str | os.PathLike[str] | None, model_path: Path) -> Path:
    """The tokenizer: as configured (relative to the project root), else beside the ONNX file."""
    if not configured:
        return model_path.parent / TOKENIZER_FILE
    path = Path(configured).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


_HASH_CACHE: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    """sha256 of a file, remembered per (path, size, mtime) within the process."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _HASH_CACHE:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        _HASH_CACHE[key] = digest.hexdigest()
    return _HASH_CACHE[key]


@dataclass(frozen=True)
class Encoded:
    """One text: its wordpieces (special tokens excluded) and its sentence embedding."""

    piece_offsets: np.ndarray  # (pieces, 2) int64 character offsets into the text
    piece_vectors: np.ndarray  # (pieces, dim) float32, the transformer's last hidden state
    sentence: np.ndarray  # (dim,) float32, masked mean of all pieces, L2-normalised
    pieces: tuple[str, ...]  # the wordpiece strings, for inspection
    truncated: bool  # the text had more wordpieces than max_length


class MiniLMEncoder:
    """An onnxruntime session plus tokenizer. ``encode`` batches; the session is thread-safe."""

    def __init__(
        self,
        model_path: Path,
        tokenizer_path: Path | None = None,
        *,
        max_length: int = 128,
        threads: int = 1,
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.model_path = Path(model_path)
        self.tokenizer_path = Path(tokenizer_path or self.model_path.parent / TOKENIZER_FILE)
        for path, what in ((self.model_path, "ONNX encoder"), (self.tokenizer_path, "tokenizer")):
            if not path.is_file():
                raise EncoderNotFound(f"MiniLM {what} {path} does not exist; {BUILD_HINT}")
        if not 2 <= max_length <= 512:
            raise ValueError(f"max_length must be within 2..512 (BERT positions), got {max_length}")
        self.max_length = max_length
        tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
        # tokenizer.json pads every text to 128: pad per batch instead, to its longest text.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=max_length)
        self._pad_id = tokenizer.token_to_id("[PAD]") or 0
        self._tokenizer = tokenizer
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = onnxruntime.InferenceSession(
            str(self.model_path), options, providers=["CPUExecutionProvider"]
        )
        outputs = {o.name: o.shape for o in self._session.get_outputs()}
        if set(outputs) != {"token_embeddings", "sentence_embedding"}:
            raise ValueError(
                f"{self.model_path} has outputs {sorted(outputs)}, expected token_embeddings and "
                f"sentence_embedding; {BUILD_HINT} (lab.retrieval.onnx_export has sentences only)"
            )
        self.dimension = int(outputs["sentence_embedding"][-1])

    def is_batch_invariant(self) -> bool:
        """Whether a text gets the same vectors alone as inside a padded batch.

        fp32 does (to ~1e-6). A dynamically quantised (int8) graph does not: each MatMul input
        is quantised with one scale computed over the whole batch, padding included, so a text's
        vectors depend on its batch-mates (mean cosine 0.99, worst 0.94 here). Callers that must
        reproduce parse-time features (one message per call) then encode one text per call.
        """
        texts = [
            "where is my parcel",
            "THE BLENDER ARRIVED BROKEN!!! I want my money back, order #88231, 3 weeks ago",
        ]
        alone = self.encode(texts[:1], batch_size=1)[0]
        together = self.encode(texts, batch_size=2)[0]
        return bool(
            np.allclose(alone.sentence, together.sentence, atol=1e-4)
            and np.allclose(alone.piece_vectors, together.piece_vectors, atol=1e-3)
        )

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> list[Encoded]:
        """Encode ``texts`` in batches of similar length; results come back in input order."""
        texts = list(texts)
        encodings = self._tokenizer.encode_batch(texts) if texts else []
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        results: list[Encoded | None] = [None] * len(texts)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            for i, encoded in zip(batch, self._run([encodings[i] for i in batch]), strict=True):
                results[i] = encoded
        return results  # type: ignore[return-value]

    def _run(self, encodings: list) -> list[Encoded]:
        width = max(len(e.ids) for e in encodings)
        shape = (len(encodings), width)
        ids = np.full(shape, self._pad_id, dtype=np.int64)
        mask = np.zeros(shape, dtype=np.int64)
        types = np.zeros(shape, dtype=np.int64)
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n] = e.ids
            mask[row, :n] = e.attention_mask
            types[row, :n] = e.type_ids
        hidden, sentences = self._session.run(
            ["token_embeddings", "sentence_embedding"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
        )
        out = []
        for row, e in enumerate(encodings):
            n = len(e.ids)
            keep = np.array(e.special_tokens_mask, dtype=bool) == 0
            offsets = np.array(e.offsets, dtype=np.int64).reshape(-1, 2)[keep]
            out.append(
                Encoded(
                    piece_offsets=offsets,
                    piece_vectors=np.ascontiguousarray(hidden[row, :n][keep], dtype=np.float32),
                    sentence=np.asarray(sentences[row], dtype=np.float32),
                    pieces=tuple(t for t, k in zip(e.tokens, keep, strict=True) if k),
                    truncated=bool(e.overflowing),
                )
            )
        return out


_SHARED: dict[tuple[str, str], MiniLMEncoder] = {}


def shared_encoder(
    model_path: str | os.PathLike[str] | None = None,
    tokenizer_path: str | os.PathLike[str] | None = None,
) -> MiniLMEncoder:
    """One encoder per (model, tokenizer) file in the process, for components that only read:
    an onnxruntime session holds ~100 MB and is safe to share."""
    model = resolve_model_path(model_path)
    tokenizer = resolve_tokenizer_path(tokenizer_path, model)
    key = (str(model), str(tokenizer))
    if key not in _SHARED:
        _SHARED[key] = MiniLMEncoder(model, tokenizer)
    return _SHARED[key]
