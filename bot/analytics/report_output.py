"""What an analytics report becomes on disk: report.json (without figures), one CSV per result
table, and report.html, a self-contained page with inline SVG charts (nothing is fetched from
the internet)."""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.analytics import charts

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
    tables.update(who_pays_tables(report.get("who_pays")))
    return tables


def who_pays_tables(part: Mapping[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """The "who pays and disputes" section as three tables (none for a report without it)."""
    if not part:
        return {}
    disputes = part["disputes"]
    response = disputes["seller_response_hours"]
    flat = {
        "opened": disputes["opened"],
        "case_conversations": disputes["case_conversations"],
        "disputed_conversations": disputes["disputed_conversations"],
        "dispute_rate": disputes["dispute_rate"],
        "answered": response["answered"],
        "unanswered": response["unanswered"],
        "response_hours_median": response["median"],
        "response_hours_p90": response["p90"],
        **disputes["outcomes"],
        "decided": disputes["decided"],
        "decided_for_seller": disputes["decided_for_seller"],
        "seller_win_rate": disputes["seller_win_rate"],
    }
    return {
        "refunds_by_party": part["refunds_by_party"],
        "top_sellers": part["top_sellers"],
        "disputes": [flat],
    }


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
    who_pays = who_pays_tables(report.get("who_pays"))
    if who_pays:
        parts.append(
            _section(
                "Who pays and disputes",
                _table(who_pays["refunds_by_party"]),
                _table(who_pays["top_sellers"]),
                _table(who_pays["disputes"]),
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
