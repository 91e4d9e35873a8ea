"""The bot served for profiling: ``python -m lab.loadtest.profiled --port P --out DIR``.

The same app as ``make run`` (``create_app()`` from the environment's settings) under uvicorn in
this process, with two instruments, both stdlib and added from outside (nothing in the bot is
changed):

- stage timers: wall-clock time of each part of a turn, across the event loop and the thread
  pool: the Rasa parse (awaited), the thread-pool queue wait and run time of each database step
  (`bot.dialogue.manager.run_in_threadpool`), SQLite's write lock (waiting for it, holding it),
  loading the buyer's orders, the policy answer (before the transaction) and its embedding,
  the eligibility rules, the router and the risk model, the JSON response's serialisation;
- cProfile in every thread (the event loop's and the thread pool's), merged into one profile.

On SIGTERM/SIGINT uvicorn stops, then ``DIR/stages.json``, ``DIR/sql.json`` (every SQL
statement and COMMIT counted, by kind, per turn, the most frequent texts: the requests other
than turns, conversation openings and order webhooks, are in the counts too),
``DIR/cprofile.pstats`` and ``DIR/cprofile.txt`` (top functions by cumulative and by own time)
are written.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import io
import json
import pstats
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lab.loadtest.stats import percentile

_lock = threading.Lock()
_stages: dict[str, list[float]] = {}


def _add(name: str, seconds: float) -> None:
    with _lock:
        _stages.setdefault(name, []).append(seconds * 1000)


def _timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _add(name, time.perf_counter() - started)

    return wrapper


def _timed_async(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await func(*args, **kwargs)
        finally:
            _add(name, time.perf_counter() - started)

    return wrapper


def install_stage_timers() -> None:
    """Wrap the parts of a turn (module attributes, looked up at call time) with timers."""
    from starlette.responses import JSONResponse

    from bot.dialogue import context, decision, manager
    from bot.store import conversations
    from nlu.client import RasaHttpParser
    from retrieval.answer import PolicyAnswerer
    from retrieval.embedder import SentenceTransformerEmbedder

    manager.DialogueManager.post = _timed_async("turn (server side)", manager.DialogueManager.post)
    RasaHttpParser.parse = _timed_async("rasa parse (awaited)", RasaHttpParser.parse)
    PolicyAnswerer.answer = _timed("policy answer (retrieval)", PolicyAnswerer.answer)
    SentenceTransformerEmbedder.encode = _timed(
        "embedding (MiniLM encode)", SentenceTransformerEmbedder.encode
    )
    context.buyer_orders_in = _timed("load buyer's orders", context.buyer_orders_in)
    # Answered before the turn's transaction (`DialogueManager._prepared`): no lock held.
    context.PreparedAnswerer.prepare = classmethod(
        _timed("policy answer, before the transaction", context.PreparedAnswerer.prepare.__func__)
    )
    decision.check_eligibility = _timed("eligibility rules", decision.check_eligibility)
    decision.route = _timed("router (rules + risk)", decision.route)
    JSONResponse.render = _timed("serialisation (JSON response)", JSONResponse.render)
    try:
        from policies.risk import RiskModel

        RiskModel.predict_proba = _timed("risk model predict", RiskModel.predict_proba)
    except ImportError:
        pass

    original_threadpool = manager.run_in_threadpool

    async def run_in_threadpool(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        name = getattr(func, "__name__", "call")
        called = time.perf_counter()
        ran: list[float] = []

        def body(*a: Any, **kw: Any) -> Any:
            started = time.perf_counter()
            ran.append(started)
            try:
                return func(*a, **kw)
            finally:
                _add(f"db step {name}: run", time.perf_counter() - started)

        try:
            return await original_threadpool(body, *args, **kwargs)
        finally:
            if ran:
                _add(f"db step {name}: thread-pool wait", ran[0] - called)

    manager.run_in_threadpool = run_in_threadpool

    original_write_session = conversations.write_session

    @contextmanager
    def write_session(sessions: Any) -> Iterator[Any]:
        asked = time.perf_counter()
        with original_write_session(sessions) as session:  # BEGIN IMMEDIATE: the write lock
            got = time.perf_counter()
            _add("sqlite write lock: wait", got - asked)
            try:
                yield session
            finally:
                held_until = time.perf_counter()
                _add("sqlite write lock: held (before commit)", held_until - got)
        _add("sqlite commit", time.perf_counter() - held_until)

    conversations.write_session = write_session


_sql: dict[str, int] = {}
_SQL_KINDS = ("SELECT", "INSERT", "UPDATE", "DELETE")


def _statement_template(statement: str) -> str:
    """The statement's first 160 characters on one line (bound values are not in it)."""
    return " ".join(statement.split())[:160]


def install_sql_counter() -> Callable[[], None]:
    """Count every SQL statement (by kind and by text) and every COMMIT the bot's engines run:
    what a turn costs the database, and which statements repeat (issue 17). Returns the
    function that removes the listeners."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def count(key: str) -> None:
        with _lock:
            _sql[key] = _sql.get(key, 0) + 1

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany) -> None:
        words = statement.lstrip().split(None, 1)
        kind = words[0].upper() if words else ""
        count(f"kind {kind if kind in _SQL_KINDS else 'other'}")
        count(f"text {_statement_template(statement)}")

    @event.listens_for(Engine, "commit")
    def _commit(conn) -> None:
        count("kind COMMIT")

    def uninstall() -> None:
        event.remove(Engine, "before_cursor_execute", _statement)
        event.remove(Engine, "commit", _commit)

    return uninstall


def sql_summary() -> dict[str, object]:
    """Statement counts by kind, the turns served, and the 40 most frequent statements."""
    with _lock:
        counts = dict(_sql)
        turns = len(_stages.get("turn (server side)", []))
    kinds = {k[5:]: v for k, v in counts.items() if k.startswith("kind ")}
    texts = sorted(((v, k[5:]) for k, v in counts.items() if k.startswith("text ")), reverse=True)
    return {
        "turns": turns,
        "by_kind": kinds,
        "per_turn": {k: round(v / turns, 2) for k, v in kinds.items()} if turns else {},
        "top_statements": [{"count": v, "statement": t} for v, t in texts[:40]],
    }


class AllThreadsProfile:
    """cProfile in the current thread and in every thread started after `start`."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []

    def _bootstrap(self, frame: Any, event: str, arg: Any) -> None:
        profile = cProfile.Profile()
        with _lock:
            self.profiles.append(profile)
        profile.enable()  # replaces this hook in the new thread

    def start(self) -> None:
        threading.setprofile(self._bootstrap)
        main = cProfile.Profile()
        self.profiles.append(main)
        main.enable()

    def stats(self) -> pstats.Stats:
        threading.setprofile(None)  # type: ignore[arg-type]
        self.profiles[0].disable()
        stats = pstats.Stats(self.profiles[0])
        for profile in self.profiles[1:]:
            with contextlib.suppress(TypeError):  # a thread that never ran profiled code
                stats.add(profile)
        return stats


def stage_summary() -> dict[str, dict[str, float]]:
    with _lock:
        stages = {k: list(v) for k, v in _stages.items()}
    return {
        name: {
            "count": len(values),
            "total_s": sum(values) / 1000,
            "mean_ms": sum(values) / len(values),
            "p50_ms": percentile(values, 50),
            "p95_ms": percentile(values, 95),
            "max_ms": max(values),
        }
        for name, values in sorted(stages.items(), key=lambda kv: -sum(kv[1]))
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-cprofile", action="store_true", help="stage timers only")
    args = parser.parse_args(argv)

    import uvicorn

    from bot.main import create_app
    from bot.services import build_services
    from bot.settings import get_settings

    install_stage_timers()
    install_sql_counter()
    settings = get_settings()
    # The models load before the profiler starts: the profile is of serving, not of startup.
    services = build_services(settings)
    app = create_app(settings, services)
    profiler = None if args.no_cprofile else AllThreadsProfile()
    if profiler is not None:
        profiler.start()
    # uvicorn re-raises the signal that stopped it once it has shut down; a no-op handler
    # here keeps this process alive to write the profile.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    if services.database is not None:
        services.database.dispose()

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "stages.json").write_text(json.dumps(stage_summary(), indent=2))
    (args.out / "sql.json").write_text(json.dumps(sql_summary(), indent=2))
    if profiler is not None:
        stats = profiler.stats()
        stats.dump_stats(str(args.out / "cprofile.pstats"))
        text = io.StringIO()
        for order in ("cumulative", "tottime"):
            text.write(f"===== by {order} =====\n")
            pstats.Stats(str(args.out / "cprofile.pstats"), stream=text).sort_stats(
                order
            ).print_stats(45)
        (args.out / "cprofile.txt").write_text(text.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
