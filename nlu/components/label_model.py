"""A small text classifier for one label of a message (its dialogue act, its claim reason).

Features: the MiniLM sentence embedding (meaning) next to word 1-2-grams and character 2-5-grams
(form: "can I ..." asks, "can you ..." requests, "?" and typos), into a multinomial logistic
regression. Pure scikit-learn and numpy, so both environments can import it; the Rasa component
``nlu.components.message_labels.MessageLabels`` trains and serves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

# The embedding's weight next to the n-grams: a unit vector against tf-idf rows of norm 1 each.
EMBEDDING_WEIGHT = 2.0


@dataclass(frozen=True)
class LabelledText:
    text: str
    labels: dict[str, str]


def load_labelled(paths: Sequence[Path]) -> list[LabelledText]:
    """The ``messages`` of every YAML file given (folders: their ``*.yml``), in a stable order.

    Each entry is ``{text: ..., <field>: <label>, ...}``; a file without ``messages`` is an error.
    """
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yml")) if path.is_dir() else [path])
    out: list[LabelledText] = []
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        messages = data.get("messages")
        if not isinstance(messages, list):
            raise ValueError(f"{file}: expected a top-level 'messages' list")
        for i, entry in enumerate(messages):
            if not isinstance(entry, dict) or not str(entry.get("text") or "").strip():
                raise ValueError(f"{file}: message {i} has no text")
            labels = {str(k): str(v) for k, v in entry.items() if k != "text"}
            out.append(LabelledText(str(entry["text"]), labels))
    return out


class LabelModel:
    """Fits and predicts one label; ``predict`` gives (label, probability) per text."""

    def __init__(self, c: float = 4.0, random_state: int = 42) -> None:
        self.words = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
        )
        self.classifier = LogisticRegression(
            C=c, max_iter=2000, class_weight="balanced", random_state=random_state
        )

    def fit(self, texts: Sequence[str], vectors: np.ndarray, labels: Sequence[str]) -> LabelModel:
        if len(texts) != len(labels) or len(texts) != len(vectors):
            raise ValueError("texts, vectors and labels must have the same length")
        if len(set(labels)) < 2:
            raise ValueError("a label model needs at least two different labels")
        lowered = [t.lower() for t in texts]
        self.words.fit(lowered)
        self.chars.fit(lowered)
        self.classifier.fit(self._features(lowered, vectors), list(labels))
        return self

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.classifier.classes_]

    def predict(self, texts: Sequence[str], vectors: np.ndarray) -> list[tuple[str, float]]:
        if not len(texts):
            return []
        lowered = [t.lower() for t in texts]
        probabilities = self.classifier.predict_proba(self._features(lowered, vectors))
        best = probabilities.argmax(axis=1)
        classes = self.classifier.classes_
        return [(str(classes[i]), float(p[i])) for i, p in zip(best, probabilities, strict=True)]

    def _features(self, lowered: list[str], vectors: np.ndarray) -> csr_matrix:
        dense = csr_matrix(np.asarray(vectors, dtype=np.float64) * EMBEDDING_WEIGHT)
        return hstack([self.words.transform(lowered), self.chars.transform(lowered), dense]).tocsr()
