"""How long the full report takes, and how much memory, at 100k and 1M conversations.

    python -m lab.analytics.bench --sizes 100000 1000000 [--pyspark 100000] --out reports/bench

For each size a synthetic snapshot is generated (`lab.analytics.synthetic`; reused when one
with the same size and seed is already in ``--work``), then the report (every metric, report.json,
the CSVs and report.html) is computed in a fresh child process, so that its peak memory is its
own: the parent samples the resident set of the child and its children (Spark's JVM is one)
every 50 ms, and the child reports its own ``ru_maxrss`` too. Writes ``analytics.json`` and
``analytics.md`` into ``--out``. The machine's load is recorded next to the figures: on a
shared machine they move with it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

DEFAULT_WORK = Path("var/bench-analytics")
SAMPLE_S = 0.05


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.analytics.bench")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pyspark", type=int, nargs="*", default=[], help="sizes for PySpark")
    parser.add_argument("--out", type=Path, default=Path("reports/bench"))
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="snapshots, reports")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="duckdb", help=argparse.SUPPRESS)
    parser.add_argument("--report-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        return _child(args.child, args.engine, args.report_out)

    runs = [(n, "duckdb") for n in args.sizes] + [(n, "pyspark") for n in args.pyspark]
    results = []
    for n, engine in runs:
        snapshot, generated = _snapshot(args.work, n, args.seed)
        measured = _measure(snapshot, engine, args.work / f"report-{n}-{engine}")
        results.append({"conversations": n, "engine": engine, **generated, **measured})
        print(json.dumps(results[-1]), flush=True)
    document = {"machine": _machine(), "runs": results}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "analytics.json").write_text(json.dumps(document, indent=2) + "\n")
    (args.out / "analytics.md").write_text(_markdown(document))
    return 0


def _snapshot(work: Path, n: int, seed: int) -> tuple[Path, dict[str, Any]]:
    from bot.analytics.tables import SnapshotError, read_manifest
    from lab.analytics.synthetic import generate_snapshot

    directory = work / f"snapshot-{n}-seed{seed}"
    try:
        manifest = read_manifest(directory)
        seconds = None
    except SnapshotError:
        started = time.perf_counter()
        manifest = generate_snapshot(n, directory, seed=seed)
        seconds = round(time.perf_counter() - started, 2)
    size = sum(p.stat().st_size for p in directory.glob("*.parquet"))
    return directory, {
        "rows": manifest["rows"],
        "snapshot_mb": round(size / 2**20, 1),
        "generate_seconds": seconds,
    }


def _measure(snapshot: Path, engine: str, out: Path) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "lab.analytics.bench", "--child", str(snapshot),
        "--engine", engine, "--report-out", str(out),
    ]  # fmt: skip
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    log = out.with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as stderr:
        child = psutil.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
        peak = 0
        while child.poll() is None:
            peak = max(peak, _tree_rss(child))
            time.sleep(SAMPLE_S)
        output = child.stdout.read() if child.stdout else ""
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"the report child failed ({child.returncode}); see {log}")
    reported = json.loads(output.strip().splitlines()[-1])
    return {
        **reported,
        "process_seconds": round(wall, 2),
        "peak_rss_mb": round(max(peak / 2**20, reported["child_maxrss_mb"]), 1),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        for p in [process, *process.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                continue
    except psutil.Error:
        return 0
    return total


def _child(snapshot: Path, engine: str, out: Path) -> int:
    """Open, compute the full report, write it; print the timings as one JSON line."""
    import resource

    from bot.analytics.report import build_report
    from bot.analytics.report_output import write_report
    from bot.analytics.tables import Window, local_spark, open_snapshot, parse_bound, read_manifest

    started = time.perf_counter()
    spark = local_spark(cores=os.cpu_count() or 1) if engine == "pyspark" else None
    manifest = read_manifest(snapshot)
    window = Window(
        parse_bound(manifest["window"]["since"], "since"),
        parse_bound(manifest["window"]["until"], "until"),
    )
    tables = open_snapshot(snapshot, engine, spark=spark)  # type: ignore[arg-type]
    opened = time.perf_counter()
    report = build_report(tables, window)
    computed = time.perf_counter()
    write_report(report, out)
    written = time.perf_counter()
    tables.close()
    if spark is not None:
        spark.stop()
    print(
        json.dumps(
            {
                "open_seconds": round(opened - started, 2),
                "compute_seconds": round(computed - opened, 2),
                "write_seconds": round(written - computed, 2),
                "report_seconds": round(written - opened, 2),
                # Linux reports kilobytes; the JVM of Spark is a child, not counted here.
                "child_maxrss_mb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                ),
                "automation_rate": report["summary"]["automation_rate"],
            }
        )
    )
    return 0


def _machine() -> dict[str, Any]:
    import duckdb
    import ibis

    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "ibis": ibis.__version__,
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _markdown(document: dict[str, Any]) -> str:
    machine = document["machine"]
    lines = [
        "# Analytics report at scale",
        "",
        f"{machine['cpus']} CPUs, {machine['memory_gb']} GB, Python {machine['python']}, "
        f"Ibis {machine['ibis']}, DuckDB {machine['duckdb']}; {machine['when']}.",
        "Synthetic logs (`lab.analytics.synthetic`); the report is every metric, report.json, "
        "the CSVs and report.html, computed in a fresh process from the Parquet snapshot.",
        "",
        "| conversations | engine | messages | snapshot MB | report s (compute + write) "
        "| process s | peak RSS MB | load 1-min before/after |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in document["runs"]:
        lines.append(
            f"| {run['conversations']:,} | {run['engine']} | {run['rows']['messages']:,} "
            f"| {run['snapshot_mb']} | {run['report_seconds']} ({run['compute_seconds']} + "
            f"{run['write_seconds']}) | {run['process_seconds']} | {run['peak_rss_mb']} "
            f"| {run['load_before']} / {run['load_after']} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
