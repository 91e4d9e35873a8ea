"""The PII redactor's evaluation: the test set, recall floors, and the report command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.analytics.redact import RedactionError, Redactor, load_redactor
from lab.analytics.redact_eval import evaluate, load_eval_set, main

REPO_ROOT = Path(__file__).resolve().parents[3]
EVAL_SET = REPO_ROOT / "data" / "eval" / "pii_messages.jsonl"


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return load_redactor()  # cached per process


def test_recall_on_the_test_set_stays_above_its_floor(redactor: Redactor) -> None:
    """Floors a little below the measured figures (see reports/privacy/redaction.md)."""
    messages = load_eval_set(EVAL_SET)
    assert len(messages) >= 120
    report = evaluate(redactor, messages)
    holdout = evaluate(redactor, [m for m in messages if m.split == "holdout"])
    assert report["pii_recall"] >= 0.94  # measured 0.960
    assert holdout["pii_recall"] >= 0.88  # measured 0.914
    for kind in ("EMAIL", "PHONE", "CARD"):
        assert report["per_type"][kind]["recall"] >= 0.97  # measured 1.0
    assert report["false_removal_rate"] <= 0.02  # measured 0.007


def test_the_test_set_refuses_a_span_that_is_not_in_its_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "text": "hi", "pii": [["NAME", "Siti"]]}) + "\n")
    with pytest.raises(RedactionError, match=r"bad\.jsonl:1"):
        load_eval_set(bad)


def test_the_command_writes_the_reports(tmp_path: Path) -> None:
    args = ["--eval", str(EVAL_SET), "--out", str(tmp_path), "--throughput-n", "100"]
    assert main([*args, "--throughput-repeats", "1"]) == 0
    report = json.loads((tmp_path / "redaction.json").read_text(encoding="utf-8"))
    assert report["splits"]["all"]["messages"] >= 120
    assert report["throughput"]["messages_per_s"] > 0
    assert "| NAME |" in (tmp_path / "redaction.md").read_text(encoding="utf-8")
