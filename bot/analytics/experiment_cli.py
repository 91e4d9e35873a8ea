"""``aftersales analytics experiment`` / ``python -m bot.analytics.experiment_cli``: the command
line of the experiment report. Argument parsing only at import (cheap: `bot.cli` builds every
parser on every command); the analysis loads when it runs.

    aftersales analytics experiment --snapshot DIR [--truth var/simulate/<run>/truth.csv] \\
        [--experiments data/experiments/refund_limit.yml] [--out reports/experiments] \\
        [--engine duckdb|pyspark] [--bootstrap 2000] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

N_BOOT = 2000  # bootstrap replicates (experiment_stats.N_BOOT, repeated to keep this light)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--snapshot", type=Path, required=True, help="an analytics snapshot")
    parser.add_argument("--truth", type=Path, help="a simulator run's truth.csv")
    parser.add_argument(
        "--experiments", type=Path, help="the designs (default: the settings' experiments file)"
    )
    parser.add_argument("--out", type=Path, default=Path("reports/experiments"))
    parser.add_argument("--engine", choices=("duckdb", "pyspark"), default="duckdb")
    parser.add_argument("--bootstrap", type=int, default=N_BOOT, help="replicates")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed")


def run(args: argparse.Namespace) -> int:
    """Analyse the snapshot, write json, md, html and PNGs to --out, print the markdown."""
    import pandas as pd

    from bot.analytics.experiment_render import render_markdown, write_report
    from bot.analytics.experiments import analyse, default_designs_path, load_designs
    from bot.analytics.tables import open_snapshot

    try:
        designs = load_designs(args.experiments or default_designs_path())
    except ValueError as e:  # names the file and the field
        print(f"experiments file: {e}", file=sys.stderr)
        return 2
    tables = open_snapshot(args.snapshot, args.engine)
    try:
        truth = pd.read_csv(args.truth, dtype=str) if args.truth else None
        report = analyse(
            tables,
            designs=designs,
            truth=truth,
            n_boot=args.bootstrap,
            seed=args.seed,
        )
    finally:
        tables.close()
    paths = write_report(report, args.out)
    print(render_markdown(report))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.analytics.experiment_cli",
        description="Routing experiments per arm, from an analytics snapshot.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
