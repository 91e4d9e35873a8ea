"""Fairness audit of the router's automatic decisions, by region and by account-age band.

The outcome audited is the route: `y_pred = 1` when a case goes to a person, `y_true = 1` when
the claim was abusive (ground truth of the synthetic world). Per group (fairlearn `MetricFrame`):

- `auto_approval_rate`: share of the group's cases resolved automatically;
- `false_human_rate`: share of its *genuine* claims sent to a person (the false-positive rate:
  honest buyers who wait for a review);
- `abusive_auto_rate`: share of its *abusive* claims resolved automatically (the false-negative
  rate: money lost to abuse).

The constraint is on the equalized-odds difference across regions (the larger of the gaps in
true- and false-positive rates between any two regions), at most `EOD_LIMIT` on the hold-out.
If it is exceeded, `mitigate_equalized_odds` post-processes the risk score with fairlearn's
`ThresholdOptimizer(constraints="equalized_odds")`, which picks (randomised) per-region
thresholds. Note what that costs: it uses the buyer's region at decision time, which the
unmitigated router never does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, count, equalized_odds_difference
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.base import BaseEstimator

EOD_LIMIT = 0.05


def auto_approval_rate(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of cases resolved automatically (y_pred == 0)."""
    y_pred = np.asarray(y_pred)
    return float(np.mean(y_pred == 0)) if len(y_pred) else float("nan")


def false_human_rate(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of genuine claims (y_true == 0) sent to a person (y_pred == 1)."""
    genuine = np.asarray(y_true) == 0
    return float(np.mean(np.asarray(y_pred)[genuine] == 1)) if genuine.any() else float("nan")


def abusive_auto_rate(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of abusive claims (y_true == 1) resolved automatically (y_pred == 0)."""
    abusive = np.asarray(y_true) == 1
    return float(np.mean(np.asarray(y_pred)[abusive] == 0)) if abusive.any() else float("nan")


METRICS = {
    "count": count,
    "auto_approval_rate": auto_approval_rate,
    "false_human_rate": false_human_rate,
    "abusive_auto_rate": abusive_auto_rate,
}


@dataclass(frozen=True)
class GroupAudit:
    """The metrics of one sensitive feature: per group, overall, and the equalized-odds gap."""

    feature: str
    by_group: pd.DataFrame
    overall: Mapping[str, float]
    equalized_odds_difference: float

    def to_dict(self) -> dict:
        return {
            "feature": self.feature,
            "by_group": {
                str(group): {k: int(v) if k == "count" else _plain(v) for k, v in row.items()}
                for group, row in self.by_group.iterrows()
            },
            "overall": {k: _plain(v) for k, v in self.overall.items()},
            "equalized_odds_difference": _plain(self.equalized_odds_difference),
        }


def audit(
    y_true: np.ndarray | pd.Series,
    y_pred_human: np.ndarray | pd.Series,
    sensitive: pd.Series,
) -> GroupAudit:
    """Per-group routing metrics for one sensitive feature (a named Series)."""
    y_true = np.asarray(y_true).astype(int)
    y_pred = np.asarray(y_pred_human).astype(int)
    frame = MetricFrame(
        metrics=METRICS,
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=pd.Series(np.asarray(sensitive), name=sensitive.name),
    )
    return GroupAudit(
        feature=str(sensitive.name),
        by_group=frame.by_group,
        overall=dict(frame.overall),
        equalized_odds_difference=equalized_odds_gap(y_true, y_pred, sensitive),
    )


def equalized_odds_gap(
    y_true: np.ndarray | pd.Series, y_pred_human: np.ndarray | pd.Series, sensitive: pd.Series
) -> float:
    """fairlearn's equalized-odds difference (between groups, worst case)."""
    return float(
        equalized_odds_difference(
            np.asarray(y_true).astype(int),
            np.asarray(y_pred_human).astype(int),
            sensitive_features=np.asarray(sensitive),
        )
    )


class _ScoreColumn(BaseEstimator):
    """A pre-fitted "estimator" whose prediction is the `score` column: ThresholdOptimizer
    thresholds whatever score it is given, here the router's own risk score."""

    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None) -> _ScoreColumn:
        self.fitted_ = True
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(X["score"], dtype=float)


def mitigate_equalized_odds(
    fit_score: np.ndarray,
    fit_y: np.ndarray,
    fit_groups: np.ndarray,
    score: np.ndarray,
    groups: np.ndarray,
    *,
    objective: str = "balanced_accuracy_score",
    random_state: int = 0,
) -> np.ndarray:
    """Per-group randomised thresholds on `score` that equalise odds; returns y_pred (1 = human).

    Fitted on (`fit_score`, `fit_y`, `fit_groups`) and applied to (`score`, `groups`): fit on
    data the audit is not reported on. `objective` is what ThresholdOptimizer maximises subject
    to the constraint; balanced accuracy weighs caught abuse and spared honest buyers equally.
    """
    optimizer = ThresholdOptimizer(
        estimator=_ScoreColumn().fit(None),
        constraints="equalized_odds",
        objective=objective,
        prefit=True,
        predict_method="predict",
    )
    optimizer.fit(
        pd.DataFrame({"score": np.asarray(fit_score, dtype=float)}),
        np.asarray(fit_y).astype(int),
        sensitive_features=np.asarray(fit_groups),
    )
    return np.asarray(
        optimizer.predict(
            pd.DataFrame({"score": np.asarray(score, dtype=float)}),
            sensitive_features=np.asarray(groups),
            random_state=random_state,
        )
    ).astype(int)


def _plain(value: object) -> object:
    if isinstance(value, np.integer | int):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if np.isnan(value) else round(float(value), 4)
    return value


__all__ = [
    "EOD_LIMIT",
    "METRICS",
    "GroupAudit",
    "abusive_auto_rate",
    "audit",
    "auto_approval_rate",
    "equalized_odds_gap",
    "false_human_rate",
    "mitigate_equalized_odds",
]
