"""Validation shared by every retriever, so all of them refuse the same bad input."""

from __future__ import annotations

from retrieval.errors import InvalidQueryError

# Long enough for any buyer message we expect; past it a pasted e-mail thread or log dump is
# more likely than a question, and MiniLM truncates at 256 word pieces anyway.
DEFAULT_MAX_QUERY_CHARS = 1000


def validate_query(query: str, k: int, max_chars: int = DEFAULT_MAX_QUERY_CHARS) -> str:
    """Return the stripped query, or raise ``InvalidQueryError`` naming the problem."""
    if not isinstance(query, str):
        raise InvalidQueryError(f"query must be a string, got {type(query).__name__}")
    stripped = query.strip()
    if not stripped:
        raise InvalidQueryError("query is empty or whitespace only; send the buyer's question text")
    if len(query) > max_chars:
        raise InvalidQueryError(
            f"query is {len(query)} characters long, over the limit of {max_chars}; shorten it"
        )
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidQueryError(f"k must be a positive integer, got {k!r}")
    return stripped
