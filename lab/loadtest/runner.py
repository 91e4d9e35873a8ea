"""The simulated buyers and the phases of a run; the command line (``python -m lab.loadtest``).

Phases, in order: seeding (the synthetic buyers' orders through the signed webhook), a short
warm-up (not measured), one closed-loop phase per ``--concurrency`` (that many buyers, each
holding conversation after conversation with no think time; the achieved turns/s is the
result), one open-loop phase at ``--rate`` turns/s (a turn is sent every 1/rate s whatever the
answers; latency is then what a buyer meets at that load), and, with ``--soak``, the same
open-loop load for that long while memory is watched. Resident memory (RSS, with children) of
the bot and Rasa and the 1-minute load average are sampled every ``--sample-every`` seconds
throughout. Every phase is bounded by time and by ``--max-turns``; only loopback is targeted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from bot.settings import REPO_ROOT
from lab.loadtest import cpu, report
from lab.loadtest.floor import rasa_floor, turn_targets
from lab.loadtest.load import CONNECTION_MODES, LoadRun, load_1m, phase_result
from lab.loadtest.stack import OwnStack, Target, listener_pid, require_loopback
from lab.loadtest.stats import memory_trend, windows

# The target: p95 <= 150 ms at 20 turns/s, no errors.
TARGET_RATE = 20.0
TARGET_P95_MS = 150.0


def verdict(open_result: dict, rate: float) -> dict:
    """The issue's target against the open-loop phase at ``rate``."""
    checks = {
        "rate_achieved": open_result["turns_per_s"] >= 0.95 * rate,
        "p95_within_target": open_result["p95_ms"] <= TARGET_P95_MS,
        "no_errors": open_result["errors"] == 0 and open_result["skipped_in_flight_cap"] == 0,
        "no_nlu_handovers": open_result["nlu_handovers"] == 0,
    }
    return {"target": f"p95 <= {TARGET_P95_MS:g} ms at {rate:g} turns/s, no errors", **checks,
            "met": all(checks.values())}  # fmt: skip


async def run(args: argparse.Namespace, target: Target) -> dict:
    bench = LoadRun(
        target,
        buyers=args.buyers,
        seed=args.seed,
        timeout_s=args.timeout,
        max_connections=max([*args.concurrency, args.max_in_flight]) + 8,
        connections=args.connections,
    )
    stop = asyncio.Event()
    sampler = asyncio.create_task(bench.sample_memory(args.sample_every, stop))
    results: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "url": target.url,
        "nlu_model": target.nlu_model,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "phases": [],
    }
    roots = [pid for pid in (target.bot_pid, target.rasa_pid) if pid is not None]
    try:
        seeded = await bench.seed()
        results["seeded_orders"] = seeded
        results["buyers"] = len(bench.buyers)
        bench.phase_name = "warm-up"
        await bench.warm_up()
        for concurrency in args.concurrency:
            before, cpu_before, started = load_1m(), cpu.snapshot(roots), time.monotonic()
            phase = await bench.closed_loop(concurrency, args.duration, args.max_turns)
            row = phase_result(phase, before, load_1m(), concurrency=concurrency)
            row["cpu"] = cpu.usage(cpu_before, cpu.snapshot(roots), time.monotonic() - started)
            results["phases"].append(row)
            print(report.one_line(row), flush=True)
        results["turn_targets"] = turn_targets(results["phases"])
        if target.rasa_url and bench.texts and args.floor > 0:
            # The floor, in the same run and against the same Rasa: the buyers' texts parsed
            # alone, at the turn phases' concurrencies.
            results["floor"] = []
            for concurrency in args.concurrency:
                row = await rasa_floor(
                    target.rasa_url,
                    target.rasa_token,
                    bench.texts,
                    concurrency=concurrency,
                    duration_s=args.floor,
                    max_requests=args.max_turns,
                )
                results["floor"].append(row)
                print(report.floor_line(row), flush=True)
        if args.rate > 0:
            before, cpu_before, started = load_1m(), cpu.snapshot(roots), time.monotonic()
            phase = await bench.open_loop(
                args.rate, args.duration, args.max_turns, args.max_in_flight, "open"
            )
            row = phase_result(phase, before, load_1m(), rate=args.rate)
            row["cpu"] = cpu.usage(cpu_before, cpu.snapshot(roots), time.monotonic() - started)
            results["phases"].append(row)
            results["verdict"] = verdict(row, args.rate)
            print(report.one_line(row), flush=True)
        if args.soak > 0:
            before = load_1m()
            soak_start = time.monotonic() - bench.started
            phase = await bench.open_loop(args.rate, args.soak, 10**9, args.max_in_flight, "soak")
            row = phase_result(phase, before, load_1m(), rate=args.rate)
            row["minutes"] = windows(phase.samples, 60.0)
            samples = [m for m in bench.memory if m["phase"] == phase.name]
            row["memory"] = {
                name: memory_trend(
                    [
                        (m["t_s"] - soak_start, m[f"{name}_rss_mb"])
                        for m in samples
                        if m.get(f"{name}_rss_mb") is not None
                    ]
                )
                for name in ("bot", "rasa")
                if samples and f"{name}_rss_mb" in samples[0]
            }
            results["phases"].append(row)
            results["soak_verdict"] = {
                **verdict(row, args.rate),
                "memory_flat": all(m.get("flat") for m in row["memory"].values()) or None,
            }
            print(report.one_line(row), flush=True)
    finally:
        bench.phase_name = "done"
        stop.set()
        await sampler
        await bench.aclose()
    results["memory_samples"] = bench.memory
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m lab.loadtest", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--url", help="a running bot (loopback); default: start an own stack")
    parser.add_argument(
        "--rasa-url",
        help="with --url: the Rasa server whose memory to sample (default: the settings')",
    )
    parser.add_argument(
        "--jwt-secret", help="with --url: the buyer tokens' secret (default: the settings')"
    )
    parser.add_argument("--webhook-secret", help="with --url (default: the settings')")
    parser.add_argument("--concurrency", type=int, nargs="*", default=[1, 8, 32])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument(
        "--rate", type=float, default=TARGET_RATE, help="open-loop turns/s (0: skip)"
    )
    parser.add_argument("--soak", type=float, default=0.0, help="soak seconds at --rate (0: none)")
    parser.add_argument(
        "--floor",
        type=float,
        default=30.0,
        help="seconds of bare Rasa parses per concurrency (0: none)",
    )
    parser.add_argument("--buyers", type=int, default=64, help="synthetic buyers seeded")
    parser.add_argument("--seed", type=int, default=7, help="scenario and wording seed")
    parser.add_argument("--max-turns", type=int, default=20000, help="bound per phase")
    parser.add_argument("--max-in-flight", type=int, default=128, help="open-loop bound")
    parser.add_argument("--sample-every", type=float, default=5.0, help="memory sampling, s")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, s")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "bench")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="cprofile",
        choices=["cprofile", "stages"],
        help="own stack only: serve the bot with per-stage timers (and, unless 'stages', "
        "cProfile in all threads); writes <out>/profile/",
    )
    parser.add_argument(
        "--nlu-model", type=Path, help="own stack: this Rasa model (default: `make nlu-model`'s)"
    )
    parser.add_argument("--keep-stack", action="store_true", help="keep the own stack's files")
    parser.add_argument(
        "--workers", type=int, default=1,
        help="own stack: bot processes (above 1: the multi-process mode over PostgreSQL)",
    )  # fmt: skip
    parser.add_argument("--rasa-servers", type=int, default=1, help="own stack: Rasa servers")
    parser.add_argument(
        "--connections", choices=CONNECTION_MODES, default="shared",
        help="the buyers' HTTP connections: one shared pool (as behind an ingress) or each "
        "buyer's own (as apps talking to the bot directly; balances uvicorn's workers)",
    )  # fmt: skip
    parser.add_argument(
        "--rasa-threads", type=int, default=None,
        help="own stack: TensorFlow threads per Rasa server (default: as the launcher)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if any(c < 1 for c in args.concurrency) or args.duration <= 0 or args.buyers < 1:
        parser.error("concurrency, duration and buyers must be positive")
    if args.workers < 1 or args.rasa_servers < 1:
        parser.error("--workers and --rasa-servers must be at least 1")
    if args.rasa_threads is not None and args.rasa_threads < 1:
        parser.error("--rasa-threads must be at least 1")
    if args.url and (args.workers > 1 or args.rasa_servers > 1 or args.rasa_threads):
        parser.error(
            "--workers, --rasa-servers and --rasa-threads start an own stack; not with --url"
        )
    if args.profile and (args.workers > 1 or args.rasa_servers > 1):
        parser.error("--profile profiles one bot process; not with --workers/--rasa-servers")
    if args.url and args.profile:
        parser.error("--profile starts its own (profiled) bot; it cannot be used with --url")
    return args


def _external_target(args: argparse.Namespace) -> Target:
    from bot.settings import get_settings

    settings = get_settings()
    url = require_loopback(args.url.rstrip("/"))
    rasa_url = require_loopback(args.rasa_url or settings.rasa_url)
    jwt = settings.jwt_policy()
    floor_rasa = {"rasa_url": rasa_url, "rasa_token": settings.rasa_token}
    if args.jwt_secret:
        jwt = replace(jwt, secrets={**jwt.secrets, "buyer": args.jwt_secret})
    return Target(
        url=url,
        jwt=jwt,
        webhook_secret=args.webhook_secret or settings.webhook_secret,
        bot_pid=listener_pid(httpx.URL(url).port or 80),
        rasa_pid=listener_pid(httpx.URL(rasa_url).port or 80),
        **floor_rasa,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.url:
        target = _external_target(args)
        results = asyncio.run(run(args, target))
        results["stack"] = "external"
    else:
        profile_dir = (args.out / "profile").resolve() if args.profile else None
        with OwnStack(
            profile_dir=profile_dir,
            cprofile=args.profile == "cprofile",
            keep=args.keep_stack,
            nlu_model=args.nlu_model,
            workers=args.workers,
            rasa_servers=args.rasa_servers,
            rasa_threads=args.rasa_threads,
        ) as stack:
            target = stack.start()
            results = asyncio.run(run(args, target))
        results["stack"] = f"own, profiled ({args.profile})" if args.profile else "own"
        if args.workers > 1 or args.rasa_servers > 1:
            results["stack"] = (
                f"own, {args.workers} bot processes, {args.rasa_servers} Rasa servers, PostgreSQL"
            )
        results["bot_processes"] = args.workers
        if profile_dir is not None:
            results["profile"] = report.read_profile(profile_dir)
    paths = report.write(results, args.out)
    print(report.markdown(results))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0
