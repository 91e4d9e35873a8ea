"""Dense retrieval: MiniLM vectors in a FAISS inner-product index (cosine on unit vectors).

Each clause is indexed as several passages (``retrieval.passages``: the whole clause plus
sentence windows); a clause scores as its best passage (max-sim).

Saved layout (``save``/``load``)::

    <dir>/index.faiss     faiss.write_index, one vector per passage
    <dir>/clauses.json    the clauses, in index order (so hits need no knowledge-base parse)
    <dir>/passages.json   clause id, position and sentence indices of each vector
    <dir>/metadata.json   model name, dimension, corpus hash, clause ids, passage format and
                          window, versions, index type

``load`` checks metadata against the embedder it is given and the corpus hash the caller
expects, and refuses a mismatch instead of answering from a stale index. No pickle anywhere.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Literal

import faiss
import numpy as np

from retrieval.embedder import Embedder
from retrieval.errors import IndexMismatchError, IndexMissingError, IndexNotLoadedError
from retrieval.kb import PASSAGE_FORMAT, Clause, corpus_hash
from retrieval.passages import PASSAGE_WINDOW, WHOLE, Passage, corpus_passages
from retrieval.query import DEFAULT_MAX_QUERY_CHARS, validate_query
from retrieval.types import Hit

INDEX_FILE = "index.faiss"
CLAUSES_FILE = "clauses.json"
PASSAGES_FILE = "passages.json"
METADATA_FILE = "metadata.json"
# 2: one vector per passage instead of one per clause (index files of version 1 are refused).
FORMAT_VERSION = 2
# A search for k clauses reads this many passages per wanted clause from FAISS before grouping
# them by clause; clauses have 1-12 passages, so the best passage of each of the k best clauses
# is almost always among them, and every clause found is then scored exactly.
PASSAGES_PER_CLAUSE = 8

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


@dataclass(frozen=True, slots=True)
class ClauseMatch:
    """How close one clause is to a query: its whole text, its best sentence window, overall."""

    clause_id: str
    whole: float  # cosine of the whole-clause passage
    window: float  # best cosine among its sentence windows
    best: float  # max(whole, window): the clause's score (max-sim)
    sentences: tuple[int, ...]  # the best passage's sentence indices


def _passage_key(passage: Passage) -> list:
    """What passages.json stores per row (the text is re-derived from the clause)."""
    return [passage.clause_id, passage.position, list(passage.sentences)]


class DenseRetriever:
    """Cosine search over clause passages; a clause scores as its best passage (max-sim).

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
        window: int = PASSAGE_WINDOW,
    ) -> None:
        self.embedder = embedder
        self.config = config or IndexConfig()
        self.max_query_chars = max_query_chars
        self.window = window
        self.index_: faiss.Index | None = None
        self.clauses_: list[Clause] = []
        self.passages_: list[Passage] = []
        self.corpus_hash_: str | None = None
        self._rows: dict[str, list[int]] = {}  # clause id -> its passages' rows in the index

    # -- building and storage -------------------------------------------------------------

    def build(self, clauses: Sequence[Clause]) -> DenseRetriever:
        """Embed every passage of every clause and index it."""
        if not clauses:
            raise ValueError("cannot build an index over an empty list of clauses")
        passages = corpus_passages(clauses, self.window)
        vectors = self.embedder.encode([p.text for p in passages])
        self._set_state(build_faiss_index(vectors, self.config), clauses, passages)
        self.corpus_hash_ = corpus_hash(self.clauses_)
        return self

    def _set_state(
        self, index: faiss.Index, clauses: Sequence[Clause], passages: Sequence[Passage]
    ) -> None:
        self.index_ = index
        self.clauses_ = list(clauses)
        self.passages_ = list(passages)
        self._by_id = {c.clause_id: c for c in self.clauses_}
        self._rows = {}
        for row, passage in enumerate(self.passages_):
            self._rows.setdefault(passage.clause_id, []).append(row)

    def save(self, directory: Path | str) -> Path:
        """Write the index, its clauses and metadata into ``directory``.

        Other files in the directory are left alone. Each file is written beside its target
        and moved into place, metadata last: a crash leaves either the old index or files
        that disagree with their metadata, which ``load`` refuses.
        """
        index = self._require_index()
        clauses = [dataclasses.asdict(c) for c in self.clauses_]
        files = {
            CLAUSES_FILE: json.dumps(clauses, ensure_ascii=False, indent=1),
            PASSAGES_FILE: json.dumps([_passage_key(p) for p in self.passages_]),
        }
        return save_index(directory, index, files, self._metadata(index))

    def _metadata(self, index: faiss.Index) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "passage_format": PASSAGE_FORMAT,
            "passage_window": self.window,
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
            ("passage window", meta.get("passage_window"), self.window),
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
            index = read_index(source)
            raw_clauses = json.loads((source / CLAUSES_FILE).read_text(encoding="utf-8"))
            clauses = [Clause(**item) for item in raw_clauses]
            saved_passages = json.loads((source / PASSAGES_FILE).read_text(encoding="utf-8"))
        except (RuntimeError, OSError, ValueError, TypeError) as e:
            raise IndexMismatchError(f"index at {source} is unreadable ({e}); {fix}") from e
        passages = corpus_passages(clauses, self.window)
        ids = [c.clause_id for c in clauses]
        if ids != meta.get("clause_ids") or index.ntotal != len(passages):
            raise IndexMismatchError(
                f"index at {source} holds {index.ntotal} vectors for {len(passages)} passages of "
                f"{len(clauses)} clauses and its clause list disagrees with its metadata; {fix}"
            )
        if index.d != self.embedder.dimension or corpus_hash(clauses) != meta.get("corpus_hash"):
            raise IndexMismatchError(f"index at {source} contradicts its own metadata; {fix}")
        # The rows must be the passages this code would cut from these clauses, in this order;
        # otherwise a hit would cite one clause with another clause's sentences.
        if saved_passages != [_passage_key(p) for p in passages]:
            raise IndexMismatchError(
                f"index at {source} was cut into other passages than this code makes; {fix}"
            )
        # efSearch / nprobe are query-time knobs: the configured values win over the saved ones.
        apply_search_params(index, self.config)
        self._set_state(index, clauses, passages)
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
        """Search with an already-embedded query (shape ``(1, dimension)``), best passage first."""
        matches = self.match(vector, self.candidates(vector, k))
        ranked = sorted(matches.values(), key=lambda m: (-m.best, m.clause_id))[:k]
        return [self.hit(m) for m in ranked]

    def candidates(self, vector: np.ndarray, k: int) -> list[str]:
        """Ids of (at least) the ``k`` clauses whose best passage is closest, in FAISS order."""
        index = self._require_index()
        wanted = min(index.ntotal, max(k, 1) * PASSAGES_PER_CLAUSE)
        _, rows = index.search(np.ascontiguousarray(vector, dtype=np.float32), wanted)
        seen: dict[str, None] = {}
        for row in rows[0]:
            if row >= 0:
                seen.setdefault(self.passages_[int(row)].clause_id, None)
        return list(seen)

    def match(self, vector: np.ndarray, clause_ids: Sequence[str]) -> dict[str, ClauseMatch]:
        """Exact cosines between a query vector and every passage of the named clauses."""
        self._require_index()
        wanted = [cid for cid in dict.fromkeys(clause_ids) if cid in self._rows]
        if not wanted:
            return {}
        rows = [row for cid in wanted for row in self._rows[cid]]
        stored = self.index_.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        cosines = dict(
            zip(rows, stored @ np.asarray(vector, dtype=np.float32).ravel(), strict=True)
        )
        matches = {}
        for cid in wanted:
            own = self._rows[cid]
            best_row = max(own, key=lambda r: cosines[r])
            windows = [float(cosines[r]) for r in own if self.passages_[r].position != WHOLE]
            whole = float(cosines[own[0]])
            matches[cid] = ClauseMatch(
                clause_id=cid,
                whole=whole,
                # A clause too short for windows is its own single window.
                window=max(windows) if windows else whole,
                best=float(cosines[best_row]),
                sentences=self.passages_[best_row].sentences,
            )
        return matches

    def hit(self, match: ClauseMatch) -> Hit:
        """The hit for a match: best-passage cosine as score, its sentences as the passage."""
        clause = self._by_id[match.clause_id]
        return Hit(clause.clause_id, clause.title, clause.text, match.best, match.sentences)

    def clause_score(self, query: str, clause_id: str) -> float | None:
        """One clause's score for ``query`` as `search` would give it (its best-passage cosine);
        None for a clause the index does not hold."""
        match = self.match(self.encode_query(query), [clause_id]).get(clause_id)
        return None if match is None else match.best

    def similarities(self, vector: np.ndarray, clause_ids: Sequence[str]) -> dict[str, float]:
        """Best-passage cosine between a query vector and the named clauses."""
        return {cid: m.best for cid, m in self.match(vector, clause_ids).items()}

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


# -- the store on disk ----------------------------------------------------------------------
# Any FAISS index with its JSON side files and metadata: the clause index above and the agents'
# past resolutions (`bot.agent.suggestions.precedents`) are saved, read and searched alike.


def save_index(
    directory: Path | str, index: faiss.Index, files: Mapping[str, str], metadata: Mapping
) -> Path:
    """Write ``index.faiss``, the side ``files`` (name -> text) and ``metadata.json``.

    Other files in the directory are left alone. Each file is written beside its target and
    moved into place, metadata last: a crash leaves either the old index or files that
    disagree with their metadata, which a loader refuses.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    staged: dict[str, str | None] = {
        INDEX_FILE: None,
        **files,
        METADATA_FILE: json.dumps(metadata, indent=2),
    }
    for name, text in staged.items():
        partial = target / f".{name}.partial"
        if text is None:
            faiss.write_index(index, str(partial))
        else:
            partial.write_text(text, encoding="utf-8")
        os.replace(partial, target / name)
    return target


def read_index(directory: Path | str) -> faiss.Index:
    return faiss.read_index(str(Path(directory) / INDEX_FILE))


def nearest(index: faiss.Index, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
    """(row, score) of the ``k`` rows closest to one query vector, closest first."""
    k = min(k, index.ntotal)
    if k <= 0:
        return []
    scores, rows = index.search(np.ascontiguousarray(vector, dtype=np.float32), k)
    # FAISS pads with -1 when it finds fewer than k: dropped here, the one conversion point.
    return [(int(r), float(s)) for s, r in zip(scores[0], rows[0], strict=True) if r >= 0]


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
