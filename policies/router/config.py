"""The router's knobs (`RouterConfig`): review cost, NLU threshold, limits, fairness mitigation.

**Exposure, not the amount.** The risk rule (policies/router/thresholds.py) weighs the money an
abusive claim would take if resolved automatically (`RouterConfig.exposure`). For a refund paid
now that is the whole amount. A return-then-refund (spec 2.4 and 3.3) pays only once the seller
has the item back and has checked it (2.3: unused, with tags and original packaging; a damage
claim's item is seen), so an abusive return approved automatically loses only what that check
misses: A = amount * `return_exposure_share` (default 0.25, an assumption: a quarter of abusive
returns get past the seller's check; `make eval-policies` reports the trade at other shares). A
replacement shipped at once, before the return is checked, exposes its whole value.

**A replacement ships after the return when it must** (issue 14; the spec, 3.3, is silent on
when a replacement ships, and the knowledge base's DMG-3.3 says what a well-run marketplace
does): a replacement whose immediate shipment the risk level would not approve is offered
automatically as "the replacement ships as soon as the seller receives the return"
(`RouterConfig.replacement_after_return`), its exposure then bounded like a return-then-refund's
(`exposure_after_return`: `return_exposure_share` of its value), instead of a hand-off; a
low-risk replacement still ships at once. Only when even that is not approved does it go to a
person.

**Regional price index** (`RouterConfig.price_index`, the fairness mitigation, see
lab/policies/fairness.py and reports/fairness/): when set, the review cost is expressed at the
buyer's market's price level L (median order value of the region over the marketplace's,
estimated on the training window), i.e. auto iff p * c * A < review_cost * L. Amounts are
USD-equivalent, so without it the same share of a basket costs a Singapore buyer a review
far more often than an Indonesian one (SG prices are 1.6x TH, ID 0.8x), which is what made
the router fail the equalized-odds constraint across regions. The region (a market, not a
person) is used only to scale that threshold, never as a model feature; a case whose region
is unknown or not in the index uses L = 1.

**What a review saves** (`RouterConfig.review_catch_rate`, issue 14): a person stops an abusive
claim only when they deny it. With c the share of abusive claims reviewers deny, a review of an
abusive claim still loses (1 - c) * A, so sending a case to a person saves p * c * A of expected
loss at the price of `review_cost`, and the rule is auto iff p * c * A < review_cost. c = 1 is
the old simplification (a reviewer catches every abuse). The product's c is measured on the
training window's historical log, where every case was decided by an agent
(`lab.policies.mitigation.review_catch_rate`: 0.55 on the product's world) and saved beside the
model; the fairness thresholds are fitted on the same weighed ratio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from policies.router.thresholds import RegionThresholds
from policies.rules import AUTO_REFUND_LIMIT
from policies.types import Eligibility, Remedy

DEFAULT_REVIEW_COST = Decimal("2.50")
DEFAULT_NLU_CONFIDENCE_THRESHOLD = 0.5  # the NLU's own default threshold (nlu.types.Thresholds)
# The share of an abusive return-then-refund the seller's check on receipt misses (see the module
# docstring, "Exposure"): an assumption, not a measurement; the evaluation sweeps it.
DEFAULT_RETURN_EXPOSURE_SHARE = Decimal("0.25")
# The share of abusive claims a person's review denies (docstring, "What a review saves"): 1, the
# old assumption, unless the risk artifact carries the rate measured on its training window.
DEFAULT_REVIEW_CATCH_RATE = Decimal("1")
# The age from which an account counts as established where the exposure is bounded
# (policies/router/account_age.py): one year, the spec's REV-6.2 look-back. Fixed, not tuned.
DEFAULT_ESTABLISHED_ACCOUNT_DAYS = 365.0
# Remedies that pay only after the seller has received and checked the item (spec 2.4, 3.3).
PAID_AFTER_RECEIPT = frozenset({Remedy.RETURN_THEN_REFUND})
# Remedies that can instead be held until the seller has received the return (docstring).
CAN_WAIT_FOR_RETURN = frozenset({Remedy.REPLACEMENT})


@dataclass(frozen=True)
class RouterConfig:
    """The router's knobs; the lead's settings object supplies them."""

    review_cost: Decimal = DEFAULT_REVIEW_COST
    nlu_confidence_threshold: float = DEFAULT_NLU_CONFIDENCE_THRESHOLD
    auto_refund_limit: Decimal = AUTO_REFUND_LIMIT
    # Region -> price level (see the module docstring); None: one review cost everywhere.
    price_index: Mapping[str, Decimal] | None = None
    # Region -> equalized-odds threshold rule (policies/router/thresholds.py); wins over the index.
    region_thresholds: Mapping[str, RegionThresholds] | None = None
    # What share of a paid-after-receipt remedy an abusive claim would still take (docstring).
    return_exposure_share: Decimal = DEFAULT_RETURN_EXPOSURE_SHARE
    # Where the exposure is bounded, a claim is scored as from an account at least this old when
    # that scores lower (policies/router/account_age.py); None: the model's score as it is.
    established_account_days: float | None = DEFAULT_ESTABLISHED_ACCOUNT_DAYS
    # A replacement the risk level would not ship at once ships after the return is received
    # when that is approved (docstring); False: such a replacement goes to a person (before).
    replacement_after_return: bool = True
    # The share of abusive claims a review denies (docstring); the rule weighs p * c * A.
    review_catch_rate: Decimal = DEFAULT_REVIEW_CATCH_RATE

    def __post_init__(self) -> None:
        if not isinstance(self.review_cost, Decimal) or self.review_cost <= 0:
            raise ValueError(f"review_cost must be a positive Decimal, got {self.review_cost!r}")
        if self.price_index is not None:
            index = {}
            for region, level in self.price_index.items():
                level = Decimal(str(level))
                if not level > 0:
                    raise ValueError(f"price_index[{region!r}] must be positive, got {level}")
                index[str(region)] = level
            object.__setattr__(self, "price_index", MappingProxyType(index))
        if self.region_thresholds is not None:
            object.__setattr__(
                self, "region_thresholds", MappingProxyType(dict(self.region_thresholds))
            )
        share = self.return_exposure_share
        if not isinstance(share, Decimal) or not Decimal(0) <= share <= Decimal(1):
            raise ValueError(f"return_exposure_share must be a Decimal in [0, 1], got {share!r}")
        catch = self.review_catch_rate
        if not isinstance(catch, Decimal) or not Decimal(0) < catch <= Decimal(1):
            raise ValueError(f"review_catch_rate must be a Decimal in (0, 1], got {catch!r}")
        days = self.established_account_days
        if days is not None and not (isinstance(days, int | float) and days > 0):
            raise ValueError(f"established_account_days must be a positive number, got {days!r}")
        if not 0.0 <= self.nlu_confidence_threshold <= 1.0:
            raise ValueError(
                f"nlu_confidence_threshold must be in [0, 1], got {self.nlu_confidence_threshold}"
            )

    def exposure(self, eligibility: Eligibility) -> Decimal:
        """The money an abusive claim would take if this remedy were granted automatically."""
        if eligibility.remedy in PAID_AFTER_RECEIPT:
            return eligibility.amount * self.return_exposure_share
        return eligibility.amount

    def exposure_after_return(self, eligibility: Eligibility) -> Decimal | None:
        """The exposure if the remedy waits for the seller to receive the return (a replacement
        shipped then: bounded like a return-then-refund); None when it cannot wait or the rule
        is off."""
        if not self.replacement_after_return or eligibility.remedy not in CAN_WAIT_FOR_RETURN:
            return None
        return eligibility.amount * self.return_exposure_share

    def review_saves(self, exposure: Decimal) -> Decimal:
        """What a review saves if the claim is abusive: the share of `exposure` it stops."""
        return exposure * self.review_catch_rate

    def review_cost_for(self, region: str | None) -> Decimal:
        """The review cost at the region's price level (the plain review cost without an index)."""
        if self.price_index is None or region is None:
            return self.review_cost
        return self.review_cost * self.price_index.get(region, Decimal("1"))
