"""The multilingual training data's checker, on the committed files and on small files made here."""

import re
from pathlib import Path

import yaml

from lab.nlu import multilingual_counts as mc

ENGLISH = Path(__file__).resolve().parents[3] / "data" / "nlu" / "train"


def write_language(root: Path, language: str, train: str, labels: str) -> None:
    (root / "train").mkdir(parents=True, exist_ok=True)
    (root / "labels").mkdir(parents=True, exist_ok=True)
    (root / "train" / f"nlu_{language}.yml").write_text(train, encoding="utf-8")
    (root / "labels" / f"{language}.yml").write_text(labels, encoding="utf-8")


def test_the_committed_multilingual_data_meets_its_rules(capsys):
    assert mc.main([]) == 0
    table = capsys.readouterr().out
    assert "| intent | ms | id | th | vi | tl |" in table
    assert "Malay vs Indonesian" in table


def test_every_english_intent_is_required_in_every_language():
    intents = mc.english_intents(ENGLISH)
    assert {"cancel_order", "out_of_scope", "affirm", "inform"} <= intents
    for language in mc.LANGUAGES:
        counts = mc.count_language(
            mc.REPO_ROOT / "data" / "nlu" / "multilingual", language, intents
        )
        assert counts.problems == []
        assert set(counts.intents) == intents


def test_a_bad_file_is_reported(tmp_path):
    train = """version: "3.1"
nlu:
- intent: cancel_order
  examples: |
    - batal [A1001](order_id)
    - batal [kasut](produk)
    - batal [kasut(product)
- intent: not_an_intent
  examples: |
    - apa ni
    - Batal A1001
"""
    labels = """version: 1
messages:
- {text: "batal", act: request, reason: none}
- {text: "rosak", act: complain, reason: broken}
"""
    write_language(tmp_path, "ms", train, labels)
    counts = mc.count_language(tmp_path, "ms", {"cancel_order", "greet"})
    problems = "\n".join(counts.problems)
    assert "unknown entity 'produk'" in problems
    assert "malformed annotation: 'batal [kasut(product)'" in problems
    assert "intent 'not_an_intent' is not in the English data" in problems
    assert "duplicate (cancel_order, not_an_intent): 'Batal A1001'" in problems
    assert "greet: 0 < 8" in problems
    assert "examples < 320" in problems
    assert "label outside the sets" in problems
    assert "2 labelled messages < 100" in problems


def test_a_missing_language_is_reported(tmp_path):
    counts = mc.count_language(tmp_path, "th", {"greet"})
    assert any("nlu_th.yml is missing" in p for p in counts.problems)
    assert any("th.yml is missing" in p and "labels" in p for p in counts.problems)


def test_vietnamese_without_diacritics_is_told_apart():
    assert mc.without_diacritics("chua nhan dc hang ma bao da giao")
    assert mc.without_diacritics("bi tru 210k, hoan 150.000đ di")
    assert not mc.without_diacritics("chưa nhận được hàng")
    assert not mc.without_diacritics("A1001")


def test_separation_tells_two_vocabularies_apart_and_not_one_from_itself():
    first = [f"saya nak tukar barang nombor {i}" for i in range(20)]
    second = [f"gue mau ganti pesanan nomor {i}" for i in range(20)]
    assert mc.separation(first, second) == 1.0
    assert mc.separation(first, [t + " " for t in first]) < 0.75


def _patterns(entity: str) -> list[re.Pattern[str]]:
    path = mc.REPO_ROOT / "data" / "nlu" / "multilingual" / "patterns" / "regex.yml"
    blocks = yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
    lines = next(b["examples"] for b in blocks if b.get("regex") == entity).splitlines()
    return [re.compile(line[2:]) for line in lines if line.startswith("- ")]


def _spans(entity: str, text: str) -> set[str]:
    return {m.group() for p in _patterns(entity) for m in p.finditer(text)}


def test_local_money_shapes_are_matched_whole():
    assert _spans("amount", "refund Rp150.000 dong") == {"Rp150.000"}
    assert _spans("amount", "kepotong Rp 238.000. Tolong") == {"Rp 238.000"}
    assert "150rb" in _spans("amount", "balikin 150rb-nya")
    assert _spans("amount", "ขอค่าส่ง45 บาทคืน") == {"45 บาท"}
    assert _spans("amount", "hoàn 450.000đ giúp em") == {"450.000đ"}
    assert _spans("amount", "trả lại 1tr2 đi") == {"1tr2"}
    assert _spans("amount", "order 00123842 on 3/3") == set()


def test_order_ids_glued_to_thai_words_are_matched_but_not_inside_tracking_numbers():
    assert _spans("order_id", "ยกเลิก#77012นะคะ") == {"#77012"}
    assert _spans("order_id", "ออเดอร์00451290ยังไม่ส่ง") == {"00451290"}
    assert _spans("order_id", "tracking SPX0123456789SG") == set()
    assert _spans("order_id", "call 0812-3456-7890") == set()
