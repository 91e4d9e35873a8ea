"""The buyer languages and the knowledge base in each of them.

The English clauses live in ``data/policies``; each translation in ``data/policies/i18n/<lang>``
with the same files, headings and clause ids. A translation is parsed by the same strict loader
(``retrieval.kb``) and must carry exactly the English clause ids, in the same order: a citation
names a clause id, and the buyer's quote and the agent's English must be the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from retrieval.errors import KnowledgeBaseError
from retrieval.kb import Clause, load_knowledge_base

ENGLISH = "en"
# The languages issue 16 asks for: English plus Malay, Indonesian, Thai, Vietnamese, Tagalog.
TRANSLATED = ("ms", "id", "th", "vi", "tl")
LANGUAGES = (ENGLISH, *TRANSLATED)
I18N_DIR = "i18n"


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


def load_translations(
    kb_dir: Path | str, languages: Sequence[str] = LANGUAGES
) -> dict[str, list[Clause]]:
    """Every language's clauses, keyed by language code (English from ``kb_dir`` itself).

    Raises ``KnowledgeBaseError`` when a translation is missing, fails the loader's rules, or
    does not have exactly the English clause ids in the English order.
    """
    root = Path(kb_dir)
    english = load_knowledge_base(root)
    english_ids = [c.clause_id for c in english]
    out: dict[str, list[Clause]] = {}
    for language in languages:
        check_language(language)
        if language == ENGLISH:
            out[language] = english
            continue
        directory = root / I18N_DIR / language
        clauses = load_knowledge_base(directory)
        ids = [c.clause_id for c in clauses]
        if ids != english_ids:
            missing = sorted(set(english_ids) - set(ids))
            extra = sorted(set(ids) - set(english_ids))
            detail = f"missing {missing}, extra {extra}" if missing or extra else "order differs"
            raise KnowledgeBaseError(
                directory, 0, f"{language} clause ids differ from the English ones: {detail}"
            )
        out[language] = clauses
    return out
