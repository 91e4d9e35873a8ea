"""How long one report takes in the serving process and in its child (issue 17), and how the
serving process's event loop answers ``GET /health`` meanwhile.

For each mode (``analytics_separate_process`` false, then true) the app is served by uvicorn in
a thread over a copy of the store; ``POST /v1/analytics/refresh`` of the last 7 days is sent
``--rounds`` times while another thread asks ``/health`` every 50 ms. The first child round pays
the child's start (spawn, imports, MiniLM), reported apart.

    python -m lab.analytics.fill_store --url sqlite:////tmp/x/store.db --conversations 2000
    python -m lab.analytics.offload_timing --store /tmp/x/store.db
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from bot.analytics.offload import child_embedder
from bot.auth import mint_token
from bot.main import create_app
from bot.services import Services
from bot.settings import Settings
from bot.store.db import Database, utcnow
from tests.utils.fakes import FakeParser

SECRET = "offload-timing-secret-0123456789abcdef"


@dataclass
class Answerer:
    """Only what the in-process report reads of the policy answerer: its loaded MiniLM."""

    embedder: Any


def serve(app: Any) -> tuple[uvicorn.Server, threading.Thread, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{sock.getsockname()[1]}"


def python_work() -> float:
    """A fixed slice of pure Python (about what a turn's own code costs), its seconds: in the
    serving process it needs the GIL, as the turns do."""
    started = time.perf_counter()
    sum(i * i for i in range(200_000))
    return time.perf_counter() - started


def poll(base: str, stop: threading.Event, latencies: list[float], work: list[float]) -> None:
    """``GET /health`` every 50 ms until stopped, keeping each answer's latency, and a slice of
    Python work timed in this (the serving) process between them."""
    with httpx.Client(base_url=base, timeout=60) as health:
        while not stop.is_set():
            started = time.perf_counter()
            health.get("/health").raise_for_status()
            latencies.append(time.perf_counter() - started)
            work.append(python_work())
            time.sleep(0.05)


def run(store: Path, separate: bool, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "store.db"
        shutil.copyfile(store, path)
        database = Database(f"sqlite:///{path}")
        parser = FakeParser()
        services = Services(parser=parser, database=database, answerer=Answerer(child_embedder()))
        settings = Settings(
            env="test",
            jwt_secret=SECRET,
            analytics_separate_process=separate,
            analytics_refresh_s=0,
            media_dir=Path(scratch) / "media",
            _env_file=None,
        )
        server, thread, base = serve(create_app(settings, services))
        headers = {"Authorization": f"Bearer {mint_token('agent-1', 'agent', SECRET)}"}
        until = utcnow().replace(minute=0, second=0, microsecond=0)
        window = {"since": (until - timedelta(days=7)).isoformat(), "until": until.isoformat()}
        results: dict[str, Any] = {"mode": "child" if separate else "in-process", "rounds": []}
        try:
            with httpx.Client(base_url=base, timeout=300) as client:
                for _ in range(rounds):
                    idle = statistics.median(python_work() for _ in range(10))
                    latencies: list[float] = []
                    work: list[float] = []
                    stop = threading.Event()

                    poller = threading.Thread(target=poll, args=(base, stop, latencies, work))
                    poller.start()
                    started = time.perf_counter()
                    response = client.post("/v1/analytics/refresh", params=window, headers=headers)
                    wall = time.perf_counter() - started
                    stop.set()
                    poller.join()
                    response.raise_for_status()
                    ms = sorted(x * 1000 for x in latencies)
                    results["rounds"].append(
                        {
                            "report_s": round(wall, 2),
                            "health_n": len(ms),
                            "health_p50_ms": round(statistics.median(ms), 1),
                            "health_p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
                            "health_max_ms": round(ms[-1], 1),
                            "work_p50_ms": round(statistics.median(work) * 1000, 1),
                            "work_idle_ms": round(idle * 1000, 1),
                        }
                    )
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            database.dispose()
        return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.analytics.offload_timing")
    parser.add_argument("--store", type=Path, required=True, help="a SQLite file (copied)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    for separate in (False, True):
        result = run(args.store, separate, args.rounds)
        print(result["mode"])
        for i, row in enumerate(result["rounds"]):
            print(f"  round {i + 1}: {row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
