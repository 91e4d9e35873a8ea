"""Choosing the multilingual second-clause margin on dev rows (synthetic rows, no index)."""

from __future__ import annotations

from lab.retrieval.multilingual_second_clause import (
    MAX_TWO_SHARE,
    Row,
    choose_margin,
    cross_validate,
    outcome,
)


def _row(
    group: int,
    gap: float,
    *,
    language: str = "ms",
    first: bool = True,
    second: bool = False,
    answered: bool = True,
    answerable: bool = True,
) -> Row:
    return Row(language, f"d{group:03d}", answerable, answered, first, second, gap, True, True)


def test_outcome_counts_a_relevant_second_clause_only_when_it_is_quoted() -> None:
    rows = [_row(1, 0.001, first=False, second=True), _row(2, 0.010, first=False, second=True)]
    assert outcome(rows, float("-inf"))["held"] == 0
    assert outcome(rows, 0.004) == {
        "answered": 2,
        "answered_answerable": 2,
        "held": 1,
        "two": 1,
        "two_share": 0.5,
    }


def test_a_refused_question_quotes_nothing_and_counts_in_no_share() -> None:
    rows = [_row(1, -0.01, answered=False), _row(2, 0.02)]
    assert outcome(rows, 0.03)["two"] == 1 and outcome(rows, 0.03)["answered"] == 1


def test_the_widest_margin_keeping_two_clauses_within_a_quarter_of_answers() -> None:
    # Gaps 0.001, 0.003, ... : margin m quotes two for every gap below it.
    rows = [_row(i, 0.001 + 0.002 * i) for i in range(20)]
    margin = choose_margin(rows, margins=(0.002, 0.006, 0.010, 0.014))
    assert margin == 0.010  # 5 of 20 below it; 0.014 would quote 7
    assert outcome(rows, margin)["two_share"] <= MAX_TWO_SHARE


def test_cross_validation_keeps_a_question_s_languages_in_one_fold() -> None:
    rows = [
        _row(i, 0.001 * (i % 7), language=lang, first=i % 3 != 0, second=i % 3 == 0)
        for i in range(40)
        for lang in ("ms", "th")
    ]
    pooled, per_language = cross_validate(rows, False), cross_validate(rows, True)
    for result in (pooled, per_language):
        assert result["answered"] == 80 and 0 <= result["held"] <= result["answered_answerable"]
        assert result["held"] >= outcome(rows, float("-inf"))["held"]
