"""A new account alone does not send a claim of bounded exposure to a person (issue 14).

The risk model learnt that young accounts abuse more (in the synthetic world abuse propensity
rises as account age falls), and account age is what most separates a new buyer's score from an
established one's. For a claim whose exposure is **bounded** - the money moves only after the
seller has the item back and has checked it (a return-then-refund, spec 2.4 / 3.3), or the amount
is at most the spec's no-return limit ($25, DMG-3.2: the marketplace itself refunds without the
item at that value) - the router scores the claim as it would the same claim from an account at
least `RouterConfig.established_account_days` old (one year, the spec's own REV-6.2 look-back)
whenever that score is lower. The account's newness can then not raise the score; everything the
buyer did (refunds, refund rate, photo, window, seller, value) still counts. A claim paying more
than $25 at once (a refund now, a replacement shipped before the return is checked) keeps the
whole score: there a new account is what the abuse costs. A replacement the router holds until
the seller has received the return (policies/router/config.py) is bounded like a
return-then-refund, and is weighed on the capped score then (`may_wait_for_return`).

Both the router (`policies.router.levels`) and the fitting of the fairness thresholds
(`lab.policies.mitigation`) score through `capped_scores`, so the thresholds are fitted on the
scores they are applied to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd

from policies.features import feature_frame
from policies.router.case import RiskScorer
from policies.router.config import CAN_WAIT_FOR_RETURN, PAID_AFTER_RECEIPT, RouterConfig
from policies.rules import NO_RETURN_LIMIT
from policies.types import Remedy

ACCOUNT_AGE_FEATURE = "account_age_days"


def exposure_is_bounded(remedy: Remedy | str, amount: object) -> bool:
    """Paid only after the item is back, or at most the no-return limit (order's currency)."""
    return Remedy(remedy) in PAID_AFTER_RECEIPT or Decimal(str(amount)) <= NO_RETURN_LIMIT


def may_wait_for_return(remedy: Remedy | str, config: RouterConfig) -> bool:
    """A remedy the router may hold until the seller has the return (a replacement), which is then
    bounded like a return-then-refund."""
    return config.replacement_after_return and Remedy(remedy) in CAN_WAIT_FOR_RETURN


def as_established(frame: pd.DataFrame, days: float) -> pd.DataFrame:
    """The same cases with the account's age counted as at least `days`."""
    out = frame.copy()
    out[ACCOUNT_AGE_FEATURE] = np.maximum(out[ACCOUNT_AGE_FEATURE].to_numpy(dtype=float), days)
    return out


def capped_scores(
    model: RiskScorer, frame: pd.DataFrame, bounded: Sequence[bool] | np.ndarray, days: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """P(abusive) per row as the rule uses it, and the model's own P(abusive): for `bounded` rows
    the lower of the model's score and its score as an established account (`days` None: no
    cap). One call to the model (the bounded rows' established copies appended to the batch)."""
    mask = np.asarray(bounded, dtype=bool)
    if days is None or not mask.any():
        raw = np.asarray(model.predict_proba(frame)[:, 1], dtype=float)
        return raw, raw
    batch = pd.concat([frame, as_established(frame.loc[mask], days)], ignore_index=True)
    p = np.asarray(model.predict_proba(batch)[:, 1], dtype=float)
    raw = p[: len(frame)]
    capped = raw.copy()
    capped[mask] = np.minimum(raw[mask], p[len(frame) :])
    return capped, raw


def capped_scores_of_rows(
    model: RiskScorer,
    rows: Sequence[Mapping[str, object]],
    bounded: Sequence[bool] | np.ndarray,
    days: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """`capped_scores(model, feature_frame(rows), bounded, days)`, the same floats; without a
    DataFrame when the model scores rows (`RiskModel.predict_proba_rows`): a turn scores one
    case, and building its frames cost more than the compiled model's scoring."""
    rows_of = getattr(model, "predict_proba_rows", None)
    if rows_of is None:
        return capped_scores(model, feature_frame(rows), bounded, days)
    mask = np.asarray(bounded, dtype=bool)
    batch = list(rows)
    if days is not None and mask.any():
        batch += [_established(rows[k], days) for k in np.flatnonzero(mask)]
    p = np.asarray(rows_of(batch)[:, 1], dtype=float)
    raw = p[: len(rows)]
    if len(batch) == len(rows):
        return raw, raw
    capped = raw.copy()
    capped[mask] = np.minimum(raw[mask], p[len(rows) :])
    return capped, raw


def _established(row: Mapping[str, object], days: float) -> dict[str, object]:
    """`as_established` of one row: the age as `pd.to_numeric` reads it, at least `days`."""
    age = row[ACCOUNT_AGE_FEATURE]
    value = np.nan if age is None else float(age)  # type: ignore[arg-type]
    return {**row, ACCOUNT_AGE_FEATURE: float(np.maximum(value, days))}


def bounded_of(
    eligibility: Mapping[str, object] | None, config: RouterConfig | None = None
) -> bool:
    """`exposure_is_bounded` of a decision trace's eligibility (False without one); with a
    `config`, also a replacement that may wait for the return (`may_wait_for_return`): whether it
    goes to a person is decided on its bounded exposure."""
    if not eligibility:
        return False
    remedy = str(eligibility["remedy"])
    if config is not None and may_wait_for_return(remedy, config):
        return True
    return exposure_is_bounded(remedy, eligibility["amount"])
