"""The simulated buyers and the phases of a run; the command line (``python -m bot.loadtest``).

Phases, in order: seeding (the synthetic buyers' orders through the signed webhook), a short
warm-up (not measured), one closed-loop phase per ``--concurrency`` (that many buyers, each
holding conversation after conversation with no think time; the achieved turns/s is the
result), one open-loop phase at ``--rate`` turns/s (a turn is sent every 1/rate s whatever the
answers; latency is then what a buyer meets at that load), and, with ``--soak``, the same
open-loop load for that long while memory is watched. Resident memory (RSS, with children) of
the bot and Rasa and the 1-minute load average are sampled every ``--sample-every`` seconds
throughout. Every phase is bounded by time and by ``--max-turns``; only loopback is targeted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import sys
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import psutil

from bot.api.orders import sign
from bot.auth import mint_token
from bot.loadtest import report
from bot.loadtest.scenarios import (
    POLICY,
    WEIGHTS,
    OrderIds,
    Scenario,
    ScenarioGenerator,
    Step,
    buyer_orders,
    make_buyers,
)
from bot.loadtest.stack import OwnStack, Target, listener_pid, require_loopback, rss_mb
from bot.loadtest.stats import Sample, memory_trend, percentile, summarize, windows
from bot.settings import REPO_ROOT

# The target: p95 <= 150 ms at 20 turns/s, no errors.
TARGET_RATE = 20.0
TARGET_P95_MS = 150.0


def load_1m() -> float:
    return os.getloadavg()[0]


@dataclass
class Phase:
    """The samples of one phase; times are relative to its start."""

    name: str
    kind: str  # "closed", "open" or "soak"
    t0: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    turns_sent: int = 0
    conversations: dict[str, int] = field(default_factory=dict)
    lags_ms: list[float] = field(default_factory=list)  # open loop: send time - schedule
    skipped: int = 0  # open loop: turns not sent because the in-flight cap was reached
    actions: dict[str, int] = field(default_factory=dict)  # executed by the bot, by type
    handoffs: int = 0  # conversations that went to a person

    def record(self, op: str, started: float, ok: bool, status: int | None, **kw: Any) -> None:
        now = time.monotonic()
        self.samples.append(Sample(op, started - self.t0, (now - started) * 1000, ok, status, **kw))


@dataclass
class Conversation:
    scenario: Scenario
    conversation_id: str
    index: int = 0
    status: str = "bot"


class LoadRun:
    """One benchmark run against ``target``."""

    def __init__(
        self,
        target: Target,
        *,
        buyers: int = 64,
        seed: int = 7,
        timeout_s: float = 30.0,
        max_connections: int = 160,
        run_tag: int | None = None,
    ) -> None:
        self.target = target
        tag = run_tag if run_tag is not None else int(time.time()) % 10000
        order_ids = OrderIds(tag)
        self.buyers = make_buyers(buyers, order_ids)
        self.generator = ScenarioGenerator(self.buyers, order_ids=order_ids, seed=seed)
        self.client = httpx.AsyncClient(
            base_url=target.url,
            timeout=httpx.Timeout(timeout_s),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            trust_env=False,  # no proxy between the buyers and a loopback server
        )
        self.memory: list[dict[str, Any]] = []
        self.phase_name = "setup"
        self.started = time.monotonic()

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one LoadRun per process)
    def headers(self, buyer_id: str) -> dict[str, str]:
        """The buyer's bearer token, as the shop's backend would mint it."""
        token = mint_token(buyer_id, "buyer", self.target.jwt)
        return {"Authorization": f"Bearer {token}"}

    # --- requests -------------------------------------------------------------------------------

    async def push_order(self, phase: Phase | None, payload: dict[str, Any]) -> bool:
        body = json.dumps(payload).encode()
        started = time.monotonic()
        status: int | None = None
        try:
            response = await self.client.put(
                f"/v1/orders/{payload['order_id']}",
                content=body,
                headers={
                    "Content-Type": "application/json",
                    **sign(self.target.webhook_secret, body),
                },
            )
            status = response.status_code
        except httpx.HTTPError:
            pass
        ok = status in (200, 201)
        if phase is not None:
            phase.record("webhook", started, ok, status)
        elif not ok:
            raise RuntimeError(f"seeding order {payload['order_id']} failed: HTTP {status}")
        return ok

    async def open_conversation(self, phase: Phase, scenario: Scenario) -> Conversation | None:
        for order in scenario.orders:
            if not await self.push_order(phase, order):
                return None
        started = time.monotonic()
        status: int | None = None
        conversation_id = None
        try:
            response = await self.client.post(
                "/v1/conversations", headers=self.headers(scenario.buyer_id)
            )
            status = response.status_code
            if status == 201:
                conversation_id = response.json()["conversation_id"]
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        phase.record("create", started, conversation_id is not None, status)
        if conversation_id is None:
            return None
        phase.conversations[scenario.kind] = phase.conversations.get(scenario.kind, 0) + 1
        return Conversation(scenario, conversation_id)

    async def take_turn(self, phase: Phase, conversation: Conversation) -> bool:
        """Send the conversation's next step; True when it has more and may go on."""
        step: Step = conversation.scenario.steps[conversation.index]
        conversation.index += 1
        phase.turns_sent += 1
        started = time.monotonic()
        status: int | None = None
        payload: dict[str, Any] | None = None
        try:
            response = await self.client.post(
                f"/v1/conversations/{conversation.conversation_id}/messages",
                json=step.body(),
                headers=self.headers(conversation.scenario.buyer_id),
            )
            status = response.status_code
            if status == 200:
                payload = response.json()
        except (httpx.HTTPError, ValueError):
            pass
        ok = payload is not None
        # Rasa slower than the bot's timeout is not an HTTP error: the bot hands over. Count it.
        handover = bool(
            ok
            and conversation.status == "bot"
            and payload.get("status") == "waiting_for_agent"  # type: ignore[union-attr]
            and payload.get("nlu") is None  # type: ignore[union-attr]
        )
        phase.record(
            "turn", started, ok, status, nlu_handover=handover, kind=conversation.scenario.kind
        )
        if payload is not None:
            for action in payload.get("actions") or ():
                kind = str(action.get("type"))
                phase.actions[kind] = phase.actions.get(kind, 0) + 1
            new_status = payload.get("status", conversation.status)
            if conversation.status == "bot" and new_status == "waiting_for_agent":
                phase.handoffs += 1
            conversation.status = new_status
        return ok and conversation.index < len(conversation.scenario.steps)

    # --- phases ---------------------------------------------------------------------------------

    async def seed(self, concurrency: int = 8) -> int:
        payloads = [p for b in self.buyers for p in buyer_orders(b)]
        queue: deque[dict[str, Any]] = deque(payloads)

        async def worker() -> None:
            while queue:
                await self.push_order(None, queue.popleft())

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return len(payloads)

    async def warm_up(self, rounds: int = 3) -> None:
        """A few conversations of each kind and every policy question, unmeasured: first-call
        costs (the embedder meeting new input lengths, per-clause caches) out of the way."""
        phase = Phase("warm-up", "warm-up")
        questions = Scenario("policy", self.buyers[0].buyer_id, tuple(Step(q) for q in POLICY))
        scenarios = [questions] + [self.generator.next(k) for k in WEIGHTS for _ in range(rounds)]
        for scenario in scenarios:
            conversation = await self.open_conversation(phase, scenario)
            while conversation is not None and await self.take_turn(phase, conversation):
                pass

    async def closed_loop(self, concurrency: int, duration_s: float, max_turns: int) -> Phase:
        phase = Phase(f"closed-{concurrency}", "closed")
        self.phase_name = phase.name
        deadline = phase.t0 + duration_s

        def going() -> bool:
            return time.monotonic() < deadline and phase.turns_sent < max_turns

        async def buyer() -> None:
            while going():
                conversation = await self.open_conversation(phase, self.generator.next())
                while conversation is not None and going():
                    if not await self.take_turn(phase, conversation):
                        break

        await asyncio.gather(*(buyer() for _ in range(concurrency)))
        return phase

    async def open_loop(
        self, rate: float, duration_s: float, max_turns: int, max_in_flight: int, kind: str
    ) -> Phase:
        """A turn every 1/rate s: the next step of the longest-idle conversation, else the
        first step of a new one. Never more than ``max_in_flight`` outstanding."""
        phase = Phase(f"{kind}-{rate:g}/s", kind)
        self.phase_name = phase.name
        idle: deque[Conversation] = deque()
        tasks: set[asyncio.Task[None]] = set()
        in_flight = 0

        async def dispatch(conversation: Conversation | None, scheduled: float) -> None:
            nonlocal in_flight
            in_flight += 1
            try:
                phase.lags_ms.append((time.monotonic() - scheduled) * 1000)
                if conversation is None:
                    conversation = await self.open_conversation(phase, self.generator.next())
                if conversation is not None and await self.take_turn(phase, conversation):
                    idle.append(conversation)
            finally:
                in_flight -= 1

        n = 0
        while n < max_turns:
            scheduled = phase.t0 + n / rate
            if scheduled >= phase.t0 + duration_s:
                break
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            n += 1
            if in_flight >= max_in_flight:
                phase.skipped += 1
                continue
            task = asyncio.create_task(dispatch(idle.popleft() if idle else None, scheduled))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks)
        return phase

    async def sample_memory(self, every_s: float, stop: asyncio.Event) -> None:
        processes = {}
        for name, pid in (("bot", self.target.bot_pid), ("rasa", self.target.rasa_pid)):
            if pid is not None:
                try:
                    processes[name] = psutil.Process(pid)
                    processes[name].cpu_percent(None)
                except psutil.NoSuchProcess:
                    pass
        me = psutil.Process()
        me.cpu_percent(None)
        while not stop.is_set():
            row: dict[str, Any] = {
                "t_s": time.monotonic() - self.started,
                "phase": self.phase_name,
                "load_1m": load_1m(),
                "client_cpu_pct": me.cpu_percent(None),
            }
            for name, process in processes.items():
                row[f"{name}_rss_mb"] = rss_mb(process.pid)
                try:
                    row[f"{name}_cpu_pct"] = process.cpu_percent(None)
                except psutil.NoSuchProcess:
                    row[f"{name}_cpu_pct"] = None
            self.memory.append(row)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every_s)

    async def aclose(self) -> None:
        await self.client.aclose()


def phase_result(phase: Phase, load_before: float, load_after: float, **extra: Any) -> dict:
    end = max((s.started + s.latency_ms / 1000 for s in phase.samples), default=0.0)
    result = {
        "name": phase.name,
        "kind": phase.kind,
        **extra,
        **summarize(phase.samples, end),
        "conversations": dict(sorted(phase.conversations.items())),
        "actions": dict(sorted(phase.actions.items())),
        "handoffs": phase.handoffs,
        "load_1m_before": load_before,
        "load_1m_after": load_after,
    }
    if phase.kind in ("open", "soak"):
        result["skipped_in_flight_cap"] = phase.skipped
        result["client_lag_p95_ms"] = percentile(phase.lags_ms, 95)
    return result


def verdict(open_result: dict, rate: float) -> dict:
    """The issue's target against the open-loop phase at ``rate``."""
    checks = {
        "rate_achieved": open_result["turns_per_s"] >= 0.95 * rate,
        "p95_within_target": open_result["p95_ms"] <= TARGET_P95_MS,
        "no_errors": open_result["errors"] == 0 and open_result["skipped_in_flight_cap"] == 0,
        "no_nlu_handovers": open_result["nlu_handovers"] == 0,
    }
    return {"target": f"p95 <= {TARGET_P95_MS:g} ms at {rate:g} turns/s, no errors", **checks,
            "met": all(checks.values())}  # fmt: skip


async def run(args: argparse.Namespace, target: Target) -> dict:
    bench = LoadRun(
        target,
        buyers=args.buyers,
        seed=args.seed,
        timeout_s=args.timeout,
        max_connections=max([*args.concurrency, args.max_in_flight]) + 8,
    )
    stop = asyncio.Event()
    sampler = asyncio.create_task(bench.sample_memory(args.sample_every, stop))
    results: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "url": target.url,
        "nlu_model": target.nlu_model,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "phases": [],
    }
    try:
        seeded = await bench.seed()
        results["seeded_orders"] = seeded
        results["buyers"] = len(bench.buyers)
        bench.phase_name = "warm-up"
        await bench.warm_up()
        for concurrency in args.concurrency:
            before = load_1m()
            phase = await bench.closed_loop(concurrency, args.duration, args.max_turns)
            row = phase_result(phase, before, load_1m(), concurrency=concurrency)
            results["phases"].append(row)
            print(report.one_line(row), flush=True)
        if args.rate > 0:
            before = load_1m()
            phase = await bench.open_loop(
                args.rate, args.duration, args.max_turns, args.max_in_flight, "open"
            )
            row = phase_result(phase, before, load_1m(), rate=args.rate)
            results["phases"].append(row)
            results["verdict"] = verdict(row, args.rate)
            print(report.one_line(row), flush=True)
        if args.soak > 0:
            before = load_1m()
            soak_start = time.monotonic() - bench.started
            phase = await bench.open_loop(args.rate, args.soak, 10**9, args.max_in_flight, "soak")
            row = phase_result(phase, before, load_1m(), rate=args.rate)
            row["minutes"] = windows(phase.samples, 60.0)
            samples = [m for m in bench.memory if m["phase"] == phase.name]
            row["memory"] = {
                name: memory_trend(
                    [
                        (m["t_s"] - soak_start, m[f"{name}_rss_mb"])
                        for m in samples
                        if m.get(f"{name}_rss_mb") is not None
                    ]
                )
                for name in ("bot", "rasa")
                if samples and f"{name}_rss_mb" in samples[0]
            }
            results["phases"].append(row)
            results["soak_verdict"] = {
                **verdict(row, args.rate),
                "memory_flat": all(m.get("flat") for m in row["memory"].values()) or None,
            }
            print(report.one_line(row), flush=True)
    finally:
        bench.phase_name = "done"
        stop.set()
        await sampler
        await bench.aclose()
    results["memory_samples"] = bench.memory
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.loadtest", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--url", help="a running bot (loopback); default: start an own stack")
    parser.add_argument(
        "--rasa-url",
        help="with --url: the Rasa server whose memory to sample (default: the settings')",
    )
    parser.add_argument(
        "--jwt-secret", help="with --url: the buyer tokens' secret (default: the settings')"
    )
    parser.add_argument("--webhook-secret", help="with --url (default: the settings')")
    parser.add_argument("--concurrency", type=int, nargs="*", default=[1, 8, 32])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument(
        "--rate", type=float, default=TARGET_RATE, help="open-loop turns/s (0: skip)"
    )
    parser.add_argument("--soak", type=float, default=0.0, help="soak seconds at --rate (0: none)")
    parser.add_argument("--buyers", type=int, default=64, help="synthetic buyers seeded")
    parser.add_argument("--seed", type=int, default=7, help="scenario and wording seed")
    parser.add_argument("--max-turns", type=int, default=20000, help="bound per phase")
    parser.add_argument("--max-in-flight", type=int, default=128, help="open-loop bound")
    parser.add_argument("--sample-every", type=float, default=5.0, help="memory sampling, s")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, s")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "bench")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="cprofile",
        choices=["cprofile", "stages"],
        help="own stack only: serve the bot with per-stage timers (and, unless 'stages', "
        "cProfile in all threads); writes <out>/profile/",
    )
    parser.add_argument(
        "--nlu-model", type=Path, help="own stack: this Rasa model (default: `make nlu-model`'s)"
    )
    parser.add_argument("--keep-stack", action="store_true", help="keep the own stack's files")
    args = parser.parse_args(argv)
    if any(c < 1 for c in args.concurrency) or args.duration <= 0 or args.buyers < 1:
        parser.error("concurrency, duration and buyers must be positive")
    if args.url and args.profile:
        parser.error("--profile starts its own (profiled) bot; it cannot be used with --url")
    return args


def _external_target(args: argparse.Namespace) -> Target:
    from bot.settings import get_settings

    settings = get_settings()
    url = require_loopback(args.url.rstrip("/"))
    rasa_url = require_loopback(args.rasa_url or settings.rasa_url)
    jwt = settings.jwt_policy()
    if args.jwt_secret:
        jwt = replace(jwt, secrets={**jwt.secrets, "buyer": args.jwt_secret})
    return Target(
        url=url,
        jwt=jwt,
        webhook_secret=args.webhook_secret or settings.webhook_secret,
        bot_pid=listener_pid(httpx.URL(url).port or 80),
        rasa_pid=listener_pid(httpx.URL(rasa_url).port or 80),
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.url:
        target = _external_target(args)
        results = asyncio.run(run(args, target))
        results["stack"] = "external"
    else:
        profile_dir = (args.out / "profile").resolve() if args.profile else None
        with OwnStack(
            profile_dir=profile_dir,
            cprofile=args.profile == "cprofile",
            keep=args.keep_stack,
            nlu_model=args.nlu_model,
        ) as stack:
            target = stack.start()
            results = asyncio.run(run(args, target))
        results["stack"] = f"own, profiled ({args.profile})" if args.profile else "own"
        if profile_dir is not None:
            results["profile"] = report.read_profile(profile_dir)
    paths = report.write(results, args.out)
    print(report.markdown(results))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0
