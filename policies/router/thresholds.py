"""The level-4 rule: when the risk score sends a case to a person.

With p = P(abusive), A = the exposure (the money a wrong automatic grant loses;
policies/router/config.py, `RouterConfig.exposure`) and c = the share of abusive claims a
review denies (`RouterConfig.review_catch_rate`), resolving a case automatically loses p * A in
expectation, and a review costs `review_cost` and still loses p * (1 - c) * A. The rule is

    auto  if and only if  p * c * A < review_cost     (equivalently p < review_cost / (c * A))

which minimises the expected cost of each case when p and c are calibrated, under the cost
model's remaining simplification: a genuine buyer loses nothing by waiting for a person. Ties
go to a person. The callers pass c * A (`RouterConfig.review_saves`) as the exposure weighed.

**Equalized-odds thresholds** (`RegionThresholds`, the deployed mitigation when the price index
alone does not meet the constraint on the training window; fitted by fairlearn's
ThresholdOptimizer, `lab.policies.fairness.fit_equalized_odds_thresholds`): for a region in
`RouterConfig.region_thresholds`, the case goes to a person with probability
`RegionThresholds.p_human(p * c * A / review_cost)`, a mix of two thresholds on the same cost ratio,
drawn with `case_uniform(case_id)` (a hash: the same case always routes the same way, and an
audit can replay it). They take precedence over the price index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np


def p_abuse_threshold(amount: Decimal, review_cost: Decimal) -> float:
    """The largest P(abusive) still resolved automatically is just below review_cost / amount."""
    if amount <= 0:
        return 1.0
    return float(review_cost / amount)


def auto_by_risk(p_abuse: float, amount: Decimal | float, review_cost: Decimal | float) -> bool:
    """The level-4 rule: automatic if and only if p * amount < review_cost."""
    return float(p_abuse) * float(amount) < float(review_cost)


@dataclass(frozen=True)
class RegionThresholds:
    """One region's randomised threshold rule on the cost ratio r = p * c * A / review_cost.

    P(person | r) = constant + sum(weight for (weight, op, t) in terms if r op t), op "<" or ">":
    the shape of fairlearn's interpolated thresholder (`lab.policies.fairness` builds it).
    """

    constant: float
    terms: tuple[tuple[float, str, float], ...]

    def __post_init__(self) -> None:
        for weight, op, _threshold in self.terms:
            if op not in ("<", ">") or weight < 0:
                raise ValueError(f"bad threshold term ({weight}, {op!r}, {_threshold})")

    def p_human(self, ratio: np.ndarray | float) -> np.ndarray:
        r = np.asarray(ratio, dtype=float)
        p = np.full(r.shape, float(self.constant))
        for weight, op, threshold in self.terms:
            p = p + weight * (r > threshold if op == ">" else r < threshold)
        return np.clip(p, 0.0, 1.0)

    def to_dict(self) -> dict:
        return {
            "constant": self.constant,
            "terms": [[w, op, _json_float(t)] for w, op, t in self.terms],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RegionThresholds:
        terms = tuple(
            (float(w), str(op), float(t))
            for w, op, t in data["terms"]  # type: ignore[union-attr]
        )
        return cls(float(data["constant"]), terms)  # type: ignore[arg-type]


def _json_float(value: float) -> float | str:
    return value if np.isfinite(value) else ("inf" if value > 0 else "-inf")


def case_uniform(key: str) -> float:
    """A uniform number in [0, 1) fixed by `key` (sha256): the randomised rule's draw."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:15], 16) / 16**15
