"""Drive planned conversations through the bot's real HTTP API, and record what happened.

For each `SimCase`: the buyer's orders go through the signed order webhook first (dated so the
case opens now), then the buyer opens a conversation and talks (`Persona`) until they have
nothing more to say. `concurrency` buyers talk at once; the run stops when every conversation
is done or `max_seconds` have passed (no new conversation or turn starts after that).

Failures are data, not crashes: a non-2xx answer or a transport error is logged and counted; a
turn is retried once with the same Idempotency-Key (the bot answers a replay with the first
response, so a retry never doubles an action); a conversation whose turn still fails is
abandoned and the run goes on.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bot.api.orders import sign
from bot.auth import JwtPolicy, mint_token
from lab.loadtest.stack import require_loopback
from lab.loadtest.stats import percentile
from lab.simulate.persona import BotTurn, Message, Persona
from lab.simulate.population import SimCase

log = logging.getLogger("lab.simulate")

TRUTH_COLUMNS = (
    "buyer_id", "region", "latent_type", "conversation_id", "claim_genuine", "scenario",
    "claim", "world_buyer_id", "world_case_id", "order_id", "order_total", "has_photo",
    "account_age_days", "abuse_propensity", "policy_route", "policy_reason", "outcome", "rating",
    "turns", "completed",
)  # fmt: skip
RETRY_DELAY_S = 0.25


@dataclass(frozen=True)
class Endpoint:
    """Where the buyers go and the secrets a shop's backend and platform would hold."""

    url: str
    # The buyer tokens' keys: the bot's JWT policy, or one secret for both roles (default
    # audiences).
    jwt: JwtPolicy | str
    webhook_secret: str

    def __post_init__(self) -> None:
        require_loopback(self.url)  # the simulator never loads anything but this machine


@dataclass
class Record:
    """What happened in one conversation (a row of truth.csv, plus the transcript)."""

    case: SimCase
    conversation_id: str | None = None
    outcome: str = "not_started"
    rating: int | None = None
    turns: int = 0
    completed: bool = False
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    transcript: list[dict[str, Any]] = field(default_factory=list)

    def truth_row(self) -> dict[str, Any]:
        case = self.case
        return {
            "buyer_id": case.buyer.buyer_id,
            "region": case.buyer.region,
            "latent_type": case.latent_type,
            "conversation_id": self.conversation_id or "",
            "claim_genuine": case.claim_genuine,
            "scenario": case.scenario,
            "claim": case.claim,
            "world_buyer_id": case.buyer.world_buyer_id,
            "world_case_id": case.world_case_id or "",
            "order_id": case.order_id or "",
            "order_total": "" if case.order_total is None else f"{case.order_total:.2f}",
            "has_photo": case.has_photo,
            "account_age_days": round(case.account_age_days(), 1),
            "abuse_propensity": case.buyer.abuse_propensity,
            "policy_route": case.policy_route,
            "policy_reason": case.policy_reason,
            "outcome": self.outcome,
            "rating": "" if self.rating is None else self.rating,
            "turns": self.turns,
            "completed": self.completed,
        }


class Simulation:
    """One run of planned conversations against `endpoint`."""

    def __init__(
        self,
        endpoint: Endpoint,
        plans: Sequence[SimCase],
        *,
        seed: int,
        run_id: str,
        concurrency: int = 4,
        max_seconds: float = 600.0,
        timeout_s: float = 30.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        transport: httpx.AsyncBaseTransport | None = None,  # tests: a scripted bot
    ) -> None:
        if concurrency < 1 or max_seconds <= 0:
            raise ValueError("concurrency and max_seconds must be positive")
        self.endpoint = endpoint
        self.plans = list(plans)
        self.seed, self.run_id = seed, run_id
        self.concurrency, self.max_seconds = concurrency, max_seconds
        self.timeout_s, self.clock, self.transport = timeout_s, clock, transport
        self.records: list[Record] = []
        self.errors: Counter[str] = Counter()
        self.stopped_by = "all_done"
        self.elapsed_s = 0.0

    @functools.lru_cache(maxsize=8192)  # noqa: B019 (one Simulation per run)
    def _headers(self, buyer_id: str) -> dict[str, str]:
        token = mint_token(buyer_id, "buyer", self.endpoint.jwt)
        return {"Authorization": f"Bearer {token}"}

    async def run(self) -> list[Record]:
        """Hold every planned conversation (or as many as the time allows)."""
        started = time.monotonic()
        deadline = started + self.max_seconds
        queue: asyncio.Queue[SimCase] = asyncio.Queue()
        for plan in self.plans:
            queue.put_nowait(plan)
        limits = httpx.Limits(max_connections=self.concurrency + 4)
        async with httpx.AsyncClient(
            base_url=self.endpoint.url,
            timeout=httpx.Timeout(self.timeout_s),
            limits=limits,
            trust_env=False,  # no proxy between the buyers and a loopback server
            transport=self.transport,
        ) as client:

            async def buyer() -> None:
                while not queue.empty():
                    if time.monotonic() >= deadline:
                        self.stopped_by = "time_limit"
                        return
                    plan = queue.get_nowait()
                    record = Record(plan)
                    self.records.append(record)
                    try:
                        await self._converse(client, record, deadline)
                    except Exception as e:  # a bug in one conversation must not end the run
                        log.exception("conversation %d failed", plan.index)
                        self._error(record, "internal", repr(e))

            await asyncio.gather(*(buyer() for _ in range(self.concurrency)))
        self.elapsed_s = time.monotonic() - started
        self.records.sort(key=lambda r: r.case.index)
        return self.records

    # --- one conversation -------------------------------------------------------------------

    async def _converse(self, client: httpx.AsyncClient, record: Record, deadline: float) -> None:
        plan = record.case
        for payload in plan.order_payloads(self.clock()):
            if time.monotonic() >= deadline:
                self.stopped_by = "time_limit"
                return
            if not await self._push(client, record, payload) and (
                payload["order_id"] == plan.order_id
            ):
                return  # the order the claim is about is not there: nothing to talk about
        conversation_id = await self._open(client, record)
        if conversation_id is None:
            return
        record.conversation_id, record.outcome = conversation_id, "open"
        persona = Persona(plan, self._rng(plan), photo_url=self._photo_url(plan))
        message: Message | None = persona.first()
        while message is not None:
            if time.monotonic() >= deadline:
                self.stopped_by = "time_limit"
                break
            payload = await self._say(client, record, message, persona.turns)
            if payload is None:
                break
            turn = BotTurn.from_response(payload)
            record.actions += [str(a.get("type")) for a in turn.actions]
            record.transcript.append({"bot": list(turn.texts), "expecting": turn.expecting,
                                      "quick_replies": list(turn.quick_replies),
                                      "status": turn.status, "intent": turn.intent})  # fmt: skip
            message = persona.reply(turn)
        else:
            record.completed = True
        record.outcome, record.rating, record.turns = persona.outcome, persona.rating, persona.turns

    def _rng(self, plan: SimCase) -> random.Random:
        # One generator per conversation: the wording does not depend on which worker ran it.
        return random.Random(f"{self.seed}:{plan.index}")

    def _photo_url(self, plan: SimCase) -> str:
        return f"https://img.example.com/simulate/{self.run_id}/{plan.index}.jpg"

    async def _push(
        self, client: httpx.AsyncClient, record: Record, payload: dict[str, Any]
    ) -> bool:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **sign(self.endpoint.webhook_secret, body)}
        try:
            response = await client.put(
                f"/v1/orders/{payload['order_id']}", content=body, headers=headers
            )
        except httpx.HTTPError as e:
            self._error(record, "webhook:transport", repr(e))
            return False
        if response.status_code not in (200, 201):
            self._error(record, f"webhook:{response.status_code}", response.text[:300])
            return False
        return True

    async def _open(self, client: httpx.AsyncClient, record: Record) -> str | None:
        try:
            response = await client.post(
                "/v1/conversations", headers=self._headers(record.case.buyer.buyer_id)
            )
        except httpx.HTTPError as e:
            self._error(record, "create:transport", repr(e))
            return None
        if response.status_code != 201:
            self._error(record, f"create:{response.status_code}", response.text[:300])
            return None
        return str(response.json()["conversation_id"])

    async def _say(
        self, client: httpx.AsyncClient, record: Record, message: Message, turn: int
    ) -> dict[str, Any] | None:
        """Post one buyer message; one retry, same key, on a transport error or a 5xx."""
        key = f"sim-{self.run_id}-{record.case.index}-{turn}"
        headers = {**self._headers(record.case.buyer.buyer_id), "Idempotency-Key": key}
        record.transcript.append({"buyer": message.text, "photo": message.photo})
        for attempt in (1, 2):
            started = time.monotonic()
            try:
                response = await client.post(
                    f"/v1/conversations/{record.conversation_id}/messages",
                    json=message.body(),
                    headers=headers,
                )
            except httpx.HTTPError as e:
                self._error(record, "turn:transport", repr(e))
            else:
                record.latencies_ms.append((time.monotonic() - started) * 1000)
                if response.status_code == 200:
                    return response.json()
                self._error(record, f"turn:{response.status_code}", response.text[:300])
                if response.status_code < 500:
                    return None  # the bot refused the message; a retry would be refused too
            if attempt == 1:
                await asyncio.sleep(RETRY_DELAY_S)
        return None

    def _error(self, record: Record, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        record.errors.append(f"{kind}: {detail}")
        log.warning("conversation %d: %s %s", record.case.index, kind, detail)

    # --- results ------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """Counts, latency percentiles and outcomes of the run (JSON-safe)."""
        records = self.records
        started = [r for r in records if r.conversation_id]
        latencies = [ms for r in records for ms in r.latencies_ms]
        turns = [r.turns for r in started]
        ratings = [r.rating for r in started if r.rating is not None]

        def by(key: Callable[[Record], str], rows: Sequence[Record]) -> dict[str, int]:
            return dict(sorted(Counter(key(r) for r in rows).items()))

        return {
            "run_id": self.run_id,
            "base_url": self.endpoint.url,
            "seed": self.seed,
            "concurrency": self.concurrency,
            "elapsed_s": round(self.elapsed_s, 2),
            "stopped_by": self.stopped_by,
            "conversations": {
                "planned": len(self.plans),
                "started": len(started),
                "completed": sum(r.completed for r in records),
                "with_errors": sum(bool(r.errors) for r in records),
            },
            "errors": {"total": sum(self.errors.values()), "by_kind": dict(self.errors)},
            "turns": {
                "total": sum(turns),
                "per_conversation_mean": round(sum(turns) / len(turns), 2) if turns else None,
                "per_conversation_p50": percentile(turns, 50) if turns else None,
                "per_conversation_max": max(turns, default=None),
            },
            "latency_ms": {
                q: round(percentile(latencies, v), 1) if latencies else None
                for q, v in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
            },
            "latent_types": by(lambda r: r.case.latent_type, started),
            "scenarios": by(lambda r: r.case.scenario, started),
            "outcomes": by(lambda r: r.outcome, started),
            "outcomes_by_type": {
                t: by(lambda r: r.outcome, [r for r in started if r.case.latent_type == t])
                for t in ("genuine", "abusive")
            },
            # An abusive buyer (latent type) may bring a genuine claim (the world's case is
            # genuine): the abusive *claims* are what the router should not pay.
            "outcomes_by_claim": {
                name: by(lambda r: r.outcome, [r for r in started if r.case.claim_genuine is truth])
                for name, truth in (("genuine_claim", True), ("abusive_claim", False))
            },
            # Where each genuine buyer's conversation ended, per scenario: some scenarios end with
            # a person by the policy whatever the bot does (a person asked for, REV-6.4; a
            # payment problem, REV-6.3; a dispute, REV-6.5; a parcel marked delivered, after 48
            # hours, INR-4.2), which bounds the share of genuine buyers the bot can resolve.
            "genuine_outcomes_by_scenario": {
                scenario: by(lambda r: r.outcome, group)
                for scenario, group in _by_scenario(
                    [r for r in started if r.case.latent_type == "genuine"]
                ).items()
            },
            "policy_bound": policy_bound(started),
            "actions": dict(sorted(Counter(a for r in records for a in r.actions).items())),
            "ratings": {
                "given": len(ratings),
                "mean": round(sum(ratings) / len(ratings), 2) if ratings else None,
                "histogram": {str(s): ratings.count(s) for s in range(1, 6)},
            },
        }


SETTLED = ("resolved", "answered")


def policy_bound(started: Sequence[Record]) -> dict[str, Any]:
    """The outcomes against what the policy alone allows (`SimCase.policy_route`).

    `genuine_ceiling` is the share of genuine buyers a bot that follows the policy exactly could
    settle itself at best (cases the policy lets it resolve, and policy questions);
    `genuine_allowed_settled` counts those it did. For abusive claims,
    `abusive_rules_let_through` are the ones that only the risk model can stop (eligible, under
    every limit, no review flag), and `abusive_let_through_resolved` those it let through.
    """
    genuine = [r for r in started if r.case.latent_type == "genuine"]
    allowed = [r for r in genuine if r.case.policy_route in ("auto", "question")]
    abusive = [r for r in started if not r.case.claim_genuine]
    through = [r for r in abusive if r.case.policy_route == "auto"]
    routes = sorted({r.case.policy_route for r in started})
    return {
        "genuine": len(genuine),
        "genuine_allowed": len(allowed),
        "genuine_ceiling": round(len(allowed) / len(genuine), 3) if genuine else None,
        "genuine_allowed_settled": sum(r.outcome in SETTLED for r in allowed),
        "genuine_outcomes_by_route": {
            route: dict(
                sorted(Counter(r.outcome for r in genuine if r.case.policy_route == route).items())
            )
            for route in routes
        },
        "abusive_claims": len(abusive),
        "abusive_rules_let_through": len(through),
        "abusive_let_through_resolved": sum(r.outcome == "resolved" for r in through),
    }


def _by_scenario(records: list[Record]) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(record.case.scenario, []).append(record)
    return dict(sorted(groups.items()))


def write_run(simulation: Simulation, directory: Path) -> dict[str, Path]:
    """truth.csv (one row per conversation started), summary.json, transcripts.jsonl."""
    directory.mkdir(parents=True, exist_ok=True)
    truth = directory / "truth.csv"
    with truth.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=TRUTH_COLUMNS)
        writer.writeheader()
        for record in simulation.records:
            if record.conversation_id:
                writer.writerow(record.truth_row())
    summary = directory / "summary.json"
    summary.write_text(json.dumps(simulation.summary(), indent=2) + "\n", encoding="utf-8")
    transcripts = directory / "transcripts.jsonl"
    with transcripts.open("w", encoding="utf-8") as f:
        for record in simulation.records:
            row = {"index": record.case.index, "conversation_id": record.conversation_id,
                   "scenario": record.case.scenario, "latent_type": record.case.latent_type,
                   "outcome": record.outcome, "errors": record.errors,
                   "transcript": record.transcript}  # fmt: skip
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {"truth": truth, "summary": summary, "transcripts": transcripts}
