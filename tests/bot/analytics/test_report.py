"""The report end to end: ``aftersales analytics report|export`` writing report.json, the CSVs
and a self-contained report.html, from a snapshot and from a live SQLite store; the optional
sections' hooks."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from bot.analytics import report as r
from bot.analytics.report_output import write_report
from bot.analytics.tables import make_manifest, read_manifest, write_manifest
from bot.cli import main as cli
from tests.bot.analytics.handbuilt import EXPECTED, WINDOW, arrow_tables
from tests.bot.conftest import token_headers
from tests.utils.builders import Chat

CSVS = {
    "summary": 1,
    "volume": 7,
    "intents_messages": 13,
    "intents_cases": 7,
    "automation": 1,
    "escalation_reasons": 4,
    "fallback": 1,
    "fallback_reasons": 4,
    "resolution": 2,
    "resolution_histogram": 3,
    "money": 5,
    "csat": 3,
    "fairness_region": 3,
    "fairness_account_age": 4,
    "fairness_language": 3,
    "fairness_gaps": 3,
    "refunds_by_party": 3,
    "top_sellers": 2,
    "disputes": 1,
}


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("snapshot")
    arrow = arrow_tables()
    for name, table in arrow.items():
        pq.write_table(table, directory / f"{name}.parquet")
    rows = {name: table.num_rows for name, table in arrow.items()}
    write_manifest(directory, make_manifest(WINDOW, rows, source="handbuilt", text="synthetic"))
    return directory


@pytest.fixture(scope="module")
def written(snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    assert cli(["analytics", "report", "--from-parquet", str(snapshot), "--out", str(out)]) == 0
    return out


def test_report_command_writes_json_csv_and_html(written):
    names = {p.name for p in written.iterdir()}
    assert {"report.json", "report.html"} | {f"{name}.csv" for name in CSVS} == names


def test_report_json_holds_the_hand_computed_numbers(written):
    report = json.loads((written / "report.json").read_text())
    assert report["window"] == {**WINDOW.to_dict(), "grain": "day"}
    assert report["source"]["source"] == "handbuilt"
    summary = report["summary"]
    assert summary["conversations"] == 8
    assert summary["refunds"] == EXPECTED["refunds"] and summary["csat"] == EXPECTED["csat"]
    assert report["automation"]["open"] == 1
    assert report["resolution"]["human"] == {
        "cases": 2,
        "turns": {"median": 2.0, "p90": 2.8},
        "minutes": {"median": 75.0, "p90": 111.0},
    }
    groups = [g["group"] for g in report["fairness"]["account_age"]["groups"]]
    assert groups == ["<30d", "30-180d", "180-365d", ">365d"]
    assert report["fairness"]["region"]["gap"]["escalation_gap"] == 1.0
    assert [b["conversations"] for b in report["volume"]["series"]] == [1, 1, 2, 1, 1, 1, 1]


def test_each_csv_is_a_result_table(written):
    for name, count in CSVS.items():
        with (written / f"{name}.csv").open() as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == count, name
    with (written / "fairness_region.csv").open() as handle:
        north = next(row for row in csv.DictReader(handle) if row["group"] == "north")
    # 4 case conversations (5 cases), 2 of them auto-approved (handbuilt.EXPECTED).
    assert (north["case_conversations"], north["cases"], north["auto_approval_rate"]) == (
        "4",
        "5",
        "0.5",
    )


def test_html_is_self_contained_with_charts(written):
    page = (written / "report.html").read_text()
    assert page.count("<svg") >= 9  # volume, intents, automation, fallback, resolution, ...
    assert "<script" not in page and "<link" not in page and "<img" not in page
    # Nothing is fetched: the only URLs are XML namespaces inside the inline SVG.
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert "What the bot fails on" in page and "Routing experiments" in page


def test_report_from_a_live_sqlite_store(bot_client, world_db, tmp_path):
    chat = Chat(bot_client, token_headers("B17"))
    chat.say("please cancel order P100")
    chat.say("Yes")
    url = world_db.url.render_as_string(hide_password=False)
    out = tmp_path / "live"
    code = cli(
        ["analytics", "report", "--database-url", url, "--out", str(out),
         "--since", "2026-11-19", "--until", "2026-11-21"]
    )  # fmt: skip
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    assert report["summary"]["conversations"] == 1
    assert report["summary"]["automation_rate"] == 1.0
    assert report["source"]["source"] == "sqlite"
    assert (out / "report.html").stat().st_size > 10_000


def test_export_command_without_text(bot_client, world_db, tmp_path, capsys):
    Chat(bot_client, token_headers("B17")).say("where is my parcel S300")
    url = world_db.url.render_as_string(hide_password=False)
    out = tmp_path / "snapshot"
    code = cli(
        ["analytics", "export", "--database-url", url, "--out", str(out), "--no-text",
         "--since", "2026-11-20", "--until", "2026-11-21"]
    )  # fmt: skip
    assert code == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["text"] == "omitted" and printed["rows"]["conversations"] == 1
    assert read_manifest(out)["window"]["since"] == "2026-11-20T00:00:00Z"


def test_a_snapshot_without_manifest_is_refused(tmp_path):
    from bot.analytics.tables import SnapshotError, open_snapshot

    with pytest.raises(SnapshotError, match=r"manifest\.json"):
        open_snapshot(tmp_path)


# --- the optional sections -------------------------------------------------------------------


def test_a_hook_fills_its_section_and_a_failing_one_only_costs_its_own(snapshot, tmp_path):
    from bot.analytics.tables import open_snapshot

    def clusters(tables, window):
        count = tables.messages.count().execute()
        return {
            "summary": f"{count} messages looked at",
            "tables": {"clusters": [{"label": "refund <ORDER_ID>", "conversations": 3}]},
            "figures": {"map": "<svg id='clusters-figure'></svg>"},
        }

    def experiments(tables, window):
        raise RuntimeError("no arms")

    tables = open_snapshot(snapshot)
    report = r.build_report(
        tables, WINDOW, hooks={"clusters": clusters, "experiments": experiments}
    )
    tables.close()
    sections = report["sections"]
    assert sections["clusters"]["available"] is True
    assert sections["clusters"]["summary"] == "37 messages looked at"
    assert sections["experiments"] == {
        "available": False,
        "title": "Routing experiments: results per arm",
        "note": "failed: RuntimeError('no arms')",
    }
    written = write_report(report, tmp_path)
    page = written["html"].read_text()
    assert "clusters-figure" in page and "refund &lt;ORDER_ID&gt;" in page
    stored = json.loads(written["json"].read_text())
    assert "figures" not in stored["sections"]["clusters"]


def test_a_missing_module_is_named_in_its_section(monkeypatch):
    monkeypatch.setitem(r.OPTIONAL_SECTIONS, "clusters", ("bot.analytics.nothing_here", "T"))
    assert "bot.analytics.nothing_here is not available" in str(
        r.find_hook("bot.analytics.nothing_here")
    )
    assert r.run_sections(None, WINDOW, {"experiments": lambda t, w: {}})["clusters"] == {  # type: ignore[arg-type]
        "available": False,
        "title": "T",
        "note": r.find_hook("bot.analytics.nothing_here"),
    }
