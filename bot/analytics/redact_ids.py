"""National identity numbers of the six markets, as [ID_CARD].

A bare 12-16 digit number is usually an order or tracking id, which analysts need, so a number
becomes an ID card only on evidence:

- **a cue** just before it ("IC", "MyKad", "NIK", "KTP", "บัตรประชาชน", "CCCD", "CMND",
  "PhilSys", "UMID", "TIN", "NRIC"...), with no digits between the cue and the number;
- **a checksum**: the Thai citizen ID's mod-11 digit, Singapore's NRIC/FIN letter;
- **the card's own layout** with a plausible content: MyKad ``YYMMDD-PB-###G`` (a real date, a
  real place-of-birth code), the Thai ID's ``1-2345-67890-12-3`` grouping, UMID ``0028-1234567-8``
  and SSS ``34-1234567-8`` groupings, a NIK's province, birth date and district fields.

An order word just before a number ("order", "pesanan", "คำสั่งซื้อ", "đơn") keeps it, unless a
cue is nearer. What the formats are, per market:

=========== ====================================================================================
MY          MyKad 12 digits YYMMDD-PB-###G (PB: state or country of birth)
ID          NIK 16 digits: province(2) regency(2) district(2) DDMMYY (women: DD+40) serial(4)
TH          13 digits, the last a check digit: (11 - sum(d_i * (13 - i)) mod 11) mod 10
VN          CCCD 12 digits (province, century/sex, year, serial) or CMND 9 digits: cue only
PH          PhilSys PSN 16 digits / PhilID card number 12 digits, UMID CRN 4-7-1, SSS 2-7-1,
            TIN 3-3-3(-3): cue, or the UMID/SSS grouping
SG          NRIC/FIN: S/T/F/G + 7 digits + check letter (M series: cue only)
=========== ====================================================================================

Every pattern here runs in linear time (bounded repeats; a number cannot start inside a digit
run), as the rest of the redactor's (see ``redact_patterns``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from bot.analytics.redact_patterns import _NOT_AFTER, _ORDER_CONTEXT, _ORDER_WORD
from bot.analytics.redact_types import ID_CARD, Redaction

# 9 to 16 digits, single spaces or hyphens allowed between them; not glued to a word or number.
_ID_NUMBER = re.compile(rf"{_NOT_AFTER}\d(?:[ -]?\d){{8,15}}(?![\w/-]|[.,]\d|[ -]\d)")
_NRIC = re.compile(r"(?<![\w#/-])[STFGM]\d{7}[A-Z](?![\w/-])", re.IGNORECASE)
_GROUPS = re.compile(r"\d+")

# The words that introduce an identity number, and at most 25 other characters (no digit) up to
# it: "IC no: 900512-14-5678", "NIK saya 3273...", "บัตรประชาชน ของผม 3100...".
_CUE_WORDS = (
    r"\b(?:n?ric|fin|i/?c|my\s?kad|kad\s+pengenalan|no\.?\s*k/?p|nik|e-?ktp|ktp|kartu\s+keluarga|"
    r"cccd|cmnd|cmt|căn\s+cước|can\s+cuoc|chứng\s+minh|chung\s+minh|phil\s?sys|psn|phil\s?id|pcn|"
    r"umid|crn|tin|sss|gsis|national\s+id|id\s*card|id\s*(?:no|number|num)|identity\s+card|"
    r"citizen\s*id|thai\s+id|passport|định\s+danh|dinh\s+danh)\b"
    r"|บัตรประชาชน|บัตรประจำตัวประชาชน|เลขประจำตัว|เลขบัตร"
)
# The gap holds no digit and no placeholder: "NIK [ID_CARD], pesanan 2211..." (a second pass)
# is no cue for the order id.
_ID_CUE = re.compile(rf"(?:{_CUE_WORDS})(?P<gap>[^\d\[\]]{{0,25}})$", re.IGNORECASE)
_CUE_WINDOW = 45

# MyKad place-of-birth codes: states 01-16 and 21-59, countries 60-68, 71-72, 74-79, 82-99.
_MYKAD_PB = {*range(1, 17), *range(21, 69), 71, 72, *range(74, 80), *range(82, 100)}
# NIK province codes (Kemendagri): Sumatra, Riau Islands, Java, Bali/Nusa Tenggara,
# Kalimantan, Sulawesi, Maluku, Papua.
_NIK_PROVINCES = {
    *range(11, 20),
    21,
    *range(31, 37),
    *range(51, 54),
    *range(61, 66),
    *range(71, 77),
    81,
    82,
    *range(91, 98),
}


def id_card_redactions(text: str) -> Iterator[Redaction]:
    """Every identity number of ``text`` (see the module docstring); they do not overlap."""
    for m in _NRIC.finditer(text):
        if nric_valid(m.group().upper()) or _cued(text, m.start()):
            yield Redaction(*m.span(), ID_CARD, "pattern")
    for m in _ID_NUMBER.finditer(text):
        number = m.group()
        digits = number.replace(" ", "").replace("-", "")
        layout = tuple(len(g) for g in _GROUPS.findall(number))
        if _cued(text, m.start()) or (
            not _after_order_word(text, m.start()) and _looks_like_id(digits, layout)
        ):
            yield Redaction(*m.span(), ID_CARD, "pattern")


def _cued(text: str, start: int) -> bool:
    """A cue just before ``start``, and no order word between them ("IC no, order 2405...")."""
    m = _ID_CUE.search(text[max(0, start - _CUE_WINDOW) : start])
    return bool(m) and not _ORDER_WORD.search(m.group("gap"))


def _after_order_word(text: str, start: int) -> bool:
    return bool(_ORDER_CONTEXT.search(text[max(0, start - 30) : start]))


def _looks_like_id(digits: str, layout: tuple[int, ...]) -> bool:
    """An identity number by its layout or checksum alone (no cue)."""
    if layout == (6, 2, 4):
        return mykad_valid(digits)
    if layout in ((1, 4, 5, 2, 1), (13,)):
        return thai_id_valid(digits)
    if layout in ((4, 7, 1), (2, 7, 1)):  # UMID CRN, SSS
        return True
    if layout == (16,):
        return nik_valid(digits)
    return False


def mykad_valid(digits: str) -> bool:
    """12 digits whose first six are a date (YYMMDD) and next two a place-of-birth code."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    return _is_date(int(digits[4:6]), int(digits[2:4])) and int(digits[6:8]) in _MYKAD_PB


def nik_valid(digits: str) -> bool:
    """16 digits with a province code, regency and district, a birth date (DD+40 for women)."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    day = int(digits[6:8])
    day = day - 40 if day > 40 else day
    return (
        int(digits[:2]) in _NIK_PROVINCES
        and digits[2:4] != "00"
        and digits[4:6] != "00"
        and _is_date(day, int(digits[8:10]))
        and digits[12:] != "0000"
    )


def thai_id_valid(digits: str) -> bool:
    """13 digits, the first 1-8, the last the mod-11 check digit of the first twelve."""
    if len(digits) != 13 or not digits.isdigit() or digits[0] in "09":
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


_NRIC_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)
# Check letters by remainder: NRIC (S, T) and FIN (F, G). The newer M series is taken on a cue only.
_NRIC_LETTERS = {"S": "JZIHGFEDCBA", "T": "JZIHGFEDCBA", "F": "XWUTRQPNMLK", "G": "XWUTRQPNMLK"}


def nric_valid(nric: str) -> bool:
    """Singapore NRIC/FIN: the check letter of the seven digits (T and G add 4)."""
    prefix, body, letter = nric[0], nric[1:8], nric[8]
    if prefix not in _NRIC_LETTERS:
        return False
    total = sum(int(d) * w for d, w in zip(body, _NRIC_WEIGHTS, strict=True))
    total += 4 if prefix in "TG" else 0
    return _NRIC_LETTERS[prefix][total % 11] == letter


def _is_date(day: int, month: int) -> bool:
    try:
        date(2000, month, day)  # a leap year: 29 February is a birthday
    except ValueError:
        return False
    return True
