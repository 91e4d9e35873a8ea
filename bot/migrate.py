"""``python -m bot.migrate``: Alembic migrations of the settings' database (`bot.store.migrate`).

    python -m bot.migrate                    # upgrade the settings' database to head
    python -m bot.migrate revision -m "add x" # autogenerate a revision from the models

It lives beside the settings, not in the store, so that the store does not import the settings
(which import the store's URL check): no import cycle between them.
"""

from __future__ import annotations

import argparse
import sys

from bot.settings import get_settings
from bot.store.migrate import autogenerate, current_revision, upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.migrate")
    parser.add_argument("--url", help="database URL (default: the setting AFTERSALES_DATABASE_URL)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("upgrade", help="upgrade to head (the default)")
    revision = sub.add_parser("revision", help="autogenerate a revision from the models")
    revision.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)

    url = args.url or get_settings().database_url
    if args.command == "revision":
        autogenerate(url, args.message)
    else:
        upgrade(url)
        print(f"database at revision {current_revision(url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
