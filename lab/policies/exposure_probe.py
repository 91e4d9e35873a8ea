"""Which eligible claims a spec reader expects to be automatic does the router send to a person?

    python -m lab.policies.exposure_probe [--artifacts artifacts/risk] [--out /tmp/probe.csv]

A grid of eligible claims (claim kind x amount x account x region) routed as the live product
routes them: the orders the conversation evaluation pushes (`lab.simulate.conversations`: a new
account has only the claimed order, a loyal one four delivered orders over 400 days), the buyer's
history and account start read from those orders as `bot.risk_features` reads them
(`BuyerHistory.from_orders`, `account_created_at`, the smoothed defect rate of a seller with only
this buyer's deliveries), the shipped model and the router settings saved beside it. No HTTP, no
NLU: each claim's intent at confidence 1.0.

A region's fairness thresholds send a case to a person with probability P(person) drawn per
order (`case_uniform`); the probe reports that probability rather than one draw, since the draw
depends on the order id. Region "-" is a buyer whose market the platform did not send (the
conversation evaluation's buyers): the plain cost rule p x exposure < review cost.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd

from policies.features import account_created_at, case_features, smoothed_defect_rate
from policies.risk import RiskModel
from policies.risk_artifact import load_router_config
from policies.router import Decision, RiskScorer, Route, RouterConfig, RoutingCase, route_many
from policies.types import (
    BuyerHistory,
    Category,
    Claim,
    ClaimType,
    Order,
    OrderItem,
    OrderStatus,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
AMOUNTS = (Decimal(5), Decimal(20), Decimal(45), Decimal(70), Decimal(95))
ACCOUNTS = ("new", "loyal")
REGIONS = (None, "ID", "MY", "PH", "SG", "TH", "VN")
# A new account in the conversation evaluation: its only order was placed this many days ago.
NEW_ACCOUNT_ORDER_AGE_DAYS = 10
LOYAL_HISTORY_DAYS = (400, 300, 200, 120)  # lab.simulate.conversations.history_orders("loyal")


@dataclass(frozen=True)
class ClaimKind:
    """One kind of eligible claim and the order it is made on."""

    name: str
    claim: Claim
    category: Category
    status: OrderStatus
    delivered_days_ago: float | None
    promised_days_ago: float


KINDS = (
    ClaimKind(
        "damaged_refund_photo",
        Claim(ClaimType.DAMAGED, has_photo=True),
        Category.HOME,
        OrderStatus.DELIVERED,
        3,
        6,
    ),
    ClaimKind(
        "not_received_refund",
        Claim(ClaimType.NOT_RECEIVED),
        Category.HOME,
        OrderStatus.SHIPPED,
        None,
        5,
    ),
    ClaimKind(
        "late_voucher",
        Claim(ClaimType.LATE_DELIVERY),
        Category.HOME,
        OrderStatus.DELIVERED,
        1,
        6,
    ),
    ClaimKind(
        "cancel_pending", Claim(ClaimType.CANCEL), Category.HOME, OrderStatus.PENDING, None, -5
    ),
    ClaimKind(
        "change_of_mind_return",
        Claim(ClaimType.CHANGE_OF_MIND_RETURN),
        Category.APPAREL,
        OrderStatus.DELIVERED,
        5,
        8,
    ),
    ClaimKind(
        "wrong_item_return",
        Claim(ClaimType.WRONG_ITEM, has_photo=True),
        Category.APPAREL,
        OrderStatus.DELIVERED,
        3,
        6,
    ),
    ClaimKind(
        "wrong_item_replacement",
        Claim(ClaimType.WRONG_ITEM, has_photo=True, prefers_replacement=True),
        Category.APPAREL,
        OrderStatus.DELIVERED,
        3,
        6,
    ),
)


def _ago(days: float | None) -> datetime | None:
    return None if days is None else NOW - timedelta(days=days)


def claimed_order(kind: ClaimKind, amount: Decimal, buyer_id: str) -> Order:
    """The order the claim is on, placed 10 days ago (as the conversation set's orders)."""
    placed = float(NEW_ACCOUNT_ORDER_AGE_DAYS)
    shipped = None if kind.status is OrderStatus.PENDING else placed - 0.5
    return Order(
        order_id=f"{buyer_id}-O",
        buyer_id=buyer_id,
        seller_id=f"SEL-{buyer_id}",
        status=kind.status,
        currency="USD",
        items=(OrderItem("SKU-0", "Item", kind.category, amount, 1),),
        placed_at=_ago(placed),  # type: ignore[arg-type]
        shipped_at=_ago(shipped),
        promised_delivery_by=_ago(kind.promised_days_ago),
        delivered_at=_ago(kind.delivered_days_ago),
        carrier="SPX" if shipped is not None else None,
    )


def history(account: str, buyer_id: str) -> list[Order]:
    """The account's past orders, as `lab.simulate.conversations.history_orders` pushes them."""
    if account == "new":
        return []
    if account != "loyal":
        raise ValueError(f"unknown account kind {account!r}")
    lamp = OrderItem("SKU-H", "Desk lamp", Category.HOME, Decimal(30), 1)
    return [
        Order(
            order_id=f"{buyer_id}-H{i}",
            buyer_id=buyer_id,
            seller_id=f"SEL-{buyer_id}",
            status=OrderStatus.DELIVERED,
            currency="USD",
            items=(lamp,),
            placed_at=NOW - timedelta(days=days),
            shipped_at=NOW - timedelta(days=days - 0.5),
            delivered_at=NOW - timedelta(days=days - 3),
            carrier="SPX",
        )
        for i, days in enumerate(LOYAL_HISTORY_DAYS)
    ]


def probe_cases() -> list[tuple[dict[str, object], RoutingCase]]:
    """Every cell of the grid: its labels and the `RoutingCase` the live product would build."""
    out = []
    for kind in KINDS:
        for amount in AMOUNTS:
            for account in ACCOUNTS:
                for region in REGIONS:
                    buyer_id = f"P-{kind.name}-{amount}-{account}-{region or 'none'}"
                    order = claimed_order(kind, amount, buyer_id)
                    orders = [order, *history(account, buyer_id)]
                    # The store first heard of the buyer now; the account starts at its oldest
                    # order (`bot.store.cases.buyer_since_in`, no `buyer_account_created_at`).
                    created = account_created_at(NOW, orders, NOW)
                    buyer_history = BuyerHistory.from_orders(orders, NOW)
                    deliveries = sum(o.delivered_at is not None for o in orders)
                    features = case_features(
                        order,
                        kind.claim,
                        buyer_history,
                        NOW,
                        account_created_at=created,
                        seller_defect_rate=smoothed_defect_rate(0, deliveries),
                    )
                    case = RoutingCase(
                        now=NOW,
                        nlu_intent="probe",
                        nlu_confidence=1.0,
                        order=order,
                        claim=kind.claim,
                        history=buyer_history,
                        risk_features=features,
                        case_id=order.order_id,
                        region=region,
                    )
                    labels = {
                        "kind": kind.name,
                        "amount": float(amount),
                        "account": account,
                        "region": region or "-",
                    }
                    out.append((labels, case))
    return out


def probe(risk_model: RiskScorer, config: RouterConfig) -> pd.DataFrame:
    """One row per grid cell: the route, the level's reason, and the risk level's figures."""
    cells = probe_cases()
    decisions = route_many([case for _, case in cells], risk_model=risk_model, config=config)
    return pd.DataFrame(
        [{**labels, **_figures(d)} for (labels, _), d in zip(cells, decisions, strict=True)]
    )


def _figures(d: Decision) -> dict[str, object]:
    trace = d.trace
    eligibility = trace.get("eligibility") or {}
    p_human = trace.get("p_human")
    if p_human is None:  # no randomised rule: the route is certain
        p_human = 1.0 if d.route is Route.HUMAN else 0.0
    return {
        "eligible": eligibility.get("eligible"),
        "remedy": eligibility.get("remedy"),
        "reason": d.reason_codes[0],
        "p_abuse": trace.get("score"),
        "model_score": trace.get("model_score"),
        "exposure": None if trace.get("exposure") is None else float(trace["exposure"]),
        "expected_loss": trace.get("expected_loss"),
        "threshold": trace.get("threshold"),
        "p_person": float(p_human),
    }


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Expected hand-offs per kind x account (summed P(person) over amounts and regions)."""
    return (
        table.groupby(["kind", "account"], sort=False)["p_person"]
        .agg(expected_to_person="sum", cells="count")
        .round(2)
        .reset_index()
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lab.policies.exposure_probe", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--artifacts", type=Path, default=Path("artifacts/risk"))
    parser.add_argument("--out", type=Path, default=None, help="CSV of every cell")
    args = parser.parse_args(argv)
    model = RiskModel.load(args.artifacts)
    table = probe(model, load_router_config(args.artifacts))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out, index=False)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 500)
    print(summary(table).to_string(index=False))
    print(
        f"\nexpected hand-offs of {len(table)} eligible-claim cells: {table['p_person'].sum():.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
