"""Fixtures for the retrieval tests: a tiny knowledge base and the real MiniLM, loaded once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.kb import Clause, load_knowledge_base
from tests.retrieval.fakes import FakeEmbedder

REPO_ROOT = Path(__file__).resolve().parents[2]

TINY_KB = {
    "01-returns.md": """# Returns for change of mind

Most items can be sent back.

## RET-1.1 Return window

You can return an item within 30 days of delivery. Electronics have a 15 day window.

## RET-1.2 Return shipping fee

- A flat shipping fee of 5 dollars is deducted from the refund.
- Damaged items ship back for free.
""",
    "02-refunds.md": """# Refunds

## REF-2.1 Refund timing for card and wallet

Card refunds take 5 to 10 business days. Wallet refunds are instant.

## REF-2.2 Damaged or broken items

If an item arrives damaged or broken, send photos within 48 hours for a full refund.
""",
}


def write_kb(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def tiny_kb_dir(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "policies", TINY_KB)


@pytest.fixture
def tiny_clauses(tiny_kb_dir: Path) -> list[Clause]:
    return load_knowledge_base(tiny_kb_dir)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def minilm() -> Iterator[object]:
    """The real packaged all-MiniLM-L6-v2, loaded once per session (integration tests only)."""
    import os

    # The test process is a caller like the CLIs: it, not the library, forbids hub access.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.embedder import make_embedder

    yield make_embedder().load()
