"""`ParseResult` survives its JSON shape (the dialogue stores a part read but not yet handled)."""

from nlu.types import Entity, IntentScore, ParseResult


def test_a_parse_result_comes_back_from_its_dict():
    parse = ParseResult(
        text="return the shoes from B2002",
        intent=IntentScore("return_item", 0.93),
        intent_ranking=(IntentScore("return_item", 0.93), IntentScore("request_refund", 0.05)),
        entities=(Entity("order_id", "B2002", 22, 27),),
        read_by="sentence",
        dialogue_act=IntentScore("request", 0.97),
        claim_reason=IntentScore("change_of_mind", 0.66),
        reconciled="question",
    )
    data = {**parse.to_dict(), "text": parse.text}
    assert ParseResult.from_dict(data) == parse


def test_a_minimal_dict_reads_with_defaults():
    parse = ParseResult.from_dict({"intent": {"name": "greet", "confidence": 1.0}})
    assert parse.intent == IntentScore("greet", 1.0)
    assert parse.entities == () and parse.dialogue_act is None and parse.read_by == "whole"
