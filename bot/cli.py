"""``aftersales`` command line: tokens for local use, running the stack, the analytics.

    aftersales token --sub agent-1 --role agent
    aftersales run
    aftersales analytics report|export --since YYYY-MM-DD --until YYYY-MM-DD --out DIR

The synthetic world, the demo seed and the simulator are the lab's (``aftersales-lab``,
lab/cli.py): nothing in the product imports the lab.
"""

from __future__ import annotations

import argparse
import sys

from bot.auth import ROLES, mint_token
from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aftersales")
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser(
        "token", help="mint a JWT for local use (the role's secret and audience of the settings)"
    )
    token.add_argument(
        "--sub", required=True, help="buyer, agent or seller id, e.g. B17, agent-1 or S1"
    )
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument(
        "--ttl",
        type=int,
        default=None,
        help="lifetime in seconds (default and at most: AFTERSALES_JWT_MAX_LIFETIME_S)",
    )
    sub.add_parser("run", help="start Rasa and the bot (what `make run` does after set-up)")
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
    if args.command == "analytics":
        from bot.analytics.cli import run as analytics

        return analytics(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
