"""The statistics of an A/B comparison, on aggregates: no tables, no engine, no I/O.

`bot.analytics.experiments` computes counts and sums per arm with Ibis and hands them here.
Choices, and why:

- **Proportions**: Wilson score intervals (good coverage at small n and near 0 or 1, where the
  Wald interval fails); the difference to control by the two-proportion z-test and Newcombe's
  hybrid score interval (the Wilson-based interval for a difference), both from statsmodels.
- **Losses per case**: money per case is zero-inflated and heavy-tailed, and a buyer can bring
  several cases, so the interval is a percentile bootstrap that resamples *buyers* (the unit of
  randomisation) and recomputes the ratio of sums; the difference to control resamples both
  arms independently, and its p-value is the two-sided bootstrap tail probability of 0.
- **Ratings (CSAT)**: a t interval for the mean; Welch's t-test for the difference (unequal
  variances), with the Mann-Whitney U test beside it because 1-5 scores are ordinal.
- **Minimum detectable effect** at the given power: from Cohen's h and statsmodels' power
  solver for proportions, from the standard error of the difference otherwise.
- **Sample-ratio mismatch**: chi-square goodness of fit of buyers per arm against the design's
  weights.

Every random draw comes from a `numpy.random.Generator` passed in: results are repeatable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

ALPHA = 0.05
POWER = 0.80
N_BOOT = 2000


@dataclass(frozen=True)
class Interval:
    """A point estimate with its confidence interval; None where it cannot be estimated."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    method: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Test:
    """An arm against control: the difference (arm - control), its interval, the test's
    p-value, and the smallest difference the comparison could detect at this n."""

    difference: float | None
    low: float | None
    high: float | None
    p_value: float | None
    test: str
    mde: float | None
    p_value_secondary: float | None = None  # e.g. Mann-Whitney beside Welch
    test_secondary: str | None = None

    def significant(self, alpha: float = ALPHA) -> bool:
        return self.p_value is not None and self.p_value < alpha

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _z(alpha: float, power: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))


# --- proportions ----------------------------------------------------------------------------------


def wilson(count: int, n: int, alpha: float = ALPHA) -> Interval:
    """The share count/n with its Wilson score interval."""
    if n <= 0:
        return Interval(None, None, None, 0, "wilson")
    low, high = proportion_confint(count, n, alpha=alpha, method="wilson")
    return Interval(count / n, float(low), float(high), n, "wilson")


def mde_proportion(
    baseline: float, n_control: int, n_arm: int, alpha: float = ALPHA, power: float = POWER
) -> float | None:
    """The smallest change from `baseline` detectable with this power whichever way it goes:
    Cohen's h solved by statsmodels, turned back into a difference of proportions on both sides
    (the same h is a smaller change towards the nearer end), the larger of the two. Near 0 or 1
    one side has no room (a rate cannot pass 1), so the other answers; None if neither."""
    if n_control < 2 or n_arm < 2:
        return None
    h = float(
        NormalIndPower().solve_power(
            effect_size=None, nobs1=n_control, ratio=n_arm / n_control, alpha=alpha, power=power
        )
    )
    angle = math.asin(math.sqrt(min(max(baseline, 0.0), 1.0)))
    sides = []
    if angle + h / 2 <= math.pi / 2:
        sides.append(math.sin(angle + h / 2) ** 2 - baseline)
    if angle - h / 2 >= 0:
        sides.append(baseline - math.sin(angle - h / 2) ** 2)
    return max(sides) if sides else None


def compare_proportions(
    count_arm: int,
    n_arm: int,
    count_control: int,
    n_control: int,
    alpha: float = ALPHA,
    power: float = POWER,
) -> Test:
    """Two-proportion z-test and Newcombe's interval for (arm - control)."""
    if min(n_arm, n_control) <= 0:
        return Test(None, None, None, None, "two-proportion z-test", None)
    difference = count_arm / n_arm - count_control / n_control
    pooled = (count_arm + count_control) / (n_arm + n_control)
    if pooled in (0.0, 1.0):
        p_value = 1.0  # both arms all 0 or all 1: no evidence of any difference
    else:
        _stat, p = proportions_ztest([count_arm, count_control], [n_arm, n_control])
        p_value = float(p)
    low, high = confint_proportions_2indep(
        count_arm, n_arm, count_control, n_control, method="newcomb", alpha=alpha
    )
    mde = mde_proportion(count_control / n_control, n_control, n_arm, alpha, power)
    return Test(difference, float(low), float(high), p_value, "two-proportion z-test", mde)


# --- ratings --------------------------------------------------------------------------------------


def scores_from_counts(counts: Mapping[int, int]) -> np.ndarray:
    """The individual scores of a histogram {score: count}."""
    values = sorted(counts)
    return np.repeat(np.array(values, dtype=float), [int(counts[v]) for v in values])


def mean_t(
    values: np.ndarray, alpha: float = ALPHA, bounds: tuple[float, float] | None = None
) -> Interval:
    """The mean with a t interval (None-valued bounds below 2 values), clipped to the scale's
    ``bounds`` when given (a 1-5 rating's mean is never outside 1-5, small n or not)."""
    n = len(values)
    if n == 0:
        return Interval(None, None, None, 0, "t")
    mean = float(values.mean())
    if n < 2:
        return Interval(mean, None, None, n, "t")
    half = float(stats.t.ppf(1 - alpha / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return Interval(mean, low, high, n, "t")


def compare_means(
    arm: np.ndarray, control: np.ndarray, alpha: float = ALPHA, power: float = POWER
) -> Test:
    """Welch's t-test (and Mann-Whitney U) for the difference of means, with a Welch interval."""
    name = "Welch t-test"
    if len(arm) < 2 or len(control) < 2:
        return Test(None, None, None, None, name, None, None, "Mann-Whitney U")
    difference = float(arm.mean() - control.mean())
    va, vc = arm.var(ddof=1) / len(arm), control.var(ddof=1) / len(control)
    se = math.sqrt(va + vc)
    if se == 0:
        same = difference == 0
        return Test(difference, difference, difference, 1.0 if same else 0.0, name, None,
                    1.0 if same else 0.0, "Mann-Whitney U")  # fmt: skip
    dof = (va + vc) ** 2 / (va**2 / (len(arm) - 1) + vc**2 / (len(control) - 1))
    half = float(stats.t.ppf(1 - alpha / 2, dof)) * se
    welch = stats.ttest_ind(arm, control, equal_var=False)
    mwu = stats.mannwhitneyu(arm, control, alternative="two-sided")
    return Test(
        difference,
        difference - half,
        difference + half,
        float(welch.pvalue),
        name,
        _z(alpha, power) * se,
        float(mwu.pvalue),
        "Mann-Whitney U",
    )


# --- bootstrap ------------------------------------------------------------------------------------


def bootstrap_ratio(
    numerators: np.ndarray, denominators: np.ndarray, rng: np.random.Generator, n_boot: int
) -> np.ndarray:
    """Bootstrap replicates of sum(num)/sum(den), resampling clusters (rows) with replacement."""
    k = len(numerators)
    if k == 0:
        return np.full(n_boot, np.nan)
    out = np.empty(n_boot)
    chunk = max(1, 2_000_000 // k)  # bound the index matrix to a few MB
    for start in range(0, n_boot, chunk):
        stop = min(start + chunk, n_boot)
        picks = rng.integers(0, k, size=(stop - start, k))
        den = denominators[picks].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:stop] = numerators[picks].sum(axis=1) / den
    return out


def percentile_interval(
    value: float | None, replicates: np.ndarray, n: int, alpha: float = ALPHA
) -> Interval:
    finite = replicates[np.isfinite(replicates)]
    if value is None or len(finite) == 0:
        return Interval(value, None, None, n, "bootstrap")
    low, high = np.quantile(finite, [alpha / 2, 1 - alpha / 2])
    return Interval(value, float(low), float(high), n, "bootstrap")


def compare_bootstrap(
    difference: float | None,
    replicates_arm: np.ndarray,
    replicates_control: np.ndarray,
    alpha: float = ALPHA,
    power: float = POWER,
    name: str = "bootstrap",
) -> Test:
    """The difference of two independently bootstrapped statistics: percentile interval,
    two-sided tail probability of 0 as the p-value, MDE from the replicates' spread."""
    diffs = replicates_arm - replicates_control
    diffs = diffs[np.isfinite(diffs)]
    if difference is None or len(diffs) < 2:
        return Test(difference, None, None, None, name, None)
    if float(np.ptp(diffs)) == 0.0 and diffs[0] != 0.0:
        # No spread: each arm's resampling found one value (e.g. one buyer per arm), which
        # says nothing about chance; a zero-width interval would read as "significant".
        return Test(difference, None, None, None, name, None)
    low, high = np.quantile(diffs, [alpha / 2, 1 - alpha / 2])
    tail = min(float(np.mean(diffs <= 0)), float(np.mean(diffs >= 0)))
    p_value = min(1.0, 2 * tail)
    se = float(diffs.std(ddof=1))
    return Test(difference, float(low), float(high), p_value, name, _z(alpha, power) * se)


def gap(rates: Sequence[float]) -> float | None:
    """The largest difference between groups (max - min); None for fewer than two groups."""
    return float(max(rates) - min(rates)) if len(rates) >= 2 else None


def homogeneity(counts: np.ndarray, totals: np.ndarray) -> float | None:
    """p-value of the chi-square test that every group has the same rate. The max - min gap of
    small groups is large by chance alone; this says whether the groups differ at all."""
    if len(totals) < 2:
        return None
    table = np.stack([counts, totals - counts], axis=1)
    if table[:, 0].sum() == 0 or table[:, 1].sum() == 0:
        return 1.0  # every group all 0 or all 1: no difference
    return float(stats.chi2_contingency(table, correction=False).pvalue)


def bootstrap_gap(
    counts: np.ndarray, totals: np.ndarray, rng: np.random.Generator, n_boot: int
) -> np.ndarray:
    """Replicates of max - min of the groups' rates, resampling cases within each group (for
    0/1 outcomes that is a binomial draw at the group's observed rate)."""
    if len(totals) < 2:
        return np.full(n_boot, np.nan)
    draws = rng.binomial(totals.astype(int), counts / totals, size=(n_boot, len(totals)))
    rates = draws / totals
    return rates.max(axis=1) - rates.min(axis=1)


# --- design checks --------------------------------------------------------------------------------


def sample_ratio_mismatch(observed: Sequence[int], weights: Sequence[float]) -> tuple[float, float]:
    """Chi-square goodness of fit of arm counts to the design's weights: (statistic, p)."""
    total = sum(observed)
    if total == 0 or len(observed) < 2:
        return 0.0, 1.0
    expected = np.array(weights, dtype=float) / sum(weights) * total
    result = stats.chisquare(np.array(observed, dtype=float), expected)
    return float(result.statistic), float(result.pvalue)


def mde_from_se(se: float | None, alpha: float = ALPHA, power: float = POWER) -> float | None:
    return None if se is None else _z(alpha, power) * se


__all__ = [
    "ALPHA",
    "N_BOOT",
    "POWER",
    "Interval",
    "Test",
    "bootstrap_gap",
    "bootstrap_ratio",
    "compare_bootstrap",
    "compare_means",
    "compare_proportions",
    "gap",
    "homogeneity",
    "mde_from_se",
    "mde_proportion",
    "mean_t",
    "percentile_interval",
    "sample_ratio_mismatch",
    "scores_from_counts",
    "wilson",
]
