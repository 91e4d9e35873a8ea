"""An answer whose first clause elaborates a policy rule quotes and cites that rule first."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.answer import PolicyAnswerer
from retrieval.base_rules import DEFAULT_BASE_RULES, BaseRules
from retrieval.errors import KnowledgeBaseError
from retrieval.kb import Clause, load_knowledge_base
from retrieval.languages import load_translations
from retrieval.multilingual_answer import MultilingualAnswerer
from retrieval.types import Hit

KB = DEFAULT_BASE_RULES.parent


def _clause(clause_id: str, title: str, text: str) -> Clause:
    return Clause(clause_id, title, text, "Returns", "02-returns.md", 1)


RULE = _clause(
    "RET-2.2",
    "Items that cannot be returned for change of mind",
    "Opened beauty products cannot be returned for change of mind.",
)
ELABORATION = Hit(
    "RET-2.7",
    "What counts as opened",
    "A beauty product counts as opened when its seal is broken.",
    0.8,
)
OTHER = Hit("RET-2.1", "Return window", "Return within 30 days.", 0.5)
LINKS = BaseRules({"RET-2.7": "RET-2.2"})


class Fixed:
    name = "fixed"

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits

    def search(self, query: str, k: int) -> list[Hit]:
        return self.hits[:k]


def test_the_rule_an_elaboration_rests_on_is_quoted_and_cited_first() -> None:
    answerer = PolicyAnswerer(
        Fixed([ELABORATION, OTHER]), 0.4, second_clause_margin=0.0, base_rules=LINKS, clauses=[RULE]
    )

    answer = answerer.answer("can I return a lipstick I opened?")

    assert answer.citations == ("RET-2.2", "RET-2.7")
    assert answer.text == (
        "Opened beauty products cannot be returned for change of mind. "
        "A beauty product counts as opened when its seal is broken."
    )


def test_without_links_or_with_the_rule_already_cited_nothing_is_added() -> None:
    plain = PolicyAnswerer(Fixed([ELABORATION, OTHER]), 0.4, clauses=[RULE])
    assert plain.answer("opened lipstick?").citations == ("RET-2.7",)

    # The re-ranker could not tell the two apart, so both are quoted already.
    first = Hit(ELABORATION.clause_id, ELABORATION.title, ELABORATION.text, 0.8, rank_score=2.0)
    rule_hit = Hit(RULE.clause_id, RULE.title, RULE.text, 0.79, rank_score=1.9)
    both = PolicyAnswerer(Fixed([first, rule_hit]), 0.4, base_rules=LINKS, clauses=[RULE])
    assert both.answer("opened lipstick?").citations == ("RET-2.7", "RET-2.2")

    # A rule first needs nothing more; neither does a clause linked to a rule the knowledge
    # base of the answer's language lacks.
    assert LINKS.base_hit([OTHER], [RULE]) is None
    assert LINKS.base_hit([ELABORATION], []) is None


def test_a_refusal_cites_nothing() -> None:
    answerer = PolicyAnswerer(Fixed([ELABORATION]), 0.9, base_rules=LINKS, clauses=[RULE])
    assert answerer.answer("opened lipstick?").citations == ()


class FixedIndex:
    """A multilingual index returning the given hits, with Malay clauses."""

    def __init__(self, hits: list[Hit], clauses: list[Clause]) -> None:
        self.hits, self.clauses = hits, clauses

    def search(self, question: str, language: str, k: int) -> list[Hit]:
        return self.hits[:k]

    def expansion_words(self, question: str, language: str) -> list[str]:
        return []

    def translations(self) -> dict[str, list[Clause]]:
        return {"ms": self.clauses}


def test_the_multilingual_answer_quotes_the_rule_in_the_buyers_language() -> None:
    ms_rule = _clause("RET-2.2", "Tidak boleh dipulangkan", "Produk kecantikan dibuka tidak boleh.")
    opened = Hit("RET-2.7", "Dibuka", "Produk dikira dibuka jika meterai koyak.", 0.05, (0,))
    index = FixedIndex([opened], [ms_rule])

    answer = MultilingualAnswerer(None, index, 0.0, base_rules=LINKS).answer(
        "lipstik dibuka boleh pulang?", language="ms"
    )

    assert answer.citations == ("RET-2.2", "RET-2.7")
    assert answer.text.startswith("Produk kecantikan dibuka tidak boleh.")


def test_the_shipped_links_name_clauses_of_every_language_and_rules_that_elaborate_none() -> None:
    links = BaseRules.load()
    english = load_knowledge_base(KB)
    links.check(english)
    for language, clauses in load_translations(KB).items():
        links.check(clauses, f"{language} knowledge base")
    # A rule an answer adds is a rule, not another elaboration (one level, no chains).
    assert not set(links.rules.values()) & set(links.rules)


@pytest.mark.parametrize(
    "content, message",
    [("- RET-2.7\n", "mapping"), ("RET-2.7: RET-2.7\n", "itself")],
)
def test_a_malformed_links_file_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "base_rules.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=message):
        BaseRules.load(path)


def test_a_link_to_an_unknown_clause_is_refused() -> None:
    with pytest.raises(KnowledgeBaseError, match=r"RET-9\.9"):
        BaseRules({"RET-2.7": "RET-9.9"}).check([RULE, _clause("RET-2.7", "Opened", "x.")])
