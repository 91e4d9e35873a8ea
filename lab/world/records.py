"""Typed values and tables of the synthetic world: what the rules see (`Order`, `Claim`) and
the pandas tables a `World` holds, built from the generator's arrays.

`order_as_of` and `claim_of` rebuild the typed values from a table row, so evaluations, the
demo world and the simulator see an order as the platform showed it at a given moment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pandas as pd

from lab.world.parameters import CARRIERS, CATEGORIES, CURRENCY, KINDS, REGIONS
from policies.types import (
    Category,
    Claim,
    ClaimType,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
)


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _order_id(i: int) -> str:
    return f"O{i:07d}"


def order_from_arrays(i: int, row: dict, now: datetime) -> Order:
    t = int(now.timestamp())
    shipped = int(row["shipped"]) <= t
    delivered = shipped and not row["lost"] and int(row["delivered"]) <= t
    if delivered:
        status = OrderStatus.DELIVERED
    elif shipped:
        status = OrderStatus.SHIPPED
    else:
        status = OrderStatus.PENDING
    refunded = 0 <= int(row["refunded_at"]) <= t
    carrier = CARRIERS[int(row["carrier"])]
    category = CATEGORIES[int(row["category"])]
    return Order(
        order_id=_order_id(i),
        buyer_id=_buyer_id(int(row["buyer"])),
        seller_id=_seller_id(int(row["seller"])),
        status=OrderStatus.REFUNDED if refunded else status,
        currency=CURRENCY,
        items=(
            OrderItem(
                sku=f"SKU-{i}",
                title=f"{category.value} item",
                category=category,
                unit_price=_money(float(row["unit_price"])),
                quantity=int(row["quantity"]),
            ),
        ),
        placed_at=utc(int(row["placed"])),
        shipped_at=utc(int(row["shipped"])) if shipped else None,
        promised_delivery_by=utc(int(row["promised"])),
        delivered_at=utc(int(row["delivered"])) if delivered else None,
        carrier=carrier if shipped else None,
        tracking_number=_tracking(i, carrier) if shipped and row["tracked"] else None,
        payment_method=tuple(PaymentMethod)[int(row["payment"])],
        refunded_amount=_money(float(row["refund_amount"])) if refunded else Decimal("0"),
        refunded_at=utc(int(row["refunded_at"])) if refunded else None,
    )


def claim_from_arrays(cases: dict[str, np.ndarray], i: int) -> Claim:
    return Claim(
        type=ClaimType(cases["claim_type"][i]),
        has_photo=bool(cases["has_photo"][i]),
        opened=bool(cases["opened"][i]) if cases["beauty"][i] else None,
        prefers_replacement=bool(cases["prefers_replacement"][i]),
        seller_has_stock=bool(cases["seller_has_stock"][i]),
    )


def _tracking(i: int, carrier: str) -> str:
    return f"{carrier[:3].upper()}{i:010d}"


def _buyer_id(i: int) -> str:
    return f"B{i:06d}"


def _seller_id(i: int) -> str:
    return f"S{i:05d}"


def order_as_of(
    row: pd.Series | Mapping[str, object], now: datetime, order_id: str | None = None
) -> Order:
    """Build the `Order` an `orders` table row showed at `now` (future events hidden).

    `row` is a row of the table (a Series named by its order id) or, much faster in a loop, a
    `to_dict(orient="index")` record with its `order_id` passed.
    """
    i = int(str(row.name if order_id is None else order_id)[1:])  # type: ignore[union-attr]

    def seconds(value: object) -> int:
        return -1 if pd.isna(value) else int(pd.Timestamp(value).timestamp())

    arrays = {
        "buyer": int(str(row["buyer_id"])[1:]),
        "seller": int(str(row["seller_id"])[1:]),
        "category": CATEGORIES.index(Category(row["category"])),
        "unit_price": float(row["unit_price"]),
        "quantity": int(row["quantity"]),
        "payment": tuple(PaymentMethod).index(PaymentMethod(row["payment_method"])),
        "carrier": CARRIERS.index(row["carrier"]),
        "tracked": bool(row["tracked"]),
        "placed": seconds(row["placed_at"]),
        "shipped": seconds(row["shipped_at"]),
        "promised": seconds(row["promised_delivery_by"]),
        "delivered": seconds(row["delivered_at"]),
        "lost": bool(row["lost"]),
        "refund_amount": float(row["refunded_amount"]),
        "refunded_at": seconds(row["refunded_at"]),
    }
    return order_from_arrays(i, arrays, now)


def claim_of(row: pd.Series | Mapping[str, object]) -> Claim:
    """Build the `Claim` of a `cases` table row."""
    opened = row["opened"]
    return Claim(
        type=ClaimType(row["claim_type"]),
        has_photo=bool(row["has_photo"]),
        opened=None if pd.isna(opened) else bool(opened),
        prefers_replacement=bool(row["prefers_replacement"]),
        seller_has_stock=bool(row["seller_has_stock"]),
    )


# --- tables --------------------------------------------------------------------------------------


def _times(seconds: np.ndarray, missing: np.ndarray | None = None) -> pd.DatetimeIndex:
    # An index, not a Series: a Series would be aligned on the table's index and come out NaT.
    values = pd.to_datetime(np.asarray(seconds, dtype=np.int64), unit="s", utc=True)
    return values if missing is None else values.where(~np.asarray(missing))


def buyer_table(b: dict[str, np.ndarray]) -> pd.DataFrame:
    n = len(b["region"])
    return pd.DataFrame(
        {
            "region": np.array(REGIONS)[b["region"]],
            "account_created_at": _times(b["created"]),
            "abuse_propensity": np.round(b["propensity"], 6),
        },
        index=pd.Index([_buyer_id(i) for i in range(n)], name="buyer_id"),
    )


def seller_table(s: dict[str, np.ndarray]) -> pd.DataFrame:
    n = len(s["category"])
    return pd.DataFrame(
        {
            "category": np.array([c.value for c in CATEGORIES])[s["category"]],
            "defect_rate": np.round(s["defect_rate"], 6),
            "late_ship_rate": np.round(s["late_ship_rate"], 6),
        },
        index=pd.Index([_seller_id(i) for i in range(n)], name="seller_id"),
    )


def order_table(o: dict[str, np.ndarray]) -> pd.DataFrame:
    n = len(o["placed"])
    carrier = np.array(CARRIERS)[o["carrier"]]
    ids = np.arange(n)
    refunded = o["refunded_at"] >= 0
    return pd.DataFrame(
        {
            "buyer_id": [_buyer_id(i) for i in o["buyer"]],
            "seller_id": [_seller_id(i) for i in o["seller"]],
            "category": np.array([c.value for c in CATEGORIES])[o["category"]],
            "unit_price": o["unit_price"],
            "quantity": o["quantity"],
            "total": o["total"],
            "payment_method": np.array([p.value for p in PaymentMethod])[o["payment"]],
            "carrier": carrier,
            "tracked": o["tracked"],
            "tracking_number": [
                _tracking(i, c) if t else ""
                for i, c, t in zip(ids, carrier, o["tracked"], strict=True)
            ],
            "placed_at": _times(o["placed"]),
            "shipped_at": _times(o["shipped"]),
            "promised_delivery_by": _times(o["promised"]),
            "delivered_at": _times(o["delivered"], missing=o["lost"]),
            "lost": o["lost"],
            "refunded_amount": o["refund_amount"],
            "refunded_at": _times(np.where(refunded, o["refunded_at"], 0), missing=~refunded),
        },
        index=pd.Index([_order_id(i) for i in range(n)], name="order_id"),
    )


def case_table(c: dict[str, np.ndarray], orders: dict[str, np.ndarray]) -> pd.DataFrame:
    order = c["order"]
    refunded = c["refunded_at"] >= 0
    table = pd.DataFrame(
        {
            "order_id": [_order_id(i) for i in order],
            "buyer_id": [_buyer_id(i) for i in orders["buyer"][order]],
            "seller_id": [_seller_id(i) for i in orders["seller"][order]],
            "opened_at": _times(c["opened_at"]),
            "claim_type": c["claim_type"].astype(str),
            "has_photo": c["has_photo"],
            "opened": pd.array(np.where(c["beauty"], c["opened"], False), dtype="boolean"),
            "prefers_replacement": c["prefers_replacement"],
            "seller_has_stock": c["seller_has_stock"],
            "policy_eligible": c["policy_eligible"],
            "policy_needs_human": c["policy_needs_human"],
            "policy_remedy": c["policy_remedy"].astype(str),
            "policy_amount": c["policy_amount"],
            "policy_reasons": c["policy_reasons"].astype(str),
            "kind": np.array([k.name for k in KINDS])[c["kind"]],
            "is_abusive": c["is_abusive"],
            "agent_decision": np.where(c["agent_approves"], "approve", "deny"),
            "refund_amount": c["refund_amount"],
            "refunded_at": _times(np.where(refunded, c["refunded_at"], 0), missing=~refunded),
        }
    )
    table.loc[~c["beauty"], "opened"] = pd.NA  # the rules only ask about opened beauty items
    table = table.sort_values(["opened_at", "order_id"], kind="stable").reset_index(drop=True)
    table.index = pd.Index([f"C{i:07d}" for i in range(len(table))], name="case_id")
    return table


# --- files ---------------------------------------------------------------------------------------
