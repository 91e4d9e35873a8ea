"""The database's jobs: due ones are claimed by one runner only (two sessions, two processes'
worth of engines), a claim is a lease, and jobs survive a restart (a new engine)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

from bot.disputes.scheduler import JobRunner
from bot.store.db import Database, write_session
from bot.store.jobs import JobStore, schedule_in
from tests.utils.builders import NOW

LEASE = timedelta(minutes=5)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


def _schedule(database: Database, *jobs: tuple[str, str, timedelta]) -> None:
    with write_session(database.sessions) as session:
        for kind, subject, due_in in jobs:
            schedule_in(session, kind=kind, subject_id=subject, due_at=NOW + due_in, now=NOW)


def test_due_jobs_are_claimed_once_across_two_engines(db):
    clock = Clock()
    _schedule(db, *[("ping", f"s{i}", timedelta(minutes=i)) for i in range(6)])
    other = Database(db.url)  # a second process's engine and sessions
    try:
        clock.now = NOW + timedelta(hours=1)
        stores = [JobStore(db.sessions, clock), JobStore(other.sessions, clock)]
        barrier = Barrier(2)

        def claim(i: int) -> list[str]:
            barrier.wait()
            return [j.subject_id for j in stores[i].claim_due(f"w{i}", lease=LEASE)]

        with ThreadPoolExecutor(2) as pool:
            first, second = pool.map(claim, range(2))
        assert sorted(first + second) == [f"s{i}" for i in range(6)]
        assert not set(first) & set(second)
        # Claimed jobs are leased: nobody gets them again before the lease ends.
        assert stores[0].claim_due("w2", lease=LEASE) == []
    finally:
        other.dispose()


def test_scheduling_twice_is_one_job_and_not_due_is_not_claimed(db):
    clock = Clock()
    _schedule(db, ("ping", "a", timedelta(hours=1)), ("ping", "a", timedelta(hours=2)))
    jobs = JobStore(db.sessions, clock)
    assert [j.due_at for j in jobs.pending()] == [NOW + timedelta(hours=1)]
    assert jobs.claim_due("w", lease=LEASE) == []


def test_a_lost_lease_is_claimed_again_and_the_late_finish_is_refused(db):
    clock = Clock()
    _schedule(db, ("ping", "a", timedelta(0)))
    jobs = JobStore(db.sessions, clock)
    [job] = jobs.claim_due("dead-worker", lease=LEASE)
    clock.now = NOW + LEASE + timedelta(seconds=1)
    [again] = jobs.claim_due("live-worker", lease=LEASE)
    assert again.job_id == job.job_id and again.attempts == 2
    assert jobs.finish(job, "dead-worker") is False
    assert jobs.finish(again, "live-worker") is True
    assert jobs.pending() == []


def test_jobs_survive_a_restart_and_run_once(db):
    clock = Clock()
    _schedule(db, ("ping", "a", timedelta(hours=48)), ("boom", "b", timedelta(hours=48)))
    restarted = Database(db.url)  # the bot came back: a new engine, nothing in memory
    try:
        ran: list[str] = []
        calls = {"boom": 0}

        def boom(_job):
            calls["boom"] += 1
            raise RuntimeError("database hiccup")

        runner = JobRunner(
            JobStore(restarted.sessions, clock),
            {"ping": lambda job: ran.append(job.subject_id), "boom": boom},
            worker="w",
        )
        assert runner.run_due() == 0 and ran == []
        clock.now = NOW + timedelta(hours=48)
        assert runner.run_due() == 1 and ran == ["a"]
        assert runner.run_due() == 0 and ran == ["a"]  # done once
        # The failing job keeps its error and is tried again after a minute, not before.
        [failed] = runner.jobs.pending()
        assert failed.kind == "boom" and calls["boom"] == 1
        clock.now += timedelta(minutes=2)
        runner.run_due()
        assert calls["boom"] == 2
    finally:
        restarted.dispose()


def test_a_lease_is_held_by_one_worker_until_it_lapses_and_is_never_a_due_job(db):
    clock = Clock()
    other = Database(db.url)  # a second process's engine
    try:
        first, second = JobStore(db.sessions, clock), JobStore(other.sessions, clock)
        assert first.hold("refresh", "presets", "w1", lease=LEASE) is True
        assert second.hold("refresh", "presets", "w2", lease=LEASE) is False
        clock.now = NOW + LEASE - timedelta(seconds=1)
        assert first.hold("refresh", "presets", "w1", lease=LEASE) is True  # renewed
        clock.now += LEASE - timedelta(seconds=1)
        assert second.hold("refresh", "presets", "w2", lease=LEASE) is False
        clock.now += timedelta(seconds=2)  # w1 stopped renewing: its lease ended
        assert second.hold("refresh", "presets", "w2", lease=LEASE) is True
        assert first.hold("refresh", "presets", "w1", lease=LEASE) is False
        second.release("refresh", "presets", "w1")  # not w1's any more: nothing changes
        assert first.hold("refresh", "presets", "w1", lease=LEASE) is False
        second.release("refresh", "presets", "w2")  # w2 stops: w1 takes over at once
        assert first.hold("refresh", "presets", "w1", lease=LEASE) is True
        # The runners never see the lease row as a job.
        clock.now += timedelta(days=1)
        assert first.claim_due("runner", lease=LEASE) == [] and first.pending() == []
    finally:
        other.dispose()
