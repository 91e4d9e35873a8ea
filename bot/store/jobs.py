"""Jobs due at a time, in the database: they survive a restart and run once across processes.

A runner claims a due job with a guarded UPDATE (``... WHERE id = :id AND done_at IS NULL AND
(locked_until IS NULL OR locked_until < :now)``): on PostgreSQL the second of two racing
UPDATEs waits for the first's row lock, re-reads the row and no longer matches; on SQLite the
write transaction holds the database's write lock (`write_session`). Either way exactly one
runner's UPDATE changes the row, and only that runner runs the job. The claim is a lease
(``locked_until``): a runner that dies mid-job leaves it to be claimed again once the lease
ends, so handlers must be idempotent (the dispute handlers check the dispute's status, and the
ledger moves money once per key).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.store.db import write_session
from bot.store.models import JobRow, new_id

# A job that failed is tried again after this long, doubled at each further failure up to
# `MAX_RETRY_AFTER` (and its error kept in last_error): 1, 2, 4 ... 60 minutes.
RETRY_AFTER = timedelta(minutes=1)
MAX_RETRY_AFTER = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed run a job is tried again."""
    return min(RETRY_AFTER * 2 ** max(attempts - 1, 0), MAX_RETRY_AFTER)


@dataclass(frozen=True)
class Job:
    job_id: str
    kind: str
    subject_id: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int


def _job(row: JobRow) -> Job:
    return Job(row.id, row.kind, row.subject_id, row.due_at, dict(row.payload), row.attempts)


def schedule_in(
    session: Session,
    *,
    kind: str,
    subject_id: str,
    due_at: datetime,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Schedule a job in the caller's transaction; one per (kind, subject): a second is a no-op."""
    _insert_once(session, kind=kind, subject_id=subject_id, due_at=due_at, payload=payload or {},
                 created_at=now)  # fmt: skip


def _insert_once(session: Session, **values: Any) -> None:
    """Insert a job row unless one of its (kind, subject) exists."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(JobRow.__table__).values(id=new_id(), attempts=0, **values).on_conflict_do_nothing()
    )


class JobStore:
    """Claiming, finishing and retrying jobs, each in its own short transaction."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    def claim_due(self, worker: str, *, lease: timedelta, limit: int = 20) -> list[Job]:
        """The due jobs this worker now holds (at most ``limit``), oldest due first."""
        now = self._clock()
        free = or_(JobRow.locked_until.is_(None), JobRow.locked_until < now)
        claimed: list[Job] = []
        # Looked up first without the write lock: most polls find nothing due, and on SQLite
        # a write transaction would hold up every other writer for nothing.
        with self._sessions() as session:
            candidates = session.scalars(
                select(JobRow.id)
                .where(JobRow.done_at.is_(None), JobRow.due_at <= now, free)
                .order_by(JobRow.due_at)
                .limit(limit)
            ).all()
        if not candidates:
            return claimed
        with write_session(self._sessions) as session:
            for job_id in candidates:
                result = session.execute(
                    update(JobRow)
                    .where(and_(JobRow.id == job_id, JobRow.done_at.is_(None), free))
                    .values(
                        locked_by=worker,
                        locked_until=now + lease,
                        attempts=JobRow.attempts + 1,
                    )
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount == 1:
                    row = session.get(JobRow, job_id, populate_existing=True)
                    assert row is not None
                    claimed.append(_job(row))
        return claimed

    def finish(self, job: Job, worker: str) -> bool:
        """Mark the job done if this worker still holds it (False: its lease was lost)."""
        with write_session(self._sessions) as session:
            result = session.execute(
                update(JobRow)
                .where(
                    JobRow.id == job.job_id, JobRow.locked_by == worker, JobRow.done_at.is_(None)
                )
                .values(done_at=self._clock(), locked_until=None)
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1

    def retry_later(self, job: Job, worker: str, error: str) -> None:
        """Keep the error and release the job to be claimed again after `retry_delay`."""
        with write_session(self._sessions) as session:
            session.execute(
                update(JobRow)
                .where(JobRow.id == job.job_id, JobRow.locked_by == worker)
                .values(
                    last_error=error[:2000],
                    locked_until=self._clock() + retry_delay(job.attempts),
                )
                .execution_options(synchronize_session=False)
            )

    def hold(self, kind: str, subject_id: str, worker: str, *, lease: timedelta) -> bool:
        """Take or renew a lease that is not a job: one row per (kind, subject) that one worker
        at a time holds, e.g. the analytics refresh that one bot process runs for all of them.
        True while ``worker`` holds it; the holder renews it before the lease ends, and another
        worker takes it once it has (the holder died). The same guarded UPDATE as `claim_due`;
        the row is made done (``done_at``), so no runner ever claims it as a job."""
        now = self._clock()
        free = or_(
            JobRow.locked_until.is_(None), JobRow.locked_until < now, JobRow.locked_by == worker
        )
        with write_session(self._sessions) as session:
            _insert_once(session, kind=kind, subject_id=subject_id, due_at=now, payload={},
                         done_at=now, created_at=now)  # fmt: skip
            result = session.execute(
                update(JobRow)
                .where(JobRow.kind == kind, JobRow.subject_id == subject_id, free)
                .values(locked_by=worker, locked_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1

    def release(self, kind: str, subject_id: str, worker: str) -> None:
        """Give up a lease `hold` gave ``worker`` (its process stops): another takes it at once
        rather than when it would have ended."""
        with write_session(self._sessions) as session:
            session.execute(
                update(JobRow)
                .where(
                    JobRow.kind == kind, JobRow.subject_id == subject_id, JobRow.locked_by == worker
                )
                .values(locked_until=None)
                .execution_options(synchronize_session=False)
            )

    def pending(self, subject_id: str | None = None) -> list[Job]:
        """Jobs not done yet, by due time (tests and the agent's view)."""
        with self._sessions() as session:
            query = select(JobRow).where(JobRow.done_at.is_(None)).order_by(JobRow.due_at)
            if subject_id is not None:
                query = query.where(JobRow.subject_id == subject_id)
            return [_job(r) for r in session.scalars(query)]
