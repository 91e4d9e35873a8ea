"""Which features pushed one case's risk score up or down: a difference-from-baseline attribution.

The risk model (gradient boosting, `policies.risk`) exposes no per-case attribution, so we
compute a simple one and say exactly what it is: for each feature, the case is re-scored with
that one feature set to a *typical* value (`BASELINE`: the median, or the most common value,
over the cases of the synthetic world the suggestions use, pinned below), all else unchanged.

    contribution(feature) = score(case) - score(case with feature := baseline)

Positive: this case's value raises the risk compared with a typical case. The contributions
are one-at-a-time and do not add up to the score (interactions are ignored); a feature the
case does not have (NaN, e.g. days since delivery of an undelivered order) is left out, and
so is the claim type, which is the question being judged rather than a trait of the case.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from policies.features import FEATURE_NAMES, feature_frame
from policies.router import RiskScorer

METHOD = "difference_from_baseline"
# Medians / modes over the 6,000 cases of lab.assist.corpus's world (seed 20261129).
BASELINE: Mapping[str, object] = {
    "buyer_refunds_90d": 0.0,
    "buyer_refund_rate_365d": 0.0,
    "buyer_orders_365d": 12.0,
    "account_age_days": 525.0,
    "order_value": 15.9,
    "days_since_delivery": 6.0,
    "days_left_in_window": 11.0,
    "has_photo": 0.0,
    "seller_defect_rate": 0.028,
    "category": "apparel",
    "carrier": "SPX",
}
TOP_FEATURES = 5


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def attribute_risk(
    model: RiskScorer, features: Mapping[str, object], top: int = TOP_FEATURES
) -> dict[str, Any]:
    """The case's score and its `top` features by absolute contribution."""
    names = [n for n in FEATURE_NAMES if n in BASELINE and not _missing(features.get(n))]
    rows = [dict(features)] + [{**features, n: BASELINE[n]} for n in names]
    scores = model.predict_proba(feature_frame(rows))[:, 1]
    score = float(scores[0])
    contributions = [
        {
            "feature": name,
            "value": _plain(features[name]),
            "baseline": BASELINE[name],
            "contribution": round(score - float(scores[i + 1]), 4),
        }
        for i, name in enumerate(names)
    ]
    contributions.sort(key=lambda c: -abs(c["contribution"]))
    return {
        "method": METHOD,
        "description": (
            "Each feature alone reset to a typical case's value (median or most common over "
            "the synthetic world); contribution = score now - score with that reset. "
            "One at a time: they do not sum to the score."
        ),
        "score": round(score, 4),
        "model_version": model.version,
        "features": contributions[:top],
    }


def _plain(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    return value
