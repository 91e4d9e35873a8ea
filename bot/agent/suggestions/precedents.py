"""The past-resolutions index: MiniLM vectors of each past case's situation in FAISS.

Stored with `retrieval.index`'s store (files staged and moved into place, metadata last)::

    <dir>/index.faiss         inner product over unit vectors = cosine
    <dir>/resolutions.json    the resolutions, in index order
    <dir>/metadata.json       model name, dimension, count, corpus hash, the corpus's source

``load`` refuses an index built with another model or dimension, or whose resolutions file
does not match its hash, instead of retrieving from the wrong vectors. No pickle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

from common.errors import AftersalesError
from retrieval.embedder import INT8_ONNX_FILE, Embedder
from retrieval.index import (
    build_faiss_index,
    nearest,
    read_index,
    read_metadata,
    save_index,
)

RESOLUTIONS_FILE = "resolutions.json"
FORMAT_VERSION = 1


class AssistIndexError(AftersalesError):
    """Base of the resolution index's errors."""


class AssistIndexMissing(AssistIndexError, FileNotFoundError):
    """No saved index where one was expected."""


class AssistIndexMismatch(AssistIndexError):
    """The saved index does not fit the embedder or its own files."""


@dataclass(frozen=True)
class Resolution:
    """One resolved past case: its situation, the agent's decision, their reply."""

    case_id: str
    claim_type: str
    decision: str
    situation: str
    reply: str
    citations: tuple[str, ...]
    variant: int
    opened_at: str

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = list(self.citations)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Resolution:
        return cls(**{**data, "citations": tuple(data["citations"])})


@dataclass(frozen=True)
class Precedent:
    """A past resolution and how close its situation is to the case's (cosine)."""

    resolution: Resolution
    similarity: float


def corpus_hash(resolutions: Sequence[Resolution]) -> str:
    payload = json.dumps([r.to_dict() for r in resolutions], sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()


class ResolutionIndex:
    """Nearest past resolutions of a situation. Build or load, then search."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.resolutions_: list[Resolution] | None = None
        self.index_: faiss.Index | None = None
        self.metadata_: dict = {}

    def __len__(self) -> int:
        return len(self.resolutions_ or ())

    def build(self, resolutions: Sequence[Resolution], **extra: object) -> ResolutionIndex:
        """Embed and index; ``extra`` goes into the metadata (where the corpus came from)."""
        if not resolutions:
            raise AssistIndexError("cannot build an index of no resolutions")
        vectors = self.embedder.encode([r.situation for r in resolutions])
        self.index_ = build_faiss_index(vectors)
        self.resolutions_ = list(resolutions)
        self.metadata_ = {
            "format_version": FORMAT_VERSION,
            "model_name": self.embedder.name,
            "dimension": int(vectors.shape[1]),
            "count": len(resolutions),
            "corpus_hash": corpus_hash(resolutions),
            "decisions": _counts(r.decision for r in resolutions),
            "faiss_version": faiss.__version__,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **extra,
        }
        return self

    def vectors(self) -> np.ndarray:
        """The stored vectors, in resolution order (exact for the flat index used here)."""
        if self.index_ is None:
            raise AssistIndexError("the resolution index is not built or loaded")
        return self.index_.reconstruct_n(0, self.index_.ntotal)

    def search(self, text: str, k: int = 10) -> list[Precedent]:
        """The `k` past resolutions whose situation is closest to `text`, closest first."""
        if self.index_ is None or self.resolutions_ is None:
            raise AssistIndexError("the resolution index is not built or loaded")
        rows = nearest(self.index_, self.embedder.encode([text]), k)
        return [Precedent(self.resolutions_[row], score) for row, score in rows]

    def save(self, directory: Path) -> None:
        if self.index_ is None or self.resolutions_ is None:
            raise AssistIndexError("nothing to save: build the index first")
        resolutions = json.dumps([r.to_dict() for r in self.resolutions_], indent=0) + "\n"
        save_index(directory, self.index_, {RESOLUTIONS_FILE: resolutions}, self.metadata_)

    def load(self, directory: Path) -> ResolutionIndex:
        directory = Path(directory)
        metadata = read_metadata(directory)
        if metadata is None:
            raise AssistIndexMissing(f"no resolution index at {directory}; build it with {BUILD}")
        if metadata.get("format_version") != FORMAT_VERSION:
            raise AssistIndexMismatch(f"index format {metadata.get('format_version')} unsupported")
        if metadata.get("model_name") != self.embedder.name:
            raise AssistIndexMismatch(
                f"index built with {metadata.get('model_name')!r}, embedder is "
                f"{self.embedder.name!r}; rebuild it with {BUILD}"
            )
        resolutions = [
            Resolution.from_dict(d) for d in json.loads((directory / RESOLUTIONS_FILE).read_text())
        ]
        if corpus_hash(resolutions) != metadata.get("corpus_hash"):
            raise AssistIndexMismatch(f"{RESOLUTIONS_FILE} does not match the index's metadata")
        index = read_index(directory)
        if index.ntotal != len(resolutions) or index.d != metadata.get("dimension"):
            raise AssistIndexMismatch("index.faiss does not match the resolutions or dimension")
        if index.d != self.embedder.dimension:
            raise AssistIndexMismatch(
                f"index dimension {index.d} != embedder dimension {self.embedder.dimension}"
            )
        self.index_, self.resolutions_, self.metadata_ = index, resolutions, metadata
        return self


BUILD = "`make assist-index`"
# The suggestions embed with MiniLM's int8 export (issue 17): building the 6,000-case index takes
# 62 s of CPU on one thread against 137 s for fp32, and `make eval-assist` (1,059 held-out
# cases, 2026-12-03) scores the same: blend top-1 0.837 against 0.835, precedents alone 0.755
# against 0.756, top-3 1.000 for both. The index records the file's stem in its model name, so
# the bot queries it with this same file.
ASSIST_ONNX_FILE = INT8_ONNX_FILE


def _counts(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))
