"""The risk model's money: each market's currency to USD-equivalent (issue 16)."""

from decimal import Decimal

import pytest

from policies.currency import UNITS_PER_USD, usd_equivalent


def test_usd_is_unchanged_to_the_cent() -> None:
    assert usd_equivalent(Decimal("20.00"), "USD") == Decimal("20.00")
    assert str(usd_equivalent(Decimal("20.00"), "USD")) == "20.00"


@pytest.mark.parametrize(
    ("amount", "currency", "low", "high"),
    [
        # A small basket in each market is a few dollars, not hundreds or millions.
        ("79", "THB", "1.5", "3.5"),
        ("45", "MYR", "7", "14"),
        ("150000", "IDR", "7", "12"),
        ("450000", "VND", "15", "22"),
        ("599", "PHP", "8", "14"),
        ("30", "SGD", "18", "28"),
    ],
)
def test_each_market_lands_on_the_dollar_scale(amount, currency, low, high) -> None:
    usd = usd_equivalent(Decimal(amount), currency)
    assert Decimal(low) < usd < Decimal(high)


def test_the_code_is_read_in_any_case_and_an_unknown_one_is_kept() -> None:
    assert usd_equivalent(Decimal("79"), " thb ") == usd_equivalent(Decimal("79"), "THB")
    assert usd_equivalent(Decimal("12.50"), "XYZ") == Decimal("12.50")


def test_every_contract_market_has_a_rate() -> None:
    assert {"USD", "SGD", "MYR", "IDR", "THB", "VND", "PHP"} <= set(UNITS_PER_USD)
