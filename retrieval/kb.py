"""The refund-policy knowledge base: Markdown files parsed into frozen ``Clause`` values.

File format (one section per file)::

    # <Section title>

    <optional intro paragraph(s)>

    ## <CLAUSE-ID> <Clause title>

    <paragraphs and "- " bullets; no other headings>

The loader is strict on purpose: a clause that silently vanishes or merges into its neighbour
would make the bot cite the wrong rule, so any deviation stops the build with file and line.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import KnowledgeBaseError

CLAUSE_ID_PATTERN = re.compile(r"^[A-Z]{2,5}-\d+(\.\d+)+$")
_HEADING = re.compile(r"^(#+)\s*(.*?)\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Clause:
    """One citable policy clause; ``source`` is the file name, ``line`` the heading's (1-based)."""

    clause_id: str
    title: str
    text: str
    section: str
    source: str
    line: int


def load_knowledge_base(directory: Path | str) -> list[Clause]:
    """Parse every ``*.md`` file in ``directory`` (sorted by file name) into clauses.

    Raises ``KnowledgeBaseError`` for a missing directory, a directory without clauses, a
    heading without a valid clause id, a duplicate id, an empty clause body, or text before
    the first clause other than the ``#`` title and an intro.
    """
    root = Path(directory)
    if not root.is_dir():
        raise KnowledgeBaseError(root, 0, "knowledge-base directory does not exist")
    files = sorted(p for p in root.glob("*.md") if p.is_file())
    if not files:
        raise KnowledgeBaseError(root, 0, "no *.md policy files in the knowledge-base directory")

    clauses: list[Clause] = []
    first_seen: dict[str, Clause] = {}
    for path in files:
        for clause in parse_policy_file(path):
            earlier = first_seen.get(clause.clause_id)
            if earlier is not None:
                raise KnowledgeBaseError(
                    path,
                    clause.line,
                    f"duplicate clause id {clause.clause_id!r}, first defined in "
                    f"{earlier.source}:{earlier.line}; clause ids must be unique across files",
                )
            first_seen[clause.clause_id] = clause
            clauses.append(clause)
    return clauses


def parse_policy_file(path: Path) -> list[Clause]:
    """Parse one policy file; see the module docstring for the format."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise KnowledgeBaseError(path, 1, f"file is not valid UTF-8 ({e.reason})") from e

    section: str | None = None
    clauses: list[Clause] = []
    # (id, title, heading line, body lines) of the clause being read
    current: tuple[str, str, int, list[str]] | None = None

    def close_current() -> None:
        if current is None:
            return
        clause_id, title, line, body = current
        text = _normalise_body(body)
        if not text:
            raise KnowledgeBaseError(path, line, f"clause {clause_id} has an empty body")
        clauses.append(Clause(clause_id, title, text, section or "", path.name, line))

    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        heading = _HEADING.match(stripped)
        if section is None:
            if not stripped:
                continue
            if heading is None or len(heading.group(1)) != 1 or not heading.group(2):
                raise KnowledgeBaseError(
                    path,
                    number,
                    "text before the '# <Section title>' line; a file must start with it",
                )
            section = heading.group(2)
            continue
        if heading is None:
            if current is not None:
                current[3].append(raw.rstrip())
            # Otherwise this is the section's intro: allowed, and not part of any clause.
            continue
        level = len(heading.group(1))
        if level != 2:
            where = "inside a clause" if current is not None else "before the first clause"
            raise KnowledgeBaseError(
                path,
                number,
                f"unexpected heading {stripped[:60]!r} {where}; only one '# ' title and "
                "'## <CLAUSE-ID> <title>' clause headings are allowed",
            )
        clause_id, _, title = heading.group(2).partition(" ")
        if not CLAUSE_ID_PATTERN.match(clause_id):
            raise KnowledgeBaseError(
                path,
                number,
                f"clause heading {stripped[:60]!r} has no valid clause id; expected "
                "'## <ID> <title>' with an id like RET-2.1",
            )
        title = title.strip()
        if not title:
            raise KnowledgeBaseError(path, number, f"clause {clause_id} has no title after its id")
        close_current()
        current = (clause_id, title, number, [])

    if section is None:
        raise KnowledgeBaseError(path, 1, "file is empty; expected a '# <Section title>' line")
    close_current()
    if not clauses:
        raise KnowledgeBaseError(path, len(lines), "file has no '## <CLAUSE-ID> <title>' clauses")
    return clauses


def _normalise_body(body: Sequence[str]) -> str:
    """Trim the body and collapse runs of blank lines, keeping paragraphs and bullets readable."""
    paragraphs: list[str] = []
    block: list[str] = []
    for line in body:
        if line.strip():
            block.append(line.strip())
        elif block:
            paragraphs.append("\n".join(block))
            block = []
    if block:
        paragraphs.append("\n".join(block))
    return "\n\n".join(paragraphs)


# Bump when ``clause_passage`` or ``retrieval.passages`` changes: saved indexes record it, and
# load refuses a different one. 2: clauses are indexed as passages (whole + sentence windows).
PASSAGE_FORMAT = 2


def clause_passage(clause: Clause) -> str:
    """The text that is embedded and BM25-indexed for a clause.

    The title leads because it names the topic in the fewest words; MiniLM truncates at 256
    word pieces, so for long clauses the title and first paragraphs carry the vector.
    """
    return f"{clause.title}. {_flatten(clause.text)}"


def clause_sentences(clause: Clause) -> list[str]:
    """Split a clause body into sentences; each bullet counts as its own sentence."""
    return split_sentences(clause.text)


def split_sentences(text: str) -> list[str]:
    """Sentences of a clause body as stored in ``Clause.text`` (bullets count as sentences)."""
    sentences: list[str] = []
    for paragraph in text.split("\n\n"):
        for line in _logical_lines(paragraph):
            sentences.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return sentences


def _logical_lines(paragraph: str) -> Iterable[str]:
    """Bullets stay separate; wrapped prose lines are re-joined."""
    current: list[str] = []
    for line in paragraph.split("\n"):
        if line.startswith(("- ", "* ")):
            if current:
                yield " ".join(current)
            current = [line[2:].strip()]
        else:
            current.append(line)
    if current:
        yield " ".join(current)


def _flatten(text: str) -> str:
    return " ".join(
        line[2:].strip() if line.startswith(("- ", "* ")) else line.strip()
        for line in text.splitlines()
        if line.strip()
    )


def corpus_hash(clauses: Sequence[Clause]) -> str:
    """sha256 over everything a saved index depends on (ids, titles, texts, sections, files).

    Line numbers are left out: re-wrapping a file above a clause changes no embedding.
    """
    payload = [[c.clause_id, c.title, c.text, c.section, c.source] for c in clauses]
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()
