"""``make run``: start Rasa and the bot, wait until ``/ready`` is green, print the URLs.

``make run-multi`` (``--workers N --rasa-servers M``): N bot processes on one port (uvicorn's
workers) and M Rasa servers, the bot spreading its parses over them; several bot processes
need PostgreSQL (row locks and one writer queue across processes), which that target starts.
Ctrl-C (or SIGTERM) stops them all.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.settings import REPO_ROOT, Settings, get_settings
from nlu.model import require_model, require_multilingual_model
from nlu.server import RasaServer, free_port

RASA_PORT = 5005
# Loading a Rasa model takes ~30 s on a quiet machine and minutes on a busy one (two servers
# load side by side in the multi-process mode); a server that exits is noticed at once.
RASA_START_TIMEOUT_S = 600.0


def wait_ready(url: str, timeout_s: float, bot: subprocess.Popen[bytes] | None) -> None:
    """Until ``url``/ready answers 200; fails early when the ``bot`` process (if ours) exits."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        if bot is not None and bot.poll() is not None:
            raise RuntimeError(f"the bot exited with code {bot.returncode} while starting")
        try:
            response = httpx.get(f"{url}/ready", timeout=2.0)
            if response.status_code == 200:
                return
            last = response.text
        except httpx.HTTPError as e:
            last = repr(e)
        time.sleep(0.5)
    raise TimeoutError(f"{url}/ready not green after {timeout_s}s: {last}")


def rasa_cpu_threads(count: int, asked: int | None = None) -> int | None:
    """TensorFlow threads for each of ``count`` Rasa servers: ``asked`` when given; else several
    servers share the machine's cores rather than each taking all of them (on two cores, two
    servers with two TensorFlow threads each preempted each other: the bare parse at 8
    concurrent had p95 225 ms against 151 ms with one thread each); one server keeps
    TensorFlow's default (None: every core)."""
    if asked is not None:
        return asked
    return max(1, (os.cpu_count() or 1) // count) if count > 1 else None


def _rasa_servers(
    settings: Settings, count: int, logs: Path, cpu_threads: int | None = None
) -> list[RasaServer]:
    """The first on the settings' Rasa URL, the others on free loopback ports."""
    model = require_model()
    first = httpx.URL(settings.rasa_url)
    host = first.host or "127.0.0.1"
    servers = []
    threads = rasa_cpu_threads(count, cpu_threads)
    print(f"Rasa logs: {logs}/rasa*.log", flush=True)
    for index in range(count):
        port = (first.port or RASA_PORT) if index == 0 else free_port(host)
        name = "rasa.log" if index == 0 else f"rasa-{index + 1}.log"
        servers.append(
            RasaServer(
                model,
                host=host,
                port=port,
                log_file=logs / name,
                auth_token=settings.rasa_token,
                cpu_threads=threads,
            )
        )
    return servers


def _multilingual_server(settings: Settings, logs: Path) -> RasaServer:
    """The multilingual model's server (issue 16), one, on a free loopback port: buyers writing
    in ms, id, th, vi or tl are the minority (``--rasa-servers`` multiplies the English ones)."""
    host = httpx.URL(settings.rasa_url).host or "127.0.0.1"
    return RasaServer(
        require_multilingual_model(),
        host=host,
        port=free_port(host),
        log_file=logs / "rasa-multilingual.log",
        auth_token=settings.rasa_token,
    )


def run(
    settings: Settings,
    *,
    workers: int = 1,
    rasa_servers: int = 1,
    rasa_threads: int | None = None,
) -> int:
    if workers > 1 and settings.database_url.startswith("sqlite"):
        raise SystemExit(
            "several bot processes need PostgreSQL (AFTERSALES_DATABASE_URL=postgresql+psycopg://"
            "...): SQLite has no row locks across processes. `make run-multi` starts a local one."
        )
    logs = REPO_ROOT / "var" / "log"
    logs.mkdir(parents=True, exist_ok=True)
    english = _rasa_servers(settings, rasa_servers, logs, rasa_threads)
    multilingual = _multilingual_server(settings, logs)
    rasas = [*english, multilingual]
    started = time.monotonic()
    env = dict(
        os.environ,
        AFTERSALES_RASA_URL=english[0].url,
        AFTERSALES_RASA_URLS=",".join(rasa.url for rasa in english) if len(english) > 1 else "",
        AFTERSALES_RASA_MULTILINGUAL_URL=multilingual.url,
        AFTERSALES_RASA_TOKEN=english[0].auth_token,
        HF_HUB_OFFLINE="1",
    )
    bot_url = f"http://{settings.host}:{settings.port}"
    cmd = [
        sys.executable, "-m", "uvicorn", "--factory", "bot.main:app_factory",
        "--host", settings.host, "--port", str(settings.port), "--no-access-log",
    ]  # fmt: skip
    if workers > 1:
        cmd += ["--workers", str(workers)]
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    bot: subprocess.Popen[bytes] | None = None
    try:
        for rasa in rasas:
            print(f"starting Rasa on {rasa.url} ...", flush=True)
            # Rasa loads its model while the bot loads its own (MiniLM, indexes, risk model):
            # they start side by side, and the bot's /ready turns green once Rasa answers too.
            rasa.start(wait=False)
        print(f"starting the bot on {bot_url} ({workers} process(es)) ...", flush=True)
        bot = subprocess.Popen(cmd, env=env, cwd=REPO_ROOT)
        for rasa in rasas:
            rasa.wait_ready(RASA_START_TIMEOUT_S)
        wait_ready(bot_url, 300.0, bot)
        print(
            f"\nready in {time.monotonic() - started:.0f}s:\n"
            f"  bot API      {bot_url}  (docs: {bot_url}/docs; {workers} process(es))\n"
            f"  readiness    {bot_url}/ready\n"
            f"  Rasa NLU     {', '.join(rasa.url for rasa in english)} (English), "
            f"{multilingual.url} (ms, id, th, vi, tl)\n"
            "press Ctrl-C to stop\n",
            flush=True,
        )
        while (
            not stopping
            and bot.poll() is None
            and all(rasa.process.poll() is None for rasa in rasas)  # type: ignore[union-attr]
        ):
            time.sleep(0.5)
    finally:
        print("stopping ...", flush=True)
        if bot is not None and bot.poll() is None:
            bot.terminate()
            try:
                bot.wait(timeout=15)
            except subprocess.TimeoutExpired:
                bot.kill()
        for rasa in rasas:
            rasa.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.launcher")
    parser.add_argument("--workers", type=int, default=1, help="bot processes (uvicorn workers)")
    parser.add_argument("--rasa-servers", type=int, default=1, help="Rasa servers")
    parser.add_argument(
        "--rasa-threads", type=int, default=None,
        help="TensorFlow threads per English Rasa server (default: the cores shared among "
        "several servers; one server: TensorFlow's default)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.workers < 1 or args.rasa_servers < 1:
        parser.error("--workers and --rasa-servers must be at least 1")
    if args.rasa_threads is not None and args.rasa_threads < 1:
        parser.error("--rasa-threads must be at least 1")
    return run(
        get_settings(),
        workers=args.workers,
        rasa_servers=args.rasa_servers,
        rasa_threads=args.rasa_threads,
    )


if __name__ == "__main__":
    sys.exit(main())
