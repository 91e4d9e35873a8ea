"""A synthetic marketplace with ground truth: buyers, sellers, orders and after-sales cases.

`generate_world` is deterministic by seed (one `numpy.random.Generator`). It exists so the risk
model, the router and the fairness audit can be trained and judged against a truth that a real
log never has: which claims were abusive. lab/world/WORLD.md documents every modelling choice;
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

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from scipy import stats

from lab.world.parameters import (
    ABUSE_AGE_CORRELATION,
    ABUSE_BETA,
    AGENT_APPROVES_ABUSIVE,
    AGENT_APPROVES_GENUINE,
    CARRIER_LOSS_RATE,
    CARRIER_SPEED,
    CARRIERS,
    CATEGORIES,
    CATEGORY_SHARE,
    CHANGE_OF_MIND,
    DAMAGE_TYPES,
    DAY,
    EXTRA_QUANTITY,
    FALSE_DAMAGE_MIX,
    FRAGILITY,
    GENUINE_DAMAGE_MIX,
    KIND_INDEX,
    KINDS,
    LOG_AGE_CENTRE,
    LOG_AGE_SCALE,
    MEAN_ACCOUNT_AGE_DAYS,
    MONEY_REMEDIES,
    NEW_ACCOUNT_SHARE,
    NO_TRACKING_RATE,
    ORDERS_PER_CASE,
    PAYMENT_MIX,
    PRICE,
    PRICE_LEVEL,
    PROMISED_DAYS,
    REGION_CARRIERS,
    REGION_SHARE,
    REGIONS,
)
from lab.world.records import (
    buyer_table,
    case_table,
    claim_from_arrays,
    claim_of,
    order_as_of,
    order_from_arrays,
    order_table,
    seller_table,
    utc,
)
from policies.rules import check_eligibility
from policies.types import BuyerHistory, Category, Claim, ClaimType, Order, Reason, Remedy


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
        buyers=buyer_table(buyers),
        sellers=seller_table(sellers),
        orders=order_table(orders),
        cases=case_table(cases, orders),
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
        now = utc(int(cases["opened_at"][i]))
        row = {name: values[cases["order"][i]] for name, values in orders.items()}
        order = order_from_arrays(int(cases["order"][i]), row, now)
        outcome = check_eligibility(order, claim_from_arrays(cases, i), clean, now)
        eligible[i], needs_human[i] = outcome.eligible, outcome.needs_human
        remedy[i] = outcome.remedy.value
        amount[i] = float(outcome.amount)
        reasons[i] = "|".join(r.value for r in outcome.reasons)
        if not cases["agent_approves"][i]:
            continue
        if outcome.eligible and outcome.remedy in MONEY_REMEDIES and outcome.amount > 0:
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
