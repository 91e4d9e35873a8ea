"""A synthetic marketplace with ground truth: buyers, sellers, orders and after-sales cases.

`generate_world` is deterministic by seed (one `numpy.random.Generator`). It exists so the risk
model, the router and the fairness audit can be trained and judged against a truth that a real
log never has: which claims were abusive. policies/WORLD.md documents every modelling choice;
the short version:

- Money is in USD-equivalent for every region (a region's price level scales its prices), so the
  policy's dollar limits apply unchanged. Every order has one line (one SKU, a quantity).
- Each buyer has a latent abuse propensity (beta-distributed) correlated with account age through
  a Gaussian copula. Region has *no* direct effect on abuse: regions differ in account ages and
  price levels, and abuse follows those observables only, so a fair model is attainable.
- Every order may give rise to at most one case, of one of a few "kinds" (genuine damage,
  wardrobing, a false not-received claim...). Each kind has a per-order weight from the order's
  facts (seller defect rate, lateness, loss, the buyer's propensity, value) and its own law for
  when the case opens; the cases are drawn from those weights.
- The policy outcome of each case is the project's own `check_eligibility` on the order as it
  stood when the case opened. In the historical log every case was decided by a human agent,
  who is right most of the time; approved money remedies become refunds, which feed later
  buyers' refund histories (what spec 6.2 looks at).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from policies.features import KNOWN_CARRIERS
from policies.rules import check_eligibility
from policies.types import (
    BuyerHistory,
    Category,
    Claim,
    ClaimType,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    Reason,
    Remedy,
)

DAY = 86_400  # seconds; every time inside the generator is an int of Unix seconds
CURRENCY = "USD"  # USD-equivalent everywhere, see the module docstring

REGIONS = ("SG", "MY", "TH", "VN", "PH", "ID")
REGION_SHARE = {"SG": 0.10, "MY": 0.12, "TH": 0.16, "VN": 0.17, "PH": 0.15, "ID": 0.30}
# Price level relative to TH, applied to every category's price distribution.
PRICE_LEVEL = {"SG": 1.6, "MY": 1.15, "TH": 1.0, "VN": 0.85, "PH": 0.85, "ID": 0.8}
# Mean account age at the world's start, days. Younger markets have more new accounts; this is
# the only route by which region is related to abuse (through account age).
MEAN_ACCOUNT_AGE_DAYS = {"SG": 1100, "MY": 900, "TH": 800, "VN": 600, "PH": 600, "ID": 550}
# Payment mix (card, wallet, cash on delivery).
PAYMENT_MIX = {
    "SG": (0.60, 0.38, 0.02),
    "MY": (0.45, 0.45, 0.10),
    "TH": (0.35, 0.40, 0.25),
    "VN": (0.20, 0.45, 0.35),
    "PH": (0.20, 0.40, 0.40),
    "ID": (0.20, 0.50, 0.30),
}
PROMISED_DAYS = {"SG": 3, "MY": 5, "TH": 5, "VN": 6, "PH": 7, "ID": 7}
CARRIERS = KNOWN_CARRIERS
CARRIER_LOSS_RATE = {
    "SPX": 0.010,
    "JNT": 0.015,
    "NinjaVan": 0.012,
    "Flash": 0.020,
    "LEX": 0.010,
    "GHN": 0.018,
}
CARRIER_SPEED = {"SPX": 0.9, "JNT": 1.0, "NinjaVan": 1.0, "Flash": 1.1, "LEX": 0.95, "GHN": 1.05}
REGION_CARRIERS = {
    "SG": ("SPX", "NinjaVan", "LEX"),
    "MY": ("SPX", "JNT", "NinjaVan", "LEX"),
    "TH": ("SPX", "Flash", "JNT", "LEX"),
    "VN": ("SPX", "GHN", "JNT", "LEX"),
    "PH": ("SPX", "JNT", "NinjaVan", "LEX"),
    "ID": ("SPX", "JNT", "NinjaVan", "LEX"),
}
NO_TRACKING_RATE = 0.02  # some sellers ship without a tracking number

CATEGORIES = tuple(Category)
CATEGORY_SHARE = {
    Category.APPAREL: 0.18,
    Category.SHOES: 0.06,
    Category.ELECTRONICS: 0.11,
    Category.HOME: 0.13,
    Category.BEAUTY: 0.12,
    Category.TOYS: 0.05,
    Category.SPORTS: 0.05,
    Category.BOOKS: 0.04,
    Category.GROCERY: 0.12,
    Category.UNDERWEAR: 0.05,
    Category.DIGITAL: 0.04,
    Category.CUSTOM: 0.05,
}
# Unit price: lognormal with this median (USD at TH price level) and log-sd.
PRICE = {
    Category.APPAREL: (14.0, 0.6),
    Category.SHOES: (28.0, 0.5),
    Category.ELECTRONICS: (55.0, 0.95),
    Category.HOME: (18.0, 0.8),
    Category.BEAUTY: (11.0, 0.6),
    Category.TOYS: (14.0, 0.65),
    Category.SPORTS: (22.0, 0.7),
    Category.BOOKS: (9.0, 0.4),
    Category.GROCERY: (5.0, 0.6),
    Category.UNDERWEAR: (7.0, 0.45),
    Category.DIGITAL: (8.0, 0.8),
    Category.CUSTOM: (24.0, 0.7),
}
EXTRA_QUANTITY = {Category.GROCERY: 0.8, Category.UNDERWEAR: 0.5, Category.BEAUTY: 0.3}
# How often an item of the category breaks or disappoints (multiplies the seller's defect rate).
FRAGILITY = {
    Category.APPAREL: 0.7,
    Category.SHOES: 0.7,
    Category.ELECTRONICS: 1.6,
    Category.HOME: 1.3,
    Category.BEAUTY: 1.1,
    Category.TOYS: 1.0,
    Category.SPORTS: 0.8,
    Category.BOOKS: 0.6,
    Category.GROCERY: 1.2,
    Category.UNDERWEAR: 0.5,
    Category.DIGITAL: 0.4,
    Category.CUSTOM: 1.3,
}
# How often buyers change their mind about an item of the category.
CHANGE_OF_MIND = {
    Category.APPAREL: 2.0,
    Category.SHOES: 2.0,
    Category.ELECTRONICS: 1.0,
    Category.HOME: 0.8,
    Category.BEAUTY: 0.6,
    Category.TOYS: 0.6,
    Category.SPORTS: 0.8,
    Category.BOOKS: 0.4,
    Category.GROCERY: 0.1,
    Category.UNDERWEAR: 0.3,
    Category.DIGITAL: 0.2,
    Category.CUSTOM: 0.3,
}

# Latent abuse propensity: Beta(a, b) marginal, tied to account age by a Gaussian copula.
ABUSE_BETA = (0.1, 5.0)  # mean ~0.02, long right tail: a few buyers abuse a lot
ABUSE_AGE_CORRELATION = 0.45  # copula correlation of propensity with -log(account age)
NEW_ACCOUNT_SHARE = 0.25  # accounts that sign up during the generated period
LOG_AGE_CENTRE, LOG_AGE_SCALE = 6.0, 1.3  # fixed standardisation of log(age + 30 days)

# The human agent of the historical log: right most of the time, fooled by some abuse.
AGENT_APPROVES_GENUINE = 0.95
AGENT_APPROVES_ABUSIVE = 0.45

# Orders generated per requested case; the case weights are rescaled to hit the case count.
ORDERS_PER_CASE = 9
DAMAGE_TYPES = (
    ClaimType.DAMAGED,
    ClaimType.DEFECTIVE,
    ClaimType.WRONG_ITEM,
    ClaimType.NOT_AS_DESCRIBED,
)
GENUINE_DAMAGE_MIX = (0.35, 0.30, 0.15, 0.20)
FALSE_DAMAGE_MIX = (0.30, 0.25, 0.15, 0.30)  # "not as described" is the abuser's favourite


@dataclass(frozen=True)
class _Kind:
    """One way a case comes about: its claim type, truth, and evidence habits."""

    name: str
    claim_type: ClaimType | None  # None: a damage-family type drawn per case
    abusive: bool
    photo_rate: float
    opened_rate: float  # for beauty items only


KINDS = (
    _Kind("cancel", ClaimType.CANCEL, False, 0.0, 0.0),
    _Kind("change_of_mind", ClaimType.CHANGE_OF_MIND_RETURN, False, 0.15, 0.30),
    _Kind("wardrobing", ClaimType.CHANGE_OF_MIND_RETURN, True, 0.10, 0.65),
    _Kind("damage", None, False, 0.88, 0.70),
    _Kind("false_damage", None, True, 0.55, 0.70),
    _Kind("lost_parcel", ClaimType.NOT_RECEIVED, False, 0.05, 0.0),
    _Kind("in_transit", ClaimType.NOT_RECEIVED, False, 0.05, 0.0),
    _Kind("porch_theft", ClaimType.NOT_RECEIVED, False, 0.15, 0.0),
    _Kind("false_not_received", ClaimType.NOT_RECEIVED, True, 0.05, 0.0),
    _Kind("late_voucher", ClaimType.LATE_DELIVERY, False, 0.0, 0.0),
    _Kind("payment_problem", ClaimType.PAYMENT_PROBLEM, False, 0.10, 0.0),
    _Kind("human_requested", ClaimType.HUMAN_REQUESTED, False, 0.05, 0.0),
    _Kind("dispute", ClaimType.DISPUTE, False, 0.30, 0.0),
)
KIND_INDEX = {kind.name: i for i, kind in enumerate(KINDS)}
_MONEY_REMEDIES = frozenset({Remedy.REFUND, Remedy.RETURN_THEN_REFUND, Remedy.CANCEL})


@dataclass(frozen=True)
class World:
    """The generated tables. Times are pandas UTC datetimes; money is USD-equivalent floats.

    `buyers.abuse_propensity`, `cases.kind`, `cases.is_abusive` and `cases.agent_decision` are
    ground truth / historical labels, never features. `cases` is sorted by `opened_at`.
    """

    seed: int
    start: datetime
    days: int
    buyers: pd.DataFrame
    sellers: pd.DataFrame
    orders: pd.DataFrame
    cases: pd.DataFrame

    def order_as_of(self, order_id: str, now: datetime) -> Order:
        """The order as the platform showed it at `now` (no future shipping, delivery, refund)."""
        return order_as_of(self.orders.loc[order_id], now)

    def claim(self, case_id: str) -> Claim:
        """The buyer's claim of a case, as a `policies.types.Claim`."""
        return claim_of(self.cases.loc[case_id])

    def summary(self) -> dict:
        """Counts and rates for a quick look (and for the CLI's manifest)."""
        cases = self.cases
        scored = cases["claim_type"].isin(
            [t.value for t in (ClaimType.CHANGE_OF_MIND_RETURN, *DAMAGE_TYPES)]
            + [ClaimType.NOT_RECEIVED.value]
        )
        return {
            "seed": self.seed,
            "start": self.start.isoformat(),
            "days": self.days,
            "buyers": len(self.buyers),
            "sellers": len(self.sellers),
            "orders": len(self.orders),
            "cases": len(cases),
            "abusive_share": round(float(cases["is_abusive"].mean()), 4),
            "abusive_share_contestable_claims": round(
                float(cases.loc[scored, "is_abusive"].mean()), 4
            ),
            "agent_approval_rate": round(float((cases["agent_decision"] == "approve").mean()), 4),
            "claim_types": cases["claim_type"].value_counts().sort_index().to_dict(),
            "regions": self.buyers["region"].value_counts().sort_index().to_dict(),
        }


def generate_world(
    seed: int,
    n_buyers: int,
    n_sellers: int,
    n_cases: int,
    start: datetime,
    days: int,
) -> World:
    """Generate a marketplace of `n_buyers` and `n_sellers` over `days` days from `start`.

    About `ORDERS_PER_CASE * n_cases` orders are placed uniformly over the period and exactly
    `n_cases` cases are opened on them (cases may open a few weeks after the last order).
    Deterministic: the same arguments give identical tables.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError(f"start must be timezone-aware, got {start.isoformat()}")
    if min(n_buyers, n_sellers, n_cases, days) < 1:
        raise ValueError(
            f"n_buyers, n_sellers, n_cases and days must be positive, got "
            f"{n_buyers}, {n_sellers}, {n_cases}, {days}"
        )
    if n_sellers < len(CATEGORIES):
        raise ValueError(f"n_sellers must be at least {len(CATEGORIES)} (one per category)")
    rng = np.random.default_rng(seed)
    t0 = int(start.astimezone(UTC).timestamp())
    t_end = t0 + days * DAY
    buyers = _buyers(rng, n_buyers, t0, t_end)
    sellers = _sellers(rng, n_sellers)
    orders = _orders(rng, buyers, sellers, ORDERS_PER_CASE * n_cases, t0, t_end)
    cases = _cases(rng, buyers, sellers, orders, n_cases)
    _record_outcomes(rng, orders, cases)
    return World(
        seed=seed,
        start=start,
        days=days,
        buyers=_buyer_table(buyers),
        sellers=_seller_table(sellers),
        orders=_order_table(orders),
        cases=_case_table(cases, orders),
    )


# --- buyers and sellers --------------------------------------------------------------------------


def _buyers(rng: np.random.Generator, n: int, t0: int, t_end: int) -> dict[str, np.ndarray]:
    shares = np.array([REGION_SHARE[r] for r in REGIONS])
    region = rng.choice(len(REGIONS), size=n, p=shares / shares.sum())
    mean_age = np.array([MEAN_ACCOUNT_AGE_DAYS[r] for r in REGIONS])[region]
    # Most accounts exist at the start (gamma-distributed ages); the rest sign up during the
    # window, uniformly, and everyone has at least a month to shop.
    age_at_start = rng.gamma(1.3, mean_age / 1.3)
    signs_up = rng.random(n) < NEW_ACCOUNT_SHARE
    age_at_start[signs_up] = -rng.uniform(0, (t_end - t0) / DAY - 30, size=signs_up.sum())
    created = t0 - np.round(age_at_start * DAY).astype(np.int64)
    # Propensity: a Gaussian copula ties it to (minus) log account age; region enters only here.
    log_age = np.log(np.clip(age_at_start, 0.0, None) + 30.0)
    z_age = -(log_age - LOG_AGE_CENTRE) / LOG_AGE_SCALE
    rho = ABUSE_AGE_CORRELATION
    z = rho * z_age + np.sqrt(1.0 - rho**2) * rng.standard_normal(n)
    propensity = stats.beta.ppf(stats.norm.cdf(z), *ABUSE_BETA)
    activity = rng.gamma(0.8, 1.0, size=n)
    return {
        "region": region,
        "created": created,
        "propensity": propensity,
        "activity": activity,
    }


def _sellers(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    shares = np.array([CATEGORY_SHARE[c] for c in CATEGORIES])
    # Every category gets at least one seller; the rest follow the category shares.
    category = np.concatenate(
        [np.arange(len(CATEGORIES)), rng.choice(len(CATEGORIES), n - len(CATEGORIES), p=shares)]
    )
    return {
        "category": category,
        "defect_rate": rng.beta(1.5, 45.0, size=n),
        "late_ship_rate": rng.beta(1.5, 12.0, size=n),
        "popularity": rng.gamma(1.0, 1.0, size=n),
    }


# --- orders --------------------------------------------------------------------------------------


def _orders(
    rng: np.random.Generator,
    buyers: dict[str, np.ndarray],
    sellers: dict[str, np.ndarray],
    n: int,
    t0: int,
    t_end: int,
) -> dict[str, np.ndarray]:
    active_from = np.maximum(buyers["created"], t0)
    weight = buyers["activity"] * (t_end - active_from)
    buyer = np.sort(rng.choice(len(weight), size=n, p=weight / weight.sum()))
    placed = active_from[buyer] + np.floor(rng.random(n) * (t_end - active_from[buyer])).astype(
        np.int64
    )
    region = buyers["region"][buyer]

    shares = np.array([CATEGORY_SHARE[c] for c in CATEGORIES])
    category = rng.choice(len(CATEGORIES), size=n, p=shares)
    seller = np.empty(n, dtype=np.int64)
    for c in range(len(CATEGORIES)):
        rows = np.flatnonzero(category == c)
        candidates = np.flatnonzero(sellers["category"] == c)
        pop = sellers["popularity"][candidates]
        seller[rows] = candidates[rng.choice(len(candidates), size=len(rows), p=pop / pop.sum())]

    median = np.array([PRICE[c][0] for c in CATEGORIES])[category]
    sigma = np.array([PRICE[c][1] for c in CATEGORIES])[category]
    level = np.array([PRICE_LEVEL[r] for r in REGIONS])[region]
    unit_price = np.round(np.maximum(median * level * rng.lognormal(0.0, sigma), 0.5), 2)
    extra = np.array([EXTRA_QUANTITY.get(c, 0.1) for c in CATEGORIES])[category]
    quantity = 1 + rng.poisson(extra)

    payment = np.empty(n, dtype=np.int64)
    carrier = np.empty(n, dtype=np.int64)
    promised_days = np.empty(n, dtype=np.int64)
    for r, name in enumerate(REGIONS):
        rows = np.flatnonzero(region == r)
        payment[rows] = rng.choice(3, size=len(rows), p=PAYMENT_MIX[name])
        local = [CARRIERS.index(c) for c in REGION_CARRIERS[name]]
        carrier[rows] = rng.choice(local, size=len(rows))
        promised_days[rows] = PROMISED_DAYS[name]

    # Handling: most sellers ship within the 3-day handling time; late shippers take longer.
    late_ship = rng.random(n) < sellers["late_ship_rate"][seller]
    handling_days = np.where(
        late_ship, 3.2 + rng.exponential(2.0, size=n), rng.uniform(0.1, 2.5, size=n)
    )
    shipped = placed + np.round(handling_days * DAY).astype(np.int64)
    speed = np.array([CARRIER_SPEED[c] for c in CARRIERS])[carrier]
    transit_days = promised_days * 0.55 * speed * rng.lognormal(0.0, 0.35, size=n)
    delivered = shipped + np.round(transit_days * DAY).astype(np.int64)
    promised = _midnight(placed) + promised_days * DAY
    lost = rng.random(n) < np.array([CARRIER_LOSS_RATE[c] for c in CARRIERS])[carrier]
    tracked = rng.random(n) >= NO_TRACKING_RATE
    return {
        "buyer": buyer,
        "seller": seller,
        "region": region,
        "category": category,
        "unit_price": unit_price,
        "quantity": quantity,
        "total": np.round(unit_price * quantity, 2),
        "payment": payment,
        "carrier": carrier,
        "tracked": tracked,
        "placed": placed,
        "shipped": shipped,
        "promised": promised,
        "delivered": delivered,
        "lost": lost,
        "refund_amount": np.zeros(n),
        "refunded_at": np.full(n, -1, dtype=np.int64),  # -1: never refunded
    }


def _midnight(t: np.ndarray) -> np.ndarray:
    return (t // DAY) * DAY


# --- cases ---------------------------------------------------------------------------------------


def _kind_weights(
    buyers: dict[str, np.ndarray], sellers: dict[str, np.ndarray], orders: dict[str, np.ndarray]
) -> np.ndarray:
    """Per order and kind, the relative chance that the order gives rise to a case of that kind."""
    n = len(orders["placed"])
    cat = orders["category"]
    a = buyers["propensity"][orders["buyer"]]
    arrived = ~orders["lost"]
    very_late = arrived & (orders["delivered"] > orders["promised"] + 3 * DAY)
    median = np.array([PRICE[c][0] for c in CATEGORIES])[cat]
    # Abusers go for value: the weight grows with the order's value relative to its category.
    value = np.clip(np.sqrt(orders["total"] / median), 0.3, 3.0)
    fragility = np.array([FRAGILITY[c] for c in CATEGORIES])[cat]
    change = np.array([CHANGE_OF_MIND[c] for c in CATEGORIES])[cat]
    defect = sellers["defect_rate"][orders["seller"]]
    w = np.zeros((n, len(KINDS)))
    k = KIND_INDEX
    w[:, k["cancel"]] = 0.012
    w[:, k["change_of_mind"]] = arrived * 0.025 * change
    w[:, k["wardrobing"]] = arrived * a * 0.18 * change * value
    w[:, k["damage"]] = arrived * defect * fragility
    w[:, k["false_damage"]] = arrived * a * 0.44 * value * (0.5 + 0.5 * fragility)
    w[:, k["lost_parcel"]] = orders["lost"] * 0.9
    w[:, k["in_transit"]] = very_late * 0.08
    w[:, k["porch_theft"]] = arrived * 0.008
    w[:, k["false_not_received"]] = arrived * a * 0.12 * value
    w[:, k["late_voucher"]] = very_late * 0.12
    w[:, k["payment_problem"]] = 0.004
    w[:, k["human_requested"]] = 0.008
    w[:, k["dispute"]] = arrived * 0.004
    return w


def _cases(
    rng: np.random.Generator,
    buyers: dict[str, np.ndarray],
    sellers: dict[str, np.ndarray],
    orders: dict[str, np.ndarray],
    n_cases: int,
) -> dict[str, np.ndarray]:
    w = _kind_weights(buyers, sellers, orders)
    total = w.sum(axis=1)
    # Per-order case probabilities, scaled so that slightly more than n_cases are expected; the
    # surplus is dropped uniformly at random (and a shortfall, rare, filled by the nearest misses).
    p = np.minimum(1.0, total * (1.05 * n_cases / total.sum()))
    key = rng.random(len(p)) / np.maximum(p, 1e-12)
    hit = np.flatnonzero(key < 1.0)
    if len(hit) >= n_cases:
        chosen = np.sort(rng.choice(hit, size=n_cases, replace=False))
    else:
        misses = np.flatnonzero(key >= 1.0)
        extra = misses[np.argsort(key[misses], kind="stable")[: n_cases - len(hit)]]
        chosen = np.sort(np.concatenate([hit, extra]))
    cum = np.cumsum(w[chosen], axis=1)
    u = rng.random(len(chosen)) * cum[:, -1]
    kind = (cum < u[:, None]).sum(axis=1)

    o = {name: values[chosen] for name, values in orders.items()}
    m = len(chosen)
    opened = _open_times(rng, kind, o)
    claim_type = np.array(
        [KINDS[i].claim_type.value if KINDS[i].claim_type else "" for i in kind], dtype=object
    )
    genuine_damage = kind == KIND_INDEX["damage"]
    false_damage = kind == KIND_INDEX["false_damage"]
    for mask, mix in ((genuine_damage, GENUINE_DAMAGE_MIX), (false_damage, FALSE_DAMAGE_MIX)):
        claim_type[mask] = rng.choice([t.value for t in DAMAGE_TYPES], size=mask.sum(), p=mix)
    photo_rate = np.array([KINDS[i].photo_rate for i in kind])
    opened_rate = np.array([KINDS[i].opened_rate for i in kind])
    beauty = o["category"] == CATEGORIES.index(Category.BEAUTY)
    opened_item = np.where(beauty, rng.random(m) < opened_rate, False)
    abusive = np.array([KINDS[i].abusive for i in kind])
    # Genuine buyers of broken things often want a replacement; abusers want the money.
    prefers_replacement = rng.random(m) < np.where(abusive, 0.05, 0.25)
    agent_approves = rng.random(m) < np.where(
        abusive, AGENT_APPROVES_ABUSIVE, AGENT_APPROVES_GENUINE
    )
    return {
        "order": chosen,
        "kind": kind,
        "opened_at": opened,
        "claim_type": claim_type,
        "has_photo": rng.random(m) < photo_rate,
        "opened": opened_item,
        "beauty": beauty,
        "prefers_replacement": prefers_replacement,
        "seller_has_stock": rng.random(m) < 0.85,
        "is_abusive": abusive,
        "agent_approves": agent_approves,
    }


def _open_times(rng: np.random.Generator, kind: np.ndarray, o: dict[str, np.ndarray]) -> np.ndarray:
    """When each case opens, by kind. Abusers favour the end of the windows they exploit."""
    m = len(kind)
    k = KIND_INDEX
    electronics = o["category"] == CATEGORIES.index(Category.ELECTRONICS)
    window = np.where(electronics, 15.0, 30.0)
    after_delivery = {
        # Genuine change of mind: early, some after the window closes.
        "change_of_mind": window * 1.15 * rng.beta(1.3, 1.8, size=m),
        # Wardrobing: use the item, return it just before the window closes.
        "wardrobing": window * 1.05 * rng.beta(2.2, 1.3, size=m),
        # Genuine damage mostly shows at once; a third is found at first use, days later.
        "damage": np.where(
            rng.random(m) < 0.35, rng.uniform(0, 18, size=m), rng.gamma(1.0, 3.0, size=m)
        ),
        "false_damage": 15.0 * 1.05 * rng.beta(1.6, 1.2, size=m),
        "porch_theft": rng.exponential(2.0, size=m),
        "false_not_received": rng.gamma(2.0, 1.5, size=m),
        "late_voucher": rng.uniform(0, 7, size=m),
        "dispute": rng.uniform(5, 30, size=m),
    }
    days = np.zeros(m)
    base = o["delivered"].copy()
    for name, offset in after_delivery.items():
        rows = kind == k[name]
        days[rows] = offset[rows]
    rows = kind == k["cancel"]
    # Most cancellations come before shipping; some buyers try after.
    base[rows] = o["placed"][rows]
    days[rows] = (o["shipped"][rows] - o["placed"][rows]) / DAY * rng.uniform(0, 1.3, size=m)[rows]
    rows = kind == k["lost_parcel"]
    base[rows] = o["promised"][rows]
    days[rows] = rng.uniform(0, 14, size=m)[rows]
    rows = kind == k["in_transit"]
    base[rows] = o["promised"][rows]
    days[rows] = ((o["delivered"][rows] - o["promised"][rows]) / DAY) * rng.uniform(0, 1, size=m)[
        rows
    ]
    rows = (kind == k["payment_problem"]) | (kind == k["human_requested"])
    base[rows] = o["placed"][rows]
    days[rows] = rng.uniform(0, 10, size=m)[rows]
    return base + np.round(days * DAY).astype(np.int64) + 60  # a minute after the event at least


def _record_outcomes(
    rng: np.random.Generator, orders: dict[str, np.ndarray], cases: dict[str, np.ndarray]
) -> None:
    """Run the policy on each case and record the human agent's decision and the refunds.

    Every case of the historical log was decided by a person: the policy says what may be
    granted, the agent approves or denies. Approved money remedies become refunds on the order.
    """
    m = len(cases["order"])
    eligible = np.zeros(m, dtype=bool)
    needs_human = np.zeros(m, dtype=bool)
    remedy = np.empty(m, dtype=object)
    amount = np.zeros(m)
    reasons = np.empty(m, dtype=object)
    refund = np.zeros(m)
    clean = BuyerHistory(0, 0, 0)  # the review flags are applied later, from the real history
    lag_days = rng.uniform(1, 4, size=m)
    return_lag_days = rng.uniform(7, 14, size=m)
    refunded_at = np.full(m, -1, dtype=np.int64)
    for i in range(m):
        now = _utc(int(cases["opened_at"][i]))
        row = {name: values[cases["order"][i]] for name, values in orders.items()}
        order = _order_from_arrays(int(cases["order"][i]), row, now)
        outcome = check_eligibility(order, _claim_from_arrays(cases, i), clean, now)
        eligible[i], needs_human[i] = outcome.eligible, outcome.needs_human
        remedy[i] = outcome.remedy.value
        amount[i] = float(outcome.amount)
        reasons[i] = "|".join(r.value for r in outcome.reasons)
        if not cases["agent_approves"][i]:
            continue
        if outcome.eligible and outcome.remedy in _MONEY_REMEDIES and outcome.amount > 0:
            refund[i] = float(outcome.amount)
            lag = return_lag_days[i] if outcome.remedy is Remedy.RETURN_THEN_REFUND else lag_days[i]
        elif Reason.DELIVERED_SCAN_OVER_48H_INVESTIGATE in outcome.reasons:
            refund[i] = float(order.total)  # the agent's investigation found for the buyer
            lag = lag_days[i] + 2
        else:
            continue
        refunded_at[i] = int(cases["opened_at"][i]) + round(lag * DAY)
    cases.update(
        policy_eligible=eligible,
        policy_needs_human=needs_human,
        policy_remedy=remedy,
        policy_amount=amount,
        policy_reasons=reasons,
        refund_amount=refund,
        refunded_at=refunded_at,
    )
    refunded = refunded_at >= 0
    orders["refund_amount"][cases["order"][refunded]] = refund[refunded]
    orders["refunded_at"][cases["order"][refunded]] = refunded_at[refunded]


# --- typed values for the rules ------------------------------------------------------------------


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _order_id(i: int) -> str:
    return f"O{i:07d}"


def _order_from_arrays(i: int, row: dict, now: datetime) -> Order:
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
        placed_at=_utc(int(row["placed"])),
        shipped_at=_utc(int(row["shipped"])) if shipped else None,
        promised_delivery_by=_utc(int(row["promised"])),
        delivered_at=_utc(int(row["delivered"])) if delivered else None,
        carrier=carrier if shipped else None,
        tracking_number=_tracking(i, carrier) if shipped and row["tracked"] else None,
        payment_method=tuple(PaymentMethod)[int(row["payment"])],
        refunded_amount=_money(float(row["refund_amount"])) if refunded else Decimal("0"),
        refunded_at=_utc(int(row["refunded_at"])) if refunded else None,
    )


def _claim_from_arrays(cases: dict[str, np.ndarray], i: int) -> Claim:
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
    return _order_from_arrays(i, arrays, now)


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


def _buyer_table(b: dict[str, np.ndarray]) -> pd.DataFrame:
    n = len(b["region"])
    return pd.DataFrame(
        {
            "region": np.array(REGIONS)[b["region"]],
            "account_created_at": _times(b["created"]),
            "abuse_propensity": np.round(b["propensity"], 6),
        },
        index=pd.Index([_buyer_id(i) for i in range(n)], name="buyer_id"),
    )


def _seller_table(s: dict[str, np.ndarray]) -> pd.DataFrame:
    n = len(s["category"])
    return pd.DataFrame(
        {
            "category": np.array([c.value for c in CATEGORIES])[s["category"]],
            "defect_rate": np.round(s["defect_rate"], 6),
            "late_ship_rate": np.round(s["late_ship_rate"], 6),
        },
        index=pd.Index([_seller_id(i) for i in range(n)], name="seller_id"),
    )


def _order_table(o: dict[str, np.ndarray]) -> pd.DataFrame:
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


def _case_table(c: dict[str, np.ndarray], orders: dict[str, np.ndarray]) -> pd.DataFrame:
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

TABLES = ("buyers", "sellers", "orders", "cases")
_TIME_COLUMNS = {
    "buyers": ("account_created_at",),
    "sellers": (),
    "orders": ("placed_at", "shipped_at", "promised_delivery_by", "delivered_at", "refunded_at"),
    "cases": ("opened_at", "refunded_at"),
}


def write_world(world: World, out: Path) -> dict:
    """Write the four tables as CSV (ISO-8601 UTC times) plus a manifest.json; return it."""
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in TABLES:
        path = out / f"{name}.csv"
        getattr(world, name).to_csv(path, date_format="%Y-%m-%dT%H:%M:%SZ")
        files[name] = {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    manifest = {
        "generator": "policies.world",
        "currency": CURRENCY,
        **world.summary(),
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def read_world(directory: Path) -> World:
    """Read back what `write_world` wrote."""
    manifest = json.loads((directory / "manifest.json").read_text())
    tables = {}
    for name in TABLES:
        table = pd.read_csv(
            directory / f"{name}.csv", index_col=0, keep_default_na=False, na_values=[""]
        )
        for column in _TIME_COLUMNS[name]:
            table[column] = pd.to_datetime(table[column], utc=True)
        tables[name] = table
    cases = tables["cases"]
    cases["opened"] = cases["opened"].astype("boolean")
    for column in ("policy_reasons", "policy_remedy"):
        cases[column] = cases[column].fillna("").astype(str)
    tables["orders"]["tracking_number"] = tables["orders"]["tracking_number"].fillna("").astype(str)
    return World(
        seed=int(manifest["seed"]),
        start=datetime.fromisoformat(manifest["start"]),
        days=int(manifest["days"]),
        **tables,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m policies.world generate --seed 7 --cases 60000 --out var/world`."""
    parser = argparse.ArgumentParser(prog="python -m policies.world")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="generate a synthetic world and write it as CSV")
    gen.add_argument("--seed", type=int, required=True)
    gen.add_argument("--buyers", type=int, default=40_000)
    gen.add_argument("--sellers", type=int, default=2_000)
    gen.add_argument("--cases", type=int, default=60_000)
    gen.add_argument("--start", default="2025-01-01", help="first day (UTC), YYYY-MM-DD")
    gen.add_argument("--days", type=int, default=730)
    gen.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    world = generate_world(args.seed, args.buyers, args.sellers, args.cases, start, args.days)
    manifest = write_world(world, args.out)
    print(json.dumps({k: manifest[k] for k in ("buyers", "sellers", "orders", "cases")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
