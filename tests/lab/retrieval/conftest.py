"""The tiny knowledge base of tests/retrieval/conftest.py, for the evaluation's tests."""

from tests.retrieval.conftest import tiny_clauses, tiny_kb_dir

__all__ = ["tiny_clauses", "tiny_kb_dir"]
