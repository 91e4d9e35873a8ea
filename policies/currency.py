"""Money in the risk model's unit: USD-equivalent (issue 16).

The risk model learnt on a synthetic marketplace whose money is USD-equivalent in every region
(lab/world/WORLD.md), and the router's review cost is a USD figure. A live order is in its own
market's currency (contract.md: `currency`; policy-spec.md: the money *limits* stay in the
order's currency). Scoring a ฿79 order as if it were $79 reads a two-dollar claim as a large one
(its `order_value` feature, and the exposure weighed against the review cost), so the risk level
converts the order's money first; nothing else does.

The rates are reference rates (units of the currency per US dollar, rounded, late 2026): they
place an amount on the model's scale, where a few percent do not move a decision, and are not
for paying anyone. A currency not listed is taken as USD-equivalent already (the behaviour
before), so an unknown code never blocks a case.
"""

from __future__ import annotations

from decimal import Decimal

_PRECISION = Decimal("0.0001")

# Units of each market's currency per US dollar (contract markets: SG, MY, ID, TH, VN, PH).
UNITS_PER_USD: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "SGD": Decimal("1.35"),
    "MYR": Decimal("4.4"),
    "IDR": Decimal("16000"),
    "THB": Decimal("34"),
    "VND": Decimal("25000"),
    "PHP": Decimal("57"),
}


def usd_equivalent(amount: Decimal, currency: str) -> Decimal:
    """``amount`` of ``currency`` in US dollars (unchanged for a currency not listed)."""
    rate = UNITS_PER_USD.get(currency.strip().upper())
    if rate is None or rate == 1:
        return amount
    return (amount / rate).quantize(_PRECISION)
