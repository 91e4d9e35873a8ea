import pytest

from nlu.adapter import parse_result_from_rasa, resolve_overlaps
from nlu.errors import NluBadResponse
from nlu.types import Entity, Thresholds


def rasa_payload(ranking, entities=()):
    return {
        "text": "x",
        "intent": {"name": ranking[0][0], "confidence": ranking[0][1]} if ranking else None,
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": list(entities),
    }


def test_confident_parse_keeps_best_intent_and_ranking():
    result = parse_result_from_rasa(
        rasa_payload([("damaged_item", 0.91), ("wrong_item", 0.05)]), "x", Thresholds(0.5, 0.1)
    )
    assert result.intent.name == "damaged_item"
    assert result.intent.confidence == pytest.approx(0.91)
    assert [i.name for i in result.intent_ranking] == ["damaged_item", "wrong_item"]
    assert result.fallback_reason is None


@pytest.mark.parametrize(
    ("ranking", "reason"),
    [
        ([("damaged_item", 0.49), ("wrong_item", 0.2)], "low_confidence"),
        ([("damaged_item", 0.55), ("wrong_item", 0.46)], "ambiguous"),
        ([], "no_intent"),
    ],
)
def test_thresholds_turn_weak_parses_into_out_of_scope(ranking, reason):
    result = parse_result_from_rasa(rasa_payload(ranking), "x", Thresholds(0.5, 0.1))
    assert result.intent.name == "out_of_scope"
    assert result.fallback_reason == reason
    # The raw ranking stays available.
    assert [i.name for i in result.intent_ranking] == [n for n, _ in ranking]


def test_threshold_boundaries_are_inclusive():
    exactly = parse_result_from_rasa(
        rasa_payload([("track_order", 0.5), ("inform", 0.4)]), "x", Thresholds(0.5, 0.1)
    )
    assert exactly.intent.name == "track_order"


def test_rasa_fallback_pseudo_intent_is_dropped_and_thresholds_reapplied():
    payload = rasa_payload([("nlu_fallback", 0.3), ("cancel_order", 0.8), ("inform", 0.1)])
    result = parse_result_from_rasa(payload, "x", Thresholds(0.5, 0.1))
    assert result.intent.name == "cancel_order"
    assert all(i.name != "nlu_fallback" for i in result.intent_ranking)


def test_malformed_payload_is_a_named_error():
    with pytest.raises(NluBadResponse):
        parse_result_from_rasa({"intent_ranking": [{"name": "x"}]}, "x", Thresholds())


def test_overlapping_entities_prefer_the_regex_span_for_structured_ids():
    diet = Entity("order_id", "A100", 10, 14, "DIETClassifier", 0.99)
    regex = Entity("order_id", "A1001", 10, 15, "RegexEntityExtractor")
    product = Entity("product", "earbuds", 20, 27, "DIETClassifier", 0.9)
    assert resolve_overlaps((diet, product, regex)) == (regex, product)


def test_to_dict_has_the_contract_shape():
    payload = rasa_payload(
        [("inform", 0.9), ("track_order", 0.05)],
        [{"entity": "order_id", "value": "A1001", "start": 5, "end": 10,
          "extractor": "RegexEntityExtractor"}],
    )  # fmt: skip
    body = parse_result_from_rasa(payload, "it's A1001", Thresholds()).to_dict()
    assert body["intent"] == {"name": "inform", "confidence": 0.9}
    assert body["entities"] == [{"entity": "order_id", "value": "A1001", "start": 5, "end": 10}]
    assert body["intent_ranking"][0]["name"] == "inform"


@pytest.mark.parametrize("bad", [{"confidence": -0.1}, {"ambiguity": 1.5}])
def test_thresholds_are_validated(bad):
    with pytest.raises(ValueError):
        Thresholds(**bad)


def test_an_id_diet_guessed_with_too_few_digits_is_dropped():
    payload = {
        "intent": {"name": "request_refund", "confidence": 0.99},
        "intent_ranking": [{"name": "request_refund", "confidence": 0.99}],
        "entities": [
            {"entity": "order_id", "value": "6", "start": 13, "end": 14,
             "extractor": "DIETClassifier"},
            {"entity": "order_id", "value": "5567", "start": 30, "end": 34,
             "extractor": "DIETClassifier"},
        ],
    }  # fmt: skip
    result = parse_result_from_rasa(payload, "it came late, 6 days after; order 5567", Thresholds())
    assert [e.value for e in result.entities] == ["5567"]


def test_the_dialogue_act_and_claim_reason_are_carried_into_the_result_and_its_json():
    payload = {
        **rasa_payload([("item_not_received", 0.9)]),
        "dialogue_act": {"name": "question", "confidence": 0.8},
        "claim_reason": {"name": "late_delivery", "confidence": 0.7},
    }
    result = parse_result_from_rasa(payload, "x", Thresholds())
    assert (result.dialogue_act.name, result.claim_reason.name) == ("question", "late_delivery")
    assert result.to_dict()["claim_reason"] == {"name": "late_delivery", "confidence": 0.7}
    plain = parse_result_from_rasa(rasa_payload([("greet", 0.9)]), "x", Thresholds())
    assert plain.dialogue_act is None and "dialogue_act" not in plain.to_dict()


def test_a_malformed_label_is_a_bad_response():
    payload = {**rasa_payload([("greet", 0.9)]), "dialogue_act": {"name": "question"}}
    with pytest.raises(NluBadResponse):
        parse_result_from_rasa(payload, "x", Thresholds())
