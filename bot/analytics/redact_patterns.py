"""The redactor's patterns: what must survive (order ids, tracking numbers, amounts,
placeholders), payment-card checks, and the linear-time regular expressions for e-mails, cards,
phones, addresses, and the cues of names and places."""

from __future__ import annotations

import re

from bot.analytics.redact_types import (
    PLACEHOLDERS,
)
from bot.analytics.redact_words import (
    _HONORIFICS,
    _words,
)

# --- what must survive ----------------------------------------------------------------------------
# Order-id and tracking shapes follow data/nlu/train/regex_lookup_synonyms.yml (a test keeps
# them in step), except "S" + 6 digits, a Singapore postcode. The bare 8/15-digit order ids are
# not listed: the phone and card rules need separators, a phone word or a card brand first.

_ORDER_ID = r"#?\b(?!S\(?\d{6}\b)[A-Z]\d{4,6}\b|\bSO-\d{4}-\d{6}\b|#\d{3,8}\b(?!-\d)"
_TRACKING = r"\bSPX\d{10}[A-Z]{2}\b|\b1Z[0-9A-Z]{16}\b|\bJT\d{13}\b|\bNJV\d{8,12}\b"
# At most 6 thousands groups (10^21): unbounded, "111,111,...,111" was rescanned from each of its
# groups (quadratic).
_NUMBER = r"(?:\d{1,3}(?:[.,]\d{3}){1,6}|\d+)(?:[.,]\d{1,2})?"
_AMOUNT = (
    rf"(?:[$€£₱₫฿]|\bS\$|\b(?:USD|SGD|MYR|PHP|THB|IDR|VND|RM|Rp|P(?=\d)))\s?{_NUMBER}(?!\d)"
    rf"|\b{_NUMBER}\s?k?\s?(?:VND|vnd|đ|dong|baht|THB|ringgit|RM|pesos?|PHP|rupiah|IDR|"
    r"dollars?|bucks|SGD|USD|MYR)\b"
)
# A shop is not a person: "the seller Tech Haven", "toko Sinar Jaya".
_SHOP = re.compile(
    r"\b(?:seller|shop|store|brand|toko|kedai)\s++([A-Z][\w&'-]*+(?:\s[A-Z][\w&'-]*+){0,2})",
    re.IGNORECASE,
)
_PLACEHOLDER = r"\[(?:" + "|".join(PLACEHOLDERS) + r")\]"
_PROTECTED = re.compile("|".join(f"(?:{p})" for p in (_PLACEHOLDER, _TRACKING, _ORDER_ID, _AMOUNT)))


def _luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_brand_valid(digits: str) -> bool:
    """A real card number carries its network's prefix and length (ISO/IEC 7812 IIN ranges).

    Luhn alone passes one random number in ten, and buyers type 15-digit order ids all day (one
    in the NLU training data, 113542617735902, is Luhn-valid): the brand check keeps order ids
    out of [CARD] without losing a real card.
    """
    n = len(digits)
    two, three, four = int(digits[:2]), int(digits[:3]), int(digits[:4])
    return (
        (digits[0] == "4" and n in (13, 16, 19))  # Visa
        or ((51 <= two <= 55 or 2221 <= four <= 2720) and n == 16)  # Mastercard
        or (two in (34, 37) and n == 15)  # American Express
        or ((four == 6011 or two == 65 or 644 <= three <= 649) and 16 <= n <= 19)  # Discover
        or (3528 <= four <= 3589 and 16 <= n <= 19)  # JCB
        or (two == 62 and 16 <= n <= 19)  # UnionPay
        or ((300 <= three <= 305 or two in (36, 38, 39)) and 14 <= n <= 19)  # Diners Club
    )


# --- the patterns ---------------------------------------------------------------------------------

# Every pattern of this module runs in linear time on any input (tests/bot/analytics/
# test_redact_redos.py feeds each family the inputs that make regexes backtrack). A buyer types
# what they like, and Python's re cannot be interrupted: one pattern that backtracks
# exponentially ("a_a_a_...a!" against the e-mail pattern) froze whatever redacted the message.
# The rules kept:
#   - no two pieces under one quantifier, or side by side, that can match the same text unless
#     one of them is possessive (*+ ++ ?+) or bounded: a run of text must split one way only;
#   - a run that a pattern may start inside (a word, a digit group) is scanned a bounded number
#     of times: the pattern starts only at the run's start, or its repetitions are bounded;
#   - possessive only where giving characters back could never let the rest match (the next
#     piece cannot start with them), so that a pattern matches exactly what it matched before.
_NOT_AFTER = r"(?<![\w#$/.,+-])(?<!\d[\s-])"  # not glued to a word, a number or a digit group
_NOT_BEFORE = r"(?![\w/]|[.,-]\d|[\s-]\d)"
_DOT = r"(?:\s++dot\s++|\s*+[\(\[]dot[\)\]]\s*+|\.)"

# name@example.com: the local part starts at the first word boundary (\b) of its run of
# local-part characters, as in "\b[...]+@"; but that was tried at every \b of a long run
# ("a-a-a-...", "1.1.1.1...") and scanned to the run's end from each (quadratic). Now either
#  - at the start of a run (the lookbehind) it skips possessively to the run's first \b and
#    scans the run once, whatever its length (group "at" is the address); or
#  - inside a run (where the previous match ended: "a@b.com.c@d.com") it takes at most 64
#    characters before the "@", RFC 5321's limit, so each \b costs at most that.
# Spelled out ("sarah dot lim at gmail dot com", "aiman(at)yahoo(dot)com"): the separators of
# the words before "at" were "[._]", and "_" is a word character too, so "a_a_a_...a!" split in
# 2^n ways (exponential); "_" is gone from them (a "_" joins words anyway), the words are
# possessive, and at most 16 separators come before "at", so that each word of a long
# "a dot a dot ..." does not start a scan to the end of the run.
_EMAIL_DOMAIN = r"@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)*\.[A-Za-z]{2,}\b"
_EMAIL = re.compile(
    rf"(?<![A-Za-z0-9._%+-])(?>(?<=\w)[A-Za-z0-9_]*+|[.%+-]*+)"
    rf"(?P<at>\b[A-Za-z0-9._%+-]++{_EMAIL_DOMAIN})"
    rf"|\b[A-Za-z0-9._%+-]{{1,64}}+{_EMAIL_DOMAIN}"
    r"|\b\w++(?:(?:\s++dot\s++|\s*+[\(\[]dot[\)\]]\s*+|\.)\w++){0,16}+"
    r"(?:\s++at\s++|\s*+[\(\[]at[\)\]]\s*+)"
    rf"\w++(?:{_DOT}\w++)*{_DOT}(?:com|net|org|edu|gov|co|id|my|sg|ph|th|vn)\b",
    re.IGNORECASE,
)
_CARD = re.compile(rf"{_NOT_AFTER}\d(?:[ -]?\d){{12,18}}(?![\w/-]|[.,]\d)")
# (pattern, fewest digits, most digits)
_PHONES: tuple[tuple[re.Pattern[str], int, int], ...] = (
    # international: +65 9123 4567, +6591234567, +60 17-234 5678, +84 90 555 1234
    (
        re.compile(
            r"(?<![\w+])\+\s?\d{1,3}[\s.-]?(?:\(0\)\s?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}"
            + _NOT_BEFORE
        ),
        8,
        15,
    ),
    # a country code without the plus, with separators: 6012-345 6789
    (
        re.compile(
            rf"{_NOT_AFTER}(?:65|60|66|84|63|62)\d{{1,3}}[\s-]\d{{3,4}}[\s-]?\d{{3,4}}"
            + _NOT_BEFORE
        ),
        10,
        13,
    ),
    # local, 0-prefixed: 012-345 6789, 0812-3456-7890, (02) 8123 4567, 0912345678
    (
        re.compile(
            rf"{_NOT_AFTER}(?:\(0\d{{1,3}}\)|0\d{{1,4}})(?:[\s.-]?\d{{2,4}}){{2,3}}" + _NOT_BEFORE
        ),
        9,
        13,
    ),
    # Singapore, grouped 4+4: 9123 4567, 6123-4567
    (re.compile(rf"{_NOT_AFTER}[3689]\d{{3}}[\s-]\d{{4}}" + _NOT_BEFORE), 8, 8),
)
# Bare Singapore numbers (91234567) look like 8-digit order ids: they need a phone word nearby.
_PHONE_BARE_SG = re.compile(rf"{_NOT_AFTER}[3689]\d{{7}}" + _NOT_BEFORE)
_PHONE_CONTEXT = re.compile(
    r"(?:call|phone|tel|telp|telepon|hp|h/p|mobile|handphone|cell|whatsapp|wa|zalo|viber|sms|"
    r"text|contact|reach|number|num|sđt|sdt|điện thoại|dien thoai|hubungi|landline|is)"
    r"\W*+(?:\w++\W++){0,3}+$",
    re.IGNORECASE,
)
_ORDER_WORDS = (
    r"order|orders|order\s*(?:no|id|number)\.?|pesanan|đơn(?:\s*hàng)?|ref(?:erence)?|"
    r"invoice|tracking|awb|resi|vận\s*đơn|คำสั่งซื้อ|ออเดอร์|พัสดุ"
)
_ORDER_CONTEXT = re.compile(rf"(?:{_ORDER_WORDS})\W*$", re.IGNORECASE)
_ORDER_WORD = re.compile(_ORDER_WORDS, re.IGNORECASE)

# Addresses: an anchor (something only addresses have) starts a span, which then grows over the
# comma-separated parts that follow while they look like address parts (see _grow_address).
_STREET_SUFFIX = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Boulevard|Blvd|Walk|Close|Crescent|Cres|"
    r"Terrace|Highway|Hwy|Link)\b\.?"
)
# Lower-case too ("25 jalan ampang"), except the words that are also English or Malay words.
_STREET_PREFIX = (
    r"(?:(?i:jalan|jln\.?|jl\.|lorong|persiaran|lebuhraya|soi|thanon|perumahan|komplek|"
    r"kompleks|barangay|brgy\.?|purok|đường|phố|ngõ|hẻm|ngách)|Jl|Lor\.?|Lebuh|Taman|Gang|Gg\.|"
    r"Sitio)"
)
_CAP = r"[A-ZÀ-ÞĐƠƯ][\w'’.-]*"
_HOUSE_NO = r"(?<!\d[\s-])(?:No\.?\s*)?#?\d{1,5}[A-Z]?(?:/\d{1,4})?"
_ADDRESS_START = re.compile(
    "|".join(
        (
            r"\b(?:Blk|Block|Blok|blk|block|blok)\.?\s*+[A-Z]?\d{1,4}[A-Z]?\b",
            r"#\d{1,3}-\d{1,5}[A-Z]?\b",
            r"\b(?:Unit|Lot)\s+\d{1,5}[A-Z]?(?:-\d{1,4})?\b",
            r"\bRT\s*+(?:\.\s*+)?\d{1,3}\s*+/?\s*+RW\s*+(?:\.\s*+)?\d{1,3}\b",
            rf"(?<![\w]){_HOUSE_NO}\s+Moo\s+\d{{1,2}}\b",
            # 123 Nguyen Hue Street, 1/88 Rama IX Road, #45 Mabini St.
            rf"(?<![\w#]){_HOUSE_NO},?\s+(?:{_CAP}\s+){{1,4}}{_STREET_SUFFIX}"
            r"(?:\s+\d{1,3}[A-Z]?\b)?",
            # Singapore: Bedok North Ave 3, Jurong West St 42
            r"\b(?:[A-Z][a-z]+\s+){1,3}(?:Ave|Avenue|Street|St|Road|Rd|Drive|Walk|Crescent|"
            r"Lane|Link)\s+\d{1,3}\b",
            # Jalan SS 2/24, Jl. Sudirman No. 45, Soi Sukhumvit 55, 45 Phố Huế
            rf"(?:(?<![\w#]){_HOUSE_NO},?\s+)?(?<![\w])(?:(?i:số)\s+\d+[A-Z]?(?:/\d+)?,?\s+)?"
            rf"{_STREET_PREFIX}\s+"
            r"(?:(?:No\.?\s*)?[\w'’/.-]+(?:[ \t]+|(?=[,;]|$))){0,4}",
            r"\b(?:Singapore|S'pore|SG)\s*+\(?\d{6}\)?(?!\w)",
        )
    )
)
# What else may follow an anchor: a Singapore postcode "S079903", a postcode, a house number.
_ADDRESS_PART = re.compile(r"S\(?\d{6}\)?(?!\w)|\d{4,6}(?!\w)|No\.?\s*\d{1,5}[A-Z]?(?!\w)")
# After "address:", "send to", "kirim ke" a house number starts an address even without a
# street word ("office at 2 Hai Ba Trung, District 1").
_ADDRESS_CUE = re.compile(
    r"(?:address|addr|alamat|địa chỉ|dia chi|deliver(?:ed)?\s+to|send(?:\s+it)?\s+to|"
    r"ship(?:ped)?\s+to|giao\s+(?:đến|tới|den|toi)|gửi\s+(?:về|đến)|kirim\s+ke|hantar\s+ke|"
    r"antar\s+ke|office\s+at|stay(?:ing)?\s+at|live\s+at|located\s+at|pick\s*up\s+from|"
    r"(?<!\w)ở|nakatira\s+(?:ako\s+)?sa|tinggal\s+di)"
    rf"\W{{0,3}}({_HOUSE_NO},?\s+(?:{_CAP}[ \t]*){{1,4}})",
    re.IGNORECASE,
)
# Lower-case words that may continue an address.
_ADDRESS_WORDS = _words(
    """
    no no. level lvl lt lantai floor flr fl tower blok blk block unit lot phase moo soi rt rw
    số phường quận huyện xã thị tp tp. p. q. kel. kec. kab. kelurahan kecamatan kabupaten
    district ward city village estate barangay brgy brgy. street st st. road rd ave
    taman desa kota kab kec kel dusun jl jl. gg. gang lrg rt rw thôn ấp tổ khu hẻm kiệt huyện
    tỉnh xã purok sitio poblacion province del de
    """
)

# Names after cues. After an introduction a lower-case name counts ("my name is siti aminah");
# after the other cues only capitalised words do ("i'm waiting" is not a name).
_NAME_CUE_LOWER_OK = re.compile(
    r"(?:\bmy\s+name\s+is|\bmy\s+name's|\bname\s*+(?:is|:)|\bnama(?:\s+saya)?\s*:|"
    r"\bnama\s+saya(?:\s+(?:ialah|adalah|ni))?|\batas\s+nama|\bako\s+(?:po\s+)?si|"
    r"\bpangalan\s+(?:ko|namin)(?:\s+(?:po\s+)?ay)?|\b(?:em|tôi|mình|tui)\s+tên(?:\s+là)?|"
    r"\btên\s+(?:của\s+)?(?:tôi|em|mình|tui|anh|chị)\s+là|"
    r"\bem\s+là|\btôi\s+là|\bmình\s+là)(?:\s*+[:,-]\s++|\s++)",
    re.IGNORECASE,
)
_NAME_CUE = re.compile(
    r"(?i:\bsaya|\bi\s+am|\bi'?m|\bthis\s+is|\bini|\bname|\bnama|\bcustomer\s*:|\brecipient|"
    r"\breceiver|\bpenerima|\bngười\s+nhận|\bc/o|\battention|\battn\.?|\bpic\s*:|\bask\s+for|"
    r"\bname\s+on\s+card|\b(?:acc(?:ount)?\s+)?holder|\brefund\s+to|\bmy\s+(?:wife|husband|mum|"
    r"mom|mother|father|dad|sister|brother|colleague|son|daughter|friend|boss)|\bistri\s+saya|"
    r"\bsuami\s+saya)(?:\s*+[:,-]\s++|\s++)(?=[A-ZÀ-ÞĐ])"
    # Tagalog marks a person's name with "si" / "kay" ("pakitawagan si Maria", "kay Pedro").
    r"|(?<![\w])(?:si|kay)\s++(?=[A-Z])"
)
_HONORIFIC = re.compile(rf"(?<![\w])(?:{_HONORIFICS})\.?\s++(?=[A-ZÀ-ÞĐ])")
# A message or sentence that opens with a name: "Rajesh Kumar here", or ends with one after a
# dash: "... - Angelica Reyes".
_NAME_HERE = re.compile(r"(?:^|[.!?]\s++)((?:[A-ZÀ-ÞĐ][\w'.-]*+\s++){1,4})here\b")
# The signature was "(?:[A-ZÀ-ÞĐ][\w'.-]*\s*){2,4}$": with the spaces optional, a word of n
# capitals split into 2 to 4 pieces in O(n^3) ways. Now the words are whole (possessive): 2 to 4
# of them, or a single one with a capital inside ("- JohnTan"), which the pieces allowed too.
# (A capital may start a piece, so it may stand inside a word: "×" is in À-Þ but not in \w.)
_SIGNATURE_WORD = r"[A-ZÀ-ÞĐ][\w'.A-ZÀ-ÞĐ-]*+"
_NAME_SIGNATURE = re.compile(
    rf"(?:^|\s)[-–—~]\s*+({_SIGNATURE_WORD}(?:\s++{_SIGNATURE_WORD}){{1,3}}+"
    rf"|(?=[A-ZÀ-ÞĐ][\w'.A-ZÀ-ÞĐ-]*?[A-ZÀ-ÞĐ]){_SIGNATURE_WORD})\s*+$"
)
_PLACE_CUE = re.compile(
    r"(?i:\b(?:i'?m|am|stay|stays|staying|live|lives|living|based|located|tinggal|duduk)\s++"
    r"(?:in|at|di)|\b(?:from|dari|nasa|taga|ở|o|di)\b)\s++(?=[A-ZÀ-ÞĐ])",
)
_WORD = re.compile(r"[^\s,;:!?()\[\]\"]+")

# Administrative units of Indonesia, Malaysia, Vietnam and the Philippines: "Kec. Tebet",
# "phường 7", "Brgy. San Isidro". Alone a unit is a place; grown over more parts, an address.
_ADMIN_UNIT = re.compile(
    # The lookahead of first letters lets re skip every other position quickly (it was the
    # costliest pattern of the stage on long texts without any unit).
    r"(?=[KkDdPpQqHhTtXxẤấBbSs])(?<![\w.])(?i:kel\.|kec\.|kab\.|kelurahan|kecamatan|kabupaten|desa|dusun|kota|phường|"
    r"quận|huyện|tỉnh|xã|thôn|ấp|thị\s+trấn|thị\s+xã|thành\s+phố|tp\.|brgy\.?|barangay|purok|"
    r"sitio|taman)[ \t]*+(?:\d{1,3}(?!\w)|[A-ZÀ-ÞĐƠƯ][\w'’-]*+(?:[ \t][A-ZÀ-ÞĐƠƯ][\w'’-]*+){0,3})"
    # Vietnamese wards and districts abbreviated: "P.13", "Q.3", "P. Bến Nghé"
    r"|(?<![\w.])[PQ]\.[ \t]?"
    r"(?:\d{1,2}(?!\w)|[A-ZÀ-ÞĐƠƯ][\w'’-]*+(?:[ \t][A-ZÀ-ÞĐƠƯ][\w'’-]*+){0,2})"
)
# The street before an administrative unit, without a street word: "45 Nguyễn Trãi, phường 7",
# "123/4 Lê Văn Sỹ, P.13" (searched in the 60 characters before the unit only).
_STREET_BEFORE = re.compile(
    rf"(?=[\d#N])(?<![\w#]){_HOUSE_NO}[ \t]+(?:{_CAP}[ \t]+){{0,3}}{_CAP},[ \t]*$"
)

# Thai addresses: no capitals and no spaces between words, so they are read by their own
# keywords (house number, village, soi, road, sub-district, district, province) and chained
# over spaces and commas, up to the postcode. Abbreviated keywords ("ต.", "จ.") are not read
# when a one-letter abbreviation follows ("ต.ค.", October).
_TH_LETTERS = "\u0e01-\u0e4e"
_TH_KEY = (
    r"(?:บ้านเลขที่|เลขที่(?!\s*(?:คำสั่ง|พัสดุ|บัญชี|บัตร|สั่งซื้อ|ออเดอร์))|หมู่บ้าน|หมู่ที่|หมู่|ซอย|"
    r"ถนน|ตำบล|แขวง|อำเภอ|เขต|จังหวัด|คอนโด|อาคาร|ห้อง(?=\s*\d)|ชั้น(?=\s*\d)|[มซถตอจ]\.)"
)
# Sub-district, district, province: a part with only these is a place, not an address.
_TH_PLACE_KEYS = ("ตำบล", "แขวง", "อำเภอ", "เขต", "จังหวัด", "ต.", "อ.", "จ.")
_TH_VALUE = (
    rf"(?![{_TH_LETTERS}]\.)[ \t]?+(?:\d{{1,5}}(?:/\d{{1,4}})?"
    rf"|[{_TH_LETTERS}A-Za-z.]{{2,30}}+(?:[ \t]\d{{1,4}}(?:/\d{{1,4}})?(?![\d/]))?)"
)
_TH_PART = rf"{_TH_KEY}{_TH_VALUE}"
_TH_TAIL = rf"(?:{_TH_PART}|\d{{5}}(?!\d)|กรุงเทพมหานคร|กรุงเทพฯ?|กทม\.?)"
_TH_ADDRESS = re.compile(
    rf"(?:(?<![\d/])\d{{1,5}}(?:/\d{{1,4}})?[ \t]+)?{_TH_PART}(?:[ \t,]{{1,3}}{_TH_TAIL}){{0,10}}"
)
# Polite particles glued to the last word ("เชียงใหม่ครับ"): not part of the address or name.
_TH_PARTICLE = re.compile(r"(?:นะ)?(?:ครับ|ค่ะ|คะ|คับ|ค่า|จ้า|จ้ะ|นะ)$")

# Thai names after "ชื่อ" (name), "ผู้รับ" (recipient), with an optional title: a given name
# and, after one space, a surname unless that word is a particle or starts the next clause.
_TH_NAME_CUE = re.compile(
    r"(?:ชื่อ(?:ผู้รับ|จริง|ผู้สั่ง|ลูกค้า)?|ผู้รับ)(?!สินค้า|ร้าน|รุ่น|ไฟล์|แบรนด์|บัญชี)[ \t]*+(?::[ \t]*+)?"
    r"(?:คุณ|นางสาว|นาง|นาย|น\.ส\.|ด\.ช\.|ด\.ญ\.)?[ \t]*+"
    # A title alone ("นายสมชาย", "นางสาวพรทิพย์"); not "คุณ", which is also "you" ("ขอบคุณ").
    r"|(?:นางสาว|น\.ส\.|นาย)(?=[\u0E01-\u0E4E])"
)
_TH_WORD = re.compile(rf"[{_TH_LETTERS}]{{2,25}}+")
_TH_NOT_SURNAME = (
    "ครับ",
    "ค่ะ",
    "คะ",
    "คับ",
    "นะ",
    "จ้า",
    "ค่า",
    "เบอร์",
    "โทร",
    "ที่",
    "เลข",
    "บัตร",
    "อยู่",
    "ได้",
    "ส่ง",
    "สั่ง",
    "ขอ",
    "และ",
    "แต่",
    "สินค้า",
    "ของ",
    "ผม",
    "ดิฉัน",
    "หนู",
    "ฉัน",
    "ยัง",
    "ไม่",
    "เป็น",
    "คือ",
    "จาก",
    "ใน",
    "รับ",
    "ช่วย",
    "อยาก",
    "ต้องการ",
    "สวัสดี",
)
