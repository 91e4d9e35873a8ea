"""``aftersales-lab`` (or ``python -m lab``): the synthetic world and the buyer simulator.

    aftersales-lab world generate --seed 7 --buyers 40000 --sellers 2000 --cases 60000 --out DIR
    aftersales-lab world seed [--seed 11] [--anchor YYYY-MM-DD] [--force]   (alias: seed-demo)
    aftersales-lab simulate --conversations N --concurrency C [--base-url URL] [--seed S]

`world generate` writes a synthetic world as CSV (lab/world/WORLD.md); `world seed` migrates the
settings' database and loads the small demo world with the demo buyers B1..B5 into it,
idempotently (lab/world/seed.py). The product's own command line is ``aftersales`` (bot/cli.py):
it cannot offer these, since nothing in the product imports the lab.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aftersales-lab")
    sub = parser.add_subparsers(dest="command", required=True)
    world = sub.add_parser("world", help="the synthetic marketplace (lab/world/WORLD.md)")
    world_sub = world.add_subparsers(dest="world_command", required=True)
    generate = world_sub.add_parser("generate", help="generate a world and write it as CSV")
    generate.add_argument("--seed", type=int, required=True)
    generate.add_argument("--buyers", type=int, default=40_000)
    generate.add_argument("--sellers", type=int, default=2_000)
    generate.add_argument("--cases", type=int, default=60_000)
    generate.add_argument("--start", default="2025-01-01", help="first day (UTC), YYYY-MM-DD")
    generate.add_argument("--days", type=int, default=730)
    generate.add_argument("--out", type=Path, required=True)
    _seed_arguments(
        world_sub.add_parser("seed", help="load the small demo world into the database")
    )
    _seed_arguments(sub.add_parser("seed-demo", help="same as `world seed`"))
    from lab.simulate.cli import add_arguments as simulate_arguments  # argparse only: cheap

    simulate_arguments(
        sub.add_parser("simulate", help="buyers of the synthetic world talk to a running bot")
    )
    args = parser.parse_args(argv)

    if args.command == "simulate":
        from lab.simulate.cli import run as simulate

        return simulate(args)
    if args.command == "world" and args.world_command == "generate":
        return _generate(args)
    if args.command == "seed-demo" or args.command == "world":
        return _seed(args)
    return 2


def _seed_arguments(parser: argparse.ArgumentParser) -> None:
    # No default here: importing lab.world.demo (numpy, pandas) would slow every command down.
    parser.add_argument("--seed", type=int, default=None, help="default: lab.world.demo.DEMO_SEED")
    parser.add_argument(
        "--small",
        action="store_true",
        help="accepted for clarity: the demo world is always the small one",
    )
    parser.add_argument(
        "--anchor", help="the demo's 'today' (UTC), YYYY-MM-DD; default: today", default=None
    )
    parser.add_argument("--database-url", help="default: the settings' database_url")
    parser.add_argument("--force", action="store_true", help="upsert even if up to date")


def _generate(args: argparse.Namespace) -> int:
    from lab.world import generate_world, write_world

    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    world = generate_world(args.seed, args.buyers, args.sellers, args.cases, start, args.days)
    manifest = write_world(world, args.out)
    print(json.dumps({k: manifest[k] for k in ("seed", "buyers", "sellers", "orders", "cases")}))
    return 0


def _seed(args: argparse.Namespace) -> int:
    from lab.world.demo import DEMO_SEED
    from lab.world.seed import seed_demo

    anchor = datetime.fromisoformat(args.anchor).replace(tzinfo=UTC) if args.anchor else None
    url = args.database_url or get_settings().database_url
    seed = DEMO_SEED if args.seed is None else args.seed
    result = seed_demo(url, seed=seed, anchor=anchor, force=args.force)
    print(json.dumps(result.to_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
