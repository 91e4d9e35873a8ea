"""``aftersales`` command line: tokens for local use, and running the stack."""

from __future__ import annotations

import argparse
import sys

from bot.auth import ROLES, mint_token
from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aftersales")
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser(
        "token", help="mint a JWT for local use (signed with the settings' secret)"
    )
    token.add_argument("--sub", required=True, help="buyer or agent id, e.g. B17 or agent-1")
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument("--ttl", type=int, default=24 * 3600, help="lifetime in seconds")
    sub.add_parser("run", help="start Rasa and the bot (what `make run` does after set-up)")
    args = parser.parse_args(argv)

    if args.command == "token":
        print(mint_token(args.sub, args.role, get_settings().jwt_secret, ttl_s=args.ttl))
        return 0
    if args.command == "run":
        from bot.launcher import main as run_main

        return run_main()
    return 2


if __name__ == "__main__":
    sys.exit(main())
