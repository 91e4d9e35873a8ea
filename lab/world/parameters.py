"""The synthetic world's parameters: regions, carriers, categories, abuse, and the case kinds.

Every number here is a modelling choice documented in lab/world/WORLD.md; the generator
(`lab.world.generate`) and the typed records (`lab.world.records`) read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from policies.features import KNOWN_CARRIERS
from policies.types import Category, ClaimType, Remedy

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
MONEY_REMEDIES = frozenset({Remedy.REFUND, Remedy.RETURN_THEN_REFUND, Remedy.CANCEL})
