"""The exposure probe's grid is what it says: eligible claims a spec reader expects automatic."""

from __future__ import annotations

from lab.policies.exposure_probe import ACCOUNTS, AMOUNTS, KINDS, REGIONS, probe, summary
from policies.router import RouterConfig
from tests.policies.router.factories import FakeRisk


def test_every_cell_is_an_eligible_claim_the_rules_leave_to_the_bot() -> None:
    table = probe(FakeRisk(0.0), RouterConfig())
    assert len(table) == len(KINDS) * len(AMOUNTS) * len(ACCOUNTS) * len(REGIONS)
    assert table["eligible"].all()
    # No cell stops at the always-human level: only the risk level can send one to a person.
    assert not table["reason"].isin(["not_eligible", "over_auto_limit"]).any()
    assert table["p_person"].sum() == 0  # a model that never suspects abuse: all automatic


def test_a_suspicious_model_sends_the_scored_claims_to_a_person() -> None:
    table = probe(FakeRisk(0.9), RouterConfig())
    scored = table["reason"].str.startswith("risk")
    assert scored.any()
    # Above the review cost at p = 0.9 every scored cell goes to a person; the rest are
    # checked against records (cancel, voucher), have nothing to pay, or expose under $2.50.
    heavy = scored & (table["exposure"] * 0.9 >= 2.5)
    assert (table.loc[heavy, "p_person"] == 1.0).all()
    assert set(summary(table)["kind"]) == {kind.name for kind in KINDS}
