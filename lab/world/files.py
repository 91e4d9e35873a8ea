"""A synthetic world on disk: the four tables as CSV plus a manifest, and back.

python -m lab.world generate --seed 7 --cases 60000 --out var/world
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from lab.world.generate import World, generate_world
from lab.world.parameters import CURRENCY

TABLES = ("buyers", "sellers", "orders", "cases")
_TIME_COLUMNS = {
    "buyers": ("account_created_at",),
    "sellers": (),
    "orders": ("placed_at", "shipped_at", "promised_delivery_by", "delivered_at", "refunded_at"),
    "cases": ("opened_at", "refunded_at"),
}


def write_world(world: World, out: Path) -> dict:
    """Write the four tables as CSV (ISO-8601 UTC times) plus a manifest.json; return it."""
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in TABLES:
        path = out / f"{name}.csv"
        getattr(world, name).to_csv(path, date_format="%Y-%m-%dT%H:%M:%SZ")
        files[name] = {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    manifest = {
        "generator": "lab.world",
        "currency": CURRENCY,
        **world.summary(),
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def read_world(directory: Path) -> World:
    """Read back what `write_world` wrote."""
    manifest = json.loads((directory / "manifest.json").read_text())
    tables = {}
    for name in TABLES:
        table = pd.read_csv(
            directory / f"{name}.csv", index_col=0, keep_default_na=False, na_values=[""]
        )
        for column in _TIME_COLUMNS[name]:
            table[column] = pd.to_datetime(table[column], utc=True)
        tables[name] = table
    cases = tables["cases"]
    cases["opened"] = cases["opened"].astype("boolean")
    for column in ("policy_reasons", "policy_remedy"):
        cases[column] = cases[column].fillna("").astype(str)
    tables["orders"]["tracking_number"] = tables["orders"]["tracking_number"].fillna("").astype(str)
    return World(
        seed=int(manifest["seed"]),
        start=datetime.fromisoformat(manifest["start"]),
        days=int(manifest["days"]),
        **tables,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m lab.world generate --seed 7 --cases 60000 --out var/world`."""
    parser = argparse.ArgumentParser(prog="python -m lab.world")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="generate a synthetic world and write it as CSV")
    gen.add_argument("--seed", type=int, required=True)
    gen.add_argument("--buyers", type=int, default=40_000)
    gen.add_argument("--sellers", type=int, default=2_000)
    gen.add_argument("--cases", type=int, default=60_000)
    gen.add_argument("--start", default="2025-01-01", help="first day (UTC), YYYY-MM-DD")
    gen.add_argument("--days", type=int, default=730)
    gen.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    world = generate_world(args.seed, args.buyers, args.sellers, args.cases, start, args.days)
    manifest = write_world(world, args.out)
    print(json.dumps({k: manifest[k] for k in ("buyers", "sellers", "orders", "cases")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
