"""Fairness metrics on a tiny hand-built frame with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lab.policies.fairness import (
    apply_thresholds,
    audit,
    bootstrap_eod,
    equalized_odds_gap,
    fit_equalized_odds_thresholds,
    mitigate_equalized_odds,
    parity_noise_floor,
    price_index,
)

# Group A: 2 abusive (1 sent to a person), 2 genuine (0 sent). Group B: 2 abusive (2 sent),
# 2 genuine (1 sent).
Y_TRUE = np.array([1, 1, 0, 0, 1, 1, 0, 0])
Y_HUMAN = np.array([1, 0, 0, 0, 1, 1, 1, 0])
GROUP = pd.Series(["A"] * 4 + ["B"] * 4, name="region")


def test_metrics_by_group_have_the_known_values() -> None:
    result = audit(Y_TRUE, Y_HUMAN, GROUP)
    a, b = result.by_group.loc["A"], result.by_group.loc["B"]
    assert a["count"] == 4 and b["count"] == 4
    assert a["auto_approval_rate"] == pytest.approx(3 / 4)
    assert b["auto_approval_rate"] == pytest.approx(1 / 4)
    assert a["false_human_rate"] == pytest.approx(0.0)
    assert b["false_human_rate"] == pytest.approx(1 / 2)
    assert a["abusive_auto_rate"] == pytest.approx(1 / 2)
    assert b["abusive_auto_rate"] == pytest.approx(0.0)
    assert result.overall["auto_approval_rate"] == pytest.approx(4 / 8)


def test_equalized_odds_difference_is_the_larger_gap() -> None:
    # TPR: A 1/2, B 1 (gap 0.5); FPR: A 0, B 1/2 (gap 0.5).
    assert equalized_odds_gap(Y_TRUE, Y_HUMAN, GROUP) == pytest.approx(0.5)
    same = np.array([1, 0, 1, 0, 1, 0, 1, 0])
    assert equalized_odds_gap(same, same, GROUP) == pytest.approx(0.0)


def test_audit_serialises_to_plain_values() -> None:
    out = audit(Y_TRUE, Y_HUMAN, GROUP).to_dict()
    assert out["equalized_odds_difference"] == 0.5
    assert out["by_group"]["B"]["false_human_rate"] == 0.5


def test_mitigation_narrows_a_gap_made_by_the_score() -> None:
    rng = np.random.default_rng(0)
    n = 4_000
    group = rng.choice(["A", "B"], size=n)
    y = (rng.random(n) < 0.2).astype(int)
    # The score is shifted up for group B: one global threshold treats B's genuine buyers worse.
    score = y * 1.0 + rng.normal(0, 0.7, size=n) + np.where(group == "B", 0.6, 0.0)
    before = (score >= 0.8).astype(int)
    half = n // 2
    after = mitigate_equalized_odds(
        score[:half], y[:half], group[:half], score[half:], group[half:], random_state=0
    )
    gap_before = equalized_odds_gap(y[half:], before[half:], pd.Series(group[half:]))
    gap_after = equalized_odds_gap(y[half:], after, pd.Series(group[half:]))
    assert gap_before > 0.15
    assert gap_after < gap_before / 2


# --- the chosen mitigation, its uncertainty ------------------------------------------------------


def _priced_world(n: int = 20_000, seed: int = 0):
    """Two markets with the same abuse and the same scores; SG prices are twice ID's."""
    rng = np.random.default_rng(seed)
    region = rng.choice(["SG", "ID"], size=n)
    y = (rng.random(n) < 0.2).astype(int)
    p = np.clip(0.05 + 0.5 * y + rng.normal(0, 0.15, size=n), 0.001, 0.999)
    level = np.where(region == "SG", 1.6, 0.8)
    amount = level * rng.lognormal(np.log(12.0), 0.6, size=n)
    return region, y, p, amount


def test_price_index_is_median_over_marketplace_median() -> None:
    index = price_index(np.array([10.0, 20.0, 30.0, 5.0, 5.0]), np.array(["A", "A", "A", "B", "B"]))
    assert index == {"A": round(20.0 / 10.0, 3), "B": round(5.0 / 10.0, 3)}


def test_price_indexed_rule_removes_the_gap_the_prices_made() -> None:
    region, y, p, amount = _priced_world()
    groups = pd.Series(region)
    uniform = (p * amount >= 2.5).astype(int)
    index = price_index(amount, region)  # fitted on the same prices, no labels used
    level = np.array([index[r] for r in region])
    indexed = (p * amount >= 2.5 * level).astype(int)
    before = equalized_odds_gap(y, uniform, groups)
    after = equalized_odds_gap(y, indexed, groups)
    assert before > 0.15
    assert after < 0.03


def test_bootstrap_interval_brackets_the_estimate_and_is_reproducible() -> None:
    region, y, p, amount = _priced_world(6_000)
    human = (p * amount >= 2.5).astype(int)
    first = bootstrap_eod(y, human, region, n_resamples=200, random_state=1)
    again = bootstrap_eod(y, human, region, n_resamples=200, random_state=1)
    assert first == again
    assert first["estimate"] == pytest.approx(
        equalized_odds_gap(y, human, pd.Series(region)), abs=1e-4
    )
    assert first["ci_low"] <= first["estimate"] <= first["ci_high"]
    assert first["resamples"] == 200


def test_parity_noise_floor_tells_noise_from_a_real_gap() -> None:
    rng = np.random.default_rng(3)
    n = 3_000
    region = rng.choice(["A", "B", "C"], size=n)
    y = (rng.random(n) < 0.2).astype(int)
    fair = (rng.random(n) < np.where(y == 1, 0.7, 0.2)).astype(int)
    unfair = (rng.random(n) < np.where(region == "C", 0.5, 0.2) + 0.5 * y).astype(int)
    assert parity_noise_floor(y, fair, region, n_simulations=2000)["p_value"] > 0.05
    noise = parity_noise_floor(y, unfair, region, n_simulations=2000)
    assert noise["p_value"] < 0.01
    assert noise["parity_mean"] < noise["observed"]


def test_thresholds_read_out_of_fairlearn_give_its_probabilities() -> None:
    from fairlearn.postprocessing import ThresholdOptimizer

    from lab.policies.fairness import _ScoreColumn

    rng = np.random.default_rng(1)
    n = 3_000
    group = rng.choice(["A", "B", "C"], size=n)
    y = (rng.random(n) < 0.25).astype(int)
    score = y + rng.normal(0, 0.8, size=n) + np.where(group == "B", 0.5, 0.0)
    rules = fit_equalized_odds_thresholds(score, y, group)
    optimizer = ThresholdOptimizer(
        estimator=_ScoreColumn().fit(None),
        constraints="equalized_odds",
        objective="balanced_accuracy_score",
        prefit=True,
        predict_method="predict",
    ).fit(pd.DataFrame({"score": score}), y, sensitive_features=group)
    expected = optimizer._pmf_predict(pd.DataFrame({"score": score}), sensitive_features=group)
    ours = np.array([rules[g].p_human(s) for g, s in zip(group, score, strict=True)])
    assert ours == pytest.approx(expected[:, 1], abs=1e-9)
    draws = rng.random(n)
    decided = apply_thresholds(rules, score, group, draws=draws)
    assert np.array_equal(decided, (draws < expected[:, 1]).astype(int))
