"""The load benchmark's pure parts: percentiles, summaries, memory trend, the scenario
generator and the report (no servers; the benchmark itself runs with `make bench`)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import pytest

from lab.loadtest import report
from lab.loadtest.runner import parse_args, verdict
from lab.loadtest.scenarios import (
    WEIGHTS,
    OrderIds,
    ScenarioGenerator,
    buyer_orders,
    make_buyers,
)
from lab.loadtest.stack import require_loopback
from lab.loadtest.stats import (
    Sample,
    memory_trend,
    percentile,
    slope_per_minute,
    summarize,
    windows,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
# The NLU's order_id regexes (data/nlu/train/regex_lookup_synonyms.yml) the ids must match.
ORDER_ID = re.compile(r"\bSO-\d{4}-\d{6}\b")


def test_percentile_interpolates_between_ranks():
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 0) == 1 and percentile(values, 100) == 100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0  # unsorted input
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summary_counts_turns_errors_and_handovers():
    samples = [Sample("turn", i * 0.1, 10.0 + i, True, 200, kind="track") for i in range(10)]
    samples += [
        Sample("turn", 1.0, 500.0, False, 500, kind="policy"),
        Sample("turn", 1.1, 30.0, True, 200, nlu_handover=True, kind="policy"),
        Sample("create", 0.0, 5.0, True, 201),
        Sample("webhook", 0.0, 4.0, False, None),
    ]
    s = summarize(samples, elapsed_s=2.0)
    assert s["turns"] == 12 and s["turns_per_s"] == 6.0
    assert s["requests"] == 14 and s["errors"] == 2
    assert s["error_rate"] == pytest.approx(2 / 14)
    assert s["errors_by_status"] == {"500": 1, "transport": 1}
    assert s["nlu_handovers"] == 1
    assert s["max_ms"] == 500.0 and s["p50_ms"] == pytest.approx(15.5)
    assert s["turns_by_kind"]["track"]["count"] == 10
    assert s["ops"]["create"]["count"] == 1
    empty = summarize([], elapsed_s=1.0)
    assert empty["turns"] == 0 and empty["error_rate"] == 0.0 and math.isnan(empty["p95_ms"])


def test_windows_and_memory_trend():
    samples = [Sample("turn", t, 20.0, True, 200) for t in (1, 2, 61, 62, 63)]
    assert [(w["from_s"], w["turns"]) for w in windows(samples, 60.0)] == [(0, 2), (60, 3)]
    assert slope_per_minute([(0, 100.0), (60, 110.0), (120, 120.0)]) == pytest.approx(10.0)
    assert slope_per_minute([(0, 1.0)]) == 0.0
    flat = memory_trend([(t, 500.0 + (t % 10) * 0.1) for t in range(0, 600, 5)])
    assert flat["flat"] is True and abs(flat["fitted_growth_mb"]) < 1
    leaking = memory_trend([(t, 500.0 + t * 0.2) for t in range(0, 600, 5)])  # 12 MB/min
    assert leaking["flat"] is False and leaking["slope_mb_per_min"] == pytest.approx(12.0)


def test_scenarios_are_complete_varied_and_repeatable():
    def generate(seed: int) -> list:
        buyers = make_buyers(5, OrderIds(42))
        generator = ScenarioGenerator(buyers, order_ids=OrderIds(43), seed=seed, clock=lambda: NOW)
        return [generator.next() for _ in range(300)]

    scenarios = generate(1)
    assert [(s.kind, s.steps) for s in scenarios] == [(s.kind, s.steps) for s in generate(1)]
    assert {s.kind for s in scenarios} == set(WEIGHTS)
    texts = {step.text for s in scenarios for step in s.steps}
    assert len(texts) > 40  # varied wording
    for s in scenarios:
        assert s.steps and all(step.text.strip() for step in s.steps)
        if s.kind in ("damaged", "cancel"):
            # A fresh order, pushed first, named in the first message; then a confirmation.
            assert s.order is not None and {o["buyer_id"] for o in s.orders} == {s.buyer_id}
            assert len(s.orders) == 3  # two old orders of history, then the fresh one
            assert s.order["order_id"] in s.steps[0].text
            assert ORDER_ID.search(s.steps[0].text)
            assert s.order["status"] == ("delivered" if s.kind == "damaged" else "pending")
        else:
            assert s.order is None
        if s.kind == "damaged":
            assert s.steps[0].photo and s.steps[0].body()["attachments"][0]["type"] == "image"
        if s.kind == "track":
            assert ORDER_ID.search(" ".join(step.text for step in s.steps))
    orders = [s.order["order_id"] for s in scenarios if s.order]
    assert len(orders) == len(set(orders))  # every claim or cancellation is a new order
    claimants = [s.buyer_id for s in scenarios if s.order]
    assert len(claimants) == len(set(claimants))  # by a buyer without claims so far


def test_seeded_orders_follow_the_contract_shape():
    [buyer] = make_buyers(1, OrderIds(7))
    payloads = buyer_orders(buyer, now=NOW)
    assert [p["status"] for p in payloads] == ["delivered", "delivered", "shipped"]
    assert {p["buyer_id"] for p in payloads} == {buyer.buyer_id}
    assert all(ORDER_ID.fullmatch(p["order_id"]) for p in payloads)
    shipped = payloads[-1]
    assert shipped["order_id"] == buyer.shipped_order and shipped["tracking_number"]
    assert shipped["delivered_at"] is None and shipped["placed_at"].endswith("Z")


def test_only_loopback_is_targeted():
    assert require_loopback("http://127.0.0.1:8000")
    assert require_loopback("http://localhost:8000")
    assert require_loopback("http://[::1]:8000")
    with pytest.raises(ValueError, match="loopback"):
        require_loopback("http://10.0.0.5:8000")
    with pytest.raises(ValueError, match="loopback"):
        require_loopback("https://example.com")


def test_arguments_and_verdict():
    args = parse_args(["--concurrency", "1", "4", "--duration", "5", "--soak", "30"])
    assert args.concurrency == [1, 4] and args.rate == 20.0 and args.soak == 30.0
    with pytest.raises(SystemExit):
        parse_args(["--url", "http://127.0.0.1:8000", "--profile"])
    good = {"turns_per_s": 19.8, "p95_ms": 120.0, "errors": 0, "skipped_in_flight_cap": 0,
            "nlu_handovers": 0}  # fmt: skip
    assert verdict(good, 20.0)["met"] is True
    assert verdict({**good, "p95_ms": 151.0}, 20.0)["met"] is False
    assert verdict({**good, "errors": 1}, 20.0)["met"] is False


def test_markdown_report_has_a_row_per_phase(tmp_path):
    def phase(name: str, kind: str, **extra) -> dict:
        row = summarize([Sample("turn", 0.5, 40.0, True, 200, kind="track")], 1.0)
        return {"name": name, "kind": kind, **extra, **row, "conversations": {"track": 1},
                "actions": {}, "handoffs": 0, "load_1m_before": 1.0, "load_1m_after": 1.5,
                "skipped_in_flight_cap": 0, "client_lag_p95_ms": 1.0}  # fmt: skip

    soak = phase("soak-20/s", "soak", rate=20.0)
    soak["minutes"] = windows([Sample("turn", 0.5, 40.0, True, 200)], 60.0)
    soak["memory"] = {"bot": memory_trend([(0, 500.0), (300, 501.0), (600, 500.5)])}
    results = {
        "started_at": "2026-11-20T12:00:00", "url": "http://127.0.0.1:1", "cpus": 2,
        "python": "3.11", "stack": "own", "buyers": 1, "seeded_orders": 3,
        "phases": [phase("closed-1", "closed", concurrency=1),
                   phase("open-20/s", "open", rate=20.0), soak],
        "memory_samples": [{"t_s": t, "phase": "soak-20/s", "bot_rss_mb": 500.0 + t / 600}
                           for t in range(0, 600, 5)],
    }  # fmt: skip
    paths = report.write(results, tmp_path)
    text = (tmp_path / "bench.md").read_text()
    assert "| closed-1 | 1 concurrent |" in text and "| open-20/s | open loop 20/s |" in text
    assert "## Soak" in text and "flat" in text
    assert (tmp_path / "memory.png").stat().st_size > 1000 and len(paths) == 3


def test_per_buyer_connections_give_each_buyer_their_own_and_the_webhooks_one_pool():
    import asyncio

    import httpx

    from lab.loadtest.load import LoadRun, Phase
    from lab.loadtest.scenarios import Scenario, Step
    from lab.loadtest.stack import Target

    target = Target("http://127.0.0.1:9", "secret-0123456789abcdef0123456789", "hook", None, None)
    bench = LoadRun(target, buyers=4, connections="per-buyer")
    seen: list[tuple[int, str]] = []

    def answer(client_id: int):
        def handler(request: httpx.Request) -> httpx.Response:
            seen.append((client_id, request.url.path))
            return httpx.Response(201, json={"conversation_id": "c1"})

        return handler

    async def go() -> None:
        for index, buyer in enumerate(bench.buyers[:2]):
            # The same buyer always gets the same client; another buyer another one.
            client = bench.buyer_client(buyer.buyer_id)
            assert bench.buyer_client(buyer.buyer_id) is client
            client._transport = httpx.MockTransport(answer(index))
        for buyer in bench.buyers[:2]:
            phase = Phase("p", "closed")
            scenario = Scenario("policy", buyer.buyer_id, (Step("hi"),))
            assert await bench.open_conversation(phase, scenario) is not None
        await bench.aclose()

    asyncio.run(go())
    assert seen == [(0, "/v1/conversations"), (1, "/v1/conversations")]
    assert bench.buyer_client(bench.buyers[0].buyer_id) is not bench.client


def test_the_buyers_share_the_pool_by_default_and_a_bad_mode_is_refused():
    from lab.loadtest.load import LoadRun
    from lab.loadtest.stack import Target

    target = Target("http://127.0.0.1:9", "secret-0123456789abcdef0123456789", "hook", None, None)
    bench = LoadRun(target, buyers=2)
    assert bench.buyer_client(bench.buyers[0].buyer_id) is bench.client
    with pytest.raises(ValueError, match="connections"):
        LoadRun(target, buyers=2, connections="one-each")
    assert parse_args(["--connections", "per-buyer"]).connections == "per-buyer"
