"""A PostgreSQL cluster on this machine, from Debian's packages: for the multi-process mode
(``make run-multi``) and the tests.

Several bot processes need a database that serialises writers across processes and locks rows
(``SELECT ... FOR UPDATE``); SQLite's single file does the first badly and the second not at
all. A production deployment points ``AFTERSALES_DATABASE_URL`` at its own PostgreSQL; this
module only starts one locally, listening on loopback with trust authentication.

    python -m bot.store.local_postgres start   # set up var/postgres once, start it, print its URL
    python -m bot.store.local_postgres url     # the URL
    python -m bot.store.local_postgres stop
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "var" / "postgres"
DEFAULT_PORT = 54329


def postgres_bin() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (newest installed version), or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if shutil.which("pg_ctl") and shutil.which("initdb"):
        candidates.append(str(Path(shutil.which("pg_ctl")).parent))  # type: ignore[arg-type]
    for directory in candidates:
        if (Path(directory) / "pg_ctl").exists() and (Path(directory) / "initdb").exists():
            return Path(directory)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresCluster:
    """A cluster in ``root`` (a temporary directory when not given) on a loopback ``port``."""

    def __init__(self, bin_dir: Path, root: Path | None = None, port: int | None = None) -> None:
        self.bin_dir = bin_dir
        self.temporary = root is None
        self.root = root or Path(tempfile.mkdtemp(prefix="aftersales-pg-"))
        self.data = self.root / "data"
        self.port = port or free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            _as_postgres_user([str(self.bin_dir / command[0]), *command[1:]]),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stdout}\n{result.stderr}")
        return result

    def is_running(self) -> bool:
        if not (self.data / "PG_VERSION").exists():
            return False
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def start(self) -> None:
        """Initialise the cluster if it has no data yet, then start it (a no-op if running)."""
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres")
        if not (self.data / "PG_VERSION").exists():
            self._run(
                "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
            )
        if self.is_running():
            return
        # fsync off only for throwaway clusters: a local one kept in var/ should survive a crash.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.root} -c max_connections=200"
            + (" -c fsync=off" if self.temporary else "")
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w",
            "start",
        )  # fmt: skip

    def stop(self) -> None:
        try:
            if self.is_running():
                mode = "immediate" if self.temporary else "fast"
                self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        finally:
            if self.temporary:
                shutil.rmtree(self.root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.store.local_postgres")
    parser.add_argument("command", choices=("start", "stop", "url"))
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    bin_dir = postgres_bin()
    if bin_dir is None:
        print(
            "PostgreSQL is not installed (no initdb/pg_ctl under /usr/lib/postgresql/*/bin): "
            "`make system-packages` installs it",
            file=sys.stderr,
        )
        return 2
    cluster = PostgresCluster(bin_dir, root=args.root, port=args.port)
    if args.command == "start":
        cluster.start()
    elif args.command == "stop":
        cluster.stop()
    print(cluster.url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
