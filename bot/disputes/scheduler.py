"""The runner of the database's jobs (`bot.store.jobs`): started with the bot (the lifespan),
it claims due jobs every few seconds and runs each with its kind's handler.

Several bot processes may run one each: a job is claimed by exactly one of them (the guarded
UPDATE of `JobStore.claim_due`), and one left behind by a process that died is claimed again
when its lease ends. Jobs live in the database, so a restart loses none. Time comes from the
app's clock (`Services.clock`), so tests move it instead of waiting 48 hours.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta

import structlog

from bot.store.jobs import Job, JobStore

log = structlog.get_logger(__name__)

Handler = Callable[[Job], object]
# A claimed job is this runner's for this long; a handler runs for well under a second.
DEFAULT_LEASE = timedelta(minutes=5)


def worker_name() -> str:
    """Unique per runner: host, process and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]


class JobRunner:
    def __init__(
        self,
        jobs: JobStore,
        handlers: Mapping[str, Handler],
        *,
        worker: str | None = None,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self.jobs = jobs
        self.handlers = dict(handlers)
        self.worker = worker or worker_name()
        self.lease = lease

    def run_due(self) -> int:
        """Claim and run the jobs due now; returns how many ran to completion."""
        done = 0
        for job in self.jobs.claim_due(self.worker, lease=self.lease):
            handler = self.handlers.get(job.kind)
            try:
                if handler is None:
                    raise LookupError(f"no handler for job kind {job.kind!r}")
                handler(job)
            except Exception as e:  # one failing job must not stop the others
                log.warning("job_failed", job_id=job.job_id, kind=job.kind, error=str(e))
                self.jobs.retry_later(job, self.worker, f"{type(e).__name__}: {e}")
                continue
            if self.jobs.finish(job, self.worker):
                done += 1
        return done

    async def run_forever(self, poll_s: float) -> None:
        """Poll every ``poll_s`` seconds until cancelled (the lifespan cancels it)."""
        log.info("job_runner_started", worker=self.worker, poll_s=poll_s)
        while True:
            try:
                await asyncio.to_thread(self.run_due)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # the database may be briefly away; try again next poll
                log.warning("job_runner_poll_failed", error=str(e))
            await asyncio.sleep(poll_s)
