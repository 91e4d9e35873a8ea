"""What issue 16's Malay work added to the multilingual index and answerer: stemmed Malay and
Indonesian BM25 tokens, Vietnamese without diacritics, English example questions as a ranking,
item -> category words in the query and the quote, and a refusal threshold per language.
With a fake e5 (tests.retrieval.fakes.FakeE5: a bag of the text's tokens)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval import build_multilingual
from retrieval.defaults import DEFAULT_ITEM_CATEGORIES
from retrieval.errors import IndexMismatchError, RetrievalError
from retrieval.examples import Example
from retrieval.expansion import ItemCategories
from retrieval.multilingual import MultilingualIndex, saved_example_vectors
from retrieval.multilingual_answer import (
    MULTILINGUAL_THRESHOLDS,
    MultilingualAnswerer,
    quote,
)
from retrieval.multilingual_items import DEFAULT_LOCAL_ITEMS, MultilingualItems
from retrieval.multilingual_text import (
    clause_windows,
    embedded_texts,
    fold_diacritics,
    tokenize,
)
from retrieval.query import DEFAULT_MAX_QUERY_CHARS
from retrieval.types import Hit
from tests.retrieval.fakes import FakeE5
from tests.retrieval.test_multilingual import MS_KB, _clauses

VI_KB = {
    "01-returns.md": """# Trả hàng

## RET-1.1 Thời hạn trả hàng

Bạn có thể trả hàng trong vòng 30 ngày. Với hàng điện tử (electronics) thời hạn là 15 ngày.

## RET-1.2 Phí gửi trả

Phí gửi trả cố định $5 được trừ vào tiền hoàn.
""",
}
# A clause whose category sentence is not the first one, as in the real RET-2.1.
MS_ITEMS_KB = {
    "01-returns.md": """# Pemulangan

## RET-1.1 Tempoh pemulangan

Anda boleh memulangkan barang dalam tempoh 30 hari. Tarikh dikira dari hari penghantaran.
Hujung minggu turut dikira. Untuk barangan elektronik (electronics) tempohnya lebih pendek.
Tempoh itu ialah 15 hari selepas penghantaran.
""",
}


class CountingE5(FakeE5):
    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return super().query(text)


def _items(local: dict | None = None) -> MultilingualItems:
    english = ItemCategories.load(DEFAULT_ITEM_CATEGORIES)
    return MultilingualItems(english, local or {"ms": {"electronics": ["fon telinga"]}})


# -- tokens ----------------------------------------------------------------------------------


def test_malay_and_indonesian_words_share_their_stem() -> None:
    assert tokenize("pemulangan", "ms") == tokenize("dipulangkan", "ms") == ["pulang"]
    assert tokenize("pembatalan dibatalkan", "id") == ["batal", "batal"]
    assert tokenize("pemulangan", "tl") == ["pemulangan"]  # only ms and id are stemmed


def test_vietnamese_tokens_ignore_diacritics() -> None:
    assert tokenize("Trả hàng được không? Đơn", "vi") == ["tra", "hang", "duoc", "khong", "don"]
    assert tokenize("tra hang duoc khong don", "vi") == tokenize("Trả hàng được không Đơn", "vi")


def test_only_vietnamese_windows_are_embedded_a_second_time(tmp_path: Path) -> None:
    vi = clause_windows(_clauses(tmp_path, VI_KB)[0], "vi")[0]
    assert embedded_texts(vi, "vi") == [vi.text, fold_diacritics(vi.text)]
    assert fold_diacritics(vi.text).startswith("Thoi han tra hang. Ban co the tra hang")
    ms = clause_windows(_clauses(tmp_path, MS_KB)[0], "ms")[0]
    assert embedded_texts(ms, "ms") == [ms.text]


# -- index -----------------------------------------------------------------------------------


def test_a_question_without_diacritics_meets_the_folded_windows(tmp_path: Path) -> None:
    index = MultilingualIndex.build(FakeE5(), {"vi": _clauses(tmp_path, VI_KB)})
    assert index.languages["vi"].folded_vectors is not None
    hits = index.search("phi gui tra co dinh", "vi", 2, rankers=("dense",))
    assert hits[0].clause_id == "RET-1.2"


def test_folded_windows_survive_save_and_load(tmp_path: Path) -> None:
    index = MultilingualIndex.build(FakeE5(), {"vi": _clauses(tmp_path, VI_KB)})
    index.save(tmp_path / "idx")
    rows = json.loads((tmp_path / "idx/windows.json").read_text())
    assert len(rows) == 2 * len(index.languages["vi"].windows)
    encoder = FakeE5()
    loaded = MultilingualIndex.load(tmp_path / "idx", encoder, index.translations())
    assert encoder.passages_embedded == 0
    np.testing.assert_allclose(
        loaded.languages["vi"].folded_vectors, index.languages["vi"].folded_vectors
    )


def test_example_questions_rank_the_clause_they_are_labelled_with(tmp_path: Path) -> None:
    examples = [Example("zzz qqq", ("REF-2.1",)), Example("www yyy", ("RET-1.2",))]
    index = MultilingualIndex.build(FakeE5(), {"ms": _clauses(tmp_path, MS_KB)}, examples=examples)
    assert index.search("zzz qqq?", "ms", 1, rankers=("examples",))[0].clause_id == "REF-2.1"
    assert index.search("www yyy", "ms", 1, rankers=("examples",))[0].clause_id == "RET-1.2"


def test_each_hit_carries_its_clause_s_example_score(tmp_path: Path) -> None:
    examples = [Example("zzz qqq", ("REF-2.1",)), Example("www yyy", ("RET-1.2",))]
    index = MultilingualIndex.build(FakeE5(), {"ms": _clauses(tmp_path, MS_KB)}, examples=examples)
    hits = {h.clause_id: h for h in index.search("zzz qqq?", "ms", 10)}
    vector = index.encoder.query(index.query_text("zzz qqq?", "ms"))
    cosines = index.example_vectors @ vector
    # The closest example's cosine minus the mean over all example questions; None for a
    # clause no example question names.
    assert hits["REF-2.1"].example_score == pytest.approx(cosines[0] - cosines.mean(), abs=1e-6)
    assert hits["RET-1.2"].example_score == pytest.approx(cosines[1] - cosines.mean(), abs=1e-6)
    assert hits["REF-2.1"].example_score > hits["RET-1.2"].example_score
    assert all(h.example_score is None for c, h in hits.items() if c not in {"REF-2.1", "RET-1.2"})
    without = MultilingualIndex.build(FakeE5(), {"ms": _clauses(tmp_path, MS_KB)})
    assert all(h.example_score is None for h in without.search("zzz qqq?", "ms", 10))


def test_examples_are_saved_reused_and_checked_on_load(tmp_path: Path) -> None:
    translations = {"ms": _clauses(tmp_path, MS_KB)}
    examples = [Example("zzz qqq", ("REF-2.1",))]
    MultilingualIndex.build(FakeE5(), translations, examples=examples).save(tmp_path / "idx")
    assert set(saved_example_vectors(tmp_path / "idx")) == {"zzz qqq"}

    encoder = CountingE5()
    MultilingualIndex.load(tmp_path / "idx", encoder, translations, examples)
    assert encoder.queries == [] and encoder.passages_embedded == 0

    more = [*examples, Example("www yyy", ("RET-1.2",))]
    with pytest.raises(IndexMismatchError, match="examples_hash"):
        MultilingualIndex.load(tmp_path / "idx", FakeE5(), translations, more)
    encoder = CountingE5()
    MultilingualIndex.build(
        encoder,
        translations,
        examples=more,
        reuse_examples=saved_example_vectors(tmp_path / "idx"),
    )
    assert encoder.queries == ["www yyy"]  # only the new example is embedded


def test_the_search_appends_category_words_after_validating_the_question(
    tmp_path: Path,
) -> None:
    encoder = CountingE5()
    index = MultilingualIndex.build(encoder, {"ms": _clauses(tmp_path, MS_KB)}, items=_items())
    index.search("fon telinga boleh pulang?", "ms", 1)
    assert encoder.queries[-1] == "fon telinga boleh pulang? (electronics)"
    long_question = "fon telinga " + "x" * (DEFAULT_MAX_QUERY_CHARS - 12)
    assert len(long_question) == DEFAULT_MAX_QUERY_CHARS
    index.search(long_question, "ms", 1)  # the buyer's limit, not the expanded text's


# -- items -----------------------------------------------------------------------------------


def test_items_are_found_in_each_language_and_in_code_mixed_english() -> None:
    items = MultilingualItems.load(ItemCategories.load(DEFAULT_ITEM_CATEGORIES))
    assert items.categories_in("fon telinga rosak", "ms") == ["electronics"]
    assert items.categories_in("earbuds saya tak suka", "ms") == ["electronics"]
    assert items.categories_in("หูฟังซื้อมา 10 วัน", "th") == ["electronics"]
    assert items.categories_in("tai nghe mua ve", "vi") == ["electronics"]
    assert items.categories_in("tai nghe mua về", "vi") == ["electronics"]
    assert items.categories_in("seluar dalam koyak", "ms") == ["underwear"]
    assert items.categories_in("gửi kèm ảnh", "vi") == []  # "kem" is not listed alone
    assert items.expansion_words("baju dalem", "id") == ["underwear"]


def test_thai_lip_products_are_beauty_but_a_video_clip_is_not() -> None:
    # "ลิป" is what Thai buyers call any lip product; it is also the end of "คลิป" (a clip).
    items = MultilingualItems.load(ItemCategories.load(DEFAULT_ITEM_CATEGORIES))
    assert items.categories_in("ลิปเปิดแล้วคืนได้ไหม", "th") == ["beauty"]
    assert items.categories_in("ซื้อลิปมาสองแท่ง", "th") == ["beauty"]
    assert items.categories_in("รองพื้นแกะแล้ว", "th") == ["beauty"]
    assert items.categories_in("ส่งคลิปตอนแกะกล่องได้ไหม", "th") == []


def test_a_lexicon_naming_an_unknown_category_or_language_is_refused(tmp_path: Path) -> None:
    english = ItemCategories.load(DEFAULT_ITEM_CATEGORIES)
    bad = tmp_path / "items.yml"
    bad.write_text("ms:\n  gadgets: [fon]\n", encoding="utf-8")
    with pytest.raises(RetrievalError, match="gadgets"):
        MultilingualItems.load(english, bad)
    bad.write_text("fr:\n  electronics: [écouteurs]\n", encoding="utf-8")
    with pytest.raises(RetrievalError, match="expected a mapping"):
        MultilingualItems.load(english, bad)
    bad.write_text("ms:\n  electronics: fon\n", encoding="utf-8")
    with pytest.raises(RetrievalError, match="lists"):
        MultilingualItems.load(english, bad)


def test_the_shipped_lexicon_loads() -> None:
    items = MultilingualItems.load(
        ItemCategories.load(DEFAULT_ITEM_CATEGORIES), DEFAULT_LOCAL_ITEMS
    )
    assert items.categories_in("komputer riba", "ms") == ["electronics"]


# -- quote -----------------------------------------------------------------------------------


def test_a_category_sentence_outside_the_window_is_quoted_with_its_number(tmp_path: Path) -> None:
    clause = _clauses(tmp_path, MS_ITEMS_KB)[0]
    hit = Hit(clause.clause_id, clause.title, clause.text, 1.0, (0, 1))
    assert quote("boleh pulang berapa hari?", hit, "ms").startswith("Anda boleh memulangkan")
    text = quote("fon telinga boleh pulang berapa hari?", hit, "ms", ["electronics"])
    assert text == (
        "Untuk barangan elektronik (electronics) tempohnya lebih pendek. "
        "Tempoh itu ialah 15 hari selepas penghantaran."
    )


def test_the_answerer_quotes_the_category_rule(tmp_path: Path) -> None:
    index = MultilingualIndex.build(
        FakeE5(), {"ms": _clauses(tmp_path, MS_ITEMS_KB)}, items=_items()
    )
    answer = MultilingualAnswerer(None, index, -1.0).answer(
        "fon telinga boleh pulang dalam tempoh berapa hari?", language="ms"
    )
    assert "(electronics)" in answer.text and "15 hari" in answer.text


# -- thresholds ------------------------------------------------------------------------------


def test_each_language_is_refused_by_its_own_threshold(tmp_path: Path) -> None:
    translations = {"ms": _clauses(tmp_path, MS_KB), "tl": _clauses(tmp_path, MS_KB)}
    index = MultilingualIndex.build(FakeE5(), translations)
    thresholds = dict(MULTILINGUAL_THRESHOLDS, ms=-1.0, tl=10.0)
    answerer = MultilingualAnswerer(None, index, thresholds)
    assert answerer.answer("kos pos pemulangan", language="ms").confident
    assert not answerer.answer("kos pos pemulangan", language="tl").confident


def test_thresholds_missing_a_language_are_refused_at_construction(tmp_path: Path) -> None:
    index = MultilingualIndex.build(FakeE5(), {"ms": _clauses(tmp_path, MS_KB)})
    with pytest.raises(ValueError, match="vi"):
        MultilingualAnswerer(None, index, {"ms": 0.1, "id": 0.1, "th": 0.1, "tl": 0.1})
    assert set(MULTILINGUAL_THRESHOLDS) == {"ms", "id", "th", "vi", "tl"}


# -- build -----------------------------------------------------------------------------------


def test_the_build_embeds_only_new_example_questions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "kb"
    (root / "i18n/ms").mkdir(parents=True)
    for name, text in MS_KB.items():
        (root / name).write_text(text, encoding="utf-8")
        (root / "i18n/ms" / name).write_text(text, encoding="utf-8")
    questions = tmp_path / "questions.jsonl"
    row = {"question": "zzz qqq", "relevant": ["REF-2.1"], "answerable": True}
    questions.write_text(json.dumps(row) + "\n", encoding="utf-8")
    encoders: list[CountingE5] = []
    monkeypatch.setattr(
        build_multilingual, "load_e5", lambda threads: encoders.append(CountingE5()) or encoders[-1]
    )
    argv = ["--kb", str(root), "--out", str(tmp_path / "idx"), "--languages", "en", "ms"]
    # No seed: the committed one would be verified (embedded) first.
    argv += ["--examples", str(questions), "--seed", str(tmp_path / "no-seed")]
    assert build_multilingual.main(argv) == 0
    assert encoders[-1].queries == ["zzz qqq"]
    assert build_multilingual.main(argv) == 0 and len(encoders) == 1  # up to date
    row = {"question": "www yyy", "relevant": ["RET-1.2"], "answerable": True}
    with questions.open("a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
    assert build_multilingual.main(argv) == 0
    assert encoders[-1].queries == ["www yyy"] and encoders[-1].passages_embedded == 0
    assert "2 example questions, 1 reused" in capsys.readouterr().out
