"""The report cache: a body is reused while the store's data version holds, and recomputed
once the store changes (new rows, a case moving on, a buyer's region set) or on request."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.analytics.cache import ReportCache
from bot.analytics.tables import Window
from bot.store.models import (
    AnalyticsReportRow,
    BuyerRow,
    CaseRow,
    ConversationRow,
    MessageRole,
    MessageRow,
)

WEEK = Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC))
T0 = datetime(2026, 11, 2, 10, tzinfo=UTC)


class Counting:
    """A report computation that says how often it ran (each body is numbered)."""

    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self) -> dict:
        with self.lock:
            self.calls += 1
            return {"run": self.calls}


@pytest.fixture
def cache(db) -> ReportCache:
    with db.sessions.begin() as session:
        session.add(BuyerRow(id="B1", created_at=T0))
        session.add(
            ConversationRow(
                id="C1", buyer_id="B1", status="bot", state={}, created_at=T0, updated_at=T0
            )
        )
    return ReportCache(db)


def add_message(db, seq: int) -> None:
    with db.sessions.begin() as session:
        session.add(
            MessageRow(conversation_id="C1", seq=seq, role=MessageRole.BUYER, text="hi",
                       attachments=[], citations=[], quick_replies=[],
                       created_at=T0 + timedelta(minutes=seq))
        )  # fmt: skip


def test_the_second_request_is_a_hit(cache):
    compute = Counting()
    first = cache.get("report", WEEK, compute)
    second = cache.get("report", WEEK, compute)
    assert (first.status, second.status) == ("computed", "hit")
    assert second.body == first.body == {"run": 1} and compute.calls == 1
    assert second.data_version == first.data_version
    assert second.meta()["computed_at"] == first.meta()["computed_at"]


def test_new_rows_make_the_stored_body_stale(cache, db):
    compute = Counting()
    cache.get("report", WEEK, compute)
    add_message(db, 1)
    again = cache.get("report", WEEK, compute)
    assert again.status == "computed" and again.body == {"run": 2}
    assert cache.get("report", WEEK, compute).status == "hit"


def test_a_case_moving_on_and_a_region_set_make_it_stale(cache, db):
    compute = Counting()
    with db.sessions.begin() as session:
        session.add(CaseRow(id="K1", conversation_id="C1", buyer_id="B1", intent="cancel_order",
                            status="bot", created_at=T0, updated_at=T0))  # fmt: skip
    version = cache.get("report", WEEK, compute).data_version
    with db.sessions.begin() as session:
        case = session.get(CaseRow, "K1")
        case.status, case.updated_at = "resolved", T0 + timedelta(minutes=5)
    moved = cache.get("report", WEEK, compute)
    assert moved.status == "computed" and moved.data_version != version
    with db.sessions.begin() as session:
        session.get(BuyerRow, "B1").region = "SG"
    assert cache.get("report", WEEK, compute).status == "computed"
    assert compute.calls == 3


def test_windows_and_kinds_are_kept_apart(cache):
    compute = Counting()
    day = Window(WEEK.since, WEEK.since + timedelta(days=1))
    assert cache.get("report", WEEK, compute).body == {"run": 1}
    assert cache.get("report", day, compute).body == {"run": 2}
    assert cache.get("summary", WEEK, compute).body == {"run": 3}
    assert cache.get("report", WEEK, compute).body == {"run": 1}


def test_refresh_recomputes_whatever_is_stored(cache):
    compute = Counting()
    cache.get("report", WEEK, compute)
    refreshed = cache.refresh("report", WEEK, compute)
    assert refreshed.status == "computed" and refreshed.body == {"run": 2}
    assert cache.get("report", WEEK, compute).body == {"run": 2}


def test_another_salt_is_another_version(db, cache):
    assert ReportCache(db, salt="experiments-b").data_version() != cache.data_version()


def test_concurrent_requests_for_one_window_compute_it_once(cache):
    release = threading.Event()
    calls = []

    def slow() -> dict:
        calls.append(1)
        release.wait(5)
        return {"run": len(calls)}

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("report", WEEK, slow)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1
    assert sorted(r.status for r in results) == ["computed", "hit", "hit", "hit"]
    assert all(r.body == {"run": 1} for r in results)


def test_two_processes_computing_one_window_both_answer_and_one_row_stays(db, cache):
    # Two bot processes are two caches with their own locks over one database: both compute,
    # both store; the table keeps one row per window and neither request fails.
    other = ReportCache(db)
    barrier = threading.Barrier(2)

    def computed_together() -> dict:
        barrier.wait(5)
        return {"run": 1}

    results = []
    threads = [
        threading.Thread(
            target=lambda c=c: results.append(c.get("report", WEEK, computed_together))
        )
        for c in (cache, other)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert [r.body for r in results] == [{"run": 1}, {"run": 1}]
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AnalyticsReportRow)) == 1
    assert cache.get("report", WEEK, Counting()).status == "hit"


def test_a_window_stored_by_another_process_meanwhile_is_not_an_error(cache, monkeypatch):
    def stored_elsewhere(*_args, **_kwargs):
        raise IntegrityError("INSERT INTO analytics_reports", {}, Exception("duplicate key"))

    monkeypatch.setattr(cache, "_store", stored_elsewhere)
    result = cache.get("report", WEEK, lambda: {"run": 1})
    assert (result.status, result.body) == ("computed", {"run": 1})
