"""``retrieval.e5_seed``: the committed e5 vectors a fresh clone reuses instead of embedding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval import build_multilingual
from retrieval.defaults import MULTILINGUAL_EXAMPLE_QUESTIONS
from retrieval.e5_seed import (
    CHECK_PASSAGES,
    DEFAULT_SEED,
    Seed,
    read_seed,
    verified_seed,
    write_seed,
)
from retrieval.languages import LANGUAGES, load_translations
from retrieval.multilingual import saved_example_vectors, saved_vectors
from retrieval.multilingual_text import clause_windows, embedded_texts
from tests.retrieval.fakes import FakeE5
from tests.retrieval.test_build_multilingual import _kb

KB = Path(__file__).resolve().parents[2] / "data" / "policies"


def _needed() -> tuple[set[str], set[str]]:
    translations = load_translations(KB, list(LANGUAGES))
    passages = {
        t
        for language, clauses in translations.items()
        for c in clauses
        for w in clause_windows(c, language)
        for t in embedded_texts(w, language)
    }
    examples = build_multilingual.multilingual_examples(KB, MULTILINGUAL_EXAMPLE_QUESTIONS)
    return passages, {e.question for e in examples}


def test_the_committed_seed_holds_exactly_what_the_knowledge_base_embeds() -> None:
    # Fails after an edit to data/policies (or a translation, or the example questions): the
    # build still works (it embeds what the seed lacks), but a fresh clone pays for it.
    seed = read_seed(DEFAULT_SEED)
    passages, queries = _needed()
    hint = "the e5 seed is stale: run `make e5-seed` and commit data/retrieval/e5-seed"
    assert passages - set(seed.passages) == set(), hint
    assert queries - set(seed.queries) == set(), hint
    assert set(seed.passages) - passages == set(), hint
    assert set(seed.queries) - queries == set(), hint
    assert all(v.shape == (384,) and v.dtype == np.float32 for v in seed.passages.values())


def test_write_then_read_gives_the_same_vectors(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    passages = {f"p{i}": rng.standard_normal(8).astype(np.float32) for i in range(5)}
    queries = {"q": rng.standard_normal(8).astype(np.float32)}
    write_seed(tmp_path, passages, queries)
    seed = read_seed(tmp_path)
    assert seed.passages.keys() == passages.keys() and seed.queries.keys() == queries.keys()
    for text, vector in {**passages, **queries}.items():
        got = seed.passages.get(text, seed.queries.get(text))
        np.testing.assert_array_equal(got, vector)


def test_a_missing_or_foreign_seed_reads_as_empty(tmp_path: Path) -> None:
    assert read_seed(tmp_path / "nowhere") == Seed.empty()
    write_seed(tmp_path, {"p": np.ones(4, np.float32)}, {})
    meta = tmp_path / "texts.json"
    meta.write_text(meta.read_text().replace("e5", "another-model"), encoding="utf-8")
    assert read_seed(tmp_path) == Seed.empty()


def test_a_seed_the_encoder_does_not_reproduce_is_ignored() -> None:
    encoder = FakeE5()
    texts = [f"clause {i} text" for i in range(10)]
    true = Seed(dict(zip(texts, encoder.passage(texts), strict=True)), {"q": encoder.query("q")})
    assert verified_seed(true, FakeE5()) is true
    wrong = Seed({t: -v for t, v in true.passages.items()}, true.queries)
    assert verified_seed(wrong, FakeE5()) == Seed.empty()
    other_dimension = Seed({t: v[:64] for t, v in true.passages.items()}, {})
    assert verified_seed(other_dimension, FakeE5()) == Seed.empty()


def test_a_build_from_a_seed_embeds_only_the_check_and_gives_the_same_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoders: list[FakeE5] = []
    monkeypatch.setattr(
        build_multilingual, "load_e5", lambda threads: encoders.append(FakeE5()) or encoders[-1]
    )
    kb, seed = _kb(tmp_path), tmp_path / "seed"
    common = ["--kb", str(kb), "--languages", "en", "ms", "--seed", str(seed)]
    first, second = tmp_path / "first", tmp_path / "second"
    assert build_multilingual.main([*common, "--out", str(first), "--write-seed"]) == 0
    assert build_multilingual.main([*common, "--out", str(second)]) == 0
    assert encoders[1].passages_embedded <= CHECK_PASSAGES
    assert encoders[1].passages_embedded < encoders[0].passages_embedded
    for saved in (saved_vectors, saved_example_vectors):
        a, b = saved(first), saved(second)
        assert a.keys() == b.keys()
        assert all(np.array_equal(a[t], b[t]) for t in a)
