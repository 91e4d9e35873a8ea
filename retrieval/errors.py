"""The retrieval package's one exception tree.

Every error names the bad value and, where there is one, the fix. Third-party failures are
wrapped with ``raise ... from e`` so the original traceback survives.
"""

from __future__ import annotations

from pathlib import Path

from common.errors import AftersalesError, InvalidInput


class RetrievalError(AftersalesError):
    """Base class for every error raised by the retrieval package."""


class KnowledgeBaseError(RetrievalError):
    """A policy file is malformed; the message names the file and the line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = message
        super().__init__(f"{self.path}:{line}: {message}")


class IndexMismatchError(RetrievalError):
    """A saved index does not match the corpus or the embedder it is loaded with."""


class IndexMissingError(RetrievalError):
    """No saved index (or an incomplete one) at the given directory."""


class NotLoadedError(RetrievalError):
    """A component was used before its explicit ``load()`` / ``build()``."""


class IndexNotLoadedError(NotLoadedError):
    """A retriever was searched before ``build()`` or ``load()``."""


class EmbedderNotLoadedError(NotLoadedError):
    """An embedder was used before ``load()``."""


class InvalidQueryError(RetrievalError, InvalidInput, ValueError):
    """A query (or its ``k``) cannot be searched: empty, whitespace only, too long, or k < 1."""


class EvaluationDataError(RetrievalError):
    """The evaluation question set is malformed or cites clause ids the knowledge base lacks."""
