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

Mitigation. Most of the gap came from the router's rule, not from the model: "auto iff
p * amount < review cost" with USD-equivalent amounts sends more of Singapore's claims (prices
1.6x) to a person and lets more of Indonesia's (0.8x) through, genuine and abusive alike. Two
candidates, both using the region (a market) at decision time only to equalise error rates:

- `price_index` (a market's price level from training-window order values) for
  `RouterConfig.price_index`: the review cost at the local price level. Nothing is fitted on
  labels, and it removes most of the gap, but not all of it;
- `fit_equalized_odds_thresholds`: fairlearn's `ThresholdOptimizer(constraints=
  "equalized_odds")` on the router's cost ratio p * amount / review cost, fitted on out-of-fold
  training scores, read out as per-region randomised thresholds (`RouterConfig.
  region_thresholds`; the router draws per case from a hash of the case id).

`lab.policies.mitigation.fit_mitigation` chooses between them on the training window only.

Uncertainty. A worst-case gap between six groups is a noisy statistic: `bootstrap_eod` gives a
percentile interval (Poisson bootstrap, vectorised) and `parity_noise_floor` the distribution
the statistic would have if every region had exactly the same true rates, at the hold-out's
group sizes: what "within noise" means.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, count, equalized_odds_difference
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.base import BaseEstimator

from policies.router import RegionThresholds

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


# The objectives fairlearn's ThresholdOptimizer accepts under equalized odds.
EQUALIZED_ODDS_OBJECTIVES = ("balanced_accuracy_score", "accuracy_score")
# The router's own cost as the objective: accuracy with each abusive claim counted `abuse_weight`
# times (lab.policies.mitigation.cost_abuse_weight derives the weight from the cost model).
COST_OBJECTIVE = "expected_cost"
FAIR_OBJECTIVES = (*EQUALIZED_ODDS_OBJECTIVES, COST_OBJECTIVE)


def fit_equalized_odds_thresholds(
    fit_score: np.ndarray,
    fit_y: np.ndarray,
    fit_groups: np.ndarray,
    *,
    objective: str = "balanced_accuracy_score",
    abuse_weight: int = 1,
) -> dict[str, RegionThresholds]:
    """Per-group randomised thresholds on `score` that equalise odds (1 = a person).

    fairlearn's `ThresholdOptimizer(constraints="equalized_odds", prefit=True)` is fitted on
    (`fit_score`, `fit_y`, `fit_groups`), which must be data the audit is not reported on, and
    its interpolated thresholder is read out as `policies.router.RegionThresholds`, which the
    router applies with a per-case hashed draw. `objective` is what ThresholdOptimizer
    maximises under the constraint; balanced accuracy weighs caught abuse and spared honest
    buyers equally.

    `abuse_weight` > 1 counts each abusive case (y = 1) that many times. ThresholdOptimizer takes
    no sample weights; repeating every case of one class leaves each group's ROC curve (its
    rates) unchanged and multiplies that class's weight in the objective, so accuracy becomes
    TN + abuse_weight * TP: a cost-weighted accuracy. Balanced accuracy is the special case
    abuse_weight = genuine / abusive.
    """
    if abuse_weight < 1:
        raise ValueError(f"abuse_weight must be at least 1, got {abuse_weight}")
    fit_score, fit_y, fit_groups = (np.asarray(v) for v in (fit_score, fit_y, fit_groups))
    if abuse_weight > 1:
        extra = np.tile(np.flatnonzero(fit_y.astype(int) == 1), abuse_weight - 1)
        rows = np.concatenate([np.arange(len(fit_y)), extra])
        fit_score, fit_y, fit_groups = fit_score[rows], fit_y[rows], fit_groups[rows]
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
    rules = {}
    for group, interpolation in optimizer.interpolated_thresholder_.interpolation_dict.items():
        keep = 1.0 - float(interpolation.get("p_ignore", 0.0))
        constant = (1.0 - keep) * float(interpolation.get("prediction_constant", 0.0))
        terms = tuple(
            (keep * float(interpolation[f"p{k}"]), op.operator, float(op.threshold))
            for k, op in ((0, interpolation.operation0), (1, interpolation.operation1))
            if float(interpolation[f"p{k}"]) > 0
        )
        rules[str(group)] = RegionThresholds(round(constant, 12), terms)
    return rules


def mitigate_equalized_odds(
    fit_score: np.ndarray,
    fit_y: np.ndarray,
    fit_groups: np.ndarray,
    score: np.ndarray,
    groups: np.ndarray,
    *,
    objective: str = "balanced_accuracy_score",
    random_state: int = 0,
    draws: np.ndarray | None = None,
) -> np.ndarray:
    """Fit `fit_equalized_odds_thresholds` and apply it to (`score`, `groups`): y_pred, 1 = human.

    `draws` (uniform in [0, 1), one per case) replace the random numbers: the evaluation passes
    the router's `case_uniform(case_id)` so its figures are the router's decisions.
    """
    rules = fit_equalized_odds_thresholds(fit_score, fit_y, fit_groups, objective=objective)
    return apply_thresholds(rules, score, groups, draws=draws, random_state=random_state)


def apply_thresholds(
    rules: Mapping[str, RegionThresholds],
    score: np.ndarray,
    groups: np.ndarray,
    *,
    draws: np.ndarray | None = None,
    random_state: int = 0,
) -> np.ndarray:
    """Decisions (1 = human) of per-group threshold rules; a group without a rule: NaN error."""
    score = np.asarray(score, dtype=float)
    groups = np.asarray(groups).astype(str)
    missing = sorted(set(groups.tolist()) - set(rules))
    if missing:
        raise KeyError(f"no threshold rule for group(s) {missing}")
    p_human = np.empty(len(score))
    for group, rule in rules.items():
        rows = groups == group
        p_human[rows] = rule.p_human(score[rows])
    if draws is None:
        draws = np.random.default_rng(random_state).random(len(score))
    return (np.asarray(draws) < p_human).astype(int)


def price_index(values: np.ndarray | pd.Series, regions: np.ndarray | pd.Series) -> dict:
    """Each region's price level: its median order value over the marketplace's median.

    Estimated on training data only (order values are the platform's own, nothing is learnt
    from labels); rounded to 3 decimals so the router's configuration is readable.
    """
    values = np.asarray(values, dtype=float)
    regions = np.asarray(regions).astype(str)
    overall = float(np.median(values))
    if not overall > 0:
        raise ValueError("price_index needs positive order values")
    return {
        str(r): round(float(np.median(values[regions == r])) / overall, 3)
        for r in sorted(set(regions.tolist()))
    }


def _rates(
    weights: np.ndarray, y: np.ndarray, human: np.ndarray, codes: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per row of `weights` (resamples x cases): each group's TPR and FPR of `human`."""
    cells = codes * 2 + y  # (group, label) cell of each case
    onehot = np.zeros((len(y), 2 * n_groups), dtype=np.float32)
    onehot[np.arange(len(y)), cells] = 1.0
    totals = weights @ onehot
    humans = (weights * human.astype(np.float32)) @ onehot
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = humans / totals
    return rate[:, 1::2], rate[:, 0::2]  # TPR (y = 1), FPR (y = 0)


def _worst_gap(tpr: np.ndarray, fpr: np.ndarray) -> np.ndarray:
    return np.maximum(
        np.nanmax(tpr, axis=1) - np.nanmin(tpr, axis=1),
        np.nanmax(fpr, axis=1) - np.nanmin(fpr, axis=1),
    )


def bootstrap_eod(
    y_true: np.ndarray | pd.Series,
    y_pred_human: np.ndarray | pd.Series,
    sensitive: np.ndarray | pd.Series,
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
) -> dict[str, float]:
    """Percentile bootstrap interval of the equalized-odds difference (cases resampled).

    Poisson bootstrap (each case drawn Poisson(1) times), in blocks, as matrix products: about a
    second for 1000 resamples of 40,000 cases.
    """
    y = np.asarray(y_true).astype(int)
    human = np.asarray(y_pred_human).astype(int)
    groups, codes = np.unique(np.asarray(sensitive).astype(str), return_inverse=True)
    rng = np.random.default_rng(random_state)
    gaps = []
    for start in range(0, n_resamples, 100):
        block = min(100, n_resamples - start)
        weights = rng.poisson(1.0, size=(block, len(y))).astype(np.float32)
        gaps.append(_worst_gap(*_rates(weights, y, human, codes, len(groups))))
    values = np.concatenate(gaps)
    tail = (1.0 - level) / 2.0
    return {
        "estimate": round(equalized_odds_gap(y, human, pd.Series(np.asarray(sensitive))), 4),
        "ci_low": round(float(np.quantile(values, tail)), 4),
        "ci_high": round(float(np.quantile(values, 1.0 - tail)), 4),
        "level": level,
        "resamples": n_resamples,
        "share_of_resamples_within_limit": round(float(np.mean(values <= EOD_LIMIT)), 4),
    }


def parity_noise_floor(
    y_true: np.ndarray | pd.Series,
    y_pred_human: np.ndarray | pd.Series,
    sensitive: np.ndarray | pd.Series,
    *,
    n_simulations: int = 4000,
    random_state: int = 0,
) -> dict[str, float]:
    """What the equalized-odds difference measures when there is no gap at all.

    Every group is given the pooled TPR and FPR; each group's counts are drawn binomially at
    its own numbers of abusive and genuine cases. `p_value` is the share of those parity worlds
    that measure at least the observed gap: large means the observed gap is within noise.
    """
    y = np.asarray(y_true).astype(int)
    human = np.asarray(y_pred_human).astype(int)
    groups = np.asarray(sensitive).astype(str)
    names = sorted(set(groups.tolist()))
    n1 = np.array([np.sum((groups == g) & (y == 1)) for g in names])
    n0 = np.array([np.sum((groups == g) & (y == 0)) for g in names])
    tpr, fpr = human[y == 1].mean(), human[y == 0].mean()
    rng = np.random.default_rng(random_state)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = rng.binomial(n1, tpr, size=(n_simulations, len(names))) / n1
        f = rng.binomial(n0, fpr, size=(n_simulations, len(names))) / n0
    gaps = _worst_gap(t, f)
    observed = equalized_odds_gap(y, human, pd.Series(groups))
    return {
        "observed": round(observed, 4),
        "parity_mean": round(float(np.mean(gaps)), 4),
        "parity_p95": round(float(np.quantile(gaps, 0.95)), 4),
        "parity_share_within_limit": round(float(np.mean(gaps <= EOD_LIMIT)), 4),
        "p_value": round(float(np.mean(gaps >= observed - 1e-12)), 4),
        "smallest_group_abusive": int(n1.min()),
        "smallest_group_genuine": int(n0.min()),
    }


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
    "apply_thresholds",
    "audit",
    "auto_approval_rate",
    "bootstrap_eod",
    "equalized_odds_gap",
    "false_human_rate",
    "fit_equalized_odds_thresholds",
    "mitigate_equalized_odds",
    "parity_noise_floor",
    "price_index",
]
