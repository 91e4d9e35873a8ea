"""Dense retrieval: MiniLM vectors in a FAISS inner-product index (cosine on unit vectors).

Saved layout (``save``/``load``)::

    <dir>/index.faiss     faiss.write_index
    <dir>/clauses.json    the clauses, in index order (so hits need no knowledge-base parse)
    <dir>/metadata.json   model name, dimension, corpus hash, clause ids, versions, index type

``load`` checks metadata against the embedder it is given and the corpus hash the caller
expects, and refuses a mismatch instead of answering from a stale index. No pickle anywhere.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Literal

import faiss
import numpy as np

from retrieval.embedder import Embedder
from retrieval.errors import IndexMismatchError, IndexMissingError, IndexNotLoadedError
from retrieval.kb import PASSAGE_FORMAT, Clause, clause_passage, corpus_hash
from retrieval.query import DEFAULT_MAX_QUERY_CHARS, validate_query
from retrieval.types import Hit

INDEX_FILE = "index.faiss"
CLAUSES_FILE = "clauses.json"
METADATA_FILE = "metadata.json"
FORMAT_VERSION = 1

FLAT = "IndexFlatIP"
IVF = "IndexIVFFlat"
HNSW = "IndexHNSWFlat"


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """Which FAISS index a corpus gets, and its knobs. Defaults from reports/retrieval/bench.md.

    Single-query p50 on 2 cores (1 FAISS thread) for exact IndexFlatIP: 0.26 ms at 10k
    passages, 6.4 ms at 100k, 56 ms at 1M. Up to ``large_corpus_threshold`` exact search is
    fast enough for a chat turn, has perfect recall and nothing to train, so it stays.

    Above it: IVF, not HNSW. On the benchmark's synthetic corpora (mixtures of real MiniLM
    sentence vectors, which form tight clumps of near-duplicates) IndexIVFFlat with
    nlist ~ 2*sqrt(n) and nprobe=16 kept recall@10 at 0.978 (100k) and 0.981 (1M) against
    exact search, at 0.22 ms and 1.1 ms p50 (49x faster than exact at 1M). IndexHNSWFlat at
    M=16, efConstruction=40 (what fits the 2-core build budget: 189 s at 1M) reached only
    0.94 (100k) and 0.70 (1M) recall@10 even at efSearch=1024; most likely the clumps defeat a
    sparse graph, while IVF puts each clump in one list. ``large_index="hnsw"`` remains
    available for corpora where a denser graph can be afforded.
    """

    large_corpus_threshold: int = 100_000
    large_index: Literal["ivf", "hnsw"] = "ivf"
    # nprobe=8 was the fastest setting over 0.95 (0.951 / 0.955); 16 keeps a margin.
    ivf_nprobe: int = 16
    # k-means trains on this many vectors per centroid (faiss warns below 39).
    ivf_train_per_list: int = 64
    hnsw_m: int = 16
    hnsw_ef_construction: int = 40
    hnsw_ef_search: int = 512
    random_state: int = 0


def ivf_nlist(n: int, train_per_list: int = 64) -> int:
    """About 2*sqrt(n) lists (a power of two), never more than the data can train."""
    target = 1 << round(np.log2(max(2 * np.sqrt(n), 1)))
    return int(max(1, min(target, n // train_per_list)))


def hits_from_faiss(scores: np.ndarray, ids: np.ndarray, clauses: Sequence[Clause]) -> list[Hit]:
    """The one place FAISS output becomes ``Hit`` values.

    Takes one query's row of scores and ids; drops FAISS's ``-1`` padding, which it returns
    when fewer than ``k`` vectors could be found (k > corpus size, or an IVF / HNSW search
    that ran out of candidates).
    """
    hits: list[Hit] = []
    for score, idx in zip(np.asarray(scores).ravel(), np.asarray(ids).ravel(), strict=True):
        if idx < 0:
            continue
        clause = clauses[int(idx)]
        hits.append(Hit(clause.clause_id, clause.title, clause.text, float(score)))
    return hits


def build_faiss_index(vectors: np.ndarray, config: IndexConfig | None = None) -> faiss.Index:
    """Inner-product index over unit vectors: exact below the threshold, IVF/HNSW above."""
    config = config or IndexConfig()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dimension = vectors.shape
    if n < config.large_corpus_threshold:
        index = faiss.IndexFlatIP(dimension)
    elif config.large_index == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = config.hnsw_ef_construction
    else:
        nlist = ivf_nlist(n, config.ivf_train_per_list)
        index = faiss.IndexIVFFlat(
            faiss.IndexFlatIP(dimension), dimension, nlist, faiss.METRIC_INNER_PRODUCT
        )
        rng = np.random.default_rng(config.random_state)
        sample = min(n, config.ivf_train_per_list * nlist)
        index.train(vectors[np.sort(rng.choice(n, size=sample, replace=False))])
    index.add(vectors)
    apply_search_params(index, config)
    return index


def apply_search_params(index: faiss.Index, config: IndexConfig) -> None:
    """Query-time knobs come from the config, also for a loaded index."""
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = config.hnsw_ef_search
    elif isinstance(index, faiss.IndexIVF):
        index.nprobe = config.ivf_nprobe
        # Needed by reconstruct() (hybrid fusion asks for cosines of named clauses).
        index.make_direct_map()


def index_type(index: faiss.Index) -> str:
    if isinstance(index, faiss.IndexHNSW):
        return HNSW
    if isinstance(index, faiss.IndexIVF):
        return IVF
    return FLAT


class DenseRetriever:
    """Cosine search over clause embeddings.

    Cheap to construct; ``build(clauses)`` or ``load(directory)`` does the work. Learned state
    lives in trailing-underscore attributes.
    """

    name = "dense"

    def __init__(
        self,
        embedder: Embedder,
        *,
        config: IndexConfig | None = None,
        max_query_chars: int = DEFAULT_MAX_QUERY_CHARS,
    ) -> None:
        self.embedder = embedder
        self.config = config or IndexConfig()
        self.max_query_chars = max_query_chars
        self.index_: faiss.Index | None = None
        self.clauses_: list[Clause] = []
        self.corpus_hash_: str | None = None

    # -- building and storage -------------------------------------------------------------

    def build(self, clauses: Sequence[Clause]) -> DenseRetriever:
        """Embed every clause passage and index it."""
        if not clauses:
            raise ValueError("cannot build an index over an empty list of clauses")
        vectors = self.embedder.encode([clause_passage(c) for c in clauses])
        self.index_ = build_faiss_index(vectors, self.config)
        self.clauses_ = list(clauses)
        self.corpus_hash_ = corpus_hash(self.clauses_)
        return self

    def save(self, directory: Path | str) -> Path:
        """Write the index, its clauses and metadata into ``directory``.

        Other files in the directory are left alone. Each file is written beside its target
        and moved into place, metadata last: a crash leaves either the old index or files
        that disagree with their metadata, which ``load`` refuses.
        """
        index = self._require_index()
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        clauses = [dataclasses.asdict(c) for c in self.clauses_]
        staged = {
            INDEX_FILE: None,
            CLAUSES_FILE: json.dumps(clauses, ensure_ascii=False, indent=1),
            METADATA_FILE: json.dumps(self._metadata(index), indent=2),
        }
        for name, text in staged.items():
            partial = target / f".{name}.partial"
            if text is None:
                faiss.write_index(index, str(partial))
            else:
                partial.write_text(text, encoding="utf-8")
            os.replace(partial, target / name)
        return target

    def _metadata(self, index: faiss.Index) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "passage_format": PASSAGE_FORMAT,
            "model_name": self.embedder.name,
            "dimension": int(index.d),
            "corpus_hash": self.corpus_hash_,
            "clause_ids": [c.clause_id for c in self.clauses_],
            "index_type": index_type(index),
            "size": int(index.ntotal),
            "versions": {
                "faiss": faiss.__version__,
                "sentence-transformers": _version("sentence-transformers"),
                "torch": _version("torch"),
                "onnxruntime": _version("onnxruntime"),
            },
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def load(
        self, directory: Path | str, *, expected_corpus_hash: str | None = None
    ) -> DenseRetriever:
        """Load a saved index, refusing one built for another model, dimension or corpus."""
        source = Path(directory)
        meta = read_metadata(source)
        if meta is None:
            raise IndexMissingError(
                f"no saved index at {source} (missing {METADATA_FILE}); build it with `make index`"
            )
        fix = "rebuild it with `make index`"
        checks = [
            ("format version", meta.get("format_version"), FORMAT_VERSION),
            ("passage format", meta.get("passage_format"), PASSAGE_FORMAT),
            ("model name", meta.get("model_name"), self.embedder.name),
            ("dimension", meta.get("dimension"), self.embedder.dimension),
        ]
        if expected_corpus_hash is not None:
            checks.append(("corpus hash", meta.get("corpus_hash"), expected_corpus_hash))
        for what, saved, expected in checks:
            if saved != expected:
                raise IndexMismatchError(
                    f"index at {source} was built with {what} {saved!r}, "
                    f"expected {expected!r}; {fix}"
                )

        try:
            index = faiss.read_index(str(source / INDEX_FILE))
            raw_clauses = json.loads((source / CLAUSES_FILE).read_text(encoding="utf-8"))
            clauses = [Clause(**item) for item in raw_clauses]
        except (RuntimeError, OSError, ValueError, TypeError) as e:
            raise IndexMismatchError(f"index at {source} is unreadable ({e}); {fix}") from e
        ids = [c.clause_id for c in clauses]
        if ids != meta.get("clause_ids") or index.ntotal != len(clauses):
            raise IndexMismatchError(
                f"index at {source} holds {index.ntotal} vectors for {len(clauses)} clauses and "
                f"its clause list disagrees with its metadata; {fix}"
            )
        if index.d != self.embedder.dimension or corpus_hash(clauses) != meta.get("corpus_hash"):
            raise IndexMismatchError(f"index at {source} contradicts its own metadata; {fix}")
        # efSearch / nprobe are query-time knobs: the configured values win over the saved ones.
        apply_search_params(index, self.config)
        self.index_ = index
        self.clauses_ = clauses
        self.corpus_hash_ = meta["corpus_hash"]
        return self

    # -- search ---------------------------------------------------------------------------

    def search(self, query: str, k: int) -> list[Hit]:
        """The ``k`` clauses most similar to ``query`` (all of them if ``k`` exceeds the corpus)."""
        query = validate_query(query, k, self.max_query_chars)
        self._require_index()
        return self.search_vector(self.encode_query(query), k)

    def encode_query(self, query: str) -> np.ndarray:
        """The query's unit vector, shape ``(1, dimension)``."""
        return self.embedder.encode([query])

    def search_vector(self, vector: np.ndarray, k: int) -> list[Hit]:
        """Search with an already-embedded query (shape ``(1, dimension)``)."""
        index = self._require_index()
        scores, ids = index.search(
            np.ascontiguousarray(vector, dtype=np.float32), min(k, index.ntotal)
        )
        return hits_from_faiss(scores[0], ids[0], self.clauses_)

    def similarities(self, vector: np.ndarray, clause_ids: Sequence[str]) -> dict[str, float]:
        """Exact cosine between a query vector and the named clauses (for fused rankings)."""
        index = self._require_index()
        positions = {c.clause_id: i for i, c in enumerate(self.clauses_)}
        wanted = [positions[cid] for cid in clause_ids if cid in positions]
        if not wanted:
            return {}
        stored = index.reconstruct_batch(np.asarray(wanted, dtype=np.int64))
        cosines = stored @ np.asarray(vector, dtype=np.float32).ravel()
        return {self.clauses_[i].clause_id: float(s) for i, s in zip(wanted, cosines, strict=True)}

    @property
    def clauses(self) -> list[Clause]:
        self._require_index()
        return self.clauses_

    def _require_index(self) -> faiss.Index:
        if self.index_ is None:
            raise IndexNotLoadedError(
                "dense retriever has no index; call build(clauses) or load(directory) first"
            )
        return self.index_


def read_metadata(directory: Path | str) -> dict | None:
    """A saved index's metadata, or ``None`` when there is no (complete) saved index."""
    path = Path(directory) / METADATA_FILE
    if not path.is_file() or not (Path(directory) / INDEX_FILE).is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def _version(package: str) -> str | None:
    try:
        return importlib_metadata.version(package)
    except importlib_metadata.PackageNotFoundError:
        return None
