"""The floor of a turn: Rasa's bare ``/model/parse`` of the buyers' own texts, in the same run.

A turn cannot be faster than its parse, so ``make bench`` measures the parse alone at the
same concurrencies, against the same Rasa server, right after the turn phases: the turn's
figures beside it show what the bot adds (the dialogue, retrieval, risk, the store).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence

import httpx

from lab.loadtest.stats import percentile

# Issue 17's turn targets (closed loop): one buyer, and eight at a time.
ONE_BUYER_P95_MS = 80.0
EIGHT_BUYERS_P95_MS = 250.0
EIGHT_BUYERS_MIN_TURNS_PER_S = 30.0


async def rasa_floor(
    rasa_url: str,
    token: str | None,
    texts: Sequence[str],
    *,
    concurrency: int,
    duration_s: float,
    max_requests: int = 20_000,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict:
    """``concurrency`` clients parse ``texts`` (in turn, round and round) for ``duration_s``."""
    if not texts:
        raise ValueError("the floor needs the texts the buyers sent")
    pending = itertools.cycle([t for t in texts if t.strip()])
    latencies: list[float] = []
    errors = 0
    params = {"token": token} if token else None
    async with httpx.AsyncClient(
        base_url=rasa_url, timeout=30.0, transport=transport, trust_env=False
    ) as client:
        started = time.monotonic()
        deadline = started + duration_s

        async def parser() -> None:
            nonlocal errors
            while time.monotonic() < deadline and len(latencies) + errors < max_requests:
                text = next(pending)
                sent = time.monotonic()
                try:
                    response = await client.post("/model/parse", json={"text": text}, params=params)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append((time.monotonic() - sent) * 1000)
                else:
                    errors += 1

        await asyncio.gather(*(parser() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return {
        "name": f"rasa parse alone, {concurrency} concurrent",
        "concurrency": concurrency,
        "parses": len(latencies),
        "errors": errors,
        "parses_per_s": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
    }


def turn_targets(phases: Sequence[dict]) -> dict | None:
    """Issue 17's targets against the closed-loop phases at 1 and 8 concurrent buyers."""
    closed = {row.get("concurrency"): row for row in phases if row.get("kind") == "closed"}
    if 1 not in closed or 8 not in closed:
        return None
    one, eight = closed[1], closed[8]
    checks = {
        "one_buyer_p95": one["p95_ms"] <= ONE_BUYER_P95_MS,
        "eight_buyers_p95": eight["p95_ms"] <= EIGHT_BUYERS_P95_MS,
        "eight_buyers_rate": eight["turns_per_s"] >= EIGHT_BUYERS_MIN_TURNS_PER_S,
    }
    target = (
        f"1 buyer p95 <= {ONE_BUYER_P95_MS:g} ms; 8 concurrent p95 <= "
        f"{EIGHT_BUYERS_P95_MS:g} ms at >= {EIGHT_BUYERS_MIN_TURNS_PER_S:g} turns/s"
    )
    return {"target": target, **checks, "met": all(checks.values())}
