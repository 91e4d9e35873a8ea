"""Risk features known at decision time, for one live case or for a whole synthetic world.

Every history feature counts only what happened strictly before the case opened: the buyer's
orders and refunds, the seller's claims and deliveries. A case never sees its own outcome (its
refund comes after it opens) nor anything later. Region is deliberately *not* a feature: the
model must earn its accuracy from behaviour, and the fairness audit uses region only to check.

`case_features` builds one row from the typed values the router has; `build_feature_frame`
builds every case of a world's tables at once (vectorised), with the same columns and dtypes,
plus the ground truth and bookkeeping columns the evaluation needs. The two live side by side so
that training and serving compute the same features; the tables' shape is a `WorldTables`
protocol, so this module does not import the synthetic world (lab/world), which imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

import numpy as np
import pandas as pd

from policies.currency import usd_equivalent
from policies.rules import (
    DAMAGE_CLAIMS,
    ELECTRONICS_RETURN_WINDOW_DAYS,
    REPORT_WINDOW_DAYS,
    RETURN_WINDOW_DAYS,
)
from policies.types import (
    ORDER_LOOKBACK,
    REFUND_LOOKBACK,
    BuyerHistory,
    Category,
    Claim,
    ClaimType,
    Order,
    require_aware,
)

# The carriers the model knows by name; any other is "other", no carrier yet is "none".
KNOWN_CARRIERS = ("SPX", "JNT", "NinjaVan", "Flash", "LEX", "GHN")

NUMERIC_FEATURES = (
    "buyer_refunds_90d",
    "buyer_refund_rate_365d",
    "buyer_orders_365d",
    "account_age_days",
    "order_value",
    "days_since_delivery",  # NaN while the order is not delivered
    "days_left_in_window",  # NaN for claims without a report or return window
    "has_photo",
    "seller_defect_rate",
)
CATEGORICAL_FEATURES: Mapping[str, tuple[str, ...]] = {
    "category": tuple(c.value for c in Category),
    "claim_type": tuple(t.value for t in ClaimType),
    "carrier": (*KNOWN_CARRIERS, "other", "none"),
}
FEATURE_NAMES = (*NUMERIC_FEATURES, *CATEGORICAL_FEATURES)

# Smoothing of the seller's historical defect rate: a Beta prior worth 50 deliveries at 3%, so a
# new seller starts near the marketplace average instead of at 0/0.
SELLER_PRIOR_DEFECTS = 1.5
SELLER_PRIOR_DELIVERIES = 50.0

AGE_BANDS = ("<30d", "30-180d", "180d-1y", "1-3y", "3y+")
_AGE_EDGES = (30.0, 180.0, 365.0, 3 * 365.0)

_DAY = 86_400
_EPOCH = pd.Timestamp(0, tz="UTC")
_GROUP = np.int64(2**33)  # key = group * 2**33 + Unix seconds; seconds stay below 2**33


class WorldTables(Protocol):
    """The tables of a synthetic world (`lab.world.World` has them; columns in WORLD.md)."""

    @property
    def buyers(self) -> pd.DataFrame: ...

    @property
    def sellers(self) -> pd.DataFrame: ...

    @property
    def orders(self) -> pd.DataFrame: ...

    @property
    def cases(self) -> pd.DataFrame: ...


def account_age_band(days: float | np.ndarray) -> np.ndarray:
    """The fairness audit's account-age bands for ages in days."""
    return np.array(AGE_BANDS, dtype=object)[np.searchsorted(_AGE_EDGES, days, side="right")]


def smoothed_defect_rate(damage_claims: int, deliveries: int) -> float:
    """The seller's smoothed share of delivered orders with a damage-family claim."""
    return (damage_claims + SELLER_PRIOR_DEFECTS) / (deliveries + SELLER_PRIOR_DELIVERIES)


def account_created_at(
    recorded: datetime | None, orders: Iterable[Order], now: datetime
) -> datetime:
    """When the buyer's account began, as the risk features count its age: the platform's record
    of the buyer, but never later than their oldest order, nor than `now`.

    The buyer row of a live store only says when the bot first heard of the buyer (orders pushed
    in bulk all look new), which would score every long-standing customer as a brand-new account;
    an account is at least as old as its first order.
    """
    require_aware(now, "now")
    candidates = [o.placed_at for o in orders]
    if recorded is not None:
        candidates.append(recorded)
    return min([*candidates, now])


def case_features(
    order: Order,
    claim: Claim,
    history: BuyerHistory,
    now: datetime,
    *,
    account_created_at: datetime,
    seller_defect_rate: float,
) -> dict[str, object]:
    """One case's features from the values the router has at `now`.

    `history` must count the buyer's orders and refunds as of `now` (`BuyerHistory.from_orders`
    over the orders as the platform shows them now); `seller_defect_rate` is the seller's rate
    as of now (see `smoothed_defect_rate()`).
    """
    require_aware(now, "now")
    require_aware(account_created_at, "account_created_at")
    delivered = order.delivered_at is not None and order.delivered_at <= now
    days_since = _calendar_days(order.delivered_at, now) if delivered else float("nan")
    # Orders of several lines take the category of the most valuable line.
    category = max(order.items, key=lambda item: item.subtotal).category
    orders = history.orders_last_365_days
    return {
        "buyer_refunds_90d": float(history.refunds_last_90_days),
        "buyer_refund_rate_365d": history.refunded_orders_last_365_days / orders if orders else 0.0,
        "buyer_orders_365d": float(orders),
        "account_age_days": (now - account_created_at).total_seconds() / _DAY,
        # The model's money is USD-equivalent (policies/currency.py); the order's is its own.
        "order_value": float(usd_equivalent(order.total, order.currency)),
        "days_since_delivery": days_since,
        "days_left_in_window": _days_left(claim.type, category, days_since),
        "has_photo": float(claim.has_photo),
        "seller_defect_rate": float(seller_defect_rate),
        "category": category.value,
        "claim_type": claim.type.value,
        "carrier": _carrier_label(order.carrier if order.shipped_at is not None else None),
    }


def feature_frame(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Rows from `case_features` as the model's input frame (fixed column order and dtypes)."""
    return as_model_input(pd.DataFrame(list(rows)))


def is_model_input(frame: pd.DataFrame) -> bool:
    """True when `frame` is exactly what `as_model_input` returns: the feature columns in
    order, float64 numbers, categoricals over their fixed vocabulary."""
    if list(frame.columns) != list(FEATURE_NAMES):
        return False
    dtypes = frame.dtypes
    for name in NUMERIC_FEATURES:
        if dtypes[name] != np.float64:
            return False
    for name, vocabulary in CATEGORICAL_FEATURES.items():
        dtype = dtypes[name]
        if not isinstance(dtype, pd.CategoricalDtype) or list(dtype.categories) != list(vocabulary):
            return False
    return True


def as_model_input(frame: pd.DataFrame) -> pd.DataFrame:
    """The feature columns of `frame`, in `FEATURE_NAMES` order, with the model's dtypes.

    Categoricals get their full, fixed vocabulary so codes mean the same at training and at
    decision time; an unknown value becomes missing, which the models handle.
    """
    if is_model_input(frame):
        # Already converted (the router's frame reaches the model's predict_proba, which
        # converts again): a turn's risk scoring paid for each conversion, ~3 ms of pandas.
        return frame
    missing = [name for name in FEATURE_NAMES if name not in frame.columns]
    if missing:
        raise KeyError(f"feature frame lacks column(s) {missing}; expected {list(FEATURE_NAMES)}")
    out = pd.DataFrame(index=frame.index)
    for name in NUMERIC_FEATURES:
        out[name] = pd.to_numeric(frame[name]).astype("float64")
    for name, vocabulary in CATEGORICAL_FEATURES.items():
        out[name] = pd.Categorical(frame[name].astype(str), categories=vocabulary)
    return out


def build_feature_frame(world: WorldTables) -> pd.DataFrame:
    """Every case of `world` with its decision-time features, sorted by `opened_at`.

    Besides `FEATURE_NAMES` the frame carries: `opened_at`, `order_id`, `buyer_id`, `region`,
    `age_band`, `buyer_refunded_orders_365d` (for the REV-6.2 flags), `amount` (what the policy
    would move), the policy columns of the world, and the truth `is_abusive` / `agent_decision`.
    """
    cases, orders, buyers = (
        world.cases.sort_values("opened_at", kind="stable"),
        world.orders,
        world.buyers,
    )
    t = _seconds(cases["opened_at"]).astype(np.int64)
    order_rows = orders.loc[cases["order_id"]]
    buyer_index = pd.Index(buyers.index)
    case_buyer = buyer_index.get_indexer(cases["buyer_id"]).astype(np.int64)
    order_buyer = buyer_index.get_indexer(orders["buyer_id"]).astype(np.int64)

    placed = _seconds(orders["placed_at"]).astype(np.int64)
    refunded_at = _seconds(orders["refunded_at"])
    refunded = ~np.isnan(refunded_at)
    lag = refunded_at[refunded] - placed[refunded]
    if len(lag) and lag.max() >= ORDER_LOOKBACK.total_seconds():
        # The 365-day refunded-order count below relies on refunds following orders within a year.
        raise ValueError("a refund came more than 365 days after its order; cannot count history")
    year = int(ORDER_LOOKBACK.total_seconds())
    quarter = int(REFUND_LOOKBACK.total_seconds())
    placed_keys = _sorted_keys(order_buyer, placed)
    refund_keys = _sorted_keys(order_buyer[refunded], refunded_at[refunded].astype(np.int64))
    refund_placed_keys = _sorted_keys(order_buyer[refunded], placed[refunded])

    orders_365 = _count_in(placed_keys, case_buyer, t - year, t)
    refunds_90 = _count_in(refund_keys, case_buyer, t - quarter, t)
    # Orders placed in [t - 365d, t) and refunded before t: every refund before t, minus those on
    # orders placed before the window (all of which were refunded before t, see the check above).
    refunded_365 = _count_in(refund_keys, case_buyer, None, t) - _count_in(
        refund_placed_keys, case_buyer, None, t - year
    )

    # Seller history: damage-family claims opened before t over deliveries before t.
    seller_index = pd.Index(world.sellers.index)
    all_cases = world.cases
    damage = all_cases["claim_type"].isin([c.value for c in DAMAGE_CLAIMS]).to_numpy()
    claim_keys = _sorted_keys(
        seller_index.get_indexer(all_cases.loc[damage, "seller_id"]).astype(np.int64),
        _seconds(all_cases.loc[damage, "opened_at"]).astype(np.int64),
    )
    delivered_at = _seconds(orders["delivered_at"])
    has_delivery = ~np.isnan(delivered_at)
    delivery_keys = _sorted_keys(
        seller_index.get_indexer(orders.loc[has_delivery, "seller_id"]).astype(np.int64),
        delivered_at[has_delivery].astype(np.int64),
    )
    case_seller = seller_index.get_indexer(cases["seller_id"]).astype(np.int64)
    seller_claims = _count_in(claim_keys, case_seller, None, t)
    seller_deliveries = _count_in(delivery_keys, case_seller, None, t)

    order_delivered = _seconds(order_rows["delivered_at"])
    is_delivered = ~np.isnan(order_delivered) & (order_delivered <= t)
    days_since = np.where(
        is_delivered, t // _DAY - np.floor(np.nan_to_num(order_delivered) / _DAY), np.nan
    )
    category = order_rows["category"].to_numpy()
    claim_type = cases["claim_type"].to_numpy()
    window = _window_days(claim_type, category)
    shipped = _seconds(order_rows["shipped_at"]) <= t
    carrier = np.where(shipped, order_rows["carrier"].to_numpy(), None)
    created = _seconds(buyers["account_created_at"])[case_buyer]
    raw = pd.DataFrame(
        {
            "buyer_refunds_90d": refunds_90,
            "buyer_refund_rate_365d": np.where(
                orders_365 > 0, refunded_365 / np.maximum(orders_365, 1), 0.0
            ),
            "buyer_orders_365d": orders_365,
            "account_age_days": (t - created) / _DAY,
            "order_value": order_rows["total"].to_numpy(),
            "days_since_delivery": days_since,
            "days_left_in_window": window - days_since,
            "has_photo": cases["has_photo"].to_numpy(dtype=float),
            "seller_defect_rate": (seller_claims + SELLER_PRIOR_DEFECTS)
            / (seller_deliveries + SELLER_PRIOR_DELIVERIES),
            "category": category,
            "claim_type": claim_type,
            "carrier": [_carrier_label(c) for c in carrier],
        },
        index=cases.index,
    )
    frame = as_model_input(raw)
    frame["opened_at"] = cases["opened_at"]
    frame["order_id"] = cases["order_id"]
    frame["buyer_id"] = cases["buyer_id"]
    frame["region"] = buyers["region"].to_numpy()[case_buyer]
    frame["age_band"] = account_age_band(frame["account_age_days"].to_numpy())
    frame["buyer_refunded_orders_365d"] = refunded_365
    frame["amount"] = cases["policy_amount"]
    for column in (
        "policy_eligible",
        "policy_needs_human",
        "policy_remedy",
        "policy_reasons",
        "is_abusive",
        "agent_decision",
    ):
        frame[column] = cases[column]
    return frame


def history_of(frame: pd.DataFrame, case_id: str) -> BuyerHistory:
    """The REV-6.2 counts of one row of `build_feature_frame`."""
    row = frame.loc[case_id]
    return BuyerHistory(
        refunds_last_90_days=int(row["buyer_refunds_90d"]),
        orders_last_365_days=int(row["buyer_orders_365d"]),
        refunded_orders_last_365_days=int(row["buyer_refunded_orders_365d"]),
    )


# --- helpers -------------------------------------------------------------------------------------


def _seconds(series: pd.Series) -> np.ndarray:
    """Unix seconds of a datetime column, NaN where missing."""
    return ((series - _EPOCH) / pd.Timedelta(seconds=1)).to_numpy(dtype=float)


def _sorted_keys(group: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    return np.sort(group * _GROUP + seconds)


def _count_in(
    keys: np.ndarray, group: np.ndarray, lower: np.ndarray | None, upper: np.ndarray
) -> np.ndarray:
    """Per query, the events of its group with lower <= time < upper (lower None: no bound)."""
    base = group * _GROUP
    low = base if lower is None else base + np.maximum(lower, 0)
    return np.searchsorted(keys, base + upper, side="left") - np.searchsorted(
        keys, low, side="left"
    )


def _calendar_days(start: datetime, now: datetime) -> int:
    # The rules count calendar days in the delivery scan's timezone (rules.windows.days_since).
    return (now.astimezone(start.tzinfo or UTC).date() - start.date()).days


def _window_days(claim_type: np.ndarray, category: np.ndarray) -> np.ndarray:
    change = claim_type == ClaimType.CHANGE_OF_MIND_RETURN.value
    damage = np.isin(claim_type, [c.value for c in DAMAGE_CLAIMS])
    return_window = np.where(
        category == Category.ELECTRONICS.value, ELECTRONICS_RETURN_WINDOW_DAYS, RETURN_WINDOW_DAYS
    )
    return np.where(change, return_window, np.where(damage, REPORT_WINDOW_DAYS, np.nan))


def _days_left(claim_type: ClaimType, category: Category, days_since: float) -> float:
    window = _window_days(np.array([claim_type.value]), np.array([category.value]))[0]
    return float(window - days_since)


def _carrier_label(carrier: object) -> str:
    if carrier is None or (isinstance(carrier, float) and np.isnan(carrier)) or carrier == "":
        return "none"
    return str(carrier) if carrier in KNOWN_CARRIERS else "other"


__all__ = [
    "AGE_BANDS",
    "CATEGORICAL_FEATURES",
    "FEATURE_NAMES",
    "KNOWN_CARRIERS",
    "NUMERIC_FEATURES",
    "account_age_band",
    "account_created_at",
    "as_model_input",
    "build_feature_frame",
    "case_features",
    "feature_frame",
    "history_of",
    "is_model_input",
    "smoothed_defect_rate",
]
