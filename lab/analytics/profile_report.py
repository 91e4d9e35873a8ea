"""Where the live report's time goes, stage by stage, on a store (what `GET /v1/analytics/report`
computes on a cache miss): loading the redactor and the MiniLM, the export into memory, the
metrics, each optional section, and the data version a cache hit checks. Writes nothing.

    python -m lab.analytics.profile_report --url sqlite:///var/analytics-demo.db --days 7
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.store.db import Database, utcnow


def _timed(timings: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = fn()
    timings[name] = round(time.perf_counter() - started, 3)
    return result


def profile(url: str, days: int, experiments_file: Path | None) -> dict[str, float]:
    from bot.analytics import clusters, experiments
    from bot.analytics import metrics as m
    from bot.analytics.cache import ReportCache
    from bot.analytics.export import snapshot_arrow
    from bot.analytics.report import _measure, optional_redactor
    from bot.analytics.tables import Window, from_arrow

    timings: dict[str, float] = {}
    now = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    window = Window(now - timedelta(days=days), now)
    database = Database(url)
    redactor = _timed(timings, "load redactor (spaCy)", optional_redactor)
    embedder = _timed(timings, "load MiniLM", clusters._default_embedder)
    arrow, manifest = _timed(
        timings,
        "export window (all text redacted, as before)",
        lambda: snapshot_arrow(database, window, redactor=redactor),
    )
    arrow, manifest = _timed(
        timings,
        "export window (buyers' text redacted, as live_report)",
        lambda: snapshot_arrow(database, window, redactor=redactor, text_roles=(m.BUYER,)),
    )
    tables = _timed(timings, "into DuckDB", lambda: from_arrow(arrow, manifest))

    def metrics() -> None:
        with m.cached(m.scope(tables, window)) as s:
            _measure(s, tables, window)

    _timed(timings, "metrics (summary .. fairness)", metrics)
    failed = _timed(
        timings, "clusters: failed messages", lambda: clusters.failed_messages(tables, window)
    )
    _timed(
        timings,
        f"clusters: redact, embed, cluster, label ({len(failed)} messages)",
        lambda: clusters.find_failure_clusters([t for _i, t in failed], embedder=embedder),
    )
    _timed(
        timings,
        "section: experiments",
        lambda: experiments.report_section(
            tables, window, designs_path=experiments_file, with_figures=False
        ),
    )
    tables.close()
    # What a cache hit costs besides reading one row: the store's fingerprint.
    _timed(timings, "cache: data version", ReportCache(database).data_version)
    database.dispose()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.analytics.profile_report")
    parser.add_argument("--url", required=True)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--experiments-file", default=None)
    args = parser.parse_args(argv)
    designs = Path(args.experiments_file) if args.experiments_file else None
    print(json.dumps(profile(args.url, args.days, designs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
