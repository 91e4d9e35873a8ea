"""The policy's clauses for people: their titles and texts by id (the knowledge base in
`data/policies`, read once per process), and a quoted policy sentence made readable.

The bot quotes the policy word for word, and the policy refers to its own clauses by code
("pack everything that came with it (RET-2.6)"). A buyer cannot look a code up (issue 15), so
the bot's text names the clause by its title instead, and cites it: the chat shows it by title
and its text on a tap.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.language.catalogue import say
from retrieval.answer import PolicyAnswer
from retrieval.kb import Clause, load_knowledge_base
from retrieval.languages import I18N_DIR, LANGUAGES

KNOWLEDGE_BASE_DIR = Path(__file__).resolve().parents[1] / "data" / "policies"
# A clause id as the knowledge base writes them (`retrieval.kb.CLAUSE_ID_PATTERN`), in text;
# also a range ("REV-6.3..6.5"), as the rules' docstrings write some.
CLAUSE_CODE = re.compile(r"\b[A-Z]{2,5}-\d+(?:\.\d+)+(?:\.\.\d+(?:\.\d+)*)?\b")
# "(RET-2.6)", "(RET-2.1 to RET-2.4)", "(see RET-2.7 for what counts as opened)".
_BARE_REFERENCE = re.compile(
    r"\((?:see\s+)?("
    + CLAUSE_CODE.pattern
    + r"(?:\s*(?:,|and|or|to)\s*"
    + CLAUSE_CODE.pattern
    + r")*)\)"
)


@lru_cache(maxsize=8)  # English and its five translations
def clause_book(directory: Path = KNOWLEDGE_BASE_DIR) -> dict[str, Clause]:
    """The knowledge base's clauses by id, in the policy's order."""
    return {c.clause_id: c for c in load_knowledge_base(directory)}


def clause_book_in(language: str) -> dict[str, Clause]:
    """The clauses by id in ``language``: the English knowledge base, or its translation
    (`data/policies/i18n/<language>`, the same ids); English for a language without one."""
    if language == "en" or language not in LANGUAGES:
        return clause_book()
    return clause_book(KNOWLEDGE_BASE_DIR / I18N_DIR / language)


def readable(
    text: str, book: dict[str, Clause] | None = None, see: str = "see"
) -> tuple[str, tuple[str, ...]]:
    """`text` with each clause code replaced by the clause's title in quotes ("(RET-2.6)" reads
    "(see “Pack everything that came with it”)"), and the codes it referred to, in order, to
    cite. A code the knowledge base does not know is left as it is. ``book`` and ``see`` are
    the text's language's: its clauses' titles and its word for "see"."""
    book = clause_book() if book is None else book
    referred: list[str] = []

    def title(code: str) -> str:
        clause = book.get(code)
        if clause is None:
            return code
        if code not in referred:
            referred.append(code)
        return f"“{clause.title}”"

    def bare(match: re.Match[str]) -> str:
        inner = CLAUSE_CODE.sub(lambda m: title(m.group(0)), match.group(1))
        return f"({see} {inner})" if inner != match.group(1) else match.group(0)

    original = text
    text = _BARE_REFERENCE.sub(bare, text)
    text = CLAUSE_CODE.sub(lambda m: title(m.group(0)), text)
    return text, tuple(sorted(referred, key=original.find))


def policy_quote(answer: PolicyAnswer, language: str) -> tuple[str, tuple[str, ...]]:
    """The quote a confident answer gives the buyer, made `readable`, and the codes it refers to.

    A quote in the buyer's language (the multilingual answerer quotes the translated clauses)
    names the clauses it refers to by their titles in that language ("(lihat “Menolak
    penghantaran di pintu”)"); it had said "in English" before a Malay quote, and named them by
    their English titles. An English quote to a buyer in another language (an English-only
    answerer) is introduced in their language (catalogue key `policy_quote`: "Our policy says,
    in English: ...")."""
    if answer.language == language:
        see = "see" if language == "en" else str(say("see_clause"))
        return readable(answer.text, clause_book_in(language), see)
    quoted, referred = readable(answer.text)
    if language == "en":
        return quoted, referred
    return say("policy_quote", quote=quoted), referred
