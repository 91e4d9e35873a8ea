"""The small demo world that `aftersales-lab world seed` loads into the bot's database.

Two parts, both deterministic given (seed, anchor):

- a background marketplace from `lab.world.generate_world` (60 buyers, 12 sellers, ~400
  orders placed over the 180 days before the anchor), each order as the platform shows it *at
  the anchor* (`order_as_of`): recent ones pending or in transit, some late, some lost, older
  ones delivered, a few refunded;
- five named demo buyers, `B1`..`B5`, with hand-written orders dated relative to the anchor so
  that every policy branch can be shown in a conversation. `DEMO_SCENARIOS` lists, per order,
  the claim to try and what the rules answer; tests/lab/world/test_demo.py checks each against
  `check_eligibility`, and lab/world/WORLD.md ("Demo world") documents them.

The anchor is a UTC midnight (by default today's): every date-dependent scenario keeps a margin
of at least a day, so the documented answers hold for the whole anchor day. Nothing here
touches a database; lab/world/seed.py writes the orders.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from lab.world import generate, parameters, records
from lab.world.generate import generate_world
from lab.world.records import order_as_of
from policies import types
from policies.types import (
    BuyerHistory,
    Category,
    Claim,
    ClaimType,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    Remedy,
)

DEMO_SEED = 11
DEMO_BUYERS = 60
DEMO_SELLERS = 12  # generate_world needs one seller per category
DEMO_CASES = 45  # ~9 orders per case: ~400 orders
DEMO_DAYS = 180
DEMO_BUYER_IDS = ("B1", "B2", "B3", "B4", "B5")
# The named buyers' markets (the analytics' region slices and the router's regional thresholds
# read the buyer's region); the background buyers keep the world generator's.
DEMO_REGIONS = {"B1": "SG", "B2": "MY", "B3": "TH", "B4": "VN", "B5": "PH"}
# The source files that decide the demo's orders (the world generator was one file, world.py).
_FINGERPRINTED = tuple(
    Path(module.__file__).resolve()  # type: ignore[arg-type]
    for module in (sys.modules[__name__], generate, parameters, records, types)
)


def anchor_for(moment: datetime) -> datetime:
    """The demo world's anchor for a moment: that day's midnight, UTC."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def generator_fingerprint(seed: int = DEMO_SEED) -> str:
    """sha256 of what decides the demo's orders except the anchor: this module, the world
    generator, the types, and the seed. The seeding marker compares it (plus the anchor)."""
    digest = hashlib.sha256(json.dumps({"seed": seed}).encode())
    for path in _FINGERPRINTED:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class DemoScenario:
    """One documented demo order: the claim to try, and what the policy answers."""

    buyer_id: str
    order_id: str
    story: str
    claim: Claim
    eligible: bool
    remedy: Remedy
    needs_human: bool
    clause: str  # the clause the answer rests on


def _item(sku: str, title: str, category: Category, price: str, quantity: int = 1) -> OrderItem:
    return OrderItem(
        sku=sku, title=title, category=category, unit_price=Decimal(price), quantity=quantity
    )


def _demo_orders(anchor: datetime) -> list[Order]:
    def at(days_ago: float) -> datetime:
        return anchor - timedelta(days=days_ago)

    def delivered(
        order_id: str,
        buyer: str,
        item: OrderItem,
        days_ago: float,
        *,
        seller: str = "S00001",
        late_days: float = 0.0,
        payment: PaymentMethod = PaymentMethod.CARD,
    ) -> Order:
        # Placed a week before delivery, shipped the next day, promised 5 days after placing.
        placed = at(days_ago + 7 + late_days)
        return Order(
            order_id=order_id,
            buyer_id=buyer,
            seller_id=seller,
            status=OrderStatus.DELIVERED,
            currency="USD",
            items=(item,),
            placed_at=placed,
            shipped_at=placed + timedelta(days=1),
            promised_delivery_by=placed + timedelta(days=5),
            delivered_at=at(days_ago),
            carrier="SPX",
            tracking_number=f"SPX{order_id.replace('-', '')}",
            payment_method=payment,
        )

    def in_transit(
        order_id: str,
        buyer: str,
        item: OrderItem,
        shipped_days_ago: float,
        promised_days_ago: float,
        *,
        payment: PaymentMethod = PaymentMethod.CARD,
    ) -> Order:
        placed = at(shipped_days_ago + 1)
        return Order(
            order_id=order_id,
            buyer_id=buyer,
            seller_id="S00002",
            status=OrderStatus.SHIPPED,
            currency="USD",
            items=(item,),
            placed_at=placed,
            shipped_at=at(shipped_days_ago),
            promised_delivery_by=at(promised_days_ago),
            carrier="JNT",
            tracking_number=f"JNT{order_id.replace('-', '')}",
            payment_method=payment,
        )

    def pending(order_id: str, buyer: str, item: OrderItem, payment: PaymentMethod) -> Order:
        return Order(
            order_id=order_id,
            buyer_id=buyer,
            seller_id="S00003",
            status=OrderStatus.PENDING,
            currency="USD",
            items=(item,),
            placed_at=at(0.25),
            promised_delivery_by=at(-5),
            payment_method=payment,
        )

    def refunded(order: Order, days_ago: float) -> Order:
        return replace(
            order,
            status=OrderStatus.REFUNDED,
            refunded_amount=order.total,
            refunded_at=at(days_ago),
        )

    return [
        # B1: cancellations and change-of-mind returns.
        pending(
            "D-1001",
            "B1",
            _item("AP-100", "Linen shirt", Category.APPAREL, "32.00"),
            PaymentMethod.CARD,
        ),
        delivered("D-1002", "B1", _item("SH-200", "Running shoes", Category.SHOES, "45.00"), 5),
        delivered("D-1003", "B1", _item("AP-101", "Wool scarf", Category.APPAREL, "20.00"), 40),
        delivered(
            "D-1004", "B1", _item("EL-300", "Bluetooth speaker", Category.ELECTRONICS, "60.00"), 20
        ),
        # B2: damaged items.
        delivered("D-2001", "B2", _item("HO-400", "Ceramic mug set", Category.HOME, "18.50"), 2),
        delivered(
            "D-2002", "B2", _item("EL-301", "Wireless headphones", Category.ELECTRONICS, "79.00"), 3
        ),
        delivered("D-2003", "B2", _item("HO-401", "Glass vase", Category.HOME, "22.00"), 20),
        delivered("D-2004", "B2", _item("EL-302", "Laptop", Category.ELECTRONICS, "640.00"), 3),
        # B3: delivery problems.
        in_transit(
            "D-3001", "B3", _item("TO-500", "Building blocks", Category.TOYS, "27.90"), 12, 6
        ),
        in_transit("D-3002", "B3", _item("SP-600", "Yoga mat", Category.SPORTS, "24.00"), 2, -2),
        delivered("D-3003", "B3", _item("BO-700", "Cookbook", Category.BOOKS, "15.00"), 1 / 6),
        delivered(
            "D-3004", "B3", _item("HO-402", "Desk lamp", Category.HOME, "48.00"), 4, late_days=5
        ),
        in_transit(
            "D-3005",
            "B3",
            _item("HO-403", "Bath towels", Category.HOME, "19.00"),
            14,
            9,
            payment=PaymentMethod.COD,
        ),
        # B4: categories and payment methods with their own rules.
        delivered("D-4001", "B4", _item("GR-800", "Coffee beans", Category.GROCERY, "12.00", 2), 2),
        delivered("D-4002", "B4", _item("BE-900", "Face serum", Category.BEAUTY, "16.00"), 4),
        pending(
            "D-4003",
            "B4",
            _item("AP-102", "Rain jacket", Category.APPAREL, "38.00"),
            PaymentMethod.COD,
        ),
        delivered(
            "D-4004",
            "B4",
            _item("GR-801", "Olive oil", Category.GROCERY, "9.50"),
            3,
            payment=PaymentMethod.COD,
        ),
        # B5: a buyer with many recent refunds (REV-6.2): eligible claims go to a person.
        refunded(
            delivered("D-5001", "B5", _item("AP-103", "Dress", Category.APPAREL, "30"), 20), 15
        ),
        refunded(
            delivered("D-5002", "B5", _item("SH-201", "Sandals", Category.SHOES, "26"), 45), 40
        ),
        refunded(
            delivered("D-5003", "B5", _item("BE-901", "Perfume", Category.BEAUTY, "35"), 70), 65
        ),
        delivered("D-5004", "B5", _item("BO-701", "Novel", Category.BOOKS, "12.00"), 120),
        delivered("D-5005", "B5", _item("HO-404", "Cushion", Category.HOME, "14.00"), 200),
        delivered("D-5006", "B5", _item("TO-501", "Puzzle", Category.TOYS, "18.00"), 300),
        delivered("D-5007", "B5", _item("HO-405", "Teapot", Category.HOME, "20.00"), 2),
        # B1..B4 are long-standing customers with no refunds, as most buyers are: without this
        # history their accounts would look days old, and the risk model rightly sends claims
        # of brand-new accounts to a person, which would hide the automatic flows they demo.
        *(
            delivered(
                f"D-{n}9{k}", buyer, _item(f"HI-{n}9{k}", title, Category.HOME, price), days_ago
            )
            for n, buyer in enumerate(("B1", "B2", "B3", "B4"), start=1)
            for k, (title, price, days_ago) in enumerate(
                (
                    ("Photo frame", "14.00", 420),
                    ("Storage box", "22.00", 260),
                    ("Candle", "9.00", 150),
                )
            )
        ),
    ]


_PHOTO = Claim(ClaimType.DAMAGED, has_photo=True)

DEMO_SCENARIOS: tuple[DemoScenario, ...] = (
    DemoScenario("B1", "D-1001", "pending order, card: cancel free with a full refund",
                 Claim(ClaimType.CANCEL), True, Remedy.CANCEL, False, "CAN-1.1"),
    DemoScenario("B1", "D-1002", "shoes delivered 5 days ago: change-of-mind return, $5 deducted",
                 Claim(ClaimType.CHANGE_OF_MIND_RETURN), True, Remedy.RETURN_THEN_REFUND, False,
                 "RET-2.1"),
    DemoScenario("B1", "D-1003", "scarf delivered 40 days ago: return window closed",
                 Claim(ClaimType.CHANGE_OF_MIND_RETURN), False, Remedy.NONE, False, "RET-2.1"),
    DemoScenario("B1", "D-1004", "electronics delivered 20 days ago: 15-day window closed",
                 Claim(ClaimType.CHANGE_OF_MIND_RETURN), False, Remedy.NONE, False, "RET-2.1"),
    DemoScenario("B2", "D-2001", "mug set ($18.50) broken, with photo: refund, no return",
                 _PHOTO, True, Remedy.REFUND, False, "DMG-3.2"),
    DemoScenario("B2", "D-2002", "headphones ($79) broken, with photo: return, then refund",
                 _PHOTO, True, Remedy.RETURN_THEN_REFUND, False, "DMG-3.3"),
    DemoScenario("B2", "D-2002", "the same claim without a photo: a photo is asked for",
                 Claim(ClaimType.DAMAGED), False, Remedy.NONE, False, "DMG-3.1"),
    DemoScenario("B2", "D-2003", "vase reported 20 days after delivery: report window passed",
                 _PHOTO, False, Remedy.NONE, False, "DMG-3.1"),
    DemoScenario("B2", "D-2004", "laptop ($640) broken: eligible, over the $100 limit: a person",
                 _PHOTO, True, Remedy.RETURN_THEN_REFUND, True, "REV-6.1"),
    DemoScenario("B3", "D-3001", "parcel 6 days past its promised date: full refund",
                 Claim(ClaimType.NOT_RECEIVED), True, Remedy.REFUND, False, "INR-4.1"),
    DemoScenario("B3", "D-3002", "parcel in transit, due in 2 days: wait",
                 Claim(ClaimType.NOT_RECEIVED), False, Remedy.WAIT_AND_CHECK, False, "INR-4.1"),
    DemoScenario("B3", "D-3003", "scanned delivered 4 hours ago, not found: wait 48 hours",
                 Claim(ClaimType.NOT_RECEIVED), False, Remedy.WAIT_AND_CHECK, False, "INR-4.2"),
    DemoScenario("B3", "D-3004", "lamp delivered 5 days late: voucher of 10% ($4.80)",
                 Claim(ClaimType.LATE_DELIVERY), True, Remedy.VOUCHER, False, "INR-4.3"),
    DemoScenario("B3", "D-3005", "cash-on-delivery parcel 9 days late: cancelled, nothing to pay",
                 Claim(ClaimType.NOT_RECEIVED), True, Remedy.CANCEL, False, "CAN-1.3"),
    DemoScenario("B3", "D-3001", "cancel a shipped order: refused",
                 Claim(ClaimType.CANCEL), False, Remedy.NONE, False, "CAN-1.2"),
    DemoScenario("B4", "D-4001", "coffee beans (grocery): no change-of-mind return",
                 Claim(ClaimType.CHANGE_OF_MIND_RETURN), False, Remedy.NONE, False, "RET-2.2"),
    DemoScenario("B4", "D-4001", "...but damaged grocery is covered: refund",
                 _PHOTO, True, Remedy.REFUND, False, "DMG-3.4"),
    DemoScenario("B4", "D-4002", "face serum (beauty): the bot first asks if it was opened",
                 Claim(ClaimType.CHANGE_OF_MIND_RETURN), False, Remedy.NONE, False, "RET-2.2"),
    DemoScenario("B4", "D-4002", "opened beauty item: no change-of-mind return",
                 Claim(ClaimType.CHANGE_OF_MIND_RETURN, opened=True), False, Remedy.NONE, False,
                 "RET-2.2"),
    DemoScenario("B4", "D-4003", "pending cash-on-delivery order: cancel, nothing to refund",
                 Claim(ClaimType.CANCEL), True, Remedy.CANCEL, False, "CAN-1.3"),
    DemoScenario("B4", "D-4004", "payment problem (COD order): always a person",
                 Claim(ClaimType.PAYMENT_PROBLEM), False, Remedy.NONE, True, "REV-6.3"),
    DemoScenario("B5", "D-5007", "teapot ($20) broken, but 3 refunds in 90 days: a person",
                 _PHOTO, True, Remedy.REFUND, True, "REV-6.2"),
)  # fmt: skip


def _world(anchor: datetime, seed: int) -> generate.World:
    return generate_world(
        seed,
        DEMO_BUYERS,
        DEMO_SELLERS,
        DEMO_CASES,
        anchor - timedelta(days=DEMO_DAYS),
        DEMO_DAYS,
    )


def demo_orders(anchor: datetime, seed: int = DEMO_SEED) -> list[Order]:
    """Every order of the demo world at `anchor` (a UTC midnight): background, then B1..B5."""
    if anchor != anchor_for(anchor):
        raise ValueError(f"anchor must be a UTC midnight, got {anchor.isoformat()}")
    records = _world(anchor, seed).orders.to_dict(orient="index")
    background = [order_as_of(row, anchor, order_id=str(oid)) for oid, row in records.items()]
    return background + _demo_orders(anchor)


def demo_regions(anchor: datetime, seed: int = DEMO_SEED) -> dict[str, str]:
    """Every demo buyer's region: the world generator's for the background buyers, the fixed
    `DEMO_REGIONS` for B1..B5 (seeded with their orders, as a platform sends it)."""
    world = _world(anchor, seed)
    regions = {str(buyer): str(region) for buyer, region in world.buyers["region"].items()}
    return {**regions, **DEMO_REGIONS}


def demo_history(orders: Sequence[Order], buyer_id: str, now: datetime) -> BuyerHistory:
    """A buyer's REV-6.2 counts from the demo orders (what the store's `history` computes)."""
    return BuyerHistory.from_orders([o for o in orders if o.buyer_id == buyer_id], now)


__all__ = [
    "DEMO_BUYER_IDS",
    "DEMO_REGIONS",
    "DEMO_SCENARIOS",
    "DEMO_SEED",
    "DemoScenario",
    "anchor_for",
    "demo_history",
    "demo_orders",
    "demo_regions",
    "generator_fingerprint",
]
