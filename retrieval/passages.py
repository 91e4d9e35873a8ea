"""Clause passages: what the dense index actually embeds.

MiniLM turns a whole clause into one vector; in a long clause the one sentence a buyer asks
about is diluted by the rest (and words past 256 word pieces are cut off). So each clause is
indexed as its whole text plus overlapping windows of ``window`` sentences, each window led by
the clause title so that it keeps its topic. A clause's dense score is its best passage's
(max-sim), and the best passage tells the answerer which sentences to quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.kb import Clause, clause_passage, clause_sentences

# Two sentences per window, stride one. On data/retrieval/dev_questions.jsonl (hybrid with the
# whole clause beside the windows) windows of 2 did best: recall@3 0.900 vs 0.884 (1 sentence,
# too little context) and 0.882-0.878 (3-4 sentences, diluted again).
PASSAGE_WINDOW = 2
# Position 0 of every clause is the whole clause (``kb.clause_passage``).
WHOLE = 0


@dataclass(frozen=True, slots=True)
class Passage:
    """One embedded text. ``sentences`` index ``kb.clause_sentences(clause)``."""

    clause_id: str
    position: int  # 0: the whole clause; 1..: sentence windows in clause order
    sentences: tuple[int, ...]
    text: str


def clause_passages(clause: Clause, window: int = PASSAGE_WINDOW) -> list[Passage]:
    """The whole clause, then its sentence windows (none when it has ``window`` or fewer)."""
    if window < 1:
        raise ValueError(f"window must be at least 1 sentence, got {window}")
    sentences = clause_sentences(clause)
    passages = [
        Passage(clause.clause_id, WHOLE, tuple(range(len(sentences))), clause_passage(clause))
    ]
    if len(sentences) <= window:
        return passages
    for start in range(len(sentences) - window + 1):
        span = tuple(range(start, start + window))
        text = f"{clause.title}. " + " ".join(sentences[i] for i in span)
        passages.append(Passage(clause.clause_id, len(passages), span, text))
    return passages


def corpus_passages(clauses: Sequence[Clause], window: int = PASSAGE_WINDOW) -> list[Passage]:
    """Every clause's passages, clause by clause (the dense index's row order)."""
    return [p for clause in clauses for p in clause_passages(clause, window)]
