"""Example questions: buyers' questions labelled with the clause that answers them.

MiniLM matches a buyer's question to another buyer's question far better than to the policy's
own prose ("how much does return shipping cost" is close to "do I pay for return shipping",
not to "a flat $5 (in your order's currency) is deducted from your refund"). So the labelled
questions of the example bank (``retrieval.defaults.DEFAULT_EXAMPLE_QUESTIONS``: the dev
questions and the buyer-written examples, kept in separate files for their provenance) are
embedded too, and each clause is ranked by its closest example; the hybrid retriever fuses that
ranking with its other three (``retrieval.hybrid``). On the dev questions, 5-fold
cross-validated (``python -m lab.retrieval.examples``), it moved recall@1 0.707 -> 0.743 and
recall@3 0.895 -> 0.926.

Only answerable examples count; an example with several relevant clauses votes for each.

Embedding the ~500 examples took 24-30 s of every bot start on a loaded machine, so the index
step (``retrieval.build``) saves their vectors beside the clause index (``example_vectors.npy``
and ``example_vectors.json``, keyed by a hash of the embedded texts and the model name); the bot
reads them and embeds only when they are missing or stale.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias, TypeGuard

import numpy as np

from retrieval.embedder import Embedder
from retrieval.errors import KnowledgeBaseError
from retrieval.expansion import ItemCategories


@dataclass(frozen=True, slots=True)
class Example:
    question: str
    clause_ids: tuple[str, ...]


# One JSON-lines file of example questions or several (the bank is the dev questions plus the
# buyer-written examples: separate files, so each keeps its provenance).
ExampleFiles: TypeAlias = Path | str | Sequence[Path | str]


def example_files(source: ExampleFiles) -> tuple[Path, ...]:
    """The files of ``source`` (one path or several), in order."""
    if isinstance(source, (str, Path)):
        return (Path(source),)
    return tuple(Path(p) for p in source)


def is_example_files(value: object) -> TypeGuard[ExampleFiles]:
    """Whether ``value`` names example files (a path, or a non-empty sequence of paths) rather
    than being the examples themselves."""
    if isinstance(value, (str, Path)):
        return True
    return (
        isinstance(value, Sequence)
        and len(value) > 0
        and all(isinstance(v, (str, Path)) for v in value)
    )


def load_examples(source: ExampleFiles, known_clause_ids: Sequence[str]) -> list[Example]:
    """The answerable questions of one JSON-lines file or several, in file order
    (``question``, ``relevant``, ``answerable``), keeping only the clause ids this knowledge
    base has (an example whose clauses are all unknown is dropped): the same files serve any
    knowledge base. That every id of the shipped files exists in data/policies is a test
    (tests/retrieval/test_examples.py).
    """
    known = set(known_clause_ids)
    return [e for path in example_files(source) for e in _load_file(path, known)]


def load_unanswerable(source: ExampleFiles) -> list[str]:
    """The questions of the example files marked ``"answerable": false``: no clause answers
    them (the answerability gate's negatives, ``retrieval.answerability``)."""
    return [
        str(row["question"])
        for path in example_files(source)
        for _, row in _rows(path)
        if not row.get("answerable", True) and str(row.get("question", "")).strip()
    ]


def _load_file(path: Path, known: set[str]) -> list[Example]:
    examples = []
    for number, row in _rows(path):
        if not row.get("answerable", True):
            continue
        question, relevant = row.get("question"), row.get("relevant")
        if not isinstance(question, str) or not question.strip() or not relevant:
            raise KnowledgeBaseError(path, number, "needs a question and relevant clauses")
        ours = tuple(cid for cid in relevant if cid in known)
        if ours:
            examples.append(Example(question, ours))
    return examples


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    """The JSON rows of a JSON-lines file with their line numbers (blank lines skipped)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as e:
            raise KnowledgeBaseError(path, number, f"not JSON ({e})") from e


VECTORS_FILE = "example_vectors.npy"
VECTORS_METADATA_FILE = "example_vectors.json"


def example_texts(examples: Sequence[Example], categories: ItemCategories | None) -> list[str]:
    """What is embedded for each example: its question with the item categories appended
    (``retrieval.expansion``), as the retriever's queries are."""
    return [categories.expand(e.question) if categories else e.question for e in examples]


def texts_hash(texts: Sequence[str], model_name: str) -> str:
    """Names exactly what saved vectors are: these texts, in this order, by this model."""
    digest = hashlib.sha256(model_name.encode())
    for text in texts:
        digest.update(b"\0")
        digest.update(text.encode())
    return digest.hexdigest()


def saved_vectors_fresh(directory: Path | str, texts: Sequence[str], model_name: str) -> bool:
    """Whether ``directory`` holds the vectors of exactly these texts (reads the JSON only)."""
    meta = _read_vectors_metadata(Path(directory))
    return (
        meta is not None
        and meta.get("texts_hash") == texts_hash(texts, model_name)
        and (Path(directory) / VECTORS_FILE).is_file()
    )


def load_saved_vectors(
    directory: Path | str, texts: Sequence[str], model_name: str, dimension: int
) -> np.ndarray | None:
    """The saved vectors of ``texts``, or ``None`` when missing, stale or malformed."""
    if not saved_vectors_fresh(directory, texts, model_name):
        return None
    try:
        vectors = np.load(Path(directory) / VECTORS_FILE, allow_pickle=False)
    except (OSError, ValueError):
        return None
    if vectors.dtype != np.float32 or vectors.shape != (len(texts), dimension):
        return None
    return vectors


def save_vectors(
    directory: Path | str, texts: Sequence[str], vectors: np.ndarray, model_name: str
) -> None:
    """Write the vectors, then their metadata (written last: a crash leaves stale metadata,
    which a reader refuses, never metadata vouching for the wrong vectors)."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f".{VECTORS_FILE}.partial"
    with partial.open("wb") as f:
        np.save(f, np.asarray(vectors, dtype=np.float32), allow_pickle=False)
    os.replace(partial, target / VECTORS_FILE)
    meta = {
        "model_name": model_name,
        "count": len(texts),
        "texts_hash": texts_hash(texts, model_name),
    }
    partial = target / f".{VECTORS_METADATA_FILE}.partial"
    partial.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(partial, target / VECTORS_METADATA_FILE)


def _read_vectors_metadata(directory: Path) -> dict | None:
    try:
        meta = json.loads((directory / VECTORS_METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return meta if isinstance(meta, dict) else None


class ExampleIndex:
    """Clauses ranked by the cosine of their closest example question.

    Examples are embedded as the retriever's queries are: with the item categories appended
    (``retrieval.expansion``), so "return my earbuds" and "return window for headphones" meet
    on "electronics". With ``saved_dir``, the vectors saved there are used when they are the
    vectors of exactly these texts by this model (``loaded`` tells); otherwise they are embedded.
    """

    def __init__(
        self,
        examples: Sequence[Example],
        embedder: Embedder,
        categories: ItemCategories | None = None,
        *,
        saved_dir: Path | str | None = None,
    ) -> None:
        self.examples = tuple(examples)
        self.model_name = embedder.name
        self.texts = example_texts(self.examples, categories)
        saved = (
            load_saved_vectors(saved_dir, self.texts, embedder.name, embedder.dimension)
            if saved_dir is not None and self.texts
            else None
        )
        self.loaded = saved is not None
        if saved is not None:
            self.vectors = saved
        elif self.texts:
            self.vectors = np.asarray(embedder.encode(self.texts), dtype=np.float32)
        else:
            self.vectors = np.zeros((0, 1), dtype=np.float32)

    def save(self, directory: Path | str) -> None:
        """Save the vectors for a later ``ExampleIndex(..., saved_dir=directory)``."""
        save_vectors(directory, self.texts, self.vectors, self.model_name)

    def __len__(self) -> int:
        return len(self.examples)

    def best(self, vector: np.ndarray) -> dict[str, float]:
        """Each clause's closest example's cosine to the query's unit vector."""
        if not self.examples:
            return {}
        cosines = self.vectors @ np.asarray(vector, dtype=np.float32).ravel()
        best: dict[str, float] = {}
        for example, cosine in zip(self.examples, cosines, strict=True):
            for clause_id in example.clause_ids:
                best[clause_id] = max(best.get(clause_id, -1.0), float(cosine))
        return best

    def ranking(self, vector: np.ndarray, depth: int) -> list[str]:
        """Clause ids, closest example first (ties by id), at most ``depth``."""
        best = self.best(vector)
        return sorted(best, key=lambda cid: (-best[cid], cid))[:depth]
