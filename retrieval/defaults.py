"""Behaviour-defining defaults for policy answers, pinned from the retrieval evaluation.

Both values come from ``python -m retrieval.evaluation`` run on 2026-11-29 against the
knowledge base of 51 clauses (corpus 6d0a0044db25) and data/eval/policy_questions.jsonl
(261 answerable, 61 unanswerable questions), embedder all-MiniLM-L6-v2 (torch). Re-run it and
update both together when the knowledge base, the questions or the model change.
"""

from __future__ import annotations

# Highest recall@3, the evaluation's primary metric: hybrid 0.833, dense 0.824, BM25 0.697
# (MRR@10: 0.766, 0.772, 0.642). The margin over dense is small (about two questions of 261),
# so the rule decides, as declared before the run: primary metric first, MRR@10 on a tie.
DEFAULT_RETRIEVER = "hybrid"

# On the hybrid's top-hit dense cosine. The highest threshold that still answers >= 90% of
# answerable questions; 5-fold cross-validated, held out: 89.7% of answerable questions
# answered, 83.6% of unanswerable ones refused, refusal precision 65.4%.
CONFIDENCE_THRESHOLD = 0.393
