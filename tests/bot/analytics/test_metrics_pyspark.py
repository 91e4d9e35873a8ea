"""The same metric definitions on PySpark (local mode) agree with DuckDB (which
test_metrics.py checks against the hand answers).

One local Spark session for the module (its JVM costs ~10 s to start). Marked ``integration``:
it starts a real JVM. Without Java the module skips on a developer machine and fails under
``CI=true`` (the Makefile's system-packages installs a Java runtime).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from bot.analytics import metrics as m
from bot.analytics.tables import Tables, from_arrow, make_manifest, open_snapshot, write_manifest
from tests.bot.analytics.handbuilt import WINDOW, arrow_tables, subsecond_tables

pytestmark = pytest.mark.integration

# Tiny tables: every broadcast join would be its own Spark job, and compiling generated code
# costs more than interpreting a few rows (measured: 61 s -> 25 s for these queries).
SMALL_DATA = {
    "spark.sql.autoBroadcastJoinThreshold": "-1",
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
}


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        reason = "no Java runtime (apt-get install default-jre-headless) for PySpark"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    from bot.analytics.tables import local_spark

    session = local_spark("aftersales-tests", conf=SMALL_DATA)
    yield session
    session.stop()


def _write(directory: Path, arrow: dict) -> Path:
    for name, table in arrow.items():
        pq.write_table(table, directory / f"{name}.parquet")
    rows = {name: table.num_rows for name, table in arrow.items()}
    write_manifest(directory, make_manifest(WINDOW, rows, source="handbuilt", text="synthetic"))
    return directory


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("handbuilt-snapshot"), arrow_tables())


@pytest.fixture(scope="module")
def on_spark(spark, snapshot) -> m.Scope:
    return m.scope(open_snapshot(snapshot, "pyspark", spark=spark), WINDOW)


@pytest.fixture(scope="module")
def on_duckdb() -> Iterator[m.Scope]:
    tables: Tables = from_arrow(arrow_tables())
    yield m.scope(tables, WINDOW)
    tables.close()


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: [str(v) for v in row.values()])


METRICS: dict[str, Callable[[m.Scope], Any]] = {
    "volume": m.volume,
    "message_intents": m.message_intents,
    "case_intents": m.case_intents,
    "automation": m.automation,
    "escalation_reasons": m.escalation_reasons,
    "fallback": m.fallback,
    "fallback_reasons": m.fallback_reasons,
    "resolution_stats": m.resolution_stats,
    "resolution_histogram": m.resolution_histogram,
    "money": m.money,
    "csat": m.csat,
    "fairness_region": lambda s: m.fairness(s, "region"),
    "fairness_gap_account_age": lambda s: m.fairness_gap(s, "account_age"),
    "refund_cost_by_party": m.refund_cost_by_party,
    "top_sellers": m.top_sellers,
    "dispute_conversations": m.dispute_conversations,
    "dispute_stats": m.dispute_stats,
    "dispute_outcomes": m.dispute_outcomes,
}


@pytest.mark.parametrize("name", list(METRICS))
def test_pyspark_agrees_with_duckdb(name, on_spark, on_duckdb):
    metric = METRICS[name]
    assert _sorted(m.records(metric(on_spark))) == _sorted(m.records(metric(on_duckdb)))


def test_pyspark_cached_scope(spark, snapshot, on_duckdb):
    tables = open_snapshot(snapshot, "pyspark", spark=spark)
    with m.cached(m.scope(tables, WINDOW)) as cached:
        stats = m.records(m.resolution_stats(cached))
    assert stats == m.records(m.resolution_stats(on_duckdb))
    assert {r["kind"]: r["minutes_p90"] for r in stats} == {"bot": 2.7, "human": 111.0}
    assert not Path("spark-warehouse").exists()


def test_pyspark_keeps_milliseconds_like_duckdb(spark, tmp_path):
    tables = open_snapshot(_write(tmp_path, subsecond_tables()), "pyspark", spark=spark)
    [row] = m.records(m.resolutions(m.scope(tables, WINDOW)))
    assert row["minutes"] == round(0.65 / 60, 6)
