"""PII redaction: every kind of personal data goes, the tokens analysts need stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.analytics import redact_patterns
from bot.analytics.redact import (
    PLACEHOLDERS,
    RedactionError,
    Redactor,
    load_redactor,
    redact_record,
)
from lab.analytics.redact_eval import load_eval_set  # the test set's reader

REPO_ROOT = Path(__file__).resolve().parents[3]
EVAL_SET = REPO_ROOT / "data" / "eval" / "pii_messages.jsonl"
NLU_DATA = [
    REPO_ROOT / "data" / "nlu" / "train" / "nlu_aftersales.yml",
    REPO_ROOT / "data" / "nlu" / "test.yml",
]
NLU_LOOKUPS = REPO_ROOT / "data" / "nlu" / "train" / "regex_lookup_synonyms.yml"


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    # load_redactor is cached per process: spaCy loads once however many modules use it.
    return load_redactor()


@pytest.mark.parametrize(
    ("text", "gone", "placeholder"),
    [
        ("email me at siti.aminah88@gmail.com pls", "siti.aminah88@gmail.com", "[EMAIL]"),
        ("my email is sarah dot lim at gmail dot com", "sarah dot lim at gmail dot com", "[EMAIL]"),
        ("call me +65 9123 4567 when you reach", "+65 9123 4567", "[PHONE]"),
        ("no tel 012-345 6789 ya", "012-345 6789", "[PHONE]"),
        ("phone 081-234-5678 ka", "081-234-5678", "[PHONE]"),
        ("sđt 0912 345 678", "0912 345 678", "[PHONE]"),
        ("landline (02) 8123 4567 po", "(02) 8123 4567", "[PHONE]"),
        ("hp 0812-3456-7890 kak", "0812-3456-7890", "[PHONE]"),
        ("reach me at 9123-4567", "9123-4567", "[PHONE]"),
        ("my number is 91234567", "91234567", "[PHONE]"),
        ("refund to card 4526 0181 5908 3012 pls", "4526 0181 5908 3012", "[CARD]"),
        ("Amex 3726-859952-89079 was charged", "3726-859952-89079", "[CARD]"),
        ("paid with 5147104974650759", "5147104974650759", "[CARD]"),
        (
            "send to Blk 123 Tampines Street 11 #05-12, Singapore 521123 thanks",
            "Blk 123 Tampines Street 11 #05-12, Singapore 521123",
            "[ADDRESS]",
        ),
        (
            "Alamat: Jl. Sudirman No. 45, Kebayoran Baru, Jakarta Selatan 12190",
            "Jl. Sudirman No. 45, Kebayoran Baru, Jakarta Selatan 12190",
            "[ADDRESS]",
        ),
        (
            "deliver to 99/12 Moo 4, Soi Sukhumvit 55, Bangkok 10110",
            "99/12 Moo 4, Soi Sukhumvit 55, Bangkok 10110",
            "[ADDRESS]",
        ),
        ("Hello, my name is Somchai Jaidee and my parcel is late", "Somchai Jaidee", "[NAME]"),
        ("pls ask for Mrs Koh at the counter", "Koh", "[NAME]"),
        ("ship it to my sister in Kota Kinabalu", "Kota Kinabalu", "[PLACE]"),
    ],
)
def test_each_kind_of_pii_is_replaced_by_its_placeholder(
    redactor: Redactor, text: str, gone: str, placeholder: str
) -> None:
    out = redactor.redact(text)
    assert gone not in out
    assert placeholder in out


def test_a_message_full_of_personal_data_keeps_only_what_analysts_need(redactor: Redactor) -> None:
    text = (
        "Hi, I'm Nguyen Thi Mai from Hanoi. Order #A1001 ($18.50 air fryer, tracking "
        "SPX0123456789SG) never came to 123 Nguyen Hue Street, District 1. Call +84 912 345 678 "
        "or mail mai.nguyen@gmail.com; refund to Visa 4661-3186-0913-9090 by 3 March please"
    )
    out = redactor.redact(text)
    for gone in (
        "Nguyen Thi Mai",
        "Hanoi",
        "Nguyen Hue",
        "+84 912 345 678",
        "mai.nguyen",
        "4661-3186-0913-9090",
    ):
        assert gone not in out
    for kept in ("#A1001", "$18.50", "air fryer", "SPX0123456789SG", "3 March"):
        assert kept in out
    assert {"[NAME]", "[PLACE]", "[ADDRESS]", "[PHONE]", "[EMAIL]", "[CARD]"} <= set(
        re.findall(r"\[[A-Z]+\]", out)
    )


@pytest.mark.parametrize(
    "token",
    [
        "A1001",
        "#A1001",
        "#1042",
        "SO-2026-000123",
        "00123842",
        "20041001",
        "113542617735902",  # Luhn-valid, but no card network starts with 1
        "240613598812047",
        "SPX0123456789SG",
        "1Z999AA10123456784",
        "JT1234567890123",
        "NJV12345678",
        "$18.50",
        "RM 59.90",
        "Rp 1.499.000",
        "₱2,499",
        "1,290 baht",
        "250k VND",
        "S$129.90",
    ],
)
def test_order_ids_tracking_numbers_and_amounts_survive(redactor: Redactor, token: str) -> None:
    text = f"hi Siti here, about {token} pls check, my hp 012-345 6789"
    out = redactor.redact(text)
    assert token in out
    assert "012-345 6789" not in out


def test_luhn_invalid_16_digit_numbers_are_not_cards(redactor: Redactor) -> None:
    assert redactor.redact("bank ref 3957 5513 1373 5379 for my payment") == (
        "bank ref 3957 5513 1373 5379 for my payment"
    )
    assert "[CARD]" not in redactor.redact("my code is 1234567812345678")
    assert "[CARD]" in redactor.redact("my card is 4111 1111 1111 1111")


def test_an_order_word_keeps_a_card_shaped_order_number(redactor: Redactor) -> None:
    assert "4526018159083012" in redactor.redact("order 4526018159083012 has not arrived")


@pytest.mark.parametrize("text", ["", "   ", "\n", "ok", "👍👍"])
def test_empty_and_trivial_input(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text
    assert redactor.redact_many([]) == []


def test_non_english_letters_survive_and_their_pii_goes(redactor: Redactor) -> None:
    thai = "สวัสดีค่ะ พัสดุยังไม่มา โทร 081-234-5678 ค่ะ"
    assert redactor.redact(thai) == "สวัสดีค่ะ พัสดุยังไม่มา โทร [PHONE] ค่ะ"
    vietnamese = "chào shop, em là Nguyễn Văn An, đơn A1001 chưa nhận được. sđt 0912 345 678"
    out = redactor.redact(vietnamese)
    assert out.startswith("chào shop, em là [NAME]")
    assert "đơn A1001 chưa nhận được" in out
    assert "0912" not in out


def test_redacting_twice_is_redacting_once(redactor: Redactor) -> None:
    texts = [m.text for m in load_eval_set(EVAL_SET)]
    once = redactor.redact_many(texts)
    assert redactor.redact_many(once) == once


def test_placeholders_are_left_alone(redactor: Redactor) -> None:
    text = " ".join(PLACEHOLDERS.values())
    assert redactor.redact(text) == text


def test_redact_many_equals_redact_one_by_one(redactor: Redactor) -> None:
    texts = [m.text for m in load_eval_set(EVAL_SET)][:20]
    assert redactor.redact_many(texts) == [redactor.redact(t) for t in texts]


def test_spans_point_into_the_original_text(redactor: Redactor) -> None:
    text = "Hi I'm Tan Wei Ming, email tan@x.com, I stay in Ang Mo Kio"
    spans = redactor.find(text)
    assert [(text[r.start : r.end], r.label) for r in spans] == [
        ("Tan Wei Ming", "NAME"),
        ("tan@x.com", "EMAIL"),
        ("Ang Mo Kio", "PLACE"),
    ]


def test_redact_record_redacts_only_the_named_string_fields(redactor: Redactor) -> None:
    record = {"id": 7, "text": "call me 9123 4567", "note": "Tan Wei Ming", "amount": 18.5}
    out = redact_record(record, ["text", "amount", "missing"], redactor)
    assert out == {"id": 7, "text": "call me [PHONE]", "note": "Tan Wei Ming", "amount": 18.5}
    assert record["text"] == "call me 9123 4567"


def test_a_pipeline_without_ner_is_refused() -> None:
    import spacy

    with pytest.raises(RedactionError, match="ner"):
        Redactor(spacy.blank("en"))


def _nlu_messages() -> list[tuple[str, list[tuple[str, str]]]]:
    """The annotated NLU messages (written by others): text and (entity, value) pairs."""
    entity = re.compile(r"\[([^\]]+)\](?:\((\w+)\)|\{\"entity\": \"(\w+)\"[^}]*\})")
    messages = []
    for path in NLU_DATA:
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block.get("examples", "").splitlines():
                raw = line.strip().removeprefix("- ")
                ents = [(m.group(2) or m.group(3), m.group(1)) for m in entity.finditer(raw)]
                if ents:
                    messages.append((entity.sub(r"\1", raw), ents))
    return messages


def test_no_annotated_order_id_tracking_number_amount_date_or_product_is_redacted(
    redactor: Redactor,
) -> None:
    messages = _nlu_messages()
    redacted = redactor.redact_many(text for text, _ in messages)
    removed = [
        (value, out)
        for (_, ents), out in zip(messages, redacted, strict=True)
        for name, value in ents
        if name != "email" and value not in out
    ]
    assert len(messages) > 500
    assert removed == []


def test_every_catalogue_product_survives(redactor: Redactor) -> None:
    lookups = yaml.safe_load(NLU_LOOKUPS.read_text(encoding="utf-8"))["nlu"]
    products = next(b for b in lookups if b.get("lookup") == "product")["examples"]
    names = [p.strip().removeprefix("- ") for p in products.splitlines() if p.strip()]
    texts = [f"{p.capitalize()} from order A1001 arrived broken, refund $20" for p in names]
    for name, out in zip(names, redactor.redact_many(texts), strict=True):
        assert name.capitalize() in out


def test_the_shapes_kept_match_the_nlu_regexes() -> None:
    """The order-id and tracking shapes the redactor keeps are the NLU's (kept in step)."""
    lookups = yaml.safe_load(NLU_LOOKUPS.read_text(encoding="utf-8"))["nlu"]
    regexes = {b["regex"]: b["examples"] for b in lookups if "regex" in b}
    tracking = [line.strip().removeprefix("- ") for line in regexes["tracking_number"].splitlines()]
    assert sorted(t for t in tracking if t) == sorted(redact_patterns._TRACKING.split("|"))
