from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from retrieval.errors import KnowledgeBaseError
from retrieval.kb import (
    clause_passage,
    clause_sentences,
    corpus_hash,
    load_knowledge_base,
)
from tests.retrieval.conftest import TINY_KB, write_kb


def test_loads_clauses_in_file_order_with_sections_and_lines(tiny_kb_dir: Path) -> None:
    clauses = load_knowledge_base(tiny_kb_dir)

    assert [c.clause_id for c in clauses] == ["RET-1.1", "RET-1.2", "REF-2.1", "REF-2.2"]
    first = clauses[0]
    assert first.title == "Return window"
    assert first.section == "Returns for change of mind"
    assert first.source == "01-returns.md"
    assert first.line == 5
    assert first.text.startswith("You can return an item within 30 days")
    # The intro paragraph belongs to no clause.
    assert all("Most items can be sent back" not in c.text for c in clauses)


def test_sentences_split_prose_and_bullets(tiny_clauses) -> None:
    assert clause_sentences(tiny_clauses[0]) == [
        "You can return an item within 30 days of delivery.",
        "Electronics have a 15 day window.",
    ]
    assert clause_sentences(tiny_clauses[1]) == [
        "A flat shipping fee of 5 dollars is deducted from the refund.",
        "Damaged items ship back for free.",
    ]


def test_passage_leads_with_the_title_and_drops_bullet_marks(tiny_clauses) -> None:
    passage = clause_passage(tiny_clauses[1])
    assert passage.startswith("Return shipping fee. A flat shipping fee")
    assert "- " not in passage


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("# Returns\n\n## RET 2.1 Window\n\nBody.\n", 3, "no valid clause id"),
        ("# Returns\n\n## Window rules\n\nBody.\n", 3, "no valid clause id"),
        ("# Returns\n\n## ret-2.1 Window\n\nBody.\n", 3, "no valid clause id"),
        ("# Returns\n\n## RET-2 Window\n\nBody.\n", 3, "no valid clause id"),
        ("# Returns\n\n## RET-2.1\n\nBody.\n", 3, "no title"),
        ("# Returns\n\n## RET-2.1 Window\n\n\n## RET-2.2 Fee\n\nBody.\n", 3, "empty body"),
        ("# Returns\n\n## RET-2.1 Window\n\nBody.\n\n## RET-2.2 Fee\n", 7, "empty body"),
        (
            "Stray text\n# Returns\n\n## RET-2.1 Window\n\nBody.\n",
            1,
            "before the '# <Section title>'",
        ),
        ("## RET-2.1 Window\n\nBody.\n", 1, "before the '# <Section title>'"),
        ("# Returns\n\n### Details\n\n## RET-2.1 Window\n\nBody.\n", 3, "before the first clause"),
        ("# Returns\n# Again\n\n## RET-2.1 Window\n\nBody.\n", 2, "before the first clause"),
        ("# Returns\n\n## RET-2.1 Window\n\nBody.\n\n### Sub\n\nMore.\n", 7, "inside a clause"),
        ("# Returns\n\nOnly an intro.\n", 3, "no '## <CLAUSE-ID> <title>' clauses"),
        ("\n\n", 1, "file is empty"),
    ],
)
def test_malformed_file_is_refused_naming_file_and_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    write_kb(tmp_path, {"bad.md": text})

    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(tmp_path)

    error = caught.value
    assert error.path == tmp_path / "bad.md"
    assert error.line == line
    assert fragment in str(error)
    assert str(error).startswith(f"{tmp_path / 'bad.md'}:{line}: ")


def test_duplicate_id_across_files_names_both_places(tmp_path: Path) -> None:
    write_kb(
        tmp_path,
        {
            "a.md": "# A\n\n## RET-2.1 One\n\nBody.\n",
            "b.md": "# B\n\nIntro.\n\n## RET-2.1 Two\n\nOther body.\n",
        },
    )

    with pytest.raises(
        KnowledgeBaseError, match=r"b\.md:5: duplicate clause id 'RET-2.1'"
    ) as caught:
        load_knowledge_base(tmp_path)
    assert "first defined in a.md:3" in str(caught.value)


def test_missing_directory_and_directory_without_policies_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="does not exist"):
        load_knowledge_base(tmp_path / "nowhere")
    (tmp_path / "notes.txt").write_text("not a policy", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"no \*\.md policy files"):
        load_knowledge_base(tmp_path)


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "latin.md").write_bytes(
        "# Retours\n\n## RET-2.1 Délai\n\nCorps.\n".encode("latin-1")
    )
    with pytest.raises(KnowledgeBaseError, match="not valid UTF-8"):
        load_knowledge_base(tmp_path)


def test_corpus_hash_follows_content_not_line_numbers(tmp_path: Path, tiny_clauses) -> None:
    digest = corpus_hash(tiny_clauses)
    assert len(digest) == 64
    assert corpus_hash([replace(c, line=c.line + 10) for c in tiny_clauses]) == digest
    edited = [replace(tiny_clauses[0], text=tiny_clauses[0].text + " Really."), *tiny_clauses[1:]]
    assert corpus_hash(edited) != digest
    assert corpus_hash(list(reversed(tiny_clauses))) != digest

    shifted = {name: "\n\n" + text for name, text in TINY_KB.items()}
    assert corpus_hash(load_knowledge_base(write_kb(tmp_path / "shifted", shifted))) == digest
