"""Computed reports kept per window, so the dashboard does not recompute them per request.

A report of a window takes seconds to compute (the failure clusters embed and cluster the
window's failed messages, the experiments section bootstraps its intervals), and the answer only
changes when the store does. `ReportCache` keeps one computed body per ``(kind, since, until)``
in the store's ``analytics_reports`` table together with the store's **data version** when it
was computed: a fingerprint of every table the report reads (row counts and latest timestamps,
`data_version`). A lookup whose stored version differs from the current one is stale and is
recomputed; a hit costs the fingerprint query and one row read.

The fingerprint covers the whole store, not only the window: a new message anywhere invalidates
every window. That over-invalidates a little (an old window's report is recomputed although its
rows did not change) but cannot miss a change, and it is one cheap aggregate per table.

Concurrent requests for the same window compute it once: the others wait for the first
(`threading.Lock` per key, in this process) and then read its row. Several bot processes
(`make run-multi`) may each compute a window at the same moment; the one whose row lands second
keeps the first's (the table holds one row per window) and answers with its own equal body.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import structlog
from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError

from bot.analytics.tables import Window, iso
from bot.store.db import Database, utcnow, write_session
from bot.store.models import (
    ActionRow,
    AnalyticsReportRow,
    BuyerRow,
    CaseRow,
    ConversationRow,
    DecisionRow,
    DisputeEventRow,
    DisputeRow,
    MessageRow,
    OrderRow,
    RatingRow,
)

log = structlog.get_logger(__name__)

Kind = Literal["report", "summary"]
Status = Literal["hit", "computed"]
# Bumped when the report's code changes what a cached body would hold: old rows become stale.
CACHE_FORMAT = 3


def _fingerprint_query() -> Select[Any]:
    """Per table the report reads: how many rows and the latest write time. Rows are only
    added to these tables or have ``updated_at`` moved (conversations, cases, orders); a
    buyer's region is set in place, so the count of buyers with a region is part of it."""
    parts = [
        select(func.count(), func.max(ConversationRow.updated_at)).select_from(ConversationRow),
        select(func.count(), func.max(MessageRow.created_at)).select_from(MessageRow),
        select(func.count(), func.max(CaseRow.updated_at)).select_from(CaseRow),
        select(func.count(), func.max(DecisionRow.created_at)).select_from(DecisionRow),
        select(func.count(), func.max(ActionRow.created_at)).select_from(ActionRow),
        select(func.count(), func.max(RatingRow.created_at)).select_from(RatingRow),
        select(func.count(), func.count(BuyerRow.region)).select_from(BuyerRow),
        select(func.count(), func.max(OrderRow.updated_at)).select_from(OrderRow),
        select(func.count(), func.max(DisputeRow.updated_at)).select_from(DisputeRow),
        select(func.count(), func.max(DisputeEventRow.created_at)).select_from(DisputeEventRow),
    ]
    # One statement: each part's two aggregates as scalar subqueries.
    return select(
        *[
            part.with_only_columns(column).scalar_subquery().label(f"c{i}_{j}")
            for i, part in enumerate(parts)
            for j, column in enumerate(part.selected_columns)
        ]
    )


@dataclass(frozen=True)
class Cached:
    """A report body and where it came from."""

    body: dict[str, Any]
    status: Status
    data_version: str
    computed_at: datetime
    compute_seconds: float

    def meta(self) -> dict[str, Any]:
        """The ``cache`` block the API adds to the body."""
        return {
            "status": self.status,
            "data_version": self.data_version,
            "computed_at": iso(self.computed_at),
            "compute_seconds": round(self.compute_seconds, 3),
        }


class ReportCache:
    """Computed report bodies per (kind, window), valid while the store's data version holds."""

    def __init__(self, database: Database, *, salt: str = "") -> None:
        self._database = database
        # What else decides a body besides the data (e.g. the experiments file's content).
        self._salt = salt
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, datetime, datetime], threading.Lock] = {}

    def data_version(self) -> str:
        """The store's fingerprint (plus the cache format and salt), 16 hex digits."""
        with self._database.engine.connect() as connection:
            row = connection.execute(_fingerprint_query()).one()
        text = "|".join(str(value) for value in (CACHE_FORMAT, self._salt, *row))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def get(self, kind: Kind, window: Window, compute: Callable[[], dict[str, Any]]) -> Cached:
        """The window's body: the stored one when its data version is current, else computed
        now (once, however many requests ask at the same time) and stored."""
        version = self.data_version()
        found = self._read(kind, window, version)
        if found is not None:
            return found
        with self._lock(kind, window):
            version = self.data_version()
            found = self._read(kind, window, version)
            if found is not None:  # another request computed it while this one waited
                return found
            return self._compute(kind, window, version, compute)

    def refresh(self, kind: Kind, window: Window, compute: Callable[[], dict[str, Any]]) -> Cached:
        """Compute the window's body now and store it, whatever is stored."""
        with self._lock(kind, window):
            return self._compute(kind, window, self.data_version(), compute)

    def _compute(
        self, kind: Kind, window: Window, version: str, compute: Callable[[], dict[str, Any]]
    ) -> Cached:
        # The version is read before computing: rows written meanwhile make the stored body
        # stale at once, so the next request recomputes rather than serving it as current.
        started = time.perf_counter()
        body = compute()
        seconds = time.perf_counter() - started
        computed_at = utcnow()
        try:
            self._store(kind, window, version, body, seconds, computed_at)
        except IntegrityError:  # another process stored this window meanwhile
            log.info("analytics_cache_stored_elsewhere", kind=kind, window=window.to_dict())
        log.info("analytics_cache_computed", kind=kind, window=window.to_dict(), seconds=seconds)
        return Cached(body, "computed", version, computed_at, seconds)

    def _store(
        self,
        kind: Kind,
        window: Window,
        version: str,
        body: dict[str, Any],
        seconds: float,
        computed_at: datetime,
    ) -> None:
        with write_session(self._database.sessions) as session:
            session.execute(
                delete(AnalyticsReportRow).where(
                    AnalyticsReportRow.kind == kind,
                    AnalyticsReportRow.since == window.since,
                    AnalyticsReportRow.until == window.until,
                )
            )
            session.add(
                AnalyticsReportRow(
                    kind=kind,
                    since=window.since,
                    until=window.until,
                    data_version=version,
                    body=body,
                    compute_seconds=seconds,
                    computed_at=computed_at,
                )
            )

    def _read(self, kind: Kind, window: Window, version: str) -> Cached | None:
        with self._database.sessions() as session:
            row = session.scalar(
                select(AnalyticsReportRow).where(
                    AnalyticsReportRow.kind == kind,
                    AnalyticsReportRow.since == window.since,
                    AnalyticsReportRow.until == window.until,
                    AnalyticsReportRow.data_version == version,
                )
            )
            if row is None:
                return None
            return Cached(row.body, "hit", version, row.computed_at, row.compute_seconds)

    def _lock(self, kind: Kind, window: Window) -> threading.Lock:
        key = (kind, window.since, window.until)
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())
