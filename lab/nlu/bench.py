"""``make bench-nlu``: parse latency and throughput, directly against Rasa and through the bot.

Starts its own Rasa server and bot (uvicorn) on free loopback ports, sends the held-out test
messages sequentially and with concurrent clients, and records p50/p95/p99, throughput and the
resident memory of both processes. Loopback only; bounded in requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from lab.nlu.dataset import load_examples
from nlu.model import REPO_ROOT, require_model
from nlu.server import RasaServer, free_port


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def _load(
    url: str, texts: list[str], requests: int, concurrency: int, headers: dict[str, str]
) -> dict:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(texts[i % len(texts)])
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=10.0, limits=limits, headers=headers) as client:

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                text = queue.get_nowait()
                start = time.perf_counter()
                response = await client.post(url, json={"text": text})
                latencies.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    errors += 1

        # Warm-up outside the measurement: connection set-up and first-call costs.
        for text in texts[:20]:
            await client.post(url, json={"text": text})
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "requests": requests,
        "concurrency": concurrency,
        "errors": errors,
        "throughput_rps": requests / elapsed,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "mean_ms": statistics.fmean(latencies),
    }


def _rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    return (
        process.memory_info().rss + sum(c.memory_info().rss for c in process.children())
    ) / 2**20


def _wait(url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} not ready after {timeout_s}s")


def run(requests: int, out: Path) -> dict:
    from bot.auth import JwtPolicy, mint_token  # the benchmark drives the bot as an agent would

    texts = [e.text for e in load_examples(REPO_ROOT / "data" / "nlu" / "test.yml")]
    secret = "bench-secret-0123456789abcdef-0123456789"
    jwt = JwtPolicy.shared(secret)
    token = mint_token("bench-agent", "agent", jwt)
    results: dict = {"requests_per_run": requests, "runs": []}
    with RasaServer(require_model()) as rasa:
        port = free_port()
        env = dict(
            os.environ,
            AFTERSALES_RASA_URL=rasa.url,
            AFTERSALES_JWT_SECRET=secret,
            AFTERSALES_BUYER_JWT_SECRET=secret,
            AFTERSALES_AGENT_JWT_SECRET=secret,
            AFTERSALES_AGENT_JWT_AUDIENCE=jwt.audiences["agent"],
            AFTERSALES_BUYER_JWT_AUDIENCE=jwt.audiences["buyer"],
            AFTERSALES_JWT_MAX_LIFETIME_S=str(jwt.max_lifetime_s),
            AFTERSALES_RASA_TOKEN=rasa.auth_token,
            AFTERSALES_LOG_LEVEL="WARNING",
        )
        cmd = [
            sys.executable, "-m", "uvicorn", "--factory", "bot.main:app_factory",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
        bot = subprocess.Popen(cmd, env=env, cwd=REPO_ROOT)
        try:
            _wait(f"http://127.0.0.1:{port}/ready")
            targets = {
                "rasa_direct": (f"{rasa.url}/model/parse?token={rasa.auth_token}", {}),
                "via_bot": (
                    f"http://127.0.0.1:{port}/v1/nlu/parse",
                    {"Authorization": f"Bearer {token}"},
                ),
            }
            for concurrency in (1, 8):
                for name, (url, headers) in targets.items():
                    stats = asyncio.run(_load(url, texts, requests, concurrency, headers))
                    stats["target"] = name
                    results["runs"].append(stats)
                    print(json.dumps(stats), flush=True)
            results["rss_mb"] = {
                "rasa": _rss_mb(rasa.process.pid),  # type: ignore[union-attr]
                "bot": _rss_mb(bot.pid),
            }
        finally:
            bot.terminate()
            bot.wait(timeout=15)
    by = {(r["target"], r["concurrency"]): r for r in results["runs"]}
    results["bot_overhead_p50_ms"] = {
        str(c): by[("via_bot", c)]["p50_ms"] - by[("rasa_direct", c)]["p50_ms"] for c in (1, 8)
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    out.with_suffix(".md").write_text(_markdown(results))
    return results


def _markdown(results: dict) -> str:
    lines = [
        "| target | clients | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results["runs"]:
        lines.append(
            f"| {r['target']} | {r['concurrency']} | {r['throughput_rps']:.0f} | "
            f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
        )
    rss = results["rss_mb"]
    overhead = results["bot_overhead_p50_ms"]
    lines += [
        "",
        f"Resident memory: Rasa {rss['rasa']:.0f} MB, bot {rss['bot']:.0f} MB. "
        f"Bot overhead at p50: {overhead['1']:.1f} ms sequential, {overhead['8']:.1f} ms "
        "with 8 clients.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "nlu" / "bench.json")
    args = parser.parse_args(argv)
    results = run(args.requests, args.out)
    print(_markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
