"""Redaction in the six markets' languages (issue 16): identity numbers, phones, addresses and
names in Malay, Indonesian, Thai, Vietnamese and Tagalog, and what must stay (order ids,
tracking numbers, amounts, dates). The messages are written for these tests, not taken from the
dev set (lab/analytics/pii_dev)."""

from __future__ import annotations

import pytest

from bot.analytics.redact import Redactor, load_redactor
from bot.analytics.redact_ids import mykad_valid, nik_valid, nric_valid, thai_id_valid


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return load_redactor()


def test_thai_citizen_ids_are_checked_by_their_check_digit() -> None:
    assert thai_id_valid("1103700123458")
    assert thai_id_valid("3100501234563")
    assert not thai_id_valid("1103700123459")  # the last digit off by one
    assert not thai_id_valid("0103700123458")  # no Thai ID starts with 0
    assert not thai_id_valid("110370012345")  # 12 digits


def test_singapore_nric_and_fin_letters() -> None:
    assert nric_valid("S1234567D")  # the textbook example
    assert nric_valid("T0212345I")
    assert nric_valid("G1234567X")
    assert not nric_valid("S1234567A")
    assert not nric_valid("M1234567K")  # the M series is taken on a cue only


def test_mykad_and_nik_fields() -> None:
    assert mykad_valid("900512145678")
    assert not mykad_valid("901312145678")  # month 13
    assert not mykad_valid("900512705678")  # place-of-birth code 70 is not assigned
    assert nik_valid("3273012505900003")
    assert nik_valid("3578104708950001")  # a woman's: day 47 = 7 + 40
    assert not nik_valid("3301234567891234")  # month 67
    assert not nik_valid("9973012505900003")  # province 99


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Malaysia
        (
            "IC saya 880621-05-5512, barang rosak",
            "IC saya [ID_CARD], barang rosak",
        ),
        (
            "Saya Aminah Yusof, hubungi 011-2345 6789",
            "Saya [NAME], hubungi [PHONE]",
        ),
        (
            "hantar ke No. 7, Jalan Bukit 2, Taman Bukit Indah, 81200 Johor Bahru",
            "hantar ke [ADDRESS]",
        ),
        # Indonesia
        (
            "nama saya agus setiawan, KTP 3171022308870004",
            "nama saya [NAME], KTP [ID_CARD]",
        ),
        (
            "kirim ke Jl. Diponegoro No. 3, RT 02/RW 04, Kec. Menteng ya",
            "kirim ke [ADDRESS] ya",
        ),
        # Thailand
        (
            "บัตรประชาชน 1-4102-00987-65-2 ค่ะ",
            "บัตรประชาชน [ID_CARD] ค่ะ",
        ),
        (
            "ชื่อนางสาวพรทิพย์ มั่นคง โทร 089-765-4321 ครับ",
            "ชื่อนางสาว[NAME] โทร [PHONE] ครับ",
        ),
        (
            "บ้านเลขที่ 8/2 หมู่ 3 ตำบลหนองหาร อำเภอสันทราย จังหวัดเชียงใหม่ 50290 ค่ะ",
            "[ADDRESS] ค่ะ",
        ),
        # Vietnam
        (
            "tên em là Phạm Thu Trang, CCCD 001199012345",
            "tên em là [NAME], CCCD [ID_CARD]",
        ),
        (
            "giao đến số 5 đường Trần Phú, phường 4, quận 5, TP. HCM nhé",
            "giao đến [ADDRESS] nhé",
        ),
        # Philippines
        (
            "ako po si Liza Manalo, SSS 34-1234567-8",
            "ako po si [NAME], SSS [ID_CARD]",
        ),
        (
            "Blk 9 Lot 4, Brgy. Dolores, Taytay, Rizal po",
            "[ADDRESS] po",
        ),
        # Singapore
        ("my NRIC S1234567D, call +65 9876 5432", "my NRIC [ID_CARD], call [PHONE]"),
    ],
)
def test_the_markets_pii_is_redacted(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "pesanan 3302114509870001 belum sampai",  # NIK-shaped, after an order word
        "order 1410200987652 still processing",  # a valid Thai-ID checksum, after "order"
        "คำสั่งซื้อ 3100501234563 ยังไม่ได้รับ",  # the same in Thai
        "đơn 001199012345 giao sai",  # CCCD-shaped, after "đơn"
        "order 240512883301 and 2211456789012345 and 8812345677",  # bare order ids
        "Order 1023456789012345 tracking SPX1234567890PH paid ₱1,299 on 2026-11-03",
    ],
)
def test_order_ids_are_not_id_cards(redactor: Redactor, text: str) -> None:
    assert "[ID_CARD]" not in redactor.redact(text)
    assert "[PHONE]" not in redactor.redact(text)


def test_an_id_cue_does_not_reach_past_an_order_word_or_a_placeholder(redactor: Redactor) -> None:
    text = "NIK 3273012505900003, pesanan 2211456789012345"
    once = redactor.redact(text)
    assert once == "NIK [ID_CARD], pesanan 2211456789012345"
    assert redactor.redact(once) == once
    assert redactor.redact("IC no, order 900512145678") == "IC no, order 900512145678"


def test_thai_particles_and_vowel_marks_stay_outside_the_span(redactor: Redactor) -> None:
    # A Thai word may end in a combining vowel ("ศรี"): it goes with the name.
    assert redactor.redact("ชื่อสมศรีค่ะ") == "ชื่อ[NAME]ค่ะ"
    assert redactor.redact("อยู่จังหวัดเชียงรายครับ") == "อยู่[PLACE]ครับ"
    # "ต.ค." is October, not a sub-district.
    assert redactor.redact("สั่งเมื่อ 3 ต.ค. ค่ะ") == "สั่งเมื่อ 3 ต.ค. ค่ะ"
