"""The synthetic world: deterministic by seed, plausible, and its features free of leakage."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from lab.world import DAY, REGIONS, generate_world, read_world, write_world
from lab.world.generate import _buyers
from policies.features import (
    FEATURE_NAMES,
    build_feature_frame,
    case_features,
    feature_frame,
    history_of,
)
from policies.types import BuyerHistory, ClaimType

START = datetime(2025, 1, 1, tzinfo=UTC)
SMALL = {"n_buyers": 600, "n_sellers": 40, "n_cases": 1_500, "start": START, "days": 240}


@pytest.fixture(scope="module")
def world():
    return generate_world(seed=11, **SMALL)


@pytest.fixture(scope="module")
def frame(world):
    return build_feature_frame(world)


def test_same_seed_gives_identical_tables(world) -> None:
    again = generate_world(seed=11, **SMALL)
    for name in ("buyers", "sellers", "orders", "cases"):
        pd.testing.assert_frame_equal(getattr(world, name), getattr(again, name))


def test_another_seed_gives_another_world(world) -> None:
    other = generate_world(seed=12, **SMALL)
    assert not world.cases["opened_at"].equals(other.cases["opened_at"])
    assert not world.orders["total"].equals(other.orders["total"])


def test_sizes_and_shapes(world) -> None:
    assert len(world.cases) == SMALL["n_cases"]
    assert len(world.buyers) == SMALL["n_buyers"]
    assert world.cases["opened_at"].is_monotonic_increasing
    assert world.cases["order_id"].is_unique  # at most one case per order
    assert set(world.buyers["region"]) == set(REGIONS)
    assert set(world.cases["claim_type"]) <= {t.value for t in ClaimType}


def test_distributions_are_plausible(world) -> None:
    medians = world.orders.groupby("category")["total"].median()
    assert medians["electronics"] > medians["apparel"] > medians["grocery"]
    by_region = world.orders.join(world.buyers["region"], on="buyer_id").groupby("region")["total"]
    assert by_region.median()["SG"] > by_region.median()["ID"]  # price levels
    cases = world.cases
    assert 0.05 < cases["is_abusive"].mean() < 0.35
    damage = cases["claim_type"].isin(["damaged", "defective", "wrong_item", "not_as_described"])
    photo = cases[damage].groupby("is_abusive")["has_photo"].mean()
    assert photo[True] < photo[False]  # abusers send photos less often
    agent_right = (cases["agent_decision"] == "deny") == cases["is_abusive"]
    assert 0.8 < agent_right.mean() < 0.99  # mostly right, with noise
    assert 0 < world.orders["lost"].mean() < 0.05


def test_region_acts_on_abuse_only_through_account_age() -> None:
    # Propensity is a function of account age plus noise; region shifts ages only. Within a
    # narrow age bin, every region has the same mean propensity (up to sampling noise).
    rng = np.random.default_rng(3)
    t0 = int(START.timestamp())
    buyers = _buyers(rng, 60_000, t0, t0 + 365 * DAY)
    age = np.maximum(t0 - buyers["created"], 0) / DAY
    bins = np.digitize(np.log(age + 30.0), np.linspace(3.4, 8.5, 25))
    frame = pd.DataFrame({"bin": bins, "region": buyers["region"], "p": buyers["propensity"]})
    residual = frame["p"] - frame.groupby("bin")["p"].transform("mean")
    by_region = residual.groupby(frame["region"]).mean()
    assert by_region.abs().max() < 0.006
    # ...while the raw means do differ by region, through age.
    raw = frame.groupby("region")["p"].mean()
    assert raw.max() - raw.min() > 2 * by_region.abs().max()


def test_csv_round_trip(world, tmp_path) -> None:
    manifest = write_world(world, tmp_path)
    assert manifest["cases"] == SMALL["n_cases"]
    back = read_world(tmp_path)
    pd.testing.assert_series_equal(
        back.cases["opened_at"], world.cases["opened_at"], check_dtype=False
    )
    assert back.cases["is_abusive"].tolist() == world.cases["is_abusive"].tolist()


def test_history_features_ignore_the_case_itself_and_the_future(world, frame) -> None:
    orders = world.orders
    rng = np.random.default_rng(0)
    for case_id in rng.choice(frame.index, size=40, replace=False):
        row = frame.loc[case_id]
        now = row["opened_at"]
        mine = orders[orders["buyer_id"] == row["buyer_id"]]
        past = mine[mine["placed_at"] < now]
        # The platform's view at `now`: refunds recorded only if they happened before `now`.
        as_of = [world.order_as_of(order_id, now.to_pydatetime()) for order_id in past.index]
        expected = BuyerHistory.from_orders(as_of, now.to_pydatetime())
        assert history_of(frame, case_id) == expected
        own = world.cases.loc[case_id, "refunded_at"]
        if pd.notna(own):
            assert own > now  # the case's own refund is in the future, so never counted


def test_seller_rate_counts_only_earlier_claims(world, frame) -> None:
    first = frame.groupby(frame["order_id"].map(world.orders["seller_id"])).head(1)
    # A seller's first case has no earlier damage claims: the prior alone.
    deliveries_prior = first["seller_defect_rate"] <= 1.5 / 50 + 1e-12
    assert deliveries_prior.all()


def test_single_case_features_match_the_batch(world, frame) -> None:
    for case_id in frame.index[-25:]:
        row = frame.loc[case_id]
        now = row["opened_at"].to_pydatetime()
        features = case_features(
            world.order_as_of(row["order_id"], now),
            world.claim(case_id),
            history_of(frame, case_id),
            now,
            account_created_at=world.buyers.loc[
                row["buyer_id"], "account_created_at"
            ].to_pydatetime(),
            seller_defect_rate=float(row["seller_defect_rate"]),
        )
        single = feature_frame([features])
        batch = frame.loc[[case_id], list(FEATURE_NAMES)].reset_index(drop=True)
        pd.testing.assert_frame_equal(single, batch, check_exact=False, rtol=1e-9)


def test_feature_frame_refuses_missing_columns() -> None:
    with pytest.raises(KeyError, match="order_value"):
        feature_frame([{"buyer_refunds_90d": 0}])


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        generate_world(1, 10, 20, 10, datetime(2025, 1, 1), 30)
