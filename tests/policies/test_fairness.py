"""Fairness metrics on a tiny hand-built frame with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policies.fairness import audit, equalized_odds_gap, mitigate_equalized_odds

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
