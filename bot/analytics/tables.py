"""The snapshot format, the reporting window, and opening a snapshot as Ibis tables.

A snapshot is a directory with one Parquet file per table (`SCHEMAS`) and a ``manifest.json``
written last, so a directory without a manifest is an interrupted export, never a silently
partial one. Timestamps are UTC (``timestamp[us, tz=UTC]``), money is ``decimal(12, 2)`` in the
action's currency, message text is redacted (or omitted: the manifest says which).

The same metric code runs on two engines: DuckDB in-process (the default; also used for the live
API, from Arrow tables in memory) and PySpark in local mode (when the logs outgrow one machine
the same expressions run on a cluster). Parquet files are registered as temporary views on
Spark, never as managed tables, which would leave a ``spark-warehouse/`` directory behind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa

from common.errors import AftersalesError, InvalidInput

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend
    from pyspark.sql import SparkSession

FORMAT = "aftersales-analytics-snapshot"
# 2: actions carry responsible_party and seller_id; disputes and dispute_events (issue 18).
SCHEMA_VERSION = 3
MANIFEST = "manifest.json"
Engine = Literal["duckdb", "pyspark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "pyspark")

TIMESTAMP = pa.timestamp("us", tz="UTC")
MONEY = pa.decimal128(12, 2)
_S = pa.string()

# The snapshot's tables. Only what analytics needs leaves the store: no dialogue state, no stored
# turn responses, no case summaries, no free-text action reasons; the NLU reading is reduced to
# the intent acted on, its confidence and why it fell back.
SCHEMAS: dict[str, pa.Schema] = {
    "conversations": pa.schema(
        [
            ("conversation_id", _S),
            ("buyer_id", _S),
            ("status", _S),
            ("created_at", TIMESTAMP),
            ("updated_at", TIMESTAMP),
            # The buyer's language (issue 16), null when never identified.
            ("language", _S),
        ]
    ),
    "messages": pa.schema(
        [
            ("message_id", _S),
            ("conversation_id", _S),
            ("seq", pa.int32()),
            ("role", _S),  # buyer | bot | agent | system
            ("text", _S),  # redacted; null when the snapshot omits text
            ("attachments", pa.int32()),  # how many (a buyer's photo evidence)
            ("intent", _S),  # buyer messages the NLU read; null otherwise
            ("intent_confidence", pa.float64()),
            ("fallback_reason", _S),  # low_confidence | ambiguous | no_intent
            ("expecting", _S),
            ("author", _S),  # the agent of an agent message
            ("created_at", TIMESTAMP),
        ]
    ),
    "cases": pa.schema(
        [
            ("case_id", _S),
            ("conversation_id", _S),
            ("buyer_id", _S),
            ("order_id", _S),
            ("intent", _S),
            ("status", _S),
            ("priority", pa.int32()),
            ("created_at", TIMESTAMP),
            ("updated_at", TIMESTAMP),
        ]
    ),
    "decisions": pa.schema(
        [
            ("decision_id", _S),
            ("case_id", _S),
            ("route", _S),  # auto | human
            ("reasons", pa.list_(_S)),
            ("clauses", pa.list_(_S)),
            ("model_version", _S),
            ("experiment", _S),
            ("arm", _S),
            ("created_at", TIMESTAMP),
            # From the risk trace (null where the router scored nothing): what the experiment
            # report's expected loss needs (bot.analytics.experiments).
            ("score", pa.float64()),  # P(abusive)
            ("amount", MONEY),  # what the policy grants (the eligibility amount)
            ("review_cost", MONEY),
            ("expected_loss", pa.float64()),  # score x amount
        ]
    ),
    "actions": pa.schema(
        [
            ("action_id", _S),
            ("case_id", _S),
            ("order_id", _S),
            ("type", _S),
            ("amount", MONEY),
            ("currency", _S),
            ("status", _S),
            ("actor", _S),  # "bot" or the agent's id
            ("created_at", TIMESTAMP),
            # Who bears the cost (policies.attribution): seller | carrier | platform | buyer;
            # null when nobody was attributed. The order's seller, for the per-seller cost.
            ("responsible_party", _S),
            ("seller_id", _S),
        ]
    ),
    "ratings": pa.schema(
        [
            ("rating_id", _S),
            ("conversation_id", _S),
            ("case_id", _S),
            ("buyer_id", _S),
            ("score", pa.int32()),
            ("created_at", TIMESTAMP),
        ]
    ),
    "buyers": pa.schema(
        [
            ("buyer_id", _S),
            ("region", _S),
            ("created_at", TIMESTAMP),  # when the bot first heard of the buyer
            ("first_order_at", TIMESTAMP),  # the buyer's oldest order: the account's real age
        ]
    ),
    # Disputes of the window's cases (REV-6.5) and their steps; no reason or statement text
    # leaves the store, only who did what when.
    "disputes": pa.schema(
        [
            ("dispute_id", _S),
            ("case_id", _S),
            ("order_id", _S),
            ("seller_id", _S),
            ("opened_by", _S),  # buyer | agent
            ("amount", MONEY),  # what the buyer asks back
            ("currency", _S),
            ("status", _S),  # bot.store.models.DisputeStatus
            ("created_at", TIMESTAMP),
            ("decided_at", TIMESTAMP),
        ]
    ),
    "dispute_events": pa.schema(
        [
            ("event_id", _S),
            ("dispute_id", _S),
            ("actor_role", _S),  # buyer | seller | agent | system
            ("kind", _S),  # opened, accept, contest, offer, reminder, timeout, decide_for_...
            ("created_at", TIMESTAMP),
        ]
    ),
}
TABLE_NAMES: tuple[str, ...] = tuple(SCHEMAS)


class AnalyticsError(AftersalesError):
    """Base of every error the analytics package raises on purpose."""


class SnapshotError(AnalyticsError):
    """A snapshot directory is missing, incomplete or of another format version."""


class WindowError(AnalyticsError, InvalidInput, ValueError):
    """A bad reporting window; ``field`` names the offending bound (``since`` or ``until``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- the window -----------------------------------------------------------------------------------

DEFAULT_DAYS = 7
# Below this span the volume series is hourly, otherwise daily (a lead decision).
HOURLY_BELOW = timedelta(days=3)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Window:
    """Conversations created in ``[since, until)``, both timezone-aware."""

    since: datetime
    until: datetime

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            if getattr(self, name).tzinfo is None:
                raise WindowError(name, "must carry a timezone (UTC is assumed for input)")
        if self.until <= self.since:
            raise WindowError(
                "until",
                f"{self.until.isoformat()} is not after since={self.since.isoformat()}; "
                "the window is [since, until)",
            )

    @property
    def grain(self) -> Literal["hour", "day"]:
        """The volume series' bucket: hourly for windows under three days."""
        return "hour" if self.until - self.since < HOURLY_BELOW else "day"

    def to_dict(self) -> dict[str, str]:
        return {"since": iso(self.since), "until": iso(self.until)}

    @classmethod
    def parse(
        cls,
        since: str | None,
        until: str | None,
        *,
        now: datetime,
        default_days: int = DEFAULT_DAYS,
    ) -> Window:
        """A window from two ISO strings (date or datetime; naive means UTC). A missing
        ``until`` is ``now``; a missing ``since`` is ``default_days`` before ``until``."""
        end = parse_bound(until, "until") if until else now.astimezone(UTC)
        start = parse_bound(since, "since") if since else end - timedelta(days=default_days)
        return cls(start, end)


def parse_bound(value: str, field: str) -> datetime:
    """``YYYY-MM-DD`` (midnight UTC) or an ISO 8601 datetime (``Z`` or an offset; naive is UTC)."""
    text = value.strip()
    try:
        if _DATE_ONLY.match(text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as e:
        raise WindowError(
            field, f"{value!r} is not an ISO date (YYYY-MM-DD) or datetime ({e})"
        ) from e
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def iso(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, the form every timestamp of the analytics JSON takes."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- manifests ------------------------------------------------------------------------------------


def make_manifest(
    window: Window,
    rows: Mapping[str, int],
    *,
    source: str,
    text: Literal["redacted", "omitted", "synthetic"],
    redactor: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What a snapshot holds and where it came from (written last, checked on open)."""
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "window": window.to_dict(),
        "exported_at": iso(datetime.now(UTC)),
        "source": source,
        "text": text,
        "redactor": redactor,
        "tables": {name: f"{name}.parquet" for name in TABLE_NAMES},
        "rows": {name: int(rows.get(name, 0)) for name in TABLE_NAMES},
        **dict(extra or {}),
    }


def write_manifest(directory: Path, manifest: Mapping[str, Any]) -> None:
    path = directory / MANIFEST
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a complete snapshot of this format version, else `SnapshotError`."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise SnapshotError(
            f"{directory} holds no {MANIFEST}: not a snapshot, or its export did not finish; "
            "export one with `aftersales analytics export --out DIR`"
        )
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT or manifest.get("schema_version") != SCHEMA_VERSION:
        raise SnapshotError(
            f"{path} is format {manifest.get('format')!r} version "
            f"{manifest.get('schema_version')!r}; this code reads {FORMAT!r} version "
            f"{SCHEMA_VERSION}: export the snapshot again"
        )
    for name in TABLE_NAMES:
        if not (Path(directory) / f"{name}.parquet").is_file():
            raise SnapshotError(f"{directory} lacks {name}.parquet; export the snapshot again")
    return manifest


def empty_table(name: str) -> pa.Table:
    return SCHEMAS[name].empty_table()


# --- opening as Ibis tables -----------------------------------------------------------------------


@dataclass
class Tables:
    """The snapshot's tables as Ibis expressions on one backend."""

    conversations: ir.Table
    messages: ir.Table
    cases: ir.Table
    decisions: ir.Table
    actions: ir.Table
    ratings: ir.Table
    buyers: ir.Table
    disputes: ir.Table
    dispute_events: ir.Table
    engine: Engine
    backend: BaseBackend = field(repr=False)
    manifest: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        """Release the DuckDB connection (a Spark session belongs to whoever made it)."""
        if self.engine == "duckdb":
            self.backend.disconnect()


def open_snapshot(
    directory: str | Path,
    engine: Engine = "duckdb",
    *,
    spark: SparkSession | None = None,
) -> Tables:
    """A snapshot directory as Ibis tables on DuckDB (in memory) or PySpark (``spark``, or a
    local session from `local_spark`)."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    paths = {name: str((directory / f"{name}.parquet").resolve()) for name in TABLE_NAMES}
    if engine == "duckdb":
        import ibis

        con = ibis.duckdb.connect()
        tables = {name: con.read_parquet(path, table_name=name) for name, path in paths.items()}
    elif engine == "pyspark":
        import ibis

        session = spark or local_spark()
        con = ibis.pyspark.connect(session)
        for name, path in paths.items():
            session.read.parquet(path).createOrReplaceTempView(_view(name))
        tables = {name: con.table(_view(name)) for name in TABLE_NAMES}
    else:
        raise AnalyticsError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    return Tables(**tables, engine=engine, backend=con, manifest=manifest)


def from_arrow(arrow: Mapping[str, pa.Table], manifest: Mapping[str, Any] | None = None) -> Tables:
    """Arrow tables in memory as Ibis tables on an in-memory DuckDB: nothing touches disk."""
    import ibis

    con = ibis.duckdb.connect()
    tables = {}
    for name in TABLE_NAMES:
        data = arrow.get(name, empty_table(name))
        tables[name] = con.create_table(name, data.cast(SCHEMAS[name]))
    return Tables(**tables, engine="duckdb", backend=con, manifest=dict(manifest or {}))


def _view(name: str) -> str:
    # Prefixed so that a shared Spark session's own views are not shadowed.
    return f"aftersales_{name}"


def local_spark(
    app_name: str = "aftersales-analytics",
    *,
    cores: int = 1,
    conf: Mapping[str, str] | None = None,
) -> SparkSession:
    """A local Spark session for tests and single-machine runs: no UI, no progress bars, UTC,
    few shuffle partitions (the default 200 cost seconds per query on small data), a scratch
    warehouse directory so that nothing is written under the working directory; ``conf``
    overrides (e.g. the tests turn broadcast joins off: on tiny tables every broadcast is a
    separate Spark job, which costs more than the join)."""
    import atexit
    import shutil
    import tempfile

    from pyspark.sql import SparkSession

    scratch = tempfile.mkdtemp(prefix="aftersales-spark-")
    atexit.register(shutil.rmtree, scratch, True)
    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(max(1, 2 * cores)))
        .config("spark.sql.warehouse.dir", f"{scratch}/warehouse")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={scratch}")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
