"""The case summary's stored JSON: rows written by older code read, and writing keeps the shape."""

from __future__ import annotations

from decimal import Decimal

from bot.store.case_summary import CaseSummary, EligibilityRecord, eligibility_json
from policies.types import Eligibility, Reason, Remedy

# As the dialogue stored it before the claim's items, the interrupted flow and an agent's
# decision were recorded (the first release's `handoff.summary`).
OLD_ROW = {
    "intent": "damaged_item",
    "order_id": "D205",
    "order_total": "899.00",
    "currency": "USD",
    "claim_type": "damaged",
    "route": "human",
    "reasons": ["over_auto_limit"],
    "clauses": ["DMG-3.2", "AUTO-7.1"],
    "eligibility": {
        "eligible": True,
        "remedy": "return_then_refund",
        "amount": "899.00",
        "currency": "USD",
        "needs_human": True,
        "reasons": ["over_auto_limit"],
        "clauses": ["DMG-3.2", "AUTO-7.1"],
        "explanation": "A damaged laptop is returned free and refunded.",
    },
    "risk": {"score": 0.12, "threshold": 0.5, "model_version": "risk-1"},
    "attribution": {"party": "carrier", "clauses": ["RESP-7.2"], "evidence": ["scan"]},
    "photos": ["https://img.example.com/l.jpg"],
}


def test_an_old_row_reads_and_writes_back_unchanged():
    summary = CaseSummary.from_json(OLD_ROW)
    assert summary.eligibility is not None and summary.eligibility.amount == Decimal("899.00")
    assert summary.skus is None and summary.flow_intent is None and summary.agent_decision is None
    assert summary.attribution is not None and summary.attribution.party == "carrier"
    assert summary.risk.score == 0.12
    assert summary.to_json() == OLD_ROW


def test_later_keys_round_trip_and_an_agent_decision_is_added():
    row = {**OLD_ROW, "skus": ["SKU-1"], "units": 1, "flow_intent": "damaged_item"}
    summary = CaseSummary.from_json(row).with_agent_decision("deny")
    assert summary.skus == ("SKU-1",) and summary.units == 1
    assert summary.to_json() == {**row, "agent_decision": "deny"}


def test_an_empty_or_missing_summary_reads_as_defaults():
    for stored in (None, {}):
        summary = CaseSummary.from_json(stored)
        assert summary.eligibility is None and summary.reasons == () and summary.photos == ()
        assert summary.risk.to_json() == {"score": None, "threshold": None, "model_version": None}


def test_a_handoff_without_eligibility_or_attribution():
    row = {**OLD_ROW, "eligibility": None, "attribution": None, "order_total": None}
    assert CaseSummary.from_json(row).to_json() == row


def test_the_rules_result_is_recorded_in_the_stored_shape():
    e = Eligibility(
        True, Remedy.REFUND, Decimal("60.00"), "USD", False,
        (Reason.OVER_AUTO_LIMIT,), ("INR-4.1",), "Refunded.", (("SKU-1", 1),),
    )  # fmt: skip
    assert eligibility_json(e) == {
        "eligible": True, "remedy": "refund", "amount": "60.00", "currency": "USD",
        "needs_human": False, "reasons": ["over_auto_limit"], "clauses": ["INR-4.1"],
        "explanation": "Refunded.",
    }  # fmt: skip
    assert EligibilityRecord.from_json(eligibility_json(e)) == EligibilityRecord.of(e)
    assert eligibility_json(None) is None


def test_a_unit_count_that_is_not_a_positive_whole_number_reads_as_every_unit():
    for stored in (0, -1, "2", True, 1.5):
        assert CaseSummary.from_json({**OLD_ROW, "units": stored}).units is None
