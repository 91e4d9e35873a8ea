"""Synthetic snapshots: the format, referential integrity, determinism, plausible mixes; the
benchmark's bookkeeping (the timed run itself is `make bench-analytics`)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from bot.analytics import metrics as m
from bot.analytics.tables import SCHEMAS, TABLE_NAMES, Window, open_snapshot, parse_bound
from lab.analytics import bench
from lab.analytics.synthetic import generate_snapshot

N = 3000


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("synthetic")
    generate_snapshot(N, directory, seed=3, chunk=1000)  # several chunks
    return directory


def table(directory: Path, name: str):
    return pq.read_table(directory / f"{name}.parquet")


def ids(directory: Path, name: str, column: str) -> set:
    return set(table(directory, name).column(column).to_pylist())


def test_schema_and_counts(snapshot):
    for name in TABLE_NAMES:
        assert table(snapshot, name).schema.equals(SCHEMAS[name]), name
    assert table(snapshot, "conversations").num_rows == N
    assert len(ids(snapshot, "conversations", "conversation_id")) == N


def test_every_reference_resolves(snapshot):
    conversations = ids(snapshot, "conversations", "conversation_id")
    cases = ids(snapshot, "cases", "case_id")
    assert ids(snapshot, "messages", "conversation_id") <= conversations
    assert ids(snapshot, "cases", "conversation_id") <= conversations
    assert ids(snapshot, "decisions", "case_id") <= cases
    assert ids(snapshot, "actions", "case_id") <= cases
    assert ids(snapshot, "ratings", "case_id") <= cases
    assert ids(snapshot, "cases", "buyer_id") <= ids(snapshot, "buyers", "buyer_id")
    messages = table(snapshot, "messages")
    keys = pc.binary_join_element_wise(
        messages.column("conversation_id"), pc.cast(messages.column("seq"), "string"), "/"
    )
    assert len(set(keys.to_pylist())) == messages.num_rows  # (conversation, seq) is unique


def test_same_seed_same_snapshot(snapshot, tmp_path):
    generate_snapshot(N, tmp_path, seed=3, chunk=1000)
    for name in TABLE_NAMES:
        assert table(tmp_path, name).equals(table(snapshot, name)), name


def test_the_mixes_are_plausible(snapshot):
    tables = open_snapshot(snapshot)
    manifest = tables.manifest
    window = Window(
        parse_bound(manifest["window"]["since"], "since"),
        parse_bound(manifest["window"]["until"], "until"),
    )
    summary = m.summary(tables, window.since, window.until)
    tables.close()
    assert summary["conversations"] == N
    assert 0.5 < summary["case_conversations"] / N < 0.85
    assert 0.55 < summary["automation_rate"] < 0.85
    assert 0.15 < summary["escalation_rate"] < 0.4
    assert 0.04 < summary["fallback_rate"] < 0.12
    assert summary["refunds"]["auto"]["count"] > summary["refunds"]["human"]["count"] > 0
    assert 3.0 < summary["csat"]["by_route"]["auto"]["mean"] < 4.5
    assert summary["intents"]["request_refund"] > summary["intents"]["greet"]


def test_bench_generates_a_snapshot_once(tmp_path):
    first, generated = bench._snapshot(tmp_path, 500, 1)
    again, reused = bench._snapshot(tmp_path, 500, 1)
    assert first == again == tmp_path / "snapshot-500-seed1"
    assert generated["generate_seconds"] is not None and reused["generate_seconds"] is None
    assert reused["rows"]["conversations"] == 500


def test_bench_table():
    run = {
        "conversations": N, "engine": "duckdb", "rows": {"messages": 10}, "snapshot_mb": 1.0,
        "report_seconds": 2.0, "compute_seconds": 1.5, "write_seconds": 0.5,
        "process_seconds": 4.0, "peak_rss_mb": 300.0, "load_before": 1.0, "load_after": 1.1,
    }  # fmt: skip
    machine = {"cpus": 2, "memory_gb": 8, "python": "3.11", "ibis": "12", "duckdb": "2", "when": ""}
    text = bench._markdown({"machine": machine, "runs": [run]})
    assert "| 3,000 | duckdb | 10 | 1.0 | 2.0 (1.5 + 0.5) | 4.0 | 300.0 | 1.0 / 1.1 |" in text
