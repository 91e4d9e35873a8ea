"""The servers under test: started here like ``make run`` does, or found by their ports.

`OwnStack` starts Rasa (`nlu.server.RasaServer`, free port, the model of `require_model`) and
the bot (uvicorn in a subprocess on a free loopback port) over a fresh SQLite file migrated by
`bot.store.migrate`, with secrets of its own in the bot's environment. Everything lives in a
temporary directory (logs included) that is removed on exit unless asked to keep it.

With ``workers`` or ``rasa_servers`` above one it starts the multi-process mode instead, as
``make run-multi`` does: a throwaway PostgreSQL cluster (`bot.store.local_postgres`) and
``python -m bot.launcher --workers N --rasa-servers M`` (uvicorn's workers on one port, the bot
spreading parses over the Rasa servers). Memory is then sampled for the launcher's whole tree
(every bot and Rasa process) under "bot".
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx
import psutil

from bot.auth import JwtPolicy
from bot.launcher import wait_ready
from bot.settings import REPO_ROOT
from bot.store.local_postgres import PostgresCluster

LOOPBACK_NAMES = {"localhost"}


def require_loopback(url: str) -> str:
    """The URL if its host is a loopback address; the benchmark never loads anything else."""
    host = httpx.URL(url).host
    if host in LOOPBACK_NAMES:
        return url
    try:
        if ipaddress.ip_address(host).is_loopback:
            return url
    except ValueError:
        pass
    raise ValueError(f"{url}: the load benchmark only targets loopback addresses (127.0.0.1)")


def listener_pid(port: int) -> int | None:
    """The process listening on a local TCP port (None if not found or not allowed to see)."""
    try:
        connections = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, PermissionError):
        return None
    for c in connections:
        if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port and c.pid:
            return c.pid
    return None


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process and all its children, in MiB (None once it is gone)."""
    try:
        process = psutil.Process(pid)
        total = process.memory_info().rss
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                total += child.memory_info().rss
        return total / 2**20
    except psutil.NoSuchProcess:
        return None


@dataclass
class Target:
    """Where the simulated buyers go, with what secrets, and which processes to measure."""

    url: str
    # The keys of buyer and agent tokens (a secret shared by both roles works too).
    jwt: JwtPolicy | str
    webhook_secret: str
    bot_pid: int | None
    rasa_pid: int | None
    nlu_model: str | None = None
    # Rasa itself, for the floor (a bare parse, `lab.loadtest.floor`); None: not measured.
    rasa_url: str | None = None
    rasa_token: str | None = None


class OwnStack:
    """Rasa + the bot on free loopback ports over a fresh database; a context manager."""

    def __init__(
        self,
        *,
        profile_dir: Path | None = None,
        cprofile: bool = True,
        keep: bool = False,
        nlu_model: Path | None = None,
        workers: int = 1,
        rasa_servers: int = 1,
        rasa_threads: int | None = None,
    ) -> None:
        self.workers = workers
        self.rasa_servers = rasa_servers
        self.rasa_threads = rasa_threads
        self.postgres: PostgresCluster | None = None
        self.profile_dir = profile_dir
        self.nlu_model = nlu_model
        self.cprofile = cprofile
        self.keep = keep
        self.workdir = Path(tempfile.mkdtemp(prefix="aftersales-loadtest-"))
        # A secret per role, as production should have.
        self.jwt = JwtPolicy(
            {"buyer": secrets.token_urlsafe(32), "agent": secrets.token_urlsafe(32)}
        )
        self.webhook_secret = secrets.token_urlsafe(24)
        self.database_url = f"sqlite:///{self.workdir / 'aftersales.db'}"
        self.rasa = None
        self.bot: subprocess.Popen[bytes] | None = None

    def start(self) -> Target:
        from bot.store.migrate import upgrade
        from nlu.model import require_model
        from nlu.server import RasaServer, free_port

        if self.workers > 1 or self.rasa_servers > 1:
            return self._start_multi()
        upgrade(self.database_url)
        # The model `make run` serves (trained for the current data and config) unless given.
        model = self.nlu_model or require_model()
        self.rasa = RasaServer(
            model, log_file=self.workdir / "rasa.log", cpu_threads=self.rasa_threads
        )
        print(f"loadtest: starting Rasa on {self.rasa.url} ...", flush=True)
        # Loading the model takes minutes when the machine is busy (the tests' 180 s is short).
        self.rasa.start(timeout_s=900)
        port = free_port()
        env = self._bot_env(port, self.rasa.url, self.rasa.auth_token)
        if self.profile_dir is not None:
            cmd = [
                sys.executable, "-m", "lab.loadtest.profiled",
                "--port", str(port), "--out", str(self.profile_dir),
            ] + ([] if self.cprofile else ["--no-cprofile"])  # fmt: skip
        else:
            cmd = [
                sys.executable, "-m", "uvicorn", "--factory", "bot.main:app_factory",
                "--host", "127.0.0.1", "--port", str(port),
                "--no-access-log", "--log-level", "warning",
            ]  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        print(f"loadtest: starting the bot on {url} (logs: {self.workdir}) ...", flush=True)
        # The bot logs a JSON line per turn at INFO, as under `make run`; into a file here.
        log = open(self.workdir / "bot.log", "ab")  # noqa: SIM115
        self.bot = subprocess.Popen(cmd, env=env, cwd=REPO_ROOT, stdout=log, stderr=log)
        log.close()
        wait_ready(url, 600.0, self.bot)
        return Target(
            nlu_model=str(model),
            url=url,
            jwt=self.jwt,
            webhook_secret=self.webhook_secret,
            bot_pid=self.bot.pid,
            rasa_pid=self.rasa.process.pid if self.rasa.process else None,
            rasa_url=self.rasa.url,
            rasa_token=self.rasa.auth_token,
        )

    def _bot_env(self, port: int, rasa_url: str, rasa_token: str) -> dict[str, str]:
        return dict(
            os.environ,
            AFTERSALES_HOST="127.0.0.1",
            AFTERSALES_PORT=str(port),
            AFTERSALES_RASA_URL=rasa_url,
            AFTERSALES_DATABASE_URL=self.database_url,
            AFTERSALES_JWT_SECRET=secrets.token_urlsafe(32),  # unused: both roles have theirs
            AFTERSALES_BUYER_JWT_SECRET=self.jwt.secrets["buyer"],
            AFTERSALES_AGENT_JWT_SECRET=self.jwt.secrets["agent"],
            AFTERSALES_BUYER_JWT_AUDIENCE=self.jwt.audiences["buyer"],
            AFTERSALES_AGENT_JWT_AUDIENCE=self.jwt.audiences["agent"],
            AFTERSALES_JWT_MAX_LIFETIME_S=str(self.jwt.max_lifetime_s),
            AFTERSALES_RASA_TOKEN=rasa_token,
            # The load test reuses a few dozen buyers at up to 20 turns/s, far beyond what one
            # person types: the per-buyer limits (429) are off in the own stack.
            AFTERSALES_BUYER_MAX_CONVERSATIONS_PER_HOUR="0",
            AFTERSALES_BUYER_MAX_MESSAGES_PER_MINUTE="0",
            AFTERSALES_BUYER_MAX_WAITING_CASES="0",
            AFTERSALES_WEBHOOK_SECRET=self.webhook_secret,
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
        )

    def _start_multi(self) -> Target:
        from bot.store.local_postgres import postgres_bin
        from bot.store.migrate import upgrade
        from nlu.server import free_port

        bin_dir = postgres_bin()
        if bin_dir is None:
            raise RuntimeError("the multi-process stack needs PostgreSQL (make system-packages)")
        # Its own temporary directory: the postgres user cannot enter the 0700 workdir.
        self.postgres = PostgresCluster(bin_dir)
        self.postgres.start()
        self.database_url = self.postgres.url
        upgrade(self.database_url)
        port, rasa_port = free_port(), free_port()
        rasa_url, rasa_token = f"http://127.0.0.1:{rasa_port}", secrets.token_urlsafe(24)
        env = self._bot_env(port, rasa_url, rasa_token)
        cmd = [
            sys.executable, "-m", "bot.launcher",
            "--workers", str(self.workers), "--rasa-servers", str(self.rasa_servers),
        ]  # fmt: skip
        if self.rasa_threads is not None:
            cmd += ["--rasa-threads", str(self.rasa_threads)]
        url = f"http://127.0.0.1:{port}"
        print(
            f"loadtest: starting {self.workers} bot process(es) and {self.rasa_servers} Rasa "
            f"server(s) on {url} over PostgreSQL (logs: {self.workdir}) ...",
            flush=True,
        )
        log = open(self.workdir / "launcher.log", "ab")  # noqa: SIM115
        self.bot = subprocess.Popen(cmd, env=env, cwd=REPO_ROOT, stdout=log, stderr=log)
        log.close()
        wait_ready(url, 900.0, self.bot)
        return Target(
            url=url,
            jwt=self.jwt,
            webhook_secret=self.webhook_secret,
            bot_pid=self.bot.pid,
            rasa_pid=None,
            rasa_url=rasa_url,
            rasa_token=rasa_token,
        )

    def stop(self) -> None:
        if self.bot is not None and self.bot.poll() is None:
            self.bot.terminate()
            try:
                # A profiled bot writes its profile on the way out.
                self.bot.wait(timeout=120 if self.profile_dir else 15)
            except subprocess.TimeoutExpired:
                self.bot.kill()
                self.bot.wait(timeout=5)
        if self.rasa is not None:
            self.rasa.stop()
        if self.postgres is not None:
            self.postgres.stop()
        if not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> OwnStack:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
