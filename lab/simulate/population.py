"""Who the simulated buyers are and what happened to them: drawn from the synthetic world.

`build_population(n, seed, ids)` generates a small world (`lab.world.generate_world`,
deterministic by seed) and turns it into `n` planned conversations (`SimCase`). Most are the
world's own after-sales cases, one per buyer: the claim type, the photo, whether a beauty item
was opened, the preference for a replacement, and the truth (was the claim abusive) all come
from the world, and so do the order and the buyer's whole order history *as it stood when the
case opened*. A few buyers without a case ask a policy question instead.

A buyer's latent type is "abusive" when the world realised their abuse propensity as at least
one abusive case (the world draws abusive cases in proportion to that propensity), "genuine"
otherwise. The type decides how they talk (`lab.simulate.persona`); the chosen case decides
what they claim, so an abusive buyer can have a genuine problem (``claim_genuine`` records it).

Every order carries the buyer's region and account creation date (the webhook's optional
``buyer_region`` and ``buyer_account_created_at``), as a platform that sends them would. Times
are shifted so that the case opens *now*: the bot, which decides at the real clock, sees the
order exactly as the world's policy saw it (a parcel 6 days late is 6 days late). Ids are tagged
per run (`RunIds`), so reruns against the same database never collide.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from lab.world import World, generate_world, order_as_of
from policies.features import build_feature_frame, history_of
from policies.rules.review import review_flags
from policies.types import Order

# The world's calendar (deterministic by seed); conversations are shifted to the real clock.
WORLD_START = datetime(2025, 1, 1, tzinfo=UTC)
WORLD_DAYS = 365
# Conversations that are a policy question by a buyer with no case (the world has none).
POLICY_SHARE = 0.08

# What the buyer claims, by the world's kind of case (claim wording: lab.simulate.phrases).
CLAIM_OF_KIND = {
    "cancel": "cancel",
    "change_of_mind": "return",
    "wardrobing": "return",
    "lost_parcel": "not_received",
    "in_transit": "not_received",
    "porch_theft": "porch_theft",
    "false_not_received": "porch_theft",
    "late_voucher": "late_delivery",
    "payment_problem": "payment_problem",
    "human_requested": "human",
    "dispute": "dispute",
}
DAMAGE_KINDS = {"damage", "false_damage"}  # the claim is the world's claim type
# The reason a buyer picks when the bot asks "what went wrong" (bot's REASONS values).
REASON_OF_CLAIM = {
    "damaged": "damaged",
    "defective": "damaged",
    "wrong_item": "wrong_item",
    "not_as_described": "wrong_item",
    "not_received": "not_received",
    "porch_theft": "not_received",
    "late_delivery": "late_delivery",
    "return": "change_of_mind_return",
}
TITLES = {
    "apparel": ["linen shirt", "denim jacket", "summer dress", "hoodie", "batik shirt"],
    "shoes": ["running shoes", "sandals", "sneakers", "leather boots"],
    "electronics": ["wireless earbuds", "power bank", "bluetooth speaker", "smart watch"],
    "home": ["rice cooker", "ceramic mug set", "desk lamp", "towel set", "glass vase"],
    "beauty": ["face serum", "lipstick set", "sunscreen", "hair dryer brush"],
    "toys": ["building blocks set", "plush bear", "remote control car"],
    "sports": ["yoga mat", "dumbbell set", "badminton racket"],
    "books": ["cookbook", "paperback novel", "notebook set"],
    "grocery": ["coffee beans", "instant noodles box", "olive oil"],
    "underwear": ["socks pack", "cotton briefs"],
    "digital": ["game top-up code", "e-gift card"],
    "custom": ["engraved necklace", "custom phone case", "printed photo mug"],
}


@dataclass(frozen=True)
class RunIds:
    """Ids for one run. Order ids are 15 digits (a shape buyers type and the NLU extracts):
    a 7-digit run tag then a counter; buyer and seller ids carry the tag too."""

    tag: int

    def __post_init__(self) -> None:
        if not 0 <= self.tag < 10**7:
            raise ValueError(f"run tag must have at most 7 digits, got {self.tag}")

    def buyer(self, world_id: str) -> str:
        return f"SIM{self.tag:07d}-{world_id}"

    def seller(self, world_id: str) -> str:
        return f"SIM{self.tag:07d}-{world_id}"

    def order(self, world_id: str) -> str:
        return f"{self.tag:07d}{int(world_id.lstrip('O')):08d}"


@dataclass(frozen=True)
class SimBuyer:
    buyer_id: str  # as the bot knows them
    world_buyer_id: str
    region: str
    account_created_at: datetime  # world time
    abuse_propensity: float
    latent_type: str  # "genuine" | "abusive"


@dataclass(frozen=True)
class SimCase:
    """One planned conversation: who, what they claim, the truth, and the orders to push."""

    index: int
    buyer: SimBuyer
    scenario: str  # the world's kind of case, or "policy_question"
    claim: str  # a key of phrases.OPENERS, or "policy"
    claim_genuine: bool
    world_case_id: str | None
    opened_at: datetime  # world time the case opens (mapped to "now" when it runs)
    order_id: str | None  # the order the claim is about (run id)
    item: str | None
    category: str | None
    order_total: float | None
    has_photo: bool
    opened: bool | None  # beauty items: was it opened
    prefers_replacement: bool
    history: tuple[Order, ...]  # the buyer's orders at opened_at (run ids), oldest first
    # What the policy alone makes of the case (`policy_route`): the bound on what any bot
    # following the policy can settle itself.
    policy_route: str = "question"  # "auto" | "person" | "refuse" | "question"
    policy_reason: str = ""  # the first policy reason (policies.types.Reason) or review flag

    @property
    def latent_type(self) -> str:
        return self.buyer.latent_type

    @property
    def reason(self) -> str | None:
        return REASON_OF_CLAIM.get(self.claim)

    def account_age_days(self) -> float:
        return (self.opened_at - self.buyer.account_created_at).total_seconds() / 86_400

    def order_payloads(self, now: datetime) -> list[dict[str, Any]]:
        """The buyer's orders as the platform pushes them, dated so that the case opens now."""
        shift = now - self.opened_at
        created = _iso(self.buyer.account_created_at, shift)
        return [order_payload(order, shift, self.buyer.region, created) for order in self.history]


def _iso(moment: datetime | None, shift: timedelta) -> str | None:
    if moment is None:
        return None
    return (moment + shift).astimezone(UTC).isoformat().replace("+00:00", "Z")


def order_payload(
    order: Order,
    shift: timedelta,
    buyer_region: str | None = None,
    buyer_account_created_at: str | None = None,
) -> dict[str, Any]:
    """The contract's order JSON (contract.md section 3) of a domain order, times shifted; with
    the webhook's optional ``buyer_region`` (the router's regional thresholds, the analytics'
    region slices) and ``buyer_account_created_at`` (the risk model's account age: the world's
    orders span one year, so the oldest order alone makes every buyer under a year old)."""
    payload: dict[str, Any] = {
        "order_id": order.order_id,
        "buyer_id": order.buyer_id,
        "seller_id": order.seller_id,
        "status": order.status.value,
        "currency": order.currency,
        "items": [
            {
                "sku": item.sku,
                "title": item.title,
                "category": item.category.value,
                "unit_price": float(item.unit_price),
                "quantity": item.quantity,
            }
            for item in order.items
        ],
        "placed_at": _iso(order.placed_at, shift),
        "shipped_at": _iso(order.shipped_at, shift),
        "promised_delivery_by": _iso(order.promised_delivery_by, shift),
        "delivered_at": _iso(order.delivered_at, shift),
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "payment_method": order.payment_method.value,
        "refunded_amount": float(order.refunded_amount),
        "refunded_at": _iso(order.refunded_at, shift),
    }
    if buyer_region is not None:
        payload["buyer_region"] = buyer_region
    if buyer_account_created_at is not None:
        payload["buyer_account_created_at"] = buyer_account_created_at
    return payload


def _title(seed: int, world_order_id: str, category: str) -> str:
    digest = hashlib.sha256(f"{seed}:{world_order_id}".encode()).digest()
    bank = TITLES[category]
    return bank[digest[0] % len(bank)]


class _Orders:
    """The world's orders of a buyer as of a moment, renamed to the run's ids."""

    def __init__(self, world: World, ids: RunIds, seed: int) -> None:
        self.ids, self.seed = ids, seed
        self.records = world.orders.to_dict(orient="index")
        self.by_buyer = world.orders.groupby("buyer_id").groups

    def history(self, world_buyer_id: str, at: datetime) -> tuple[Order, ...]:
        names = self.by_buyer.get(world_buyer_id, [])
        stamp = pd.Timestamp(at)
        rows = [
            (str(oid), self.records[oid])
            for oid in names
            if self.records[oid]["placed_at"] <= stamp
        ]
        rows.sort(key=lambda pair: pair[1]["placed_at"])
        return tuple(self.order(oid, row, at) for oid, row in rows)

    def order(self, world_id: str, row: dict[str, Any], at: datetime) -> Order:
        order = order_as_of(row, at, order_id=world_id)
        category = order.items[0].category.value
        item = replace(
            order.items[0],
            sku=f"SKU-{self.ids.order(world_id)}",
            title=_title(self.seed, world_id, category),
        )
        return replace(
            order,
            order_id=self.ids.order(world_id),
            buyer_id=self.ids.buyer(str(row["buyer_id"])),
            seller_id=self.ids.seller(str(row["seller_id"])),
            items=(item,),
        )


def plan_world(n_claims: int, seed: int) -> World:
    """The world the claims are drawn from: the smallest of 3x, 6x... the claims in buyers and
    cases that has `n_claims` buyers with a case (about 45% of buyers open one)."""
    size = max(60, 3 * n_claims)
    while True:
        world = generate_world(seed, size, max(12, size // 20), size, WORLD_START, WORLD_DAYS)
        if world.cases["buyer_id"].nunique() >= n_claims:
            return world
        size *= 2


def build_population(
    n: int, seed: int, ids: RunIds, *, policy_share: float = POLICY_SHARE
) -> list[SimCase]:
    """`n` planned conversations (deterministic by seed and run ids), in a shuffled order."""
    if n < 1:
        raise ValueError(f"n must be positive, got {n}")
    n_policy = round(n * policy_share)
    n_claims = n - n_policy
    world = plan_world(n_claims, seed)
    first = _first_cases(world, seed)
    rng = random.Random(seed)
    orders = _Orders(world, ids, seed)
    abusers = set(world.cases.loc[world.cases["is_abusive"], "buyer_id"])
    buyers = world.buyers

    def sim_buyer(world_id: str) -> SimBuyer:
        row = buyers.loc[world_id]
        return SimBuyer(
            buyer_id=ids.buyer(world_id),
            world_buyer_id=world_id,
            region=str(row["region"]),
            account_created_at=row["account_created_at"].to_pydatetime(),
            abuse_propensity=float(row["abuse_propensity"]),
            latent_type="abusive" if world_id in abusers else "genuine",
        )

    frame = build_feature_frame(world)
    plans: list[SimCase] = []
    for case_id, case in first.head(n_claims).iterrows():
        opened_at = case["opened_at"].to_pydatetime()
        history = orders.history(case["buyer_id"], opened_at)
        order = next(o for o in history if o.order_id == ids.order(case["order_id"]))
        kind = str(case["kind"])
        claim = str(case["claim_type"]) if kind in DAMAGE_KINDS else CLAIM_OF_KIND[kind]
        opened = case["opened"]
        route, why = policy_route(frame, str(case_id))
        plans.append(
            SimCase(
                index=0,
                buyer=sim_buyer(case["buyer_id"]),
                scenario=kind,
                claim=claim,
                claim_genuine=not bool(case["is_abusive"]),
                world_case_id=str(case_id),
                opened_at=opened_at,
                order_id=order.order_id,
                item=order.items[0].title,
                category=order.items[0].category.value,
                order_total=float(order.total),
                has_photo=bool(case["has_photo"]),
                opened=None if pd.isna(opened) else bool(opened),
                prefers_replacement=bool(case["prefers_replacement"]),
                history=history,
                policy_route=route,
                policy_reason=why,
            )
        )
    end = WORLD_START + timedelta(days=WORLD_DAYS)
    quiet = sorted(set(world.orders["buyer_id"]) - set(world.cases["buyer_id"]))
    rng.shuffle(quiet)
    for world_id in quiet[:n_policy]:
        plans.append(
            SimCase(
                index=0,
                buyer=sim_buyer(world_id),
                scenario="policy_question",
                claim="policy",
                claim_genuine=True,
                world_case_id=None,
                opened_at=end,
                order_id=None,
                item=None,
                category=None,
                order_total=None,
                has_photo=False,
                opened=None,
                prefers_replacement=False,
                history=orders.history(world_id, end),
            )
        )
    rng.shuffle(plans)
    return [replace(plan, index=i) for i, plan in enumerate(plans)]


def policy_route(frame: pd.DataFrame, case_id: str) -> tuple[str, str]:
    """Where the policy alone sends a world case, with its first reason: "auto" (eligible, no
    person needed: a bot may settle it), "person" (a person decides: REV-6.1 to 6.5, INR-4.2 after
    48 hours) or "refuse" (not eligible: a refusal, a wait, a damage claim without a photo).

    The world's policy columns leave out the REV-6.2 review flags (`lab.world.generate`), so they
    are applied here from the buyer's history when the case opened, as the bot does.
    """
    row = frame.loc[case_id]
    reasons = [r for r in str(row["policy_reasons"]).split("|") if r]
    first = reasons[0] if reasons else ""
    if bool(row["policy_needs_human"]):
        return "person", first
    if not bool(row["policy_eligible"]):
        return "refuse", first
    flags = review_flags(history_of(frame, case_id))
    if flags:
        return "person", flags[0].value
    return "auto", first


def _first_cases(world: World, seed: int) -> pd.DataFrame:
    """One case per claimant buyer, chosen uniformly among theirs, in a seeded random order."""
    cases = world.cases
    keys = np.random.default_rng(seed).random(len(cases))
    chosen = cases.assign(_key=keys).sort_values("_key").drop_duplicates("buyer_id")
    return chosen.drop(columns="_key")
