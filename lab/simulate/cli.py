"""``aftersales-lab simulate`` / ``python -m lab.simulate``: the command line of the simulator.

Kept free of heavy imports (numpy, pandas, the world generator load only when a run starts),
because `bot.cli` builds its parser on every command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import time
from dataclasses import replace
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--conversations", type=int, default=50, help="how many (the bound N)")
    parser.add_argument("--concurrency", type=int, default=4, help="buyers talking at once")
    parser.add_argument("--base-url", default=DEFAULT_URL, help="a running bot (loopback only)")
    parser.add_argument("--seed", type=int, default=7, help="world, personas and wording")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="time bound of the run")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument(
        "--jwt-secret",
        help="the buyer tokens' secret (default: the settings' AFTERSALES_BUYER_JWT_SECRET, "
        "else AFTERSALES_JWT_SECRET)",
    )
    parser.add_argument(
        "--webhook-secret", help="default: the settings' (AFTERSALES_WEBHOOK_SECRET)"
    )
    parser.add_argument("--out", type=Path, default=Path("var/simulate"), help="runs go here")
    parser.add_argument("--run-tag", type=int, help="7-digit id tag (default: random per run)")
    parser.add_argument(
        "--own-stack",
        action="store_true",
        help="start Rasa and the bot on free loopback ports over a fresh database "
        "(lab.loadtest.stack.OwnStack) instead of --base-url; the environment's "
        "AFTERSALES_EXPERIMENTS_FILE is passed on",
    )
    parser.add_argument(
        "--keep-stack", action="store_true", help="with --own-stack: keep its database and logs"
    )


def run(args: argparse.Namespace) -> int:
    """Plan the conversations, hold them, write var/simulate/<run-id>/, print the summary."""
    if args.conversations < 1 or args.concurrency < 1 or args.max_seconds <= 0:
        print("conversations, concurrency and max-seconds must be positive", file=sys.stderr)
        return 2
    from lab.loadtest.stack import require_loopback

    try:
        require_loopback(args.base_url)
    except ValueError:
        print(
            f"simulate: {args.base_url} is not a loopback address; the simulator only talks to "
            "a bot on this machine (e.g. http://127.0.0.1:8000)",
            file=sys.stderr,
        )
        return 2
    from lab.simulate.population import RunIds, build_population
    from lab.simulate.runner import Endpoint, Simulation, write_run

    tag = args.run_tag if args.run_tag is not None else secrets.randbelow(10**7)
    run_id = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-s{args.seed}-{tag:07d}"
    plans = build_population(args.conversations, args.seed, RunIds(tag))

    def simulate(endpoint: Endpoint) -> Simulation:
        simulation = Simulation(
            endpoint,
            plans,
            seed=args.seed,
            run_id=run_id,
            concurrency=args.concurrency,
            max_seconds=args.max_seconds,
            timeout_s=args.timeout,
        )
        asyncio.run(simulation.run())
        return simulation

    if args.own_stack:
        from lab.loadtest.stack import OwnStack

        with OwnStack(keep=args.keep_stack) as stack:
            target = stack.start()
            simulation = simulate(Endpoint(target.url, target.jwt, target.webhook_secret))
            if args.keep_stack:
                print(f"simulate: the stack's database and logs stay in {stack.workdir}")
    else:
        from bot.settings import get_settings

        settings = get_settings()
        jwt = settings.jwt_policy()
        if args.jwt_secret:
            jwt = replace(jwt, secrets={**jwt.secrets, "buyer": args.jwt_secret})
        endpoint = Endpoint(
            args.base_url.rstrip("/"),
            jwt,
            args.webhook_secret or settings.webhook_secret,
        )
        simulation = simulate(endpoint)
    paths = write_run(simulation, args.out / run_id)
    print(json.dumps(simulation.summary(), indent=2))
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lab.simulate",
        description="Simulated buyers from the synthetic world talk to a running bot over HTTP.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
