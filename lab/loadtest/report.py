"""bench.json, bench.md and the memory chart of a run."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any


def _ms(value: float) -> str:
    return (
        "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0f}"
    )


def one_line(row: dict) -> str:
    return (
        f"{row['name']}: {row['turns']} turns, {row['turns_per_s']:.1f} turns/s, "
        f"p50 {_ms(row['p50_ms'])} / p95 {_ms(row['p95_ms'])} / p99 {_ms(row['p99_ms'])} ms, "
        f"errors {row['errors']}/{row['requests']}, NLU handovers {row['nlu_handovers']}, "
        f"load {row['load_1m_before']:.2f}->{row['load_1m_after']:.2f}"
        + (
            f", cores busy {row['cpu']['busy']:.0%} (other processes "
            f"{row['cpu']['share_of_cores']['other']:.0%})"
            if row.get("cpu")
            else ""
        )
    )


def floor_line(row: dict) -> str:
    return (
        f"{row['name']}: {row['parses']} parses, {row['parses_per_s']:.1f} parses/s, "
        f"p50 {_ms(row['p50_ms'])} / p95 {_ms(row['p95_ms'])} / p99 {_ms(row['p99_ms'])} ms, "
        f"errors {row['errors']}"
    )


def _floor_table(results: dict) -> list[str]:
    """Each closed-loop phase beside Rasa parsing the same texts alone (the floor)."""
    floor = {row["concurrency"]: row for row in results.get("floor") or ()}
    if not floor:
        return []
    lines = [
        "**Turns beside the floor** (Rasa's bare `/model/parse` of the buyers' texts, same run,"
        " same server):",
        "",
        "| concurrent | turn p50 ms | turn p95 ms | turns/s | parse p50 ms | parse p95 ms "
        "| parses/s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in results["phases"]:
        parse = floor.get(row.get("concurrency")) if row["kind"] == "closed" else None
        if parse is None:
            continue
        lines.append(
            f"| {row['concurrency']} | {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} | "
            f"{row['turns_per_s']:.1f} | {_ms(parse['p50_ms'])} | {_ms(parse['p95_ms'])} | "
            f"{parse['parses_per_s']:.1f} |"
        )
    return [*lines, ""]


def _memory_at(results: dict, phase: str) -> tuple[str, str]:
    rows = [m for m in results.get("memory_samples", []) if m["phase"] == phase]

    def peak(name: str) -> str:
        values = [m.get(f"{name}_rss_mb") for m in rows if m.get(f"{name}_rss_mb") is not None]
        return f"{max(values):.0f}" if values else "–"

    return peak("bot"), peak("rasa")


def _cpu_table(results: dict) -> list[str]:
    """Who took the cores in each phase (`lab.loadtest.cpu`): CPU seconds by kind of process,
    with the share of all cores; "other" is everything outside the stack and the generator."""
    rows = [r for r in results["phases"] if r.get("cpu")]
    if not rows:
        return []
    from lab.loadtest.cpu import KINDS

    lines = [
        "",
        '**Where the CPU went** (CPU seconds over the phase, and share of all cores; "other" '
        "is everything on the machine outside the stack and the load generator):",
        "",
        "| phase | cores busy | " + " | ".join(KINDS) + " | bot processes, CPU s each |",
        "| --- | ---: | " + " | ".join("---:" for _ in KINDS) + " | --- |",
    ]
    for row in rows:
        c = row["cpu"]
        cells = " | ".join(
            f"{c['cpu_s'][k]:.1f} ({c['share_of_cores'].get(k, 0):.0%})" for k in KINDS
        )
        each = ", ".join(f"{v:.1f}" for v in c["bot_processes_cpu_s"]) or "–"
        lines.append(f"| {row['name']} | {c['busy']:.0%} | {cells} | {each} |")
    return [*lines, ""]


def markdown(results: dict) -> str:
    lines = [
        "# Conversation load benchmark",
        "",
        f"Started {results['started_at']} against {results['url']} ({results.get('stack', '')} "
        f"stack), {results['cpus']} CPUs, Python {results['python']}; "
        f"{results.get('buyers', '?')} synthetic buyers, {results.get('seeded_orders', '?')} "
        "orders seeded through the signed webhook. Latency is per buyer turn "
        "(`POST /v1/conversations/{id}/messages`) as the simulated buyer saw it; errors count "
        "every request (turns, conversation creation, order webhooks) that was not 2xx or "
        'failed in transport. "NLU handovers" are turns answered 200 where the bot gave up '
        "on Rasa (its 2 s timeout) and handed the buyer to a person.",
        "",
        "| phase | buyers / rate | turns | turns/s | p50 ms | p95 ms | p99 ms | max ms "
        "| errors | error rate | NLU handovers | peak RSS bot MB | peak RSS Rasa MB "
        "| load 1m before → after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in results["phases"]:
        who = (
            f"{row['concurrency']} concurrent"
            if row["kind"] == "closed"
            else f"open loop {row['rate']:g}/s" + (" (soak)" if row["kind"] == "soak" else "")
        )
        bot, rasa = _memory_at(results, row["name"])
        lines.append(
            f"| {row['name']} | {who} | {row['turns']} | {row['turns_per_s']:.1f} | "
            f"{_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} | {_ms(row['p99_ms'])} | "
            f"{_ms(row['max_ms'])} | {row['errors']} | {row['error_rate']:.2%} | "
            f"{row['nlu_handovers']} | {bot} | {rasa} | "
            f"{row['load_1m_before']:.2f} → {row['load_1m_after']:.2f} |"
        )
    lines.append("")
    processes = results.get("bot_processes", 1)
    if processes > 1:
        per = ", ".join(
            f"{row['name']} {row['turns_per_s'] / processes:.1f}" for row in results["phases"]
        )
        lines += [f"Turns/s per bot process ({processes} processes): {per}.", ""]
    lines += _floor_table(results)
    for key, title in (
        ("turn_targets", "Turn targets (issue 17)"),
        ("verdict", "Target (open loop)"),
        ("soak_verdict", "Target (soak)"),
    ):
        v = results.get(key)
        if v:
            checks = ", ".join(f"{k}: {'yes' if ok else 'NO'}" for k, ok in v.items()
                               if k not in ("target", "met"))  # fmt: skip
            lines.append(f"**{title}** — {v['target']}: **{'met' if v['met'] else 'NOT met'}** "
                         f"({checks}).")  # fmt: skip
    lines += _cpu_table(results)
    lines.append("")
    lines.append(
        "Per phase: requests by kind (count, p50/p95 ms), conversations held, what the bot did."
    )
    lines.append("")
    for row in results["phases"]:
        ops = ", ".join(
            f"{op} {o['count']} ({_ms(o['p50_ms'])}/{_ms(o['p95_ms'])})"
            for op, o in row["ops"].items()
        )
        convs = ", ".join(f"{k} {n}" for k, n in row["conversations"].items())
        kinds = ", ".join(
            f"{k} {_ms(t['p50_ms'])}/{_ms(t['p95_ms'])}" for k, t in row["turns_by_kind"].items()
        )
        acts = ", ".join(f"{k} {n}" for k, n in row["actions"].items()) or "none"
        extra = ""
        if "skipped_in_flight_cap" in row:
            extra = (
                f"; not sent (in-flight cap) {row['skipped_in_flight_cap']}, client send lag "
                f"p95 {row['client_lag_p95_ms']:.1f} ms"
            )
        errs = f"; errors by status {row['errors_by_status']}" if row["errors"] else ""
        lines.append(
            f"- {row['name']}: {ops}; conversations: {convs}; turn p50/p95 ms by conversation "
            f"kind: {kinds}; actions executed: {acts}; handed to a person: {row['handoffs']}"
            f"{extra}{errs}"
        )
    soak = next((r for r in results["phases"] if r["kind"] == "soak"), None)
    if soak:
        lines += ["", "## Soak", "", "| minute | turns/s | p50 ms | p95 ms | errors |",
                  "| --- | --- | --- | --- | --- |"]  # fmt: skip
        for w in soak["minutes"]:
            lines.append(
                f"| {w['from_s'] / 60:.0f} | {w['turns_per_s']:.1f} | {_ms(w['p50_ms'])} | "
                f"{_ms(w['p95_ms'])} | {w['errors']} |"
            )
        lines.append("")
        for name, m in soak["memory"].items():
            if m.get("samples"):
                lines.append(
                    f"- {name} RSS: {m['first_mb']:.0f} → {m['last_mb']:.0f} MB (max "
                    f"{m['max_mb']:.0f}), slope after the first {m['warmup_s']:.0f} s "
                    f"{m['slope_mb_per_min']:+.2f} MB/min, fitted growth "
                    f"{m['fitted_growth_mb']:+.1f} MB: "
                    f"{'flat' if m['flat'] else 'NOT flat'} (tolerance {m['tolerance_mb']:.0f} MB)"
                )
        lines += ["", "![memory over the soak](memory.png)"]
    profile = results.get("profile")
    if profile and profile.get("stages"):
        lines += ["", "## Where a turn's time goes (profiled bot)", "",
                  "| stage | count | total s | mean ms | p50 ms | p95 ms | max ms |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
        for name, s in profile["stages"].items():
            lines.append(
                f"| {name} | {s['count']} | {s['total_s']:.1f} | {s['mean_ms']:.1f} | "
                f"{s['p50_ms']:.1f} | {s['p95_ms']:.1f} | {s['max_ms']:.0f} |"
            )
        lines.append("")
        lines.append("cProfile of all threads: `profile/cprofile.txt` (`profile/cprofile.pstats`).")
    lines.append("")
    return "\n".join(lines)


def read_profile(directory: Path) -> dict[str, Any]:
    stages = directory / "stages.json"
    return {
        "dir": str(directory),
        "stages": json.loads(stages.read_text()) if stages.exists() else None,
    }


def plot_memory(results: dict, path: Path) -> Path | None:
    """RSS of the bot and Rasa over the soak (or the whole run without one), as a small PNG."""
    soak = next((r for r in results["phases"] if r["kind"] == "soak"), None)
    rows = results.get("memory_samples", [])
    if soak:
        rows = [m for m in rows if m["phase"] == soak["name"]]
    if len(rows) < 2:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t0 = rows[0]["t_s"]
    fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
    for name in ("bot", "rasa"):
        points = [((m["t_s"] - t0) / 60, m.get(f"{name}_rss_mb")) for m in rows]
        points = [(x, y) for x, y in points if y is not None]
        if points:
            ax.plot([x for x, _ in points], [y for _, y in points], label=f"{name} RSS")
    ax.set_xlabel("minutes" + (" into the soak" if soak else ""))
    ax.set_ylabel("MB")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title("Resident memory (with children)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def write(results: dict, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "bench.json", out / "bench.md"]
    paths[0].write_text(json.dumps(results, indent=2, default=str))
    png = plot_memory(results, out / "memory.png")
    if png:
        paths.append(png)
    paths[1].write_text(markdown(results))
    return paths
