"""``aftersales analytics report|export|experiment``: arguments (argparse only, cheap to import)
and the run.

    aftersales analytics report --since 2026-11-01 --until 2026-11-08 --out reports/analytics \\
        [--from-parquet DIR] [--engine duckdb|pyspark] [--database-url URL]
    aftersales analytics export --since 2026-11-01 --until 2026-11-08 --out DIR [--no-text]
    aftersales analytics experiment --snapshot DIR [--truth FILE] [--out reports/experiments]

Dates are UTC days (``until`` exclusive) or ISO datetimes. Without ``--from-parquet`` the report
reads the settings' database; with it, a snapshot written by ``export`` (its window is the
default).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="analytics_command", required=True)
    report = sub.add_parser("report", help="report.json, CSVs and report.html for a window")
    _window_arguments(report)
    report.add_argument("--out", type=Path, default=Path("reports/analytics"))
    report.add_argument("--from-parquet", type=Path, help="a snapshot directory (from export)")
    report.add_argument("--engine", choices=("duckdb", "pyspark"), default="duckdb")
    report.add_argument("--database-url", help="default: the settings' database_url")
    export = sub.add_parser("export", help="snapshot a window of the store as Parquet")
    _window_arguments(export)
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--database-url", help="default: the settings' database_url")
    export.add_argument(
        "--no-text", action="store_true", help="leave message text out instead of redacting it"
    )
    from bot.analytics.experiment_cli import add_arguments as experiment_arguments

    experiment_arguments(sub.add_parser("experiment", help="routing experiments per arm"))


def _window_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", help="YYYY-MM-DD or ISO datetime (UTC); default: 7 days back")
    parser.add_argument("--until", help="exclusive; YYYY-MM-DD or ISO datetime; default: now")


def run(args: argparse.Namespace) -> int:
    if args.analytics_command == "experiment":
        from bot.analytics.experiment_cli import run as experiment

        return experiment(args)
    from bot.analytics.report import export_command, report_command

    if args.analytics_command == "report":
        written = report_command(
            out=args.out,
            since=args.since,
            until=args.until,
            from_parquet=args.from_parquet,
            engine=args.engine,
            database_url=args.database_url,
        )
        print(json.dumps({"html": str(written["html"]), "json": str(written["json"])}))
        return 0
    manifest = export_command(
        out=args.out,
        since=args.since,
        until=args.until,
        database_url=args.database_url,
        with_text=not args.no_text,
    )
    print(json.dumps({"out": str(args.out), "rows": manifest["rows"], "text": manifest["text"]}))
    return 0
