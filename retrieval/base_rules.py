"""The policy rule each of the knowledge base's own clauses elaborates (issue 14).

The policy spec numbers the rules the bot enforces; the knowledge base adds clauses that
explain how one of them works (RET-2.7, what counts as "opened" for RET-2.2's beauty products)
or what a well-run marketplace does where the spec is silent. An answer whose first clause is
such an elaboration also quotes and cites the rule it rests on, placed first: the buyer reads
the rule, not only its explanation ("can I return a lipstick I opened?" gets RET-2.2's
exclusion, then RET-2.7's definition of opened), and an agent auditing the answer sees which
enforced rule it applies. The links are editorial, in ``data/policies/base_rules.yml``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from retrieval.errors import KnowledgeBaseError
from retrieval.kb import Clause
from retrieval.types import Hit

DEFAULT_BASE_RULES = Path(__file__).resolve().parents[1] / "data" / "policies" / "base_rules.yml"


@dataclass(frozen=True)
class BaseRules:
    """``rules``: an elaborating clause's id -> the id of the rule it elaborates."""

    rules: Mapping[str, str]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_BASE_RULES) -> BaseRules:
        """Raises ``KnowledgeBaseError`` for a file that is not a mapping of ids to ids, or a
        clause said to elaborate itself."""
        path = Path(path)
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
        ):
            raise KnowledgeBaseError(path, 0, "expected a mapping of clause id -> rule id")
        for clause_id, rule_id in raw.items():
            if clause_id == rule_id:
                raise KnowledgeBaseError(path, 0, f"{clause_id} cannot elaborate itself")
        return cls(dict(raw))

    def check(self, clauses: Sequence[Clause], source: Path | str = DEFAULT_BASE_RULES) -> None:
        """Raises ``KnowledgeBaseError`` when a link names a clause the knowledge base lacks."""
        known = {c.clause_id for c in clauses}
        unknown = sorted({i for pair in self.rules.items() for i in pair} - known)
        if unknown:
            raise KnowledgeBaseError(
                Path(source), 0, f"unknown clause ids in the base rules: {', '.join(unknown)}"
            )

    def base_hit(
        self, cited: Sequence[Hit], clauses: Mapping[str, Clause] | Sequence[Clause]
    ) -> Hit | None:
        """The rule the first cited clause elaborates, as a hit to quote (its whole text, the
        first clause's score), or None: no such rule, already cited, or not in ``clauses``
        (the knowledge base of the answer's language)."""
        if not cited:
            return None
        rule_id = self.rules.get(cited[0].clause_id)
        if rule_id is None or any(hit.clause_id == rule_id for hit in cited):
            return None
        if not isinstance(clauses, Mapping):
            clauses = {c.clause_id: c for c in clauses}
        rule = clauses.get(rule_id)
        if rule is None:
            return None
        return Hit(rule.clause_id, rule.title, rule.text, cited[0].score)
