"""Is the buyer's question one the policy answers? A learned gate under the cosine bar.

The answerer refused every question whose first clause's best-passage cosine fell below the
cross-validated threshold (``retrieval.defaults.CONFIDENCE_THRESHOLD``). Conversational
phrasing lowers that cosine while the other signals still agree: "can i send bak a lipstik i
alredy opend? just askng" sits at 0.24 with its closest example question at 0.6 and the
re-ranker's first clause, the right one, clear of the second. On the dev questions 75 of 509
answerable ones fell below the bar, 47 of them with the right clause first.

So for a question under the bar a logistic regression (scikit-learn, defaults) reads four
signals of the re-ranker's first clause: its best-passage cosine, its closest example
question's cosine, its re-ranker score, and its margin over the second clause. It is trained by
``retrieval.train_reranker`` (``make index``) on the example bank's answerable questions under
the bar (re-ranked by re-rankers that did not see them, as an unseen question is) against the
unanswerable questions of the example files under the bar (the whole bank as examples, as
served), and its cut lies above every unanswerable question's out-of-fold probability: judged
out of fold, it answers none of the unanswerable questions the bar refused (new questions can
still cross it: one held-out unanswerable question did). A question the bar answers stays
answered. Saved in the re-ranker's JSON
(``retrieval.rerank``); without it the bar alone decides, as before. Dev figures: README,
"Policy retrieval".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

ANSWERABILITY_FEATURES = ("best", "example", "rank_score", "margin")
# A first clause alone (no second) or far ahead: the margin counts up to this many logits.
MAX_MARGIN = 10.0
CV_FOLDS = 5


@dataclass(frozen=True, slots=True)
class Answerability:
    """A linear model over standardised ``ANSWERABILITY_FEATURES`` and the probability at or
    above which the question counts as answered by the first clause."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    cut: float

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        standard = (rows - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(standard @ np.asarray(self.weights) + self.intercept)))

    def probability(self, row: Sequence[float]) -> float:
        return float(self.probabilities(np.asarray([row], dtype=np.float64))[0])

    def sure(self, row: Sequence[float]) -> bool:
        return self.probability(row) >= self.cut

    def to_json(self) -> dict:
        return {
            "features": list(ANSWERABILITY_FEATURES),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "intercept": self.intercept,
            "cut": self.cut,
        }

    @classmethod
    def from_json(cls, body: dict) -> Answerability | None:
        """The saved gate; None when absent or for other features (the cosine bar decides)."""
        if not body or body.get("features") != list(ANSWERABILITY_FEATURES):
            return None
        width = len(ANSWERABILITY_FEATURES)
        if not all(len(body.get(k, ())) == width for k in ("mean", "scale", "weights")):
            return None
        return cls(
            tuple(body["mean"]),
            tuple(body["scale"]),
            tuple(body["weights"]),
            float(body["intercept"]),
            float(body["cut"]),
        )


def row(best: float, example: float, rank_score: float, margin: float | None) -> list[float]:
    """One question's features: its first clause's cosines, re-ranker score and margin."""
    gap = MAX_MARGIN if margin is None else min(margin, MAX_MARGIN)
    return [best, example, rank_score, gap]


def fit_answerability(
    answerable: np.ndarray, unanswerable: np.ndarray, threshold: float, *, seed: int = 0
) -> Answerability | None:
    """The gate for the questions the cosine ``threshold`` refuses (rows whose ``best`` is
    below it; the others are answered by the bar as before), its cut above every unanswerable
    row's out-of-fold probability: it refuses all the unanswerable questions the bar refuses
    (judged out of fold, so the cut is not set on probabilities the model saw its rows for).
    None when the rows below the bar are too few of either kind to fit."""
    from sklearn.model_selection import StratifiedKFold

    answerable = answerable[answerable[:, 0] < threshold]
    unanswerable = unanswerable[unanswerable[:, 0] < threshold]
    if min(len(answerable), len(unanswerable)) < CV_FOLDS:
        return None
    rows = np.vstack([answerable, unanswerable])
    labels = np.r_[np.ones(len(answerable)), np.zeros(len(unanswerable))]
    out_of_fold = np.zeros(len(rows))
    for train, test in StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed).split(
        rows, labels
    ):
        out_of_fold[test] = _fit(rows[train], labels[train]).probabilities(rows[test])
    cut = float(np.nextafter(out_of_fold[len(answerable) :].max(), np.inf))
    return replace(_fit(rows, labels), cut=cut)


def _fit(rows: np.ndarray, labels: np.ndarray) -> Answerability:
    """A logistic regression on standardised rows; the caller sets its cut."""
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(max_iter=1000).fit((rows - mean) / scale, labels)
    return Answerability(
        tuple(float(m) for m in mean),
        tuple(float(s) for s in scale),
        tuple(float(w) for w in model.coef_[0]),
        float(model.intercept_[0]),
        cut=1.0,
    )
