import dataclasses
import itertools
import json

import httpx
from hypothesis import given
from hypothesis import strategies as st

from nlu.long_text import LONG_MESSAGE_CHARS, MAX_SENTENCES, combine, is_long, sentence_spans
from nlu.types import Entity, IntentScore, ParseResult
from tests.nlu.test_client import make_parser, run

STORY = (
    "Hi there, I hope you are having a good day. I ordered a set of pans for my mother's "
    "birthday three weeks ago and she was so looking forward to them. The parcel never arrived "
    "and the tracking has not moved since the 3rd, order A1001. Thanks a lot for your help."
)


def reading(text, intent, confidence, entities=()):
    return ParseResult(
        text=text,
        intent=IntentScore(intent, confidence),
        intent_ranking=(IntentScore(intent, confidence),),
        entities=tuple(entities),
    )


def test_sentences_are_split_trimmed_and_short_ones_merged():
    text = "Hi. My parcel never came!  It was order 5567.\nThanks so much for checking"
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == [
        "Hi. My parcel never came!",
        "It was order 5567.",
        "Thanks so much for checking",
    ]


def test_a_short_or_one_sentence_message_is_not_long():
    assert not is_long("where is my parcel? it was due monday")
    assert not is_long("x" * (LONG_MESSAGE_CHARS + 50))
    assert is_long(STORY)


@given(st.text(alphabet=st.sampled_from("ab .!?\n"), max_size=300))
def test_spans_lie_inside_the_text_in_order_and_never_overlap(text):
    spans = sentence_spans(text)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start
    for s, e in spans:
        assert 0 <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()


def test_the_point_of_a_long_message_comes_from_its_sentence():
    whole = reading(STORY, "out_of_scope", 0.6)
    spans = sentence_spans(STORY)
    texts = [STORY[s:e] for s, e in spans]
    order_at = texts[2].index("A1001")
    parts = [
        (spans[0], reading(texts[0], "greet", 0.99)),
        (spans[1], reading(texts[1], "inform", 0.7)),
        (
            spans[2],
            reading(
                texts[2],
                "item_not_received",
                0.93,
                [Entity("order_id", "A1001", order_at, order_at + 5, "RegexEntityExtractor")],
            ),
        ),
        (spans[3], reading(texts[3], "thank", 0.98)),
    ]
    result = combine(whole, parts)
    assert result.intent == IntentScore("item_not_received", 0.93)
    assert result.read_by == "sentence"
    assert result.text == STORY
    (order,) = result.entities
    assert STORY[order.start : order.end] == "A1001"


def test_an_after_sales_reading_of_the_whole_message_stands():
    whole = reading(STORY, "item_not_received", 0.8)
    parts = [((0, 10), reading("x", "request_refund", 0.99))]
    result = combine(whole, parts)
    assert result.intent.name == "item_not_received"
    assert result.read_by == "whole"


def test_without_an_after_sales_sentence_the_whole_reading_stands():
    whole = reading(STORY, "out_of_scope", 0.4)
    result = combine(whole, [((0, 10), reading("x", "greet", 0.99))])
    assert result.intent.name == "out_of_scope"


def test_an_entity_of_the_whole_reading_wins_over_an_overlapping_one_of_a_sentence():
    whole = reading(STORY, "item_not_received", 0.8, [Entity("product", "pans", 70, 74)])
    part = reading("x", "inform", 0.5, [Entity("product", "set of pans", 0, 11)])
    result = combine(whole, [((63, 200), part)])
    assert [(e.value, e.start) for e in result.entities] == [("pans", 70)]


def test_the_client_reads_a_long_message_whole_then_by_sentences():
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        text = json.loads(request.content)["text"]
        asked.append(text)
        intent = "item_not_received" if "never arrived" in text and text != STORY else "greet"
        score = {"name": intent, "confidence": 0.9}
        body = {"intent": score, "intent_ranking": [score], "entities": []}
        return httpx.Response(200, json=body)

    result = run(make_parser(handler).parse(STORY))
    assert asked[0] == STORY
    assert len(asked) == 1 + len(sentence_spans(STORY))
    assert result.intent.name == "item_not_received"


def test_at_most_max_sentences_are_read_one_by_one():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json={"intent": {"name": "greet", "confidence": 0.9}})

    text = " ".join(f"This is sentence number {i} of the story." for i in range(20))
    run(make_parser(handler).parse(text))
    assert len(calls) == 1 + MAX_SENTENCES


def test_a_short_message_is_read_once():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json={"intent": {"name": "greet", "confidence": 0.9}})

    run(make_parser(handler).parse("hi. where is my parcel?"))
    assert calls == [1]


def test_the_claim_reason_comes_from_the_whole_else_the_surest_sentence():
    def labelled(reason, confidence):
        return dataclasses.replace(
            reading("x", "greet", 0.9), claim_reason=IntentScore(reason, confidence)
        )

    whole = dataclasses.replace(
        reading(STORY, "out_of_scope", 0.3), claim_reason=IntentScore("none", 0.9)
    )
    parts = [((0, 5), labelled("late_delivery", 0.6)), ((6, 9), labelled("not_received", 0.8))]
    assert combine(whole, parts).claim_reason == IntentScore("not_received", 0.8)
    whole = dataclasses.replace(whole, claim_reason=IntentScore("damaged", 0.5))
    assert combine(whole, parts).claim_reason == IntentScore("damaged", 0.5)
