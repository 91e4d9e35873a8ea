"""Latency measurement shared by the retrieval benchmark's parts."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np


def percentile_ms(samples: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples) * 1000.0, q))


def time_calls(call: Callable[[int], object], n: int) -> list[float]:
    """Latency of ``call(i)`` for i in range(n), after one untimed pass over the same inputs.

    The untimed pass lets onnxruntime and torch grow their buffers for every input length,
    so the figures are steady-state serving latency, not first-call cost.
    """
    for i in range(n):
        call(i)
    samples = []
    for i in range(n):
        started = time.perf_counter()
        call(i)
        samples.append(time.perf_counter() - started)
    return samples
