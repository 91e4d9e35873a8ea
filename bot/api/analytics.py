"""Analytics for agents and team leads: the summary (the contract) and the full report JSON.

Both compute from the live store: the window is exported into memory and measured by an
in-memory DuckDB (`bot.analytics.report`); no file is written. Windows are ``[since, until)``,
ISO dates or datetimes (naive means UTC); the default is the 7 days up to the end of the current
UTC hour (an hour-aligned window, so that its computed report can be reused).

Computed bodies are kept per window in the store (`bot.analytics.cache.ReportCache`) and reused
while the store's data version holds; each answer says so in its ``cache`` block. The
dashboard's preset windows are recomputed in the background (`refresh_loop`, every
``analytics_refresh_s`` when the store changed) and on ``POST /v1/analytics/refresh``.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import hashlib
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, FastAPI, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.analytics.cache import Cached, Kind, ReportCache
from bot.analytics.export import Redactor
from bot.analytics.offload import ReportWorker, report_hooks
from bot.analytics.tables import Window
from bot.api.deps import AgentDep, ServicesDep
from bot.api.schemas import AUTH_ERRORS, error_responses
from bot.disputes.scheduler import worker_name
from bot.store.db import Database, utcnow
from bot.store.jobs import JobStore
from bot.store.statements import PER_ID, StatementParty, parties_in, statement_in
from common.errors import InvalidInput, Unavailable

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/v1/analytics", tags=["analytics"])

# The live endpoints hold the window's rows in memory; longer windows belong to
# `aftersales analytics report` over a snapshot.
MAX_LIVE_WINDOW = timedelta(days=366)
Bound = Annotated[str | None, Query(max_length=40, description="ISO date or datetime (UTC)")]
ERRORS = error_responses(*AUTH_ERRORS, 422, 503)

# --- responses (shapes: bot/analytics/README.md; rates are null when the denominator is 0) -----


class WindowBounds(BaseModel):
    since: str = Field(description="ISO 8601 UTC, inclusive.")
    until: str = Field(description="ISO 8601 UTC, exclusive.")


class Ratio(BaseModel):
    numerator: int
    denominator: int


class Money(BaseModel):
    count: int
    amount: dict[str, float] = Field(description="Sum per currency.")


class ByWhom(BaseModel):
    auto: Money
    human: Money


class Ratings(BaseModel):
    mean: float | None
    count: int
    distribution: dict[str, int] = Field(description='Ratings per score, "1" to "5".')


class Csat(Ratings):
    by_route: dict[str, Ratings] = Field(description="``auto`` and ``human``.")


class Summary(BaseModel):
    """The contract's keys, extended (never renamed)."""

    window: WindowBounds
    conversations: int
    case_conversations: int
    automation_rate: float | None
    escalation_rate: float | None
    fallback_rate: float | None
    automation: Ratio
    escalation: Ratio
    fallback: Ratio
    intents: dict[str, int] = Field(description="Buyer messages per intent acted on.")
    refunds: ByWhom
    money: ByWhom = Field(description="As ``refunds``, every action type.")
    csat: Csat
    cache: CacheInfo | None = None


class CacheInfo(BaseModel):
    status: str = Field(description="``hit``: reused; ``computed``: computed for this request.")
    data_version: str = Field(description="The store's fingerprint the figures are valid for.")
    computed_at: str = Field(description="ISO 8601 UTC.")
    compute_seconds: float


Section = dict[str, Any]


class Report(BaseModel):
    """The full report; each block is documented in bot/analytics/README.md."""

    report: str
    schema_version: int
    generated_at: str
    engine: str
    window: Section
    source: Section
    summary: Summary
    volume: Section
    intents: Section
    automation: Section
    fallback: Section
    resolution: Section
    money: Section
    csat: Csat
    fairness: Section
    who_pays: Section | None = Field(
        default=None,
        description="Refund cost by responsible party and by seller; disputes (rate, seller"
        " response time, outcomes, seller win rate).",
    )
    sections: Section
    definitions: dict[str, str]
    cache: CacheInfo | None = None


@router.get("/summary", response_model=Summary, responses=ERRORS)
async def summary(
    request: Request,
    _agent: AgentDep,
    services: ServicesDep,
    since: Bound = None,
    until: Bound = None,
) -> dict[str, Any]:
    """Conversations, automation/escalation/fallback rates (with numerators and denominators),
    intents, refunds by the bot and by agents, CSAT."""
    window = _window(since, until, services.clock)
    database = _database(services.database)
    cache = _cache(request.app, database)
    compute = _computation(request.app, database, "summary", window)
    return _answer(await run_in_threadpool(cache.get, "summary", window, compute))


@router.get("/report", response_model=Report, responses=ERRORS)
async def report(
    request: Request,
    _agent: AgentDep,
    services: ServicesDep,
    since: Bound = None,
    until: Bound = None,
) -> dict[str, Any]:
    """The full report JSON (shape: bot/analytics/README.md); the dashboard reads it. Reused
    while the store has not changed since it was computed (the ``cache`` block says)."""
    window = _window(since, until, services.clock)
    return _answer(await _report(request.app, window, "get"))


@router.post("/refresh", response_model=Report, responses=ERRORS)
async def refresh(
    request: Request,
    _agent: AgentDep,
    services: ServicesDep,
    since: Bound = None,
    until: Bound = None,
) -> dict[str, Any]:
    """Recompute the window's report now (whatever is cached) and answer it."""
    window = _window(since, until, services.clock)
    return _answer(await _report(request.app, window, "refresh"))


async def _report(app: FastAPI, window: Window, how: str) -> Cached:
    database = _database(app.state.services.database)
    cache = _cache(app, database)
    compute = _computation(app, database, "report", window)
    method = cache.get if how == "get" else cache.refresh
    return await run_in_threadpool(method, "report", window, compute)


def _computation(
    app: FastAPI, database: Database, kind: Kind, window: Window
) -> Callable[[], dict[str, Any]]:
    """What computes the body when the cache has none: the app's child process (the default,
    `bot.analytics.offload`), or this process (``analytics_separate_process`` false)."""
    settings = app.state.settings
    if settings.analytics_separate_process:
        worker: ReportWorker = app.state.analytics_worker
        return partial(worker.compute, database, kind, window, settings.experiments_file)
    # Imported only here: with the child, the serving process never loads the report's engines.
    from bot.analytics.report import live_body

    return partial(
        live_body,
        database,
        kind,
        window,
        lambda: (_redactor(app), _hooks(app, app.state.services)),
    )


class StatementLineView(BaseModel):
    action_id: str
    created_at: str
    order_id: str
    case_id: str | None
    type: str
    amount: float
    currency: str
    actor: str


class StatementView(BaseModel):
    """What one party bears for the period (issue 18): the ledger's rows charged to it."""

    party: str
    id: str | None
    since: str
    until: str
    count: int
    totals: dict[str, dict[str, float]] = Field(
        description='Sums per currency: "total" and one per remedy type.'
    )
    lines: list[StatementLineView]
    parties: list[dict[str, str | None]] | None = Field(
        None, description="Every statement with a line in the period (party, id)."
    )


STATEMENT_CSV_FIELDS = tuple(StatementLineView.model_fields)


@router.get(
    "/statements",
    response_model=StatementView,
    responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
)
async def statements(
    _agent: AgentDep,
    services: ServicesDep,
    party: StatementParty,
    id: Annotated[str | None, Query(max_length=64, description="seller or carrier id")] = None,
    since: Bound = None,
    until: Bound = None,
    format: Annotated[str | None, Query(pattern="^(json|csv)$")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """A party's statement for ``[since, until)``: every remedy the ledger charged to it
    (``party``: seller or carrier with their ``id``; platform, buyer, or none for the
    unattributed), with totals per currency and type. CSV with ``format=csv`` or ``Accept:
    text/csv``. All statements of a period add up to its ledger."""
    if party in PER_ID and not id:
        raise InvalidInput(f"id: a {party} statement needs the {party}'s id", field="id")
    window = _window(since, until, services.clock)
    database = _database(services.database)

    def read() -> tuple[Any, list[tuple[str, str | None]]]:
        with database.sessions() as session:
            found = statement_in(
                session, party=party, party_id=id, since=window.since, until=window.until
            )
            return found, parties_in(session, since=window.since, until=window.until)

    statement, parties = await run_in_threadpool(read)
    wants_csv = format == "csv" or (format is None and "text/csv" in (accept or ""))
    if wants_csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=STATEMENT_CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for line in statement.lines:
            writer.writerow(line.to_dict())
        name = f"statement-{party}-{id or 'all'}-{window.since.date()}.csv"
        return Response(
            out.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return {**statement.to_dict(), "parties": [{"party": p, "id": i} for p, i in parties]}


def _answer(cached: Cached) -> dict[str, Any]:
    return {**cached.body, "cache": cached.meta()}


# --- the scheduled refresh ------------------------------------------------------------------------

# The dashboard's quick windows (bot/console/static/analytics.js), in hours up to the end of the
# current UTC hour.
PRESET_HOURS = (24, 168, 720)
# The lease of the process that runs the scheduled refresh (a `bot.store.jobs` row), and how long
# beyond two rounds it outlives its holder's last renewal.
REFRESH_LEASE = "analytics_refresh"
REFRESH_LEASE_SLACK = timedelta(minutes=5)


def preset_windows(now: datetime) -> list[Window]:
    """The dashboard's quick windows at ``now``: the last N hours up to the end of this hour."""
    until = _end_of_hour(now)
    return [Window(until - timedelta(hours=hours), until) for hours in PRESET_HOURS]


async def refresh_loop(app: FastAPI, interval_s: float) -> None:
    """Keeps the preset windows' reports ready for the dashboard. Every ``interval_s`` it reads
    the store's data version; once the store has been quiet for a whole interval (the same
    version twice running), the preset windows are brought up to date (a current one is a cache
    hit and costs nothing). While conversations keep arriving (a simulation, a busy hour) it
    waits rather than recompute reports that the next message makes stale; the API still
    computes on demand meanwhile. Runs until cancelled (the lifespan).

    Of several bot processes, one runs it at a time: the one holding the store's lease
    (`JobStore.hold`, renewed every round, released when the loop stops; another process takes
    it over then, or once a killed holder's lease ends). The others' loops only try for it."""
    worker = worker_name()
    try:
        await _refresh_while_holding(app, interval_s, worker)
    finally:  # this process stops: another takes the refresh over at its next round
        database = app.state.services.database
        if database is not None:
            with contextlib.suppress(Exception):
                JobStore(database.sessions, utcnow).release(REFRESH_LEASE, "presets", worker)


async def _refresh_while_holding(app: FastAPI, interval_s: float, worker: str) -> None:
    seen: str | None = None
    # Renewed every round; a round computes at most the three windows.
    lease = timedelta(seconds=2 * interval_s) + REFRESH_LEASE_SLACK
    while True:
        await asyncio.sleep(interval_s)
        services = app.state.services
        if services.database is None:
            continue
        jobs = JobStore(services.database.sessions, services.clock)
        try:
            held = await run_in_threadpool(
                partial(jobs.hold, REFRESH_LEASE, "presets", worker, lease=lease)
            )
            if not held:  # another process refreshes; if this one takes over, it starts afresh
                seen = None
                continue
            version = await run_in_threadpool(_cache(app, services.database).data_version)
        except Exception:  # the store is down: try again next round
            log.exception("analytics_refresh_failed")
            continue
        quiet, seen = version == seen, version
        if not quiet:
            continue
        for window in preset_windows(services.clock()):
            try:
                await _report(app, window, "get")
            except Exception:  # the next round tries again; the API computes on demand meanwhile
                log.exception("analytics_refresh_failed", window=window.to_dict())


def _hooks(app: FastAPI, services: Any) -> dict[str, Any]:
    """The optional sections bound to this app (in-process): its experiments file and the
    MiniLM its policy answers already loaded."""
    embedder = getattr(services.answerer, "embedder", None)
    return report_hooks(app.state.settings.experiments_file, embedder)


def _cache(app: FastAPI, database: Database) -> ReportCache:
    """The app's report cache, made on first use. Its salt is the experiments file's content:
    another file gives other experiment figures from the same data."""
    cache = getattr(app.state, "analytics_cache", None)
    if cache is None:
        path = app.state.settings.experiments_file
        salt = hashlib.sha256(path.read_bytes()).hexdigest() if path and path.is_file() else ""
        cache = app.state.analytics_cache = ReportCache(database, salt=salt)
    return cache


def _end_of_hour(moment: datetime) -> datetime:
    start = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return start + timedelta(hours=1)


def _window(since: str | None, until: str | None, clock: Any) -> Window:
    # The default ``until`` is the end of the current hour: the same window all hour long, so
    # its computed report is reused (nothing can have been created after now anyway).
    window = Window.parse(since, until, now=_end_of_hour(clock()))  # WindowError: 422
    if window.until - window.since > MAX_LIVE_WINDOW:
        raise InvalidInput(
            f"since: the window spans more than {MAX_LIVE_WINDOW.days} days; use "
            "`aftersales analytics report` over an exported snapshot for longer ones",
            field="since",
        )
    return window


def _database(database: Database | None) -> Database:
    if database is None:
        raise Unavailable("the conversation store is not configured")
    return database


def _redactor(app: FastAPI) -> Redactor | None:
    """The PII redactor, loaded on first use and kept on the app, and only when a report
    section reads message text (the failure clusters); otherwise no text leaves the store."""
    from bot.analytics.report import needs_text, optional_redactor

    if not needs_text():
        return None
    state = app.state
    if getattr(state, "analytics_redactor", None) is None:
        state.analytics_redactor = optional_redactor()
    return state.analytics_redactor
