"""The HTTP driver against a scripted bot (httpx.MockTransport): bounded, tolerant of errors,
idempotent retries, and the run's files. The real bot is in test_simulate_live.py."""

from __future__ import annotations

import asyncio
import csv
import itertools
import json
from datetime import UTC, datetime

import httpx
import pytest

from lab.simulate.cli import main
from lab.simulate.population import RunIds, build_population
from lab.simulate.runner import TRUTH_COLUMNS, Endpoint, Simulation, write_run

URL = "http://127.0.0.1:9"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class ScriptedBot:
    """Answers like the bot's API in shape: every 5th order push fails, the first attempt of
    every 3rd message is a 503, and each conversation is handed to a person on its 2nd turn."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.pushes = itertools.count(1)
        self.conversations = itertools.count(1)
        self.attempts: list[tuple[str, str]] = []  # (conversation, Idempotency-Key)
        self.turns: dict[str, int] = {}

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        path = request.url.path
        if request.method == "PUT":
            assert request.headers["X-Signature"].startswith("sha256=")
            if next(self.pushes) % 5 == 0:
                return httpx.Response(500, json={"error": {"code": "boom", "message": "x"}})
            return httpx.Response(201, json=json.loads(request.content))
        if path == "/v1/conversations":
            assert request.headers["Authorization"].startswith("Bearer ")
            return httpx.Response(201, json={"conversation_id": f"c{next(self.conversations)}"})
        conversation = path.split("/")[3]
        key = request.headers["Idempotency-Key"]
        self.attempts.append((conversation, key))
        if len(self.attempts) % 3 == 0 and [k for _, k in self.attempts].count(key) == 1:
            return httpx.Response(503, json={"error": {"code": "busy", "message": "x"}})
        n = self.turns[conversation] = self.turns.get(conversation, 0) + 1
        status = "waiting_for_agent" if n >= 2 else "bot"
        return httpx.Response(
            200,
            json={"conversation_id": conversation, "status": status, "expecting": None,
                  "quick_replies": [], "actions": [], "nlu": None,
                  "messages": [{"role": "bot", "text": "ok", "citations": []}]},
        )  # fmt: skip


def simulation(n: int, bot: ScriptedBot, **kw) -> Simulation:
    plans = build_population(n, 2, RunIds(99))
    endpoint = Endpoint(URL, "j" * 40, "w" * 20)
    return Simulation(
        endpoint, plans, seed=2, run_id="test", transport=httpx.MockTransport(bot),
        clock=lambda: NOW, **kw,
    )  # fmt: skip


def test_errors_are_counted_retried_with_the_same_key_and_never_end_the_run(tmp_path):
    bot = ScriptedBot()
    sim = simulation(12, bot, concurrency=3)
    records = asyncio.run(sim.run())
    summary = sim.summary()
    assert len(records) == 12 and summary["stopped_by"] == "all_done"
    assert summary["errors"]["by_kind"].get("webhook:500", 0) > 0
    assert summary["errors"]["by_kind"].get("turn:503", 0) > 0
    # Every 503 was followed by a retry with the same key, which got through.
    keys = [k for _, k in bot.attempts]
    retried = {k for k in keys if keys.count(k) == 2}
    assert retried and all(keys.count(k) <= 2 for k in keys)
    started = [r for r in records if r.conversation_id]
    assert started and summary["conversations"]["started"] == len(started)
    assert summary["latency_ms"]["p95"] is not None and summary["turns"]["total"] > 0
    assert summary["outcomes"].get("escalated", 0) > 0
    # Outcomes by the claim's truth add up to the same conversations as by buyer type.
    by_claim = summary["outcomes_by_claim"]
    assert sum(sum(v.values()) for v in by_claim.values()) == len(started)
    assert sum(by_claim["abusive_claim"].values()) == sum(not r.case.claim_genuine for r in started)
    # Genuine buyers' outcomes per scenario add up to the genuine buyers' outcomes.
    by_scenario = summary["genuine_outcomes_by_scenario"]
    genuine = [r for r in started if r.case.latent_type == "genuine"]
    assert sum(sum(v.values()) for v in by_scenario.values()) == len(genuine)
    assert set(by_scenario) == {r.case.scenario for r in genuine}
    # The policy's bound: the genuine buyers it lets a bot settle, and how many were settled.
    bound = summary["policy_bound"]
    allowed = [r for r in genuine if r.case.policy_route in ("auto", "question")]
    assert bound["genuine"] == len(genuine) and bound["genuine_allowed"] == len(allowed)
    assert bound["genuine_allowed_settled"] == sum(
        r.outcome in ("resolved", "answered") for r in allowed
    )
    by_route = bound["genuine_outcomes_by_route"]
    assert sum(sum(v.values()) for v in by_route.values()) == len(genuine)

    paths = write_run(sim, tmp_path / "run")
    with paths["truth"].open() as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == TRUTH_COLUMNS and len(rows) == len(started)
    assert {r["conversation_id"] for r in rows} == {r.conversation_id for r in started}
    assert json.loads(paths["summary"].read_text())["run_id"] == "test"
    assert len(paths["transcripts"].read_text().splitlines()) == 12


def test_the_run_stops_at_its_time_bound():
    sim = simulation(40, ScriptedBot(delay_s=0.05), concurrency=2, max_seconds=0.5)
    records = asyncio.run(sim.run())
    assert sim.stopped_by == "time_limit" and len(records) < 40
    assert sim.elapsed_s < 0.5 + 2 * 0.05 * 4  # at most the requests in flight at the bound


def test_only_loopback_is_simulated(capsys):
    with pytest.raises(ValueError, match="loopback"):
        Endpoint("http://10.1.2.3:8000", "j" * 40, "w" * 20)
    assert main(["--base-url", "https://example.com", "--conversations", "1"]) == 2
    assert "loopback" in capsys.readouterr().err
    assert main(["--conversations", "0"]) == 2
