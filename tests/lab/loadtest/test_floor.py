"""The floor of a turn (Rasa's bare parse, same run) and issue 17's turn targets."""

from __future__ import annotations

import asyncio
import json

import httpx

from lab.loadtest import report
from lab.loadtest.floor import rasa_floor, turn_targets


def test_the_floor_parses_the_buyers_texts_with_the_token_and_counts_errors():
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        text = json.loads(request.content)["text"]
        seen.append((text, request.url.params.get("token")))
        if text == "boom":
            return httpx.Response(500)
        return httpx.Response(200, json={"intent": {"name": "greet", "confidence": 1.0}})

    row = asyncio.run(
        rasa_floor(
            "http://127.0.0.1:5005",
            "secret-token",
            ["hi", "where is my parcel", "boom", "  "],
            concurrency=2,
            duration_s=5.0,
            max_requests=30,
            transport=httpx.MockTransport(handler),
        )
    )
    assert {text for text, _ in seen} == {"hi", "where is my parcel", "boom"}  # blanks skipped
    assert {token for _, token in seen} == {"secret-token"}
    assert row["parses"] + row["errors"] >= 30 and row["errors"] == len(
        [t for t, _ in seen if t == "boom"]
    )
    assert row["concurrency"] == 2 and row["p95_ms"] >= row["p50_ms"] >= 0
    assert "2 concurrent" in report.floor_line(row)


def _closed(concurrency: int, p95: float, rate: float) -> dict:
    return {"kind": "closed", "concurrency": concurrency, "p95_ms": p95, "turns_per_s": rate,
            "p50_ms": p95 / 2}  # fmt: skip


def test_turn_targets_need_one_and_eight_buyers():
    good = [_closed(1, 70.0, 12.0), _closed(8, 240.0, 31.0)]
    assert turn_targets(good)["met"] is True
    assert turn_targets([_closed(1, 81.0, 12.0), good[1]])["one_buyer_p95"] is False
    slow = turn_targets([good[0], _closed(8, 240.0, 29.0)])
    assert slow["met"] is False and slow["eight_buyers_rate"] is False
    assert turn_targets([good[0]]) is None


def test_the_report_puts_each_phase_beside_its_floor():
    results = {
        "phases": [_closed(1, 70.0, 12.0), {"kind": "open", "rate": 20.0}],
        "floor": [{"concurrency": 1, "p50_ms": 20.0, "p95_ms": 29.0, "parses_per_s": 45.0}],
    }
    lines = report._floor_table(results)
    assert "| 1 | 35 | 70 | 12.0 | 20 | 29 | 45.0 |" in lines
