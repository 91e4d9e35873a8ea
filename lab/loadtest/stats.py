"""Percentiles, per-phase summaries and the memory trend; pure functions, no I/O."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by linear interpolation between closest ranks
    (numpy's default); NaN for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    position = q / 100 * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class Sample:
    """One request as the simulated buyer saw it."""

    op: str  # "turn", "create" (a conversation) or "webhook" (an order pushed)
    started: float  # seconds since the phase started
    latency_ms: float
    ok: bool  # 2xx and no transport error
    status: int | None = None  # HTTP status; None on a transport error
    nlu_handover: bool = False  # 200, but the bot gave up on Rasa (timeout) and handed over
    kind: str = ""  # the conversation's kind (track, damaged, ...)


def summarize(samples: Iterable[Sample], elapsed_s: float) -> dict:
    """Turns/s, turn latency percentiles and error counts of one phase (all requests count
    towards errors; only turns towards the rate and the latencies)."""
    samples = list(samples)
    turns = [s for s in samples if s.op == "turn"]
    latencies = [s.latency_ms for s in turns]
    errors = [s for s in samples if not s.ok]
    by_status: dict[str, int] = {}
    for s in errors:
        key = "transport" if s.status is None else str(s.status)
        by_status[key] = by_status.get(key, 0) + 1
    ops: dict[str, dict] = {}
    for op in sorted({s.op for s in samples}):
        lat = [s.latency_ms for s in samples if s.op == op]
        ops[op] = {"count": len(lat), "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95)}
    by_kind: dict[str, dict] = {}
    for kind in sorted({s.kind for s in turns}):
        lat = [s.latency_ms for s in turns if s.kind == kind]
        by_kind[kind] = {
            "count": len(lat),
            "p50_ms": percentile(lat, 50),
            "p95_ms": percentile(lat, 95),
            "p99_ms": percentile(lat, 99),
        }
    return {
        "elapsed_s": elapsed_s,
        "turns": len(turns),
        "turns_per_s": len(turns) / elapsed_s if elapsed_s > 0 else math.nan,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies) if latencies else math.nan,
        "mean_ms": statistics.fmean(latencies) if latencies else math.nan,
        "requests": len(samples),
        "errors": len(errors),
        "error_rate": len(errors) / len(samples) if samples else 0.0,
        "errors_by_status": by_status,
        "nlu_handovers": sum(s.nlu_handover for s in turns),
        "ops": ops,
        "turns_by_kind": by_kind,
    }


def windows(samples: Iterable[Sample], width_s: float) -> list[dict]:
    """Turn latency and rate per time window (e.g. per minute of a soak), to see drift."""
    buckets: dict[int, list[Sample]] = {}
    for s in samples:
        if s.op == "turn":
            buckets.setdefault(int(s.started // width_s), []).append(s)
    out = []
    for index in sorted(buckets):
        chunk = buckets[index]
        lat = [s.latency_ms for s in chunk]
        out.append(
            {
                "from_s": index * width_s,
                "turns": len(chunk),
                "turns_per_s": len(chunk) / width_s,
                "p50_ms": percentile(lat, 50),
                "p95_ms": percentile(lat, 95),
                "errors": sum(not s.ok for s in chunk),
            }
        )
    return out


def slope_per_minute(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value) points, in value per minute; 0 for < 2 points."""
    if len(points) < 2:
        return 0.0
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return 0.0
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return cov / var * 60.0


def memory_trend(
    points: Sequence[tuple[float, float]], *, warmup_s: float = 60.0, tolerance_mb: float = 20.0
) -> dict:
    """Whether resident memory stayed flat: the growth over the run after its warm-up (by the
    fitted slope) within ``tolerance_mb``. ``points`` are (seconds, MB)."""
    steady = [(x, y) for x, y in points if x >= warmup_s] or list(points)
    if not steady:
        return {"samples": 0, "flat": None}
    slope = slope_per_minute(steady)
    span_min = (steady[-1][0] - steady[0][0]) / 60.0
    growth = slope * span_min
    return {
        "samples": len(points),
        "first_mb": points[0][1],
        "last_mb": points[-1][1],
        "max_mb": max(y for _, y in points),
        "slope_mb_per_min": slope,
        "fitted_growth_mb": growth,
        "flat": abs(growth) <= tolerance_mb,
        "tolerance_mb": tolerance_mb,
        "warmup_s": warmup_s,
    }
