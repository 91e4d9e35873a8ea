"""Analytics bodies computed in a child process, off the process that serves buyers (issue 17).

A report of a window costs seconds of CPU in Python (the export, the failure clusters, the
experiments' bootstrap), and Python code holds the GIL: computed inside a bot worker, it stalls
that worker's buyer turns for as long. `ReportWorker` runs the computation in one child process
per app (a lazily started single-worker pool, spawned: nothing of the parent's threads or
connections is inherited); the parent's thread only waits on the future, which holds no GIL.
`bot.analytics.cache.ReportCache` stays in the parent (locking, staleness, storage): only the
``compute`` it is given moves.

The child is handed plain values (`compute_body`: the database URL, the kind, the window, the
experiments file) and rebuilds what the report needs once per child: the Database, the PII
redactor and the failure clusters' MiniLM (the ONNX export the bot's policy answers use).
A child that dies (killed, out of memory) breaks the pool: the request gets `Unavailable` (503)
and the next one starts a new child. A child idle for `IDLE_STOP_S` is stopped (it holds ~0.6-0.8
GB: MiniLM, DuckDB, spaCy), and the next report starts a new one (4-6 s).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import structlog

from bot.analytics.cache import Kind
from bot.analytics.tables import Window
from bot.store.db import Database
from common.errors import Unavailable

log = structlog.get_logger(__name__)

# One onnxruntime thread for the clusters' MiniLM, as in the serving process
# (bot.services.SERVING_THREADS): the report is background work, the other core keeps serving.
EMBEDDER_THREADS = 1
# How much the child's CPU priority is lowered (`os.nice`; 19 is the lowest).
CHILD_NICENESS = 10
# A child with nothing to compute for this long is stopped: an analyst's ad-hoc report should not
# keep ~0.7 GB in every bot process that served one. The scheduled dashboard refresh (every few
# minutes, in one process at a time) keeps its holder's child in use.
IDLE_STOP_S = 900.0


def report_hooks(experiments_file: Path | None, embedder: Any) -> dict[str, Any]:
    """The report's optional sections bound to an app's experiments file (not the process-wide
    settings') and a loaded MiniLM (None: the clusters load the packaged one when needed)."""
    from bot.analytics import clusters, experiments

    return {
        "experiments": partial(
            experiments.report_section, designs_path=experiments_file, with_figures=False
        ),
        "clusters": partial(clusters.report_section, embedder=embedder),
    }


def compute_body(
    database_url: str, kind: Kind, window: Window, experiments_file: Path | None
) -> dict[str, Any]:
    """The body of a summary or report of ``window`` (runs in the child; plain arguments, so it
    pickles)."""
    from bot.analytics.report import live_body

    return live_body(
        _database(database_url),
        kind,
        window,
        lambda: (_redactor(), report_hooks(experiments_file, child_embedder())),
    )


def _background_priority() -> None:
    """The child's first act: yield the CPU to the serving processes. Out of the GIL's way, the
    report still competes for the cores (2 on the reference machine); a lower priority lets the
    buyers' turns go first and the report take what is left."""
    if hasattr(os, "nice"):
        os.nice(CHILD_NICENESS)


# --- what the child builds once -------------------------------------------------------------------


@lru_cache(maxsize=4)
def _database(url: str) -> Database:
    return Database(url)


@lru_cache(maxsize=1)
def _redactor() -> Any:
    # As the API's `_redactor`: only when a section reads message text.
    from bot.analytics.report import needs_text, optional_redactor

    return optional_redactor() if needs_text() else None


@lru_cache(maxsize=1)
def child_embedder() -> Any:
    """The MiniLM of the failure clusters, loaded once per process from the bot's ONNX export
    (`retrieval.embedder.DEFAULT_ONNX_FILE`, as `bot.services.load_answerer`). None when it
    cannot load: the clusters then try the packaged default, as in-process without a model."""
    from retrieval.embedder import make_embedder

    try:
        return make_embedder(threads=EMBEDDER_THREADS).load()
    except Exception as e:
        log.warning("analytics_embedder_unavailable", error=str(e))
        return None


# --- the parent's side ----------------------------------------------------------------------------


class ReportWorker:
    """One child process computing report bodies, started on first use; a new one after a
    crash or after it was stopped for idling. Thread-safe: the API calls `compute` from its
    thread pool."""

    def __init__(self, idle_stop_s: float = IDLE_STOP_S) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._idle_stop_s = idle_stop_s
        self._in_flight = 0
        self._idle_timer: threading.Timer | None = None

    def compute(
        self, database: Database, kind: Kind, window: Window, experiments_file: Path | None
    ) -> dict[str, Any]:
        """`compute_body` in the child; the calling thread waits without holding the GIL."""
        url = database.url.render_as_string(hide_password=False)
        with self._lock:
            self._in_flight += 1
            if self._idle_timer is not None:
                self._idle_timer.cancel()
                self._idle_timer = None
        try:
            pool = self._started()
            try:
                return pool.submit(compute_body, url, kind, window, experiments_file).result()
            except BrokenProcessPool as e:
                self._discard(pool)
                log.error("analytics_worker_died", kind=kind, window=window.to_dict())
                raise Unavailable(
                    "the analytics worker process stopped while computing; try again"
                ) from e
        finally:
            self._finished()

    def close(self) -> None:
        """Stop the child (the lifespan's end): a report it is computing is not waited for."""
        with self._lock:
            pool, self._pool = self._pool, None
            if self._idle_timer is not None:
                self._idle_timer.cancel()
                self._idle_timer = None
        _terminate(pool)

    @property
    def running(self) -> bool:
        """Whether a child process is up (or being started)."""
        with self._lock:
            return self._pool is not None

    def _started(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_background_priority,
                )
            return self._pool

    def _finished(self) -> None:
        """The last computation in flight ended: stop the child if none starts in a while."""
        with self._lock:
            self._in_flight -= 1
            if self._in_flight or self._pool is None:
                return
            timer = threading.Timer(self._idle_stop_s, self._stop_if_idle, args=(self._pool,))
            timer.daemon = True
            self._idle_timer = timer
        timer.start()

    def _stop_if_idle(self, pool: ProcessPoolExecutor) -> None:
        # Taken out of use under the lock, so a report starting now gets a new child instead.
        with self._lock:
            if self._in_flight or self._pool is not pool:
                return
            self._pool, self._idle_timer = None, None
        log.info("analytics_worker_stopped_idle", idle_s=self._idle_stop_s)
        _terminate(pool)

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        # Only the broken pool: another thread may already have started its replacement.
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False)


def _terminate(pool: ProcessPoolExecutor | None) -> None:
    """Stop a pool's child without waiting for its work.

    Terminated explicitly: a uvicorn worker ends with ``os._exit`` right after its lifespan,
    before the pool's own thread would tell the child to stop, which left it running orphaned
    (seen with ``--workers 2``). Python 3.11 has no public way to stop a pool's processes (3.14's
    ``terminate_workers``), hence ``_processes``."""
    if pool is None:
        return
    processes = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()  # stuck past SIGTERM: not left holding its memory
