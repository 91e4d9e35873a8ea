"""Suggestion ranking with a fake embedder: the rules' remedy, precedents, the blend, citations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.agent.facts import CaseFacts, evaluate_facts, situation_text
from bot.agent.suggestions.precedents import (
    AssistIndexMismatch,
    AssistIndexMissing,
    Resolution,
    ResolutionIndex,
)
from bot.agent.suggestions.replies import TEMPLATES, fill
from bot.agent.suggestions.suggest import Suggester, policy_priors
from policies.types import BuyerHistory, Category, Claim, ClaimType, OrderStatus
from tests.retrieval.fakes import FakeEmbedder
from tests.utils.builders import NOW, item, order

CLEAN = BuyerHistory(0, 3, 0)


def late_parcel() -> CaseFacts:
    """Shipped $60 headphones, 4 days past the promised date: INR-4.1 grants a full refund."""
    o = order("S300", item("Headphones", "60.00", Category.ELECTRONICS),
              status=OrderStatus.SHIPPED, placed=7, shipped=6, promised=4)  # fmt: skip
    return evaluate_facts("item_not_received", Claim(ClaimType.NOT_RECEIVED), o, CLEAN, NOW)


def damaged_without_photo() -> CaseFacts:
    o = order("D201", item("Coffee mug", "12.00"), placed=6, delivered=3)
    return evaluate_facts("damaged_item", Claim(ClaimType.DAMAGED), o, CLEAN, NOW)


def late_return() -> CaseFacts:
    o = order("D204", item("Desk lamp", "30.00"), placed=55, delivered=50)
    return evaluate_facts("return_item", Claim(ClaimType.CHANGE_OF_MIND_RETURN), o, CLEAN, NOW)


def resolution(case_id: str, facts: CaseFacts, decision: str, variant: int = 1) -> Resolution:
    reply = fill(decision, facts, variant)
    return Resolution(
        case_id, facts.claim_type.value if facts.claim_type else "", decision,
        situation_text(facts), reply.text, reply.citations, variant, NOW.isoformat(),
    )  # fmt: skip


def index_of(*resolutions: Resolution) -> ResolutionIndex:
    return ResolutionIndex(FakeEmbedder()).build(list(resolutions))


def test_without_an_index_the_rules_remedy_comes_first_filled_with_the_facts():
    [best, *rest] = Suggester(None).suggest(late_parcel())
    assert best.decision == "refund" and best.action == {"type": "refund", "amount": 60.0}
    assert best.citations[0] == "INR-4.1" and "INR-4.1" not in best.text  # cited as data
    assert "$60.00" in best.text and "S300" in best.text
    assert best.source == "policy" and not best.needs_override
    # Nothing is missing from this claim: no request for evidence (issue 15).
    assert [s.decision for s in rest] == ["deny"]
    assert best.confidence > rest[0].confidence


def test_a_missing_photo_suggests_asking_for_one_citing_dmg_3_1():
    [best, *_] = Suggester(None).suggest(damaged_without_photo())
    assert best.decision == "request_evidence" and best.citations == ("DMG-3.1",)
    assert "photo" in best.text and "Coffee mug" in best.text
    assert best.action == {"type": "request_evidence"}


def test_a_refusal_suggests_denying_with_the_rules_explanation():
    facts = late_return()
    [best, *_] = Suggester(None).suggest(facts)
    assert best.decision == "deny"
    assert facts.eligibility is not None and facts.eligibility.explanation in best.text
    assert set(facts.eligibility.clauses) <= set(best.citations)


def test_precedents_can_outvote_the_rules():
    facts = late_parcel()
    denied = [resolution(f"C{i}", facts, "deny") for i in range(10)]
    ranked = Suggester(index_of(*denied), policy_weight=0.3).suggest(facts)
    assert ranked[0].decision == "deny" and ranked[0].source == "policy+precedent"
    assert len(ranked[0].precedents) == 3 and set(ranked[0].precedents) <= {
        r.case_id for r in denied
    }
    # The rules' remedy is still on offer, second.
    assert ranked[1].decision == "refund"


def test_blend_keeps_the_rules_remedy_first_when_precedents_split():
    facts = late_parcel()
    mixed = [resolution(f"R{i}", facts, "refund") for i in range(5)] + [
        resolution(f"D{i}", facts, "deny") for i in range(5)
    ]
    ranked = Suggester(index_of(*mixed)).suggest(facts)
    assert [s.decision for s in ranked][:2] == ["refund", "deny"]


def test_a_decision_only_precedents_propose_takes_their_wording_with_this_cases_facts():
    facts = late_parcel()
    other = late_parcel()
    vouchers = [resolution(f"V{i}", other, "voucher", variant=1) for i in range(10)]
    ranked = Suggester(index_of(*vouchers), policy_weight=0.2).suggest(facts)
    voucher = next(s for s in ranked if s.decision == "voucher")
    assert voucher.source == "precedent" and voucher.needs_override
    assert voucher.text == fill("voucher", facts, 1).text and "S300" in voucher.text
    assert voucher.action == {"type": "voucher", "amount": 6.0}  # 10% of $60, INR-4.3


def test_requests_without_an_order_suggest_investigating():
    facts = evaluate_facts("request_human", Claim(ClaimType.HUMAN_REQUESTED), None, None, NOW)
    assert policy_priors(facts) == {"investigate": 0.85, "deny": 0.15}
    [best, *_] = Suggester(None).suggest(facts)
    assert best.decision == "investigate" and best.action is None
    assert best.citations == ("REV-6.4",)


def test_every_template_fills_for_every_kind_of_case():
    for facts in (late_parcel(), damaged_without_photo(), late_return()):
        for decision, wordings in TEMPLATES.items():
            for variant in range(len(wordings)):
                reply = fill(decision, facts, variant)
                assert "{" not in reply.text and reply.citations


def test_index_round_trips_and_refuses_another_model(tmp_path):
    facts = late_parcel()
    index = index_of(resolution("C1", facts, "refund"), resolution("C2", late_return(), "deny"))
    index.save(tmp_path)
    loaded = ResolutionIndex(FakeEmbedder()).load(tmp_path)
    [first, second] = loaded.search(situation_text(facts), k=5)
    assert first.resolution.case_id == "C1" and first.similarity > second.similarity
    with pytest.raises(AssistIndexMismatch):
        ResolutionIndex(FakeEmbedder(name="other-model")).load(tmp_path)
    with pytest.raises(AssistIndexMissing):
        ResolutionIndex(FakeEmbedder()).load(tmp_path / "absent")


def test_index_refuses_a_tampered_resolutions_file(tmp_path):
    index_of(resolution("C1", late_parcel(), "refund")).save(tmp_path)
    path = tmp_path / "resolutions.json"
    path.write_text(path.read_text().replace("C1", "C9"))
    with pytest.raises(AssistIndexMismatch):
        ResolutionIndex(FakeEmbedder()).load(tmp_path)


def test_situation_text_describes_the_claim_the_rules_and_the_buyer():
    text = situation_text(late_parcel())
    assert "not received claim on a electronics order worth $60.00" in text
    assert "eligible for refund of $60.00" in text and "0 refunds in 90 days" in text
    assert late_parcel().now - timedelta(days=1) < NOW


def test_index_is_saved_through_the_retrieval_store_with_its_metadata(tmp_path):
    from retrieval.index import read_metadata

    index_of(resolution("C1", late_parcel(), "refund")).save(tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["index.faiss", "metadata.json", "resolutions.json"]  # nothing staged left
    meta = read_metadata(tmp_path)
    assert meta is not None and meta["count"] == 1 and meta["decisions"] == {"refund": 1}
