"""The analytics report: every metric of a window as one JSON document (stable and
self-describing: the agent console's dashboard reads it), a CSV per result table, and a
self-contained HTML page with charts (inline SVG; nothing is fetched from the internet).

Two optional sections come from other modules of this package: "what the bot fails on"
(`bot.analytics.clusters`) and per-arm experiment results (`bot.analytics.experiments`). Each is
plugged in by a function ``report_section(tables: Tables, window: Window) -> dict`` in its module
(or a hook passed to `build_report`); while a module or its function is missing, the section is
present with ``"available": false`` and a note saying why. See `run_sections`.

The JSON shape is documented in ``bot/analytics/README.md``; add keys freely, never rename.
"""

from __future__ import annotations

import csv
import html
import importlib
import json
import tempfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog

from bot.analytics import charts
from bot.analytics import metrics as m
from bot.analytics.export import (
    Redactor,
    export_snapshot,
    load_default_redactor,
    snapshot_arrow,
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
    "fairness": "Cases by buyer region and account-age band at case time (age from the earlier"
    " of first sighting and oldest order): auto-approval rate (bot executed a money action),"
    " escalation rate; gap = max - min over the slice's groups.",
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


# --- result tables (CSV) --------------------------------------------------------------------------


def result_tables(report: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The report's tables, named as their CSV files (the same numbers as the JSON)."""
    summary = report["summary"]
    automation = {k: v for k, v in report["automation"].items() if k != "reasons"}
    fallback = {k: v for k, v in report["fallback"].items() if k != "reasons"}
    resolution = [
        {
            "kind": kind,
            "cases": report["resolution"][kind]["cases"],
            "turns_median": report["resolution"][kind]["turns"]["median"],
            "turns_p90": report["resolution"][kind]["turns"]["p90"],
            "minutes_median": report["resolution"][kind]["minutes"]["median"],
            "minutes_p90": report["resolution"][kind]["minutes"]["p90"],
        }
        for kind in ("bot", "human")
    ]
    csat = [
        {"route": route, "mean": part["mean"], "count": part["count"], **part["distribution"]}
        for route, part in (("all", report["csat"]), *report["csat"]["by_route"].items())
    ]
    tables = {
        "summary": [
            {
                "conversations": summary["conversations"],
                "case_conversations": summary["case_conversations"],
                "automation_rate": summary["automation_rate"],
                "escalation_rate": summary["escalation_rate"],
                "fallback_rate": summary["fallback_rate"],
                "csat_mean": summary["csat"]["mean"],
                "csat_count": summary["csat"]["count"],
            }
        ],
        "volume": report["volume"]["series"],
        "intents_messages": report["intents"]["messages"],
        "intents_cases": report["intents"]["cases"],
        "automation": [automation],
        "escalation_reasons": report["automation"]["reasons"],
        "fallback": [fallback],
        "fallback_reasons": report["fallback"]["reasons"],
        "resolution": resolution,
        "resolution_histogram": report["resolution"]["histogram"],
        "money": report["money"]["by_type"],
        "csat": csat,
    }
    for by, part in report["fairness"].items():
        tables[f"fairness_{by}"] = part["groups"]
    tables["fairness_gaps"] = [
        {"slice": by, **part["gap"]} for by, part in report["fairness"].items()
    ]
    return tables


def write_report(report: Mapping[str, Any], out_dir: str | Path) -> dict[str, Path]:
    """report.json, one CSV per result table, report.html; returns what was written."""
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    path = directory / "report.json"
    path.write_text(json.dumps(_without_figures(report), indent=2) + "\n")
    written["json"] = path
    for name, rows in result_tables(report).items():
        written[name] = _write_csv(directory / f"{name}.csv", rows)
    path = directory / "report.html"
    path.write_text(render_html(report))
    written["html"] = path
    return written


def _without_figures(report: Mapping[str, Any]) -> dict[str, Any]:
    # Sections may hand SVG figures to the page; the JSON stays data.
    out = dict(report)
    out["sections"] = {
        name: {k: v for k, v in section.items() if k != "figures"}
        for name, section in report.get("sections", {}).items()
    }
    return out


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- the page -------------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2933;
background:#f5f7fa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 8px}
.sub{color:#52606d;margin-bottom:18px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;
margin:0 0 18px}
.tile{background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px #0001}
.tile b{display:block;font-size:22px}.tile span{color:#52606d;font-size:12px}
section{background:#fff;border-radius:8px;padding:16px;margin:0 0 16px;box-shadow:0 1px 2px #0001}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{padding:3px 10px;border-bottom:1px solid #e4e7eb;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#52606d;font-size:12px}.off{color:#8a94a6;font-style:italic}
svg{max-width:100%;height:auto}
dl{font-size:12px;color:#3e4c59}dt{font-weight:600;margin-top:6px}
"""


def render_html(report: Mapping[str, Any]) -> str:
    """The self-contained page: figures inline as SVG, CSS inline, no scripts, no fetches."""
    summary = report["summary"]
    window = report["window"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>After-sales analytics {_e(window['since'])} to {_e(window['until'])}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>After-sales bot: conversation analytics</h1>",
        f"<div class='sub'>Conversations created from {_e(window['since'])} to "
        f"{_e(window['until'])} (until exclusive) &middot; engine {_e(report['engine'])} &middot; "
        f"generated {_e(report['generated_at'])} &middot; message text "
        f"{_e(str(report['source'].get('text')))}</div>",
        _tiles(summary),
        _section("Volume", charts.volume(report["volume"]["series"], report["volume"]["grain"])),
        _section(
            "Intent mix",
            charts.intents(report["intents"]["messages"], report["intents"]["cases"]),
            _table(report["intents"]["cases"]),
        ),
        _section(
            "Automation and escalation",
            charts.automation(report["automation"], report["automation"]["reasons"]),
            _table([{k: v for k, v in report["automation"].items() if k != "reasons"}]),
        ),
        _section(
            "Fallback",
            charts.fallback(report["fallback"]["reasons"]),
            _table([{k: v for k, v in report["fallback"].items() if k != "reasons"}]),
        ),
        _section(
            "Time to resolution",
            charts.resolution(report["resolution"]["histogram"], report["resolution"]["bins"]),
            _table(result_tables(report)["resolution"]),
        ),
        _section(
            "Refunds and money: bot (auto) vs agents (human)",
            charts.money(report["money"]["by_type"]),
            _table(report["money"]["by_type"]),
        ),
        _section(
            "Satisfaction", charts.csat(report["csat"]), _table(result_tables(report)["csat"])
        ),
    ]
    for by, part in report["fairness"].items():
        parts.append(
            _section(
                f"Fairness: by {by.replace('_', ' ')}",
                charts.fairness(part["groups"], by),
                _table(part["groups"]),
                _table([part["gap"]]),
            )
        )
    for section in report.get("sections", {}).values():
        parts.append(_optional(section))
    definitions = "".join(
        f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in report["definitions"].items()
    )
    parts.append(_section("Definitions", f"<dl>{definitions}</dl>"))
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _e(value: Any) -> str:
    return html.escape(str(value))


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _tiles(summary: Mapping[str, Any]) -> str:
    refunds = summary["refunds"]

    def amount(side: Mapping[str, Any]) -> str:
        return ", ".join(f"{v:,.2f} {k}" for k, v in sorted(side["amount"].items())) or "0"

    csat_mean = summary["csat"]["mean"]
    tiles = [
        ("conversations", f"{summary['conversations']:,}"),
        ("automation rate", _pct(summary["automation_rate"])),
        ("escalation rate", _pct(summary["escalation_rate"])),
        ("fallback rate", _pct(summary["fallback_rate"])),
        ("CSAT", "n/a" if csat_mean is None else f"{csat_mean:.2f} / 5"),
        (f"refunds by the bot ({refunds['auto']['count']})", amount(refunds["auto"])),
        (f"refunds by agents ({refunds['human']['count']})", amount(refunds["human"])),
    ]
    cells = "".join(f"<div class='tile'><b>{_e(v)}</b><span>{_e(k)}</span></div>" for k, v in tiles)
    return f"<div class='tiles'>{cells}</div>"


def _section(title: str, *bodies: str) -> str:
    return f"<section><h2>{_e(title)}</h2>{''.join(bodies)}</section>"


def _table(rows: list[Mapping[str, Any]], limit: int = 50) -> str:
    if not rows:
        return "<p class='note'>no rows</p>"
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(_cell(row.get(c)) for c in columns) + "</tr>" for row in rows[:limit]
    )
    more = (
        f"<p class='note'>{len(rows) - limit} more rows in the CSV</p>" if len(rows) > limit else ""
    )
    return f"<table><tr>{head}</tr>{body}</table>{more}"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"<td class='n'>{value:,.4g}</td>"
    if isinstance(value, int):
        return f"<td class='n'>{value:,}</td>"
    if isinstance(value, dict | list):
        return f"<td>{_e(json.dumps(value))}</td>"
    return f"<td>{_e('' if value is None else value)}</td>"


def _optional(section: Mapping[str, Any]) -> str:
    """A plugged-in section: its summary, its tables, its figures (SVG it rendered itself)."""
    if not section.get("available"):
        return _section(
            section["title"], f"<p class='off'>Not in this report: {_e(section['note'])}</p>"
        )
    bodies = []
    if section.get("summary"):
        bodies.append(f"<p>{_e(section['summary'])}</p>")
    bodies.extend(str(svg) for svg in (section.get("figures") or {}).values())
    for name, rows in (section.get("tables") or {}).items():
        bodies.append(f"<h3>{_e(name)}</h3>{_table(list(rows))}")
    return _section(section["title"], *bodies)


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
    arrow, manifest = snapshot_arrow(database, window, redactor=redactor)
    tables = from_arrow(arrow, manifest)
    try:
        return _without_figures(build_report(tables, window, hooks=hooks))
    finally:
        tables.close()


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
