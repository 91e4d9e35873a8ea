"""What the simulated buyers say: a small phrase bank, the complete conversations built from it
with varied wording, and the orders (pushed through the webhook) those conversations are about.

A conversation is chosen at random (seeded) among: tracking a shipped order (greet, where is it,
thanks), a damaged item with a photo then "yes", policy questions, cancelling a pending order
then "yes", and asking for a person. Cancelling and damage claims are about a fresh order that
the platform pushes just before the conversation, by a buyer new to the run (with an old order
or two of history): a pooled buyer would pile up refunds and cancellations run after run, the
risk rules would then send every claim to a person, and the benchmark would drift off the
automated path (proposal, confirmation, action) that it means to load.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

PHOTO_URL = "https://img.example.com/loadtest/photo-{n}.jpg"

GREETINGS = ["hi", "hello", "hey there", "hiya", "good morning", "hello, anyone there?"]
THANKS = ["thanks", "thank you so much", "ok thanks", "great, thank u", "cheers, thanks a lot"]
GOODBYES = ["bye", "bye bye", "that's all, goodbye"]
YES = ["yes", "yes please", "yes go ahead", "ok do it", "yep, go ahead", "sure, please do"]
TRACK = [
    "where is my order {order}",
    "wheres my parcel?? order no. {order}",
    "can you tell me the status of order {order}",
    "order {order} status?",
    "when will {order} arrive",
    "hi, tracking for {order} please",
]
DAMAGED = [
    "the {item} from {order} arrived broken",
    "hello, my {item} ({order}) came damaged, see the photo",
    "order {order}: the {item} is cracked, it came like that",
    "the {item} I got in {order} stopped working after a day",
    "{item} from order {order} arrived smashed :(",
]
POLICY = [
    "how many days after delivery can I return something",
    "is there a fee for cancelling an order",
    "how long does a refund take to reach my card",
    "what's the return period for electronics?",
    "do I have to pay for return shipping",
    "can I return underwear",
]
CANCEL = [
    "please cancel {order}",
    "i need to cancel order {order}, bought it by mistake",
    "cancel {order} please, found it cheaper elsewhere",
    "hey, can you stop order {order}, i don't need it anymore",
]
HUMAN = [
    "can i talk to a real human please",
    "let me speak to an agent",
    "i want a person, not a bot",
    "connect me to customer service staff please",
]
HUMAN_FOLLOW_UP = ["it's about order {order}", "hello?", "still waiting"]

# (title, unit price, category) of the fresh orders a claim or cancellation is about.
CHEAP_ITEMS = [
    ("ceramic mug set", 18.5, "home"),
    ("desk lamp", 24.0, "home"),
    ("phone case", 12.0, "electronics"),
    ("yoga mat", 21.0, "sports"),
    ("picture frame", 15.0, "home"),
]
CANCEL_ITEMS = [
    ("wireless earbuds", 39.99, "electronics"),
    ("rice cooker", 45.0, "home"),
    ("running shoes", 60.0, "shoes"),
    ("board game", 29.0, "toys"),
]

# Relative weights of the conversation kinds.
WEIGHTS = {"track": 3, "damaged": 2, "policy": 2, "cancel": 2, "human": 1}


@dataclass(frozen=True, slots=True)
class Step:
    text: str
    photo: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text}
        if self.photo:
            body["attachments"] = [{"type": "image", "url": self.photo}]
        return body


@dataclass(frozen=True, slots=True)
class Scenario:
    """One complete conversation: the orders to push first (if any), then the buyer's turns.
    ``order`` is the one the conversation is about (the last of ``orders``)."""

    kind: str
    buyer_id: str
    steps: tuple[Step, ...]
    orders: tuple[dict[str, Any], ...] = ()

    @property
    def order(self) -> dict[str, Any] | None:
        return self.orders[-1] if self.orders else None


@dataclass(slots=True)
class Buyer:
    """A synthetic buyer and the order ids seeded for them."""

    buyer_id: str
    shipped_order: str
    history: list[str] = field(default_factory=list)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def order_payload(
    order_id: str,
    buyer_id: str,
    status: str,
    item: tuple[str, float, str],
    *,
    placed_days_ago: float,
    now: datetime | None = None,
) -> dict[str, Any]:
    """An order as the platform pushes it (contract section 3, "Orders"), dated from ``now``."""
    now = now or datetime.now(UTC)

    def ago(days: float | None) -> datetime | None:
        return None if days is None else now - timedelta(days=days)

    shipped = delivered = None
    if status in ("shipped", "delivered"):
        shipped = placed_days_ago - 0.5
    if status == "delivered":
        delivered = max(placed_days_ago - 3, 0.5)
    title, price, category = item
    return {
        "order_id": order_id,
        "buyer_id": buyer_id,
        "seller_id": "S-LOADTEST",
        "status": status,
        "currency": "USD",
        "items": [
            {
                "sku": "SKU-LT-" + title.upper().replace(" ", "-")[:12],
                "title": title,
                "category": category,
                "unit_price": price,
                "quantity": 1,
            }
        ],
        "placed_at": _iso(ago(placed_days_ago)),
        "shipped_at": _iso(ago(shipped)),
        "promised_delivery_by": _iso(ago(placed_days_ago - 7)),
        "delivered_at": _iso(ago(delivered)),
        "carrier": "SPX" if shipped is not None else None,
        "tracking_number": "SPX0123456789SG" if shipped is not None else None,
        "payment_method": "card",
        "refunded_amount": 0,
        "refunded_at": None,
    }


def buyer_orders(buyer: Buyer, now: datetime | None = None) -> list[dict[str, Any]]:
    """What to seed for a buyer: a loyal history (old delivered orders) and a shipped order."""
    payloads = [
        order_payload(oid, buyer.buyer_id, "delivered", item, placed_days_ago=days, now=now)
        for oid, item, days in zip(
            buyer.history,
            [("phone charger", 14.0, "electronics"), ("bath towel", 22.0, "home")],
            (400, 200),
            strict=False,
        )
    ]
    payloads.append(
        order_payload(
            buyer.shipped_order,
            buyer.buyer_id,
            "shipped",
            ("hiking backpack", 70.0, "sports"),
            placed_days_ago=2,
            now=now,
        )
    )
    return payloads


class OrderIds:
    """Order ids in a shape the NLU extracts (``SO-TTTT-NNNNNN``); the run tag keeps the ids of
    two runs against the same database apart."""

    def __init__(self, run_tag: int) -> None:
        if not 0 <= run_tag <= 9999:
            raise ValueError("the run tag is four digits")
        self.run_tag = run_tag
        self._numbers = itertools.count(1)

    def __call__(self) -> str:
        return f"SO-{self.run_tag:04d}-{next(self._numbers):06d}"


def make_buyers(count: int, order_ids: OrderIds) -> list[Buyer]:
    """``count`` buyers (ids ``LT<tag>-B<n>``), each with two history orders and a shipped one."""
    return [
        Buyer(
            buyer_id=f"LT{order_ids.run_tag:04d}-B{i:04d}",
            history=[order_ids(), order_ids()],
            shipped_order=order_ids(),
        )
        for i in range(count)
    ]


def _vary(rng: random.Random, text: str) -> str:
    """Small wording noise buyers make: case, trailing punctuation."""
    roll = rng.random()
    if roll < 0.15:
        text = text.lower()
    elif roll < 0.25:
        text = text[:1].upper() + text[1:]
    if rng.random() < 0.2 and (text[-1:].isalnum() or text.endswith("}")):
        text += rng.choice(["!", "?", ".", " pls"])
    return text


class ScenarioGenerator:
    """Random complete conversations (seeded, so a run is repeatable)."""

    def __init__(
        self,
        buyers: list[Buyer],
        *,
        order_ids: OrderIds,
        seed: int = 0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not buyers:
            raise ValueError("at least one buyer")
        self.buyers = buyers
        self.rng = random.Random(seed)
        self.clock = clock
        self._order_ids = order_ids
        self._photos = itertools.count(1)
        self._new_buyers = itertools.count(1)
        self._kinds = list(WEIGHTS)
        self._weights = [WEIGHTS[k] for k in self._kinds]

    def next(self, kind: str | None = None) -> Scenario:
        rng = self.rng
        kind = kind or rng.choices(self._kinds, self._weights)[0]
        buyer = rng.choice(self.buyers)
        # Wording noise on the template, so the order ids stay as the platform spells them.
        say = lambda bank, **kw: _vary(rng, rng.choice(bank)).format(**kw)  # noqa: E731
        steps: list[Step] = []
        orders: list[dict[str, Any]] = []
        if kind in ("damaged", "cancel"):
            buyer_id = f"LT{self._order_ids.run_tag:04d}-N{next(self._new_buyers):06d}"
            for days, item in (
                (420, ("bath towel", 22.0, "home")),
                (200, ("notebook set", 9.0, "books")),
            ):
                orders.append(
                    order_payload(self._order_ids(), buyer_id, "delivered", item,
                                  placed_days_ago=days, now=self.clock())
                )  # fmt: skip
        else:
            buyer_id = buyer.buyer_id
        if kind == "track":
            if rng.random() < 0.7:
                steps.append(Step(say(GREETINGS)))
            steps.append(Step(say(TRACK, order=buyer.shipped_order)))
            steps.append(Step(say(THANKS)))
        elif kind == "damaged":
            item = rng.choice(CHEAP_ITEMS)
            order = order_payload(
                self._order_ids(), buyer_id, "delivered", item,
                placed_days_ago=5, now=self.clock(),
            )  # fmt: skip
            orders.append(order)
            photo = PHOTO_URL.format(n=next(self._photos))
            steps.append(Step(say(DAMAGED, order=order["order_id"], item=item[0]), photo))
            steps.append(Step(say(YES)))
        elif kind == "policy":
            for question in rng.sample(POLICY, rng.choice((1, 2))):
                steps.append(Step(_vary(rng, question)))
            if rng.random() < 0.5:
                steps.append(Step(say(THANKS)))
        elif kind == "cancel":
            item = rng.choice(CANCEL_ITEMS)
            order = order_payload(
                self._order_ids(), buyer_id, "pending", item,
                placed_days_ago=0.5, now=self.clock(),
            )  # fmt: skip
            orders.append(order)
            steps.append(Step(say(CANCEL, order=order["order_id"])))
            steps.append(Step(say(YES)))
        elif kind == "human":
            steps.append(Step(say(HUMAN)))
            if rng.random() < 0.5:
                steps.append(Step(say(HUMAN_FOLLOW_UP, order=buyer.shipped_order)))
        else:
            raise ValueError(f"unknown conversation kind {kind!r}; one of {', '.join(WEIGHTS)}")
        if kind != "human" and rng.random() < 0.15:
            steps.append(Step(say(GOODBYES)))
        return Scenario(kind=kind, buyer_id=buyer_id, steps=tuple(steps), orders=tuple(orders))
