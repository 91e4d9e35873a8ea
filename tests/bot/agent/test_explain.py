"""The risk attribution: difference from a typical case, one feature at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bot.agent.explain import BASELINE, METHOD, attribute_risk


class RefundCounter:
    """P(abusive) rises with the buyer's refunds in 90 days and nothing else."""

    version = "counter-1"

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = np.clip(0.05 + 0.2 * X["buyer_refunds_90d"].to_numpy(), 0, 1)
        return np.column_stack([1 - p, p])


def features(**changes) -> dict:
    row = {**BASELINE, "claim_type": "damaged", "days_since_delivery": float("nan")}
    row.update(changes)
    return row


def test_the_feature_that_moved_the_score_comes_first_with_its_effect():
    result = attribute_risk(RefundCounter(), features(buyer_refunds_90d=3.0, order_value=300.0))
    assert result["method"] == METHOD and result["model_version"] == "counter-1"
    assert result["score"] == 0.65
    top = result["features"][0]
    assert top["feature"] == "buyer_refunds_90d"
    assert top["value"] == 3.0 and top["baseline"] == 0.0 and top["contribution"] == 0.6
    assert all(f["contribution"] == 0 for f in result["features"][1:])


def test_missing_features_and_the_claim_type_are_left_out():
    result = attribute_risk(RefundCounter(), features(), top=20)
    names = {f["feature"] for f in result["features"]}
    assert "days_since_delivery" not in names and "claim_type" not in names
    assert "buyer_refunds_90d" in names
