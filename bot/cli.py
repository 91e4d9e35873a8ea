"""``aftersales`` command line: tokens for local use, the synthetic world, running the stack.

    aftersales world generate --seed 7 --buyers 40000 --sellers 2000 --cases 60000 --out DIR
    aftersales world seed [--seed 11] [--anchor YYYY-MM-DD] [--force]   (alias: seed-demo)
    aftersales simulate --conversations N --concurrency C [--base-url URL] [--seed S]
    aftersales analytics report|export --since YYYY-MM-DD --until YYYY-MM-DD --out DIR

`world generate` writes a synthetic world as CSV (policies/WORLD.md); `world seed` migrates the
settings' database and loads the small demo world with the demo buyers B1..B5 into it,
idempotently (bot/store/seed.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.auth import ROLES, mint_token
from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aftersales")
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser(
        "token", help="mint a JWT for local use (the role's secret and audience of the settings)"
    )
    token.add_argument("--sub", required=True, help="buyer or agent id, e.g. B17 or agent-1")
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument(
        "--ttl",
        type=int,
        default=None,
        help="lifetime in seconds (default and at most: AFTERSALES_JWT_MAX_LIFETIME_S)",
    )
    sub.add_parser("run", help="start Rasa and the bot (what `make run` does after set-up)")
    world = sub.add_parser("world", help="the synthetic marketplace (policies/WORLD.md)")
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
    from bot.simulate.cli import add_arguments as simulate_arguments  # argparse only: cheap

    simulate_arguments(
        sub.add_parser("simulate", help="buyers of the synthetic world talk to a running bot")
    )
    from bot.analytics.cli import add_arguments as analytics_arguments  # argparse only: cheap

    analytics_arguments(
        sub.add_parser("analytics", help="conversation-log analytics: reports and exports")
    )
    args = parser.parse_args(argv)

    if args.command == "token":
        try:
            print(mint_token(args.sub, args.role, get_settings().jwt_policy(), ttl_s=args.ttl))
        except ValueError as e:
            print(f"token: {e}", file=sys.stderr)
            return 2
        return 0
    if args.command == "run":
        from bot.launcher import main as run_main

        return run_main()
    if args.command == "simulate":
        from bot.simulate.cli import run as simulate

        return simulate(args)
    if args.command == "analytics":
        from bot.analytics.cli import run as analytics

        return analytics(args)
    if args.command == "world" and args.world_command == "generate":
        return _generate(args)
    if args.command == "seed-demo" or args.command == "world":
        return _seed(args)
    return 2


def _seed_arguments(parser: argparse.ArgumentParser) -> None:
    # No default here: importing policies.demo (numpy, pandas) would slow every command down.
    parser.add_argument("--seed", type=int, default=None, help="default: policies.demo.DEMO_SEED")
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
    from policies.world import generate_world, write_world

    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    world = generate_world(args.seed, args.buyers, args.sellers, args.cases, start, args.days)
    manifest = write_world(world, args.out)
    print(json.dumps({k: manifest[k] for k in ("seed", "buyers", "sellers", "orders", "cases")}))
    return 0


def _seed(args: argparse.Namespace) -> int:
    from bot.store.seed import seed_demo

    anchor = datetime.fromisoformat(args.anchor).replace(tzinfo=UTC) if args.anchor else None
    url = args.database_url or get_settings().database_url
    from policies.demo import DEMO_SEED

    seed = DEMO_SEED if args.seed is None else args.seed
    result = seed_demo(url, seed=seed, anchor=anchor, force=args.force)
    print(json.dumps(result.to_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
