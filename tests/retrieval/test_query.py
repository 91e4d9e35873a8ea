from __future__ import annotations

import pytest

from retrieval.errors import InvalidQueryError
from retrieval.query import DEFAULT_MAX_QUERY_CHARS, validate_query


def test_valid_query_is_stripped() -> None:
    assert validate_query("  refund please \n", 3) == "refund please"


@pytest.mark.parametrize(
    ("query", "k", "fragment"),
    [
        ("", 3, "empty"),
        ("   \n\t", 3, "empty"),
        ("x" * (DEFAULT_MAX_QUERY_CHARS + 1), 3, f"over the limit of {DEFAULT_MAX_QUERY_CHARS}"),
        ("refund", 0, "k must be a positive integer"),
        ("refund", -1, "k must be a positive integer"),
        ("refund", True, "k must be a positive integer"),
        (None, 3, "must be a string"),
    ],
)
def test_bad_queries_are_refused_with_the_reason(query, k, fragment) -> None:
    with pytest.raises(InvalidQueryError, match=fragment):
        validate_query(query, k)


def test_limit_is_configurable_and_inclusive() -> None:
    assert validate_query("x" * 10, 1, max_chars=10) == "x" * 10
    with pytest.raises(InvalidQueryError, match="11 characters"):
        validate_query("x" * 11, 1, max_chars=10)
