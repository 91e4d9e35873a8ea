import numpy as np
import pytest

from lab.retrieval.multilingual_gate import (
    CHOSEN,
    GATES,
    Row,
    compare,
    cross_validate,
    fit,
    fit_example_weight,
    table,
)


def _rows(seed: int, example_helps: bool) -> list[Row]:
    """Answerable questions have higher margins; their example scores are higher too when
    ``example_helps`` (lower otherwise)."""
    rng = np.random.default_rng(seed)
    rows = []
    for answerable, n in ((True, 60), (False, 25)):
        margin = rng.normal(0.05 if answerable else 0.03, 0.01, n)
        shift = (0.04 if answerable else -0.04) * (1 if example_helps else -1)
        example = rng.normal(shift, 0.02, n)
        rows += [Row(m, m - 0.005, e, answerable) for m, e in zip(margin, example, strict=True)]
    return rows


def test_the_example_weight_is_positive_when_examples_separate_and_never_negative():
    assert fit_example_weight(_rows(0, example_helps=True)) > 0.1
    assert fit_example_weight(_rows(0, example_helps=False)) == 0.0


def test_a_gate_that_reads_an_informative_example_score_refuses_more_at_the_same_answered_rate():
    rows = _rows(1, example_helps=True)
    answered_before, refused_before, unanswerable = cross_validate(
        GATES["first margin (before)"], rows, seed=0
    )
    answered_after, refused_after, _ = cross_validate(GATES[CHOSEN], rows, seed=0)
    assert unanswerable == 25
    assert answered_before >= 0.85 and answered_after >= 0.85
    assert refused_after > refused_before


def test_the_shipped_constants_answer_at_least_90_percent_of_answerable_dev_questions():
    rows = _rows(2, example_helps=True)
    weight, threshold = fit(rows)
    scores = np.array([r.margin + weight * r.example for r in rows if r.answerable])
    assert (scores >= threshold).mean() == pytest.approx(0.9, abs=0.02)


def test_the_comparison_covers_every_gate_and_language():
    comparison = compare({"ms": _rows(3, True), "tl": _rows(4, True)}, seeds=(0,))
    assert set(comparison) == set(GATES)
    assert comparison[CHOSEN]["unanswerable"] == 50
    assert "| ms | tl |" in table(comparison, ["ms", "tl"])
