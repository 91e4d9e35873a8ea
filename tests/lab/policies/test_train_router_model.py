"""`python -m lab.policies.train_router_model`: trains, saves with its inputs, skips if current."""

from __future__ import annotations

import json

import pytest

from lab.policies import train_router_model as trm
from policies.risk import METADATA_FILE, MODEL_FILE, RiskModel
from policies.risk_artifact import load_router_config

TINY = trm.TrainConfig(seed=3, cases=1_500, buyers=1_000, sellers=40, days=240)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("risk")
    return out, trm.train(TINY, out)


def test_trains_and_saves_inputs_and_router_settings(trained) -> None:
    out, summary = trained
    assert summary["status"] == "trained"
    metadata = json.loads((out / METADATA_FILE).read_text())
    assert metadata["inputs"]["sha256"] == trm.inputs_of(TINY)["sha256"]
    assert metadata["inputs"]["world"]["seed"] == 3
    assert set(metadata["router"]["price_index"]) == {"SG", "MY", "TH", "VN", "PH", "ID"}
    assert metadata["router"]["review_cost"] == "2.50"
    assert metadata["router"]["mitigation"] in ("price_index", "threshold_optimizer")
    assert set(metadata["router"]["region_thresholds"]) <= set(metadata["router"]["price_index"])
    config = load_router_config(out)
    assert config.established_account_days == metadata["router"]["established_account_days"] == 365
    # The world's agents deny 55% of abusive claims (lab/world/WORLD.md): measured, not assumed.
    assert str(config.review_catch_rate) == metadata["router"]["review_catch_rate"]
    assert 0.4 < float(config.review_catch_rate) < 0.7
    if metadata["router"]["mitigation"] == "threshold_optimizer":
        assert config.region_thresholds is not None and config.price_index is None
    else:
        assert config.price_index is not None and config.region_thresholds is None
    assert RiskModel.load(out).version == summary["model_version"]


def test_skips_when_up_to_date(trained) -> None:
    out, _ = trained
    before = (out / MODEL_FILE).stat().st_mtime_ns
    assert trm.train(TINY, out)["status"] == "up_to_date"
    assert trm.main(["--out", str(out), "--seed", "3", "--cases", "1500", "--buyers", "1000",
                     "--sellers", "40", "--days", "240"]) == 0  # fmt: skip
    assert (out / MODEL_FILE).stat().st_mtime_ns == before


def test_changed_inputs_or_a_damaged_file_retrain(tmp_path, trained) -> None:
    out, _ = trained
    other = trm.TrainConfig(**{**TINY.__dict__, "seed": 4})
    assert trm.inputs_of(other)["sha256"] != trm.inputs_of(TINY)["sha256"]
    assert not trm.is_up_to_date(out, trm.inputs_of(other))
    copy = tmp_path / "risk"
    copy.mkdir()
    for name in (MODEL_FILE, METADATA_FILE):
        (copy / name).write_bytes((out / name).read_bytes())
    assert trm.is_up_to_date(copy, trm.inputs_of(TINY))
    (copy / MODEL_FILE).write_bytes(b"not a model")
    assert not trm.is_up_to_date(copy, trm.inputs_of(TINY))
    assert not trm.is_up_to_date(tmp_path / "nothing", trm.inputs_of(TINY))


def test_the_inputs_hash_covers_exactly_the_code_that_makes_the_model() -> None:
    names = {f"{p.parent.name}/{p.name}" for p in trm.code_files()}
    # What generates the world, builds the features, learns, and chooses the mitigation...
    assert {
        "world/generate.py",
        "world/parameters.py",
        "world/records.py",
        "policies/features.py",
        "policies/risk.py",
        "policies/types.py",
        "rules/__init__.py",
        "router/__init__.py",
        "policies/fairness.py",
        "policies/mitigation.py",
        "policies/train_router_model.py",
    } <= names
    # ...and not the evaluation's reports, the world's CSV files, the demo or the product's
    # serving code: rewording a report must not retrain the shipped model.
    for report in (
        "policies/evaluate.py",
        "policies/evaluation_reports.py",
        "policies/evaluation_markdown.py",
        "world/files.py",
        "world/demo.py",
        "policies/risk_artifact.py",
    ):
        assert report not in names
    assert not any(p.parts[-3] == "bot" or p.parts[-2] == "bot" for p in trm.code_files())


@pytest.mark.parametrize("module", ["rules/windows.py", "router/levels.py"])
def test_every_rules_and_router_module_the_training_runs_counts(module) -> None:
    # The rules and the router are packages: each of their modules decides what the model learns.
    assert module in {f"{p.parent.name}/{p.name}" for p in trm.code_files()}
