"""Routing-policy experiments: deterministic, balanced assignment; arms that only tighten."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from scipy.stats import chisquare

from policies.experiments import Arm, Experiment, Experiments
from policies.router import RouterConfig

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def experiment(weights: tuple[int, int] = (50, 50), salt: str = "s1") -> Experiment:
    return Experiment(
        name="refund-limit",
        salt=salt,
        arms=(
            Arm(name="control", weight=weights[0]),
            Arm(name="limit-50", weight=weights[1], auto_refund_limit=Decimal("50.00")),
        ),
    )


def test_assignment_is_deterministic_across_instances():
    buyers = [f"B{i}" for i in range(500)]
    first = [experiment().assign(b).name for b in buyers]
    again = [experiment().assign(b).name for b in buyers]
    assert first == again


def test_assignment_is_balanced_for_equal_weights():
    counts = {"control": 0, "limit-50": 0}
    for i in range(20_000):
        counts[experiment().assign(f"buyer-{i}").name] += 1
    # A fair split passes a chi-square test comfortably (p far above 0.001).
    assert chisquare(list(counts.values())).pvalue > 0.001
    assert 0.48 < counts["control"] / 20_000 < 0.52


def test_assignment_follows_unequal_weights():
    n = 20_000
    treated = sum(experiment((90, 10)).assign(f"b{i}").name == "limit-50" for i in range(n))
    assert 0.09 < treated / n < 0.11


def test_a_new_salt_reshuffles_buyers():
    buyers = [f"B{i}" for i in range(2_000)]
    a = [experiment(salt="one").assign(b).name for b in buyers]
    b = [experiment(salt="two").assign(b).name for b in buyers]
    changed = sum(x != y for x, y in zip(a, b, strict=True)) / len(buyers)
    assert 0.4 < changed < 0.6  # independent halves: about half move


def test_arm_overrides_the_router_config_and_logs_what_it_changed():
    config, exposure = Experiments([experiment()]).route_config("B1", NOW, RouterConfig())
    assert exposure is not None and exposure.experiment == "refund-limit"
    if exposure.arm == "limit-50":
        assert config.auto_refund_limit == Decimal("50.00")
        assert exposure.overrides == {"auto_refund_limit": "50.00"}
    else:
        assert config == RouterConfig()
        assert exposure.overrides == {}
    assert exposure.to_trace()["bucket"] == experiment().bucket("B1")


def test_no_running_experiment_means_the_base_config_and_no_exposure():
    ended = experiment().model_copy(update={"ends_at": NOW})
    base = RouterConfig()
    assert Experiments([ended]).route_config("B1", NOW, base) == (base, None)
    assert Experiments().route_config("B1", NOW, base) == (base, None)


@pytest.mark.parametrize("limit", ["100.01", "150", "0", "-5"])
def test_an_arm_cannot_loosen_the_policy_limit(limit):
    with pytest.raises(ValueError, match="auto_refund_limit"):
        Arm(name="loose", weight=1, auto_refund_limit=Decimal(limit))


def test_the_policy_limit_itself_is_allowed():
    assert Arm(name="same", weight=1, auto_refund_limit=Decimal("100.00")).auto_refund_limit


def test_arms_need_distinct_names_and_an_experiment_two_arms():
    with pytest.raises(ValueError, match="distinct"):
        Experiment(name="x", salt="s", arms=(Arm(name="a", weight=1), Arm(name="a", weight=1)))
    with pytest.raises(ValueError, match="arms"):
        Experiment(name="x", salt="s", arms=(Arm(name="a", weight=1),))


def test_the_shipped_file_loads(tmp_path: Path):
    repo = Path(__file__).resolve().parents[2]
    experiments = Experiments.load(repo / "data" / "experiments" / "refund_limit.yml")
    assert [e.name for e in experiments.experiments] == ["refund-limit"]


def test_a_bad_file_names_the_file_and_field(tmp_path: Path):
    path = tmp_path / "bad.yml"
    path.write_text(
        "experiments:\n  - name: x\n    salt: s\n    arms:\n"
        "      - {name: a, weight: 1}\n      - {name: b, weight: 1, auto_refund_limit: '500'}\n"
    )
    with pytest.raises(ValueError, match=r"(?s)bad\.yml.*auto_refund_limit"):
        Experiments.load(path)
