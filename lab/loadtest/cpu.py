"""Where a phase's CPU went: every process on the machine, by what it is.

A closed-loop phase on two cores is CPU-bound, so its latency is decided by who takes the cores:
the bot processes, the Rasa servers, PostgreSQL, the load generator itself, or something else
on the machine (which makes the run not a quiet-machine figure). Each process's CPU seconds
(user + system) are read before and after the phase (`psutil`); the difference, summed by
kind, is reported with the share of the machine's cores over the phase. The bot's processes are
also listed one by one: with several, that is how evenly the load spread.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import psutil

KINDS = ("bot", "rasa", "rasa-multilingual", "postgres", "load generator", "launcher", "other")


@dataclass(frozen=True)
class Snapshot:
    """CPU seconds by pid at one moment, with each pid's kind."""

    cpu_s: dict[int, float]
    kinds: dict[int, str]


def kind_of(cmdline: list[str], name: str, *, in_stack: bool, own: bool) -> str:
    """What a process is. Inside the stack's process trees (the bot's or launcher's, Rasa's) by
    its command line; outside them only the load generator and PostgreSQL are named (its
    server processes are not children of the stack's), everything else is "other"."""
    if own:
        return "load generator"
    if name.startswith("postgres"):
        return "postgres"
    if not in_stack:
        return "other"
    text = " ".join(cmdline)
    if "rasa" in text and " run " in f"{text} ":
        return "rasa-multilingual" if "nlu-ml-" in text else "rasa"
    if "bot.launcher" in text:
        return "launcher"
    return "bot"  # uvicorn, and with several workers its multiprocessing children


def _tree(roots: list[int]) -> set[int]:
    pids: set[int] = set()
    for root in roots:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            process = psutil.Process(root)
            pids.add(root)
            pids.update(child.pid for child in process.children(recursive=True))
    return pids


def snapshot(roots: list[int], own_pid: int | None = None) -> Snapshot:
    """Every process's CPU seconds now; ``roots`` are the stack's own processes (bot or
    launcher, Rasa), whose descendants are the stack too."""
    own = os.getpid() if own_pid is None else own_pid
    stack = _tree(roots)
    cpu: dict[int, float] = {}
    kinds: dict[int, str] = {}
    for process in psutil.process_iter(["pid", "name", "cmdline", "cpu_times"]):
        info = process.info
        times = info.get("cpu_times")
        if times is None:
            continue
        pid = int(info["pid"])
        cpu[pid] = float(times.user + times.system)
        kinds[pid] = kind_of(
            info.get("cmdline") or [], info.get("name") or "", in_stack=pid in stack, own=pid == own
        )
    return Snapshot(cpu, kinds)


def usage(before: Snapshot, after: Snapshot, wall_s: float, cores: int | None = None) -> dict:
    """CPU seconds by kind between two snapshots, the share of the cores, and the bot's
    processes one by one. A process born during the phase counts from zero."""
    cores = cores or os.cpu_count() or 1
    by_kind = dict.fromkeys(KINDS, 0.0)
    bot: dict[int, float] = {}
    for pid, seconds in after.cpu_s.items():
        used = max(0.0, seconds - before.cpu_s.get(pid, 0.0))
        kind = after.kinds.get(pid, "other")
        by_kind[kind] += used
        if kind == "bot" and used > 0.05:
            bot[pid] = used
    total = sum(by_kind.values())
    capacity = wall_s * cores
    return {
        "wall_s": round(wall_s, 2),
        "cores": cores,
        "cpu_s": {k: round(v, 2) for k, v in by_kind.items()},
        "share_of_cores": {k: round(v / capacity, 3) for k, v in by_kind.items()}
        if capacity > 0
        else {},
        "busy": round(total / capacity, 3) if capacity > 0 else None,
        "bot_processes_cpu_s": sorted((round(v, 2) for v in bot.values()), reverse=True),
    }
