"""The simulated buyers of a load-test run: seeding their orders, holding conversations in a
closed loop (N buyers, no think time) or an open loop (a turn every 1/rate s), and sampling
memory. `lab.loadtest.runner` runs the phases in order and writes the result.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx
import psutil

from bot.api.orders import sign
from bot.auth import mint_token
from lab.loadtest.scenarios import (
    POLICY,
    WEIGHTS,
    OrderIds,
    Scenario,
    ScenarioGenerator,
    Step,
    buyer_orders,
    make_buyers,
)
from lab.loadtest.stack import Target, rss_mb
from lab.loadtest.stats import Sample, percentile, summarize

# The floor replays at most this many of the texts the buyers sent.
MAX_TEXTS_KEPT = 2000
# Connections per simulated buyer (their turns are sequential in the closed loop).
BUYER_CONNECTIONS = 4
CONNECTION_MODES = ("shared", "per-buyer")


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
        connections: str = "shared",
    ) -> None:
        if connections not in CONNECTION_MODES:
            raise ValueError(f"connections must be one of {CONNECTION_MODES}, got {connections!r}")
        self.target = target
        tag = run_tag if run_tag is not None else int(time.time()) % 10000
        order_ids = OrderIds(tag)
        self.buyers = make_buyers(buyers, order_ids)
        self.generator = ScenarioGenerator(self.buyers, order_ids=order_ids, seed=seed)
        self.timeout_s = timeout_s
        # The platform's order webhooks share one pool, as one backend's would.
        self.client = self._new_client(max_connections)
        # "shared": the buyers' requests share that pool too, as behind an ingress that keeps a
        # few persistent connections to the bot (every figure before 2026-12-03 14:00).
        # "per-buyer": each buyer has their own connections, as each app talking to the bot
        # directly. uvicorn's workers are balanced per connection (the kernel gives a new one to
        # one process for its life), so with several bot processes the shared pool skews the
        # load (measured: 12.6 against 6.3 CPU s over an 8-buyer phase) and per-buyer balances it
        # (14.6 and 13.9), at the price of connections reopened after the server's 5 s keep-alive.
        self.connections = connections
        self.buyer_clients: dict[str, httpx.AsyncClient] = {}
        self.memory: list[dict[str, Any]] = []
        # What the buyers typed, for the floor (Rasa parsing the same texts alone).
        self.texts: list[str] = []
        self.phase_name = "setup"
        self.started = time.monotonic()

    def _new_client(self, max_connections: int) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.target.url,
            timeout=httpx.Timeout(self.timeout_s),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            trust_env=False,  # no proxy between the buyers and a loopback server
        )

    def buyer_client(self, buyer_id: str) -> httpx.AsyncClient:
        if self.connections == "shared":
            return self.client
        client = self.buyer_clients.get(buyer_id)
        if client is None:
            # A few connections: in the open loop one buyer can have several turns in flight.
            client = self.buyer_clients[buyer_id] = self._new_client(BUYER_CONNECTIONS)
        return client

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
            response = await self.buyer_client(scenario.buyer_id).post(
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
        body = step.body()
        if len(self.texts) < MAX_TEXTS_KEPT and body.get("text"):
            self.texts.append(str(body["text"]))
        phase.turns_sent += 1
        started = time.monotonic()
        status: int | None = None
        payload: dict[str, Any] | None = None
        try:
            response = await self.buyer_client(conversation.scenario.buyer_id).post(
                f"/v1/conversations/{conversation.conversation_id}/messages",
                json=body,
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
        for client in self.buyer_clients.values():
            await client.aclose()


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
