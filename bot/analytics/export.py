"""Snapshot the operational store (SQLite or PostgreSQL) into the analytics format.

One window of conversations (created in ``[since, until)``) and everything attached to them:
their messages, cases, the cases' decisions and actions, ratings, and the buyers with the date of
their oldest order. The store is read in one read transaction (REPEATABLE READ on PostgreSQL; on
SQLite in WAL mode a read transaction is a snapshot), so the tables agree with each other even
while the bot keeps writing; rows are streamed in chunks (`yield_per`, a server-side cursor on
PostgreSQL), so a big store never sits in memory at once.

Nothing unredacted leaves the store: message text goes through the redactor (PII redaction,
`bot.analytics.redact`) chunk by chunk, and without a redactor the text column is left empty
(the manifest says ``"text": "omitted"``). Fields analytics does not need are not read at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, Row, Select, and_, func, select

from bot.analytics.tables import (
    MANIFEST,
    SCHEMAS,
    TABLE_NAMES,
    AnalyticsError,
    Window,
    make_manifest,
    write_manifest,
)
from bot.store.db import Database
from bot.store.models import (
    ActionRow,
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

# Rows per chunk: large enough that per-chunk overhead (a redactor call, an Arrow batch, a
# Parquet row group) is amortised, small enough that a chunk of messages stays a few MB.
DEFAULT_CHUNK_ROWS = 20_000


class Redactor(Protocol):
    """What the export needs of `bot.analytics.redact.Redactor`."""

    def redact_many(self, texts: Iterable[str]) -> list[str]: ...


def load_default_redactor() -> Redactor:
    """The product's PII redactor (spaCy + patterns), loaded once by the caller."""
    try:
        from bot.analytics.redact import load_redactor
    except ImportError as e:
        raise AnalyticsError(
            "bot.analytics.redact is not available, so message text cannot be redacted; "
            "export without text (--no-text) or install the redaction module"
        ) from e
    return load_redactor()


def redactor_name(redactor: Redactor | None) -> str | None:
    if redactor is None:
        return None
    return str(getattr(redactor, "name", None) or type(redactor).__qualname__)


# --- reading --------------------------------------------------------------------------------------


def iter_batches(
    database: Database,
    window: Window,
    *,
    redactor: Redactor | None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    text_roles: Collection[str] | None = None,
) -> Iterator[tuple[str, pa.RecordBatch]]:
    """``(table name, Arrow batch)`` in snapshot format, table after table, in one read
    transaction. ``text_roles`` limits the (redacted) text to messages of those roles; the
    others' text is null (the redactor is the export's main cost)."""
    with _read_transaction(database) as connection:
        for name, statement in _statements(window).items():
            result = connection.execution_options(yield_per=chunk_rows).execute(statement)
            for rows in result.partitions():
                columns = _CONVERTERS[name](rows)
                if name == "messages":
                    columns["text"] = _text(columns, redactor, text_roles)
                yield name, pa.RecordBatch.from_pydict(columns, schema=SCHEMAS[name])


@contextmanager
def _read_transaction(database: Database) -> Iterator[Connection]:
    with database.engine.connect() as connection:
        if database.backend == "postgresql":
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection.begin():
            yield connection


def _statements(window: Window) -> dict[str, Select[Any]]:
    c, m, k, d, a, r, b, o = (
        ConversationRow,
        MessageRow,
        CaseRow,
        DecisionRow,
        ActionRow,
        RatingRow,
        BuyerRow,
        OrderRow,
    )
    dp, de = DisputeRow, DisputeEventRow
    in_window = and_(c.created_at >= window.since, c.created_at < window.until)
    conversation_ids = select(c.id).where(in_window)
    case_ids = select(k.id).where(k.conversation_id.in_(conversation_ids))
    dispute_ids = select(dp.id).where(dp.case_id.in_(case_ids))
    first_order = (
        select(o.buyer_id, func.min(o.placed_at).label("first_order_at"))
        .group_by(o.buyer_id)
        .subquery()
    )
    statements: dict[str, Select[Any]] = {
        "conversations": select(c.id, c.buyer_id, c.status, c.created_at, c.updated_at, c.language)
        .where(in_window)
        .order_by(c.created_at, c.id),
        "messages": select(
            m.id,
            m.conversation_id,
            m.seq,
            m.role,
            m.text,
            m.attachments,
            m.nlu,
            m.expecting,
            m.author,
            m.created_at,
        )
        .where(m.conversation_id.in_(conversation_ids))
        .order_by(m.conversation_id, m.seq),
        "cases": select(
            k.id,
            k.conversation_id,
            k.buyer_id,
            k.order_id,
            k.intent,
            k.status,
            k.priority,
            k.created_at,
            k.updated_at,
        )
        .where(k.id.in_(case_ids))
        .order_by(k.created_at, k.id),
        "decisions": select(
            d.id,
            d.case_id,
            d.route,
            d.reasons,
            d.clauses,
            d.model_version,
            d.experiment,
            d.arm,
            d.created_at,
            d.trace,
        )
        .where(d.case_id.in_(case_ids))
        .order_by(d.created_at, d.id),
        "actions": select(
            a.id,
            a.case_id,
            a.order_id,
            a.type,
            a.amount,
            a.currency,
            a.status,
            a.actor,
            a.created_at,
            a.responsible_party,
            o.seller_id,
        )
        .join(o, o.id == a.order_id)
        .where(a.case_id.in_(case_ids))
        .order_by(a.created_at, a.id),
        "ratings": select(r.id, r.conversation_id, r.case_id, r.buyer_id, r.score, r.created_at)
        .where(r.conversation_id.in_(conversation_ids))
        .order_by(r.created_at, r.id),
        "buyers": select(b.id, b.region, b.created_at, first_order.c.first_order_at)
        .outerjoin(first_order, first_order.c.buyer_id == b.id)
        .where(b.id.in_(select(c.buyer_id).where(in_window)))
        .order_by(b.id),
        # No reason, offer or statement text: who did what when is all the report needs.
        "disputes": select(
            dp.id,
            dp.case_id,
            dp.order_id,
            dp.seller_id,
            dp.opened_by,
            dp.amount,
            dp.currency,
            dp.status,
            dp.created_at,
            dp.decided_at,
        )
        .where(dp.id.in_(dispute_ids))
        .order_by(dp.created_at, dp.id),
        "dispute_events": select(de.id, de.dispute_id, de.actor_role, de.kind, de.created_at)
        .where(de.dispute_id.in_(dispute_ids))
        .order_by(de.created_at, de.id),
    }
    assert tuple(statements) == TABLE_NAMES
    return statements


# --- rows to columns ------------------------------------------------------------------------------


def _value(value: Any) -> Any:
    # Enum columns come back as the StrEnum members; the snapshot stores their values.
    return value.value if isinstance(value, Enum) else value


def _columns(rows: Sequence[Row[Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    return {name: [_value(row[i]) for row in rows] for i, name in enumerate(names)}


def _messages(rows: Sequence[Row[Any]]) -> dict[str, list[Any]]:
    columns = _columns(
        rows,
        [
            "message_id",
            "conversation_id",
            "seq",
            "role",
            "text",
            "attachments",
            "nlu",
            "expecting",
            "author",
            "created_at",
        ],
    )
    columns["attachments"] = [len(items or ()) for items in columns["attachments"]]
    readings = [nlu or {} for nlu in columns.pop("nlu")]
    intents = [reading.get("intent") or {} for reading in readings]
    columns["intent"] = [intent.get("name") for intent in intents]
    columns["intent_confidence"] = [_float(intent.get("confidence")) for intent in intents]
    columns["fallback_reason"] = [reading.get("fallback_reason") for reading in readings]
    return columns


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _decisions(rows: Sequence[Row[Any]]) -> dict[str, list[Any]]:
    names = ["decision_id", "case_id", "route", "reasons", "clauses", "model_version",
             "experiment", "arm", "created_at", "trace"]  # fmt: skip
    columns = _columns(rows, names)
    # Only the risk figures leave the trace (the experiment report's expected loss).
    traces = [trace or {} for trace in columns.pop("trace")]
    columns["score"] = [_float(t.get("score")) for t in traces]
    columns["amount"] = [_money((t.get("eligibility") or {}).get("amount")) for t in traces]
    columns["review_cost"] = [_money(t.get("review_cost")) for t in traces]
    columns["expected_loss"] = [_float(t.get("expected_loss")) for t in traces]
    return columns


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


Converter = Callable[[Sequence[Row[Any]]], dict[str, list[Any]]]


def _named(*names: str) -> Converter:
    return lambda rows: _columns(rows, names)


_CONVERTERS: dict[str, Converter] = {
    "conversations": _named(
        "conversation_id", "buyer_id", "status", "created_at", "updated_at", "language"
    ),
    "messages": _messages,
    "cases": _named(
        "case_id",
        "conversation_id",
        "buyer_id",
        "order_id",
        "intent",
        "status",
        "priority",
        "created_at",
        "updated_at",
    ),
    "decisions": _decisions,
    "actions": _named(
        "action_id",
        "case_id",
        "order_id",
        "type",
        "amount",
        "currency",
        "status",
        "actor",
        "created_at",
        "responsible_party",
        "seller_id",
    ),
    "ratings": _named("rating_id", "conversation_id", "case_id", "buyer_id", "score", "created_at"),
    "buyers": _named("buyer_id", "region", "created_at", "first_order_at"),
    "disputes": _named(
        "dispute_id",
        "case_id",
        "order_id",
        "seller_id",
        "opened_by",
        "amount",
        "currency",
        "status",
        "created_at",
        "decided_at",
    ),
    "dispute_events": _named("event_id", "dispute_id", "actor_role", "kind", "created_at"),
}


def _text(
    columns: dict[str, list[Any]], redactor: Redactor | None, roles: Collection[str] | None
) -> list[str | None]:
    if roles is None:
        return _redacted(columns["text"], redactor)
    chosen = [i for i, role in enumerate(columns["role"]) if role in roles]
    texts: list[str | None] = [None] * len(columns["text"])
    redacted = _redacted([columns["text"][i] for i in chosen], redactor)
    for i, text in zip(chosen, redacted, strict=True):
        texts[i] = text
    return texts


def _redacted(texts: list[str], redactor: Redactor | None) -> list[str | None]:
    if redactor is None:
        return [None] * len(texts)
    redacted = redactor.redact_many(texts)
    if len(redacted) != len(texts):
        raise AnalyticsError(
            f"the redactor returned {len(redacted)} texts for {len(texts)}; refusing to export"
        )
    return list(redacted)


# --- writing --------------------------------------------------------------------------------------


def export_snapshot(
    database: Database,
    out_dir: str | Path,
    window: Window,
    *,
    redactor: Redactor | None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> dict[str, Any]:
    """Write the window's snapshot to ``out_dir`` (Parquet per table, manifest last) and return
    the manifest. ``redactor=None`` exports no message text at all."""
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    # A previous snapshot here stops being one the moment its files start to change.
    (directory / MANIFEST).unlink(missing_ok=True)
    writers = {
        name: pq.ParquetWriter(directory / f"{name}.parquet", SCHEMAS[name]) for name in TABLE_NAMES
    }
    rows: Counter[str] = Counter()
    try:
        for name, batch in iter_batches(database, window, redactor=redactor, chunk_rows=chunk_rows):
            writers[name].write_batch(batch)
            rows[name] += batch.num_rows
    finally:
        for writer in writers.values():
            writer.close()
    manifest = make_manifest(
        window,
        rows,
        source=database.backend,
        text="redacted" if redactor is not None else "omitted",
        redactor=redactor_name(redactor),
    )
    write_manifest(directory, manifest)
    return manifest


def snapshot_arrow(
    database: Database,
    window: Window,
    *,
    redactor: Redactor | None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    text_roles: Collection[str] | None = None,
) -> tuple[dict[str, pa.Table], dict[str, Any]]:
    """The window's snapshot as Arrow tables in memory (the live API: no files), with its
    manifest; ``text_roles`` as in `iter_batches`."""
    batches: dict[str, list[pa.RecordBatch]] = {name: [] for name in TABLE_NAMES}
    batched = iter_batches(
        database, window, redactor=redactor, chunk_rows=chunk_rows, text_roles=text_roles
    )
    for name, batch in batched:
        batches[name].append(batch)
    tables = {
        name: pa.Table.from_batches(batches[name], schema=SCHEMAS[name]) for name in TABLE_NAMES
    }
    manifest = make_manifest(
        window,
        {name: table.num_rows for name, table in tables.items()},
        source=database.backend,
        text="redacted" if redactor is not None else "omitted",
        redactor=redactor_name(redactor),
        extra={"text_roles": sorted(text_roles)} if text_roles is not None else None,
    )
    return tables, manifest
