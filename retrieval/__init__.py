"""Policy retrieval: MiniLM + FAISS, BM25 and their hybrid over the refund-policy clauses.

Importing the package loads no model; see ``retrieval.factory.make_retriever`` and
``retrieval.answer.PolicyAnswerer`` for the entry points.
"""

from retrieval.errors import (
    IndexMismatchError,
    IndexMissingError,
    IndexNotLoadedError,
    InvalidQueryError,
    KnowledgeBaseError,
    RetrievalError,
)
from retrieval.types import Hit, Retriever

__all__ = [
    "Hit",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexNotLoadedError",
    "InvalidQueryError",
    "KnowledgeBaseError",
    "RetrievalError",
    "Retriever",
]
