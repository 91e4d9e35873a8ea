"""The analytics report: every metric of a window as one JSON document (stable and
self-describing: the agent console's dashboard reads it), a CSV per result table, and a
self-contained HTML page with charts (inline SVG; nothing is fetched from the internet).

Two optional sections come from other modules of this package: "what the bot fails on"
(`bot.analytics.clusters`) and per-arm experiment results (`bot.analytics.experiments`). Each is
plugged in by a function ``report_section(tables: Tables, window: Window) -> dict`` in its module
(or a hook passed to `build_report`); while a module or its function is missing, the section is
present with ``"available": false`` and a note saying why. See `run_sections`.

The JSON shape is documented in ``bot/analytics/README.md``; add keys freely, never rename.
What a report becomes on disk (report.json, the CSVs, report.html) is `bot.analytics.report_output`.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog

from bot.analytics import metrics as m
from bot.analytics.export import (
    Redactor,
    export_snapshot,
    load_default_redactor,
    snapshot_arrow,
)
from bot.analytics.report_output import (
    _without_figures,
    write_report,
)
from bot.analytics.tables import (
    Engine,
    Tables,
    Window,
    from_arrow,
    iso,
    local_spark,
    open_snapshot,
    parse_bound,
    read_manifest,
)
from bot.store.db import Database, utcnow

log = structlog.get_logger(__name__)

REPORT_KIND = "aftersales-analytics-report"
REPORT_VERSION = 1

# One line per metric, shipped inside the report so that a reader of the JSON or the page does
# not need the code to know what a number means (metrics.py has the full text).
DEFINITIONS: dict[str, str] = {
    "window": "Conversations created in [since, until) (UTC) and everything attached to them.",
    "conversations": "Conversations created in the window.",
    "volume": "Conversations per hour for windows under 3 days, else per day.",
    "intents": "Buyer messages by the NLU intent the bot acted on; cases by intent.",
    "case_conversations": "Conversations with at least one case.",
    "escalation_rate": "Case-bearing conversations with a case a person took (a human decision"
    " the bot did not close itself, or a status only the agent queue gives) / case-bearing"
    " conversations.",
    "automation_rate": "Case-bearing conversations not escalated whose case the bot brought to"
    " 'resolved' (remedy executed) or 'declined' (rules refused, buyer said no)"
    " / case-bearing conversations.",
    "escalation_reasons": "Reason codes over human decisions.",
    "fallback_rate": "Buyer messages read as out_of_scope/nlu_fallback or with a fallback reason,"
    " plus messages the NLU was unavailable for (human decision 'nlu_unavailable')"
    " / buyer messages the NLU read plus those it was unavailable for.",
    "resolution": "Bot-resolved: resolved/declined, no human decision, ends at the bot's first"
    " action (else its last update). Human-resolved: a human decision and an agent action, ends"
    " at the first agent action. Minutes from case creation; turns = buyer messages of the"
    " conversation up to the end. Percentiles interpolate linearly.",
    "refunds": "Refund actions by actor: 'bot' = auto, an agent = human; count and amount per"
    " currency. 'money' is the same over every action type.",
    "csat": "Ratings 1-5 of the window's conversations; route human when the rated case (or,"
    " without a case, the conversation) was escalated.",
    "fairness": "Case conversations (as in the automation rate: the groups add up to it) by"
    " buyer region and account-age band when the first case opened (age from the earlier of"
    " first sighting and oldest order), and by the conversation's language: automation and"
    " escalation rate (as above),"
    " auto-approval rate (bot executed a money action); gap = max - min over the slice's"
    " groups.",
    "who_pays": "Refund actions by responsible party (none = not attributed), count and amount"
    " per currency; top sellers by refund cost attributed to the seller. Disputes of the"
    " window's cases: dispute rate = case conversations with a dispute / case conversations;"
    " seller response = hours from opening to the seller's first accept/contest/offer (median,"
    " p90; unanswered apart); outcomes = disputes whose log holds each event; seller win rate ="
    " decided for seller / decided (timeouts included).",
}

AGE_ORDER = [label for _bound, label in m.AGE_BANDS] + [m.OLDEST_BAND, m.UNKNOWN]

# --- optional sections ----------------------------------------------------------------------------

SectionHook = Callable[[Tables, Window], Mapping[str, Any]]
HOOK_NAME = "report_section"
OPTIONAL_SECTIONS: dict[str, tuple[str, str]] = {
    "clusters": ("bot.analytics.clusters", "What the bot fails on"),
    "experiments": ("bot.analytics.experiments", "Routing experiments: results per arm"),
}


def find_hook(module_name: str) -> SectionHook | str:
    """The module's ``report_section``, or a sentence saying why there is none."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        return f"{module_name} is not available ({e})"
    hook = getattr(module, HOOK_NAME, None)
    if not callable(hook):
        return f"{module_name} has no {HOOK_NAME}(tables, window) function yet"
    return hook


def run_sections(
    tables: Tables, window: Window, hooks: Mapping[str, SectionHook] | None = None
) -> dict[str, dict[str, Any]]:
    """Each optional section: ``{"available": true, "title", ...the hook's keys}`` or
    ``{"available": false, "title", "note"}``. A failing hook costs its section, not the
    report."""
    sections: dict[str, dict[str, Any]] = {}
    for name, (module_name, title) in OPTIONAL_SECTIONS.items():
        hook = (hooks or {}).get(name) or find_hook(module_name)
        if isinstance(hook, str):
            sections[name] = {"available": False, "title": title, "note": hook}
            continue
        try:
            result = dict(hook(tables, window))
        except Exception as e:  # an optional section never takes the report down
            log.exception("analytics_section_failed", section=name)
            sections[name] = {"available": False, "title": title, "note": f"failed: {e!r}"}
            continue
        sections[name] = {"available": True, "title": title, **result}
    return sections


def needs_text() -> bool:
    """Whether a section that reads message text (the failure clusters) is plugged in."""
    return not isinstance(find_hook(OPTIONAL_SECTIONS["clusters"][0]), str)


# --- building -------------------------------------------------------------------------------------


def build_report(
    tables: Tables,
    window: Window,
    *,
    hooks: Mapping[str, SectionHook] | None = None,
    sections: bool = True,
) -> dict[str, Any]:
    """Every metric of the window as the report's JSON document."""
    with m.cached(m.scope(tables, window)) as s:
        report = _measure(s, tables, window)
    report["sections"] = run_sections(tables, window, hooks) if sections else {}
    report["definitions"] = DEFINITIONS
    return report


def _measure(s: m.Scope, tables: Tables, window: Window) -> dict[str, Any]:
    measured = m.measure_summary(s)
    automation = measured["automation"]
    fallback = measured["fallback"]
    money_rows = measured["money"]
    stats = {row["kind"]: row for row in m.records(m.resolution_stats(s))}
    return {
        "report": REPORT_KIND,
        "schema_version": REPORT_VERSION,
        "generated_at": iso(datetime.now(UTC)),
        "engine": tables.engine,
        "window": {**window.to_dict(), "grain": window.grain},
        "source": _source(tables.manifest),
        "summary": m.summary_from(window, measured),
        "volume": {"grain": window.grain, "series": _dense(m.records(m.volume(s)), window)},
        "intents": {
            "messages": measured["message_intents"],
            "cases": m.records(m.case_intents(s)),
        },
        "automation": {
            **{k: automation[k] for k in ("case_conversations", "automated", "escalated")},
            "open": automation["case_conversations"]
            - automation["automated"]
            - automation["escalated"],
            "automation_rate": automation["automation_rate"],
            "escalation_rate": automation["escalation_rate"],
            "reasons": m.records(m.escalation_reasons(s)),
        },
        "fallback": {**fallback, "reasons": m.records(m.fallback_reasons(s))},
        "resolution": {
            **{kind: _resolution(stats.get(kind)) for kind in ("bot", "human")},
            "bins": [label for _bound, label in m.MINUTE_BINS] + [m.LONGEST_BIN],
            "histogram": [
                {k: row[k] for k in ("kind", "bin", "cases")}
                for row in m.records(m.resolution_histogram(s))
            ],
        },
        "money": {
            "refunds": m.refunds_from(money_rows, m.REFUND),
            "all": m.refunds_from(money_rows, None),
            "by_type": money_rows,
        },
        "csat": m.csat_from(measured["csat"]),
        "fairness": {by: _fairness(s, by) for by in m.SLICES},
        "who_pays": _who_pays(s),
    }


def _who_pays(s: m.Scope) -> dict[str, Any]:
    """Refund cost by responsible party and by seller, and the disputes (issue 18)."""
    stats = m.one_row(m.dispute_stats(s))
    rate = m.one_row(m.dispute_conversations(s))
    return {
        "refunds_by_party": m.records(m.refund_cost_by_party(s)),
        "top_sellers": m.records(m.top_sellers(s)),
        "disputes": {
            "opened": stats["disputes"],
            "case_conversations": rate["case_conversations"],
            "disputed_conversations": rate["disputed"],
            "dispute_rate": rate["dispute_rate"],
            "seller_response_hours": {
                "answered": stats["answered"],
                "unanswered": stats["unanswered"],
                "median": stats["hours_median"],
                "p90": stats["hours_p90"],
            },
            "outcomes": m.one_row(m.dispute_outcomes(s)),
            "decided": stats["decided"],
            "decided_for_seller": stats["decided_for_seller"],
            "seller_win_rate": stats["seller_win_rate"],
        },
    }


def _source(manifest: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("source", "text", "redactor", "exported_at", "window", "rows")
    return {k: manifest.get(k) for k in keys}


def _dense(rows: list[dict[str, Any]], window: Window) -> list[dict[str, Any]]:
    """Every bucket of the window, zero where no conversation started (charts need the gaps)."""
    step = timedelta(hours=1) if window.grain == "hour" else timedelta(days=1)
    since = window.since.astimezone(UTC)
    bucket = since.replace(minute=0, second=0, microsecond=0)
    if window.grain == "day":
        bucket = bucket.replace(hour=0)
    counts = {row["bucket"]: row["conversations"] for row in rows}
    series = []
    while bucket < window.until:
        key = iso(bucket)
        series.append({"bucket": key, "conversations": counts.get(key, 0)})
        bucket += step
    return series


def _resolution(row: dict[str, Any] | None) -> dict[str, Any]:
    row = row or {}
    return {
        "cases": row.get("cases", 0),
        "turns": {"median": row.get("turns_median"), "p90": row.get("turns_p90")},
        "minutes": {"median": row.get("minutes_median"), "p90": row.get("minutes_p90")},
    }


def _fairness(s: m.Scope, by: m.Slice) -> dict[str, Any]:
    groups = m.records(m.fairness(s, by))
    if by == "account_age":
        groups.sort(key=lambda row: AGE_ORDER.index(row["group"]))
    return {"groups": groups, "gap": m.one_row(m.fairness_gap(s, by))}


# --- live store and command line ------------------------------------------------------------------


def live_summary(database: Database, window: Window) -> dict[str, Any]:
    """The summary over the live store: the window exported into memory (no text: the summary
    needs none), measured by an in-memory DuckDB; no file is written."""
    arrow, manifest = snapshot_arrow(database, window, redactor=None)
    tables = from_arrow(arrow, manifest)
    try:
        return m.summary(tables, window.since, window.until)
    finally:
        tables.close()


def live_report(
    database: Database,
    window: Window,
    *,
    redactor: Redactor | None = None,
    hooks: Mapping[str, SectionHook] | None = None,
) -> dict[str, Any]:
    """The full report JSON over the live store, in memory. Message text is exported (redacted)
    only when given a redactor, i.e. when a section that reads text is plugged in. ``hooks``
    replace the optional sections' defaults (the API binds them to its app's settings and
    models)."""
    # The only section that reads text (the clusters) reads buyers' messages: the rest are not
    # redacted at all (redaction was a third of a cold report's time).
    roles = (m.BUYER,) if redactor is not None else None
    arrow, manifest = snapshot_arrow(database, window, redactor=redactor, text_roles=roles)
    tables = from_arrow(arrow, manifest)
    try:
        return _without_figures(build_report(tables, window, hooks=hooks))
    finally:
        tables.close()


def live_body(
    database: Database,
    kind: str,
    window: Window,
    parts: Callable[[], tuple[Redactor | None, Mapping[str, SectionHook] | None]],
) -> dict[str, Any]:
    """The dashboard's body of ``kind`` ("summary" or "report") over the live store. A report's
    redactor and optional sections come from ``parts``, called only for a report: the child
    process (`bot.analytics.offload`) and the API in process build them differently."""
    if kind == "summary":
        return live_summary(database, window)
    redactor, hooks = parts()
    return live_report(database, window, redactor=redactor, hooks=hooks)


def report_command(
    *,
    out: Path,
    since: str | None = None,
    until: str | None = None,
    from_parquet: Path | None = None,
    engine: Engine = "duckdb",
    database_url: str | None = None,
) -> dict[str, Path]:
    """``aftersales analytics report``: from a snapshot directory, or from the store (the window
    exported into memory for DuckDB, into a temporary snapshot for PySpark)."""
    if from_parquet is not None:
        manifest = read_manifest(from_parquet)
        window = Window(
            parse_bound(since or manifest["window"]["since"], "since"),
            parse_bound(until or manifest["window"]["until"], "until"),
        )
        return _report_from_snapshot(from_parquet, window, engine, out)
    window = Window.parse(since, until, now=utcnow())
    database = Database(database_url or _settings_url())
    try:
        redactor = optional_redactor() if needs_text() else None
        if engine == "duckdb":
            arrow, manifest = snapshot_arrow(database, window, redactor=redactor)
            tables = from_arrow(arrow, manifest)
            try:
                return write_report(build_report(tables, window), out)
            finally:
                tables.close()
        with tempfile.TemporaryDirectory(prefix="aftersales-snapshot-") as scratch:
            export_snapshot(database, scratch, window, redactor=redactor)
            return _report_from_snapshot(Path(scratch), window, engine, out)
    finally:
        database.dispose()


def _report_from_snapshot(
    directory: Path, window: Window, engine: Engine, out: Path
) -> dict[str, Path]:
    spark = local_spark() if engine == "pyspark" else None
    tables = open_snapshot(directory, engine, spark=spark)
    try:
        return write_report(build_report(tables, window), out)
    finally:
        tables.close()
        if spark is not None:
            spark.stop()


def optional_redactor() -> Redactor | None:
    """The PII redactor, or None (logged) when it cannot load: then no text is exported."""
    try:
        return load_default_redactor()
    except Exception as e:  # no redactor: export no text rather than fail the report
        log.warning("analytics_redactor_unavailable", error=str(e))
        return None


def _settings_url() -> str:
    from bot.settings import get_settings

    return get_settings().database_url


def export_command(
    *,
    out: Path,
    since: str | None = None,
    until: str | None = None,
    database_url: str | None = None,
    with_text: bool = True,
) -> dict[str, Any]:
    """``aftersales analytics export``: the window's snapshot as Parquet, text redacted (or, with
    ``with_text=False``, left out)."""
    window = Window.parse(since, until, now=utcnow())
    redactor = load_default_redactor() if with_text else None
    database = Database(database_url or _settings_url())
    try:
        return export_snapshot(database, out, window, redactor=redactor)
    finally:
        database.dispose()
