"""Does the NLU's claim reason, as a prior toward its section, rank the right clause higher?

    python -m lab.retrieval.situation [--questions data/retrieval/dev_questions.jsonl]

Every question is read by the served NLU model (the product's path: ``POST /model/parse``); the
readings are kept in ``--readings`` so a second run needs no Rasa. The hybrid retriever (with
item expansion, as deployed) is then scored with `retrieval.situation.prefer_situation` at each
boost and confidence bar, against no prior. Designed and chosen on the dev questions; the
held-out set is run once with the chosen values. Writes ``situation.json`` into ``--out``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path

from lab.retrieval.evaluation import RetrievalEvaluator, load_questions
from retrieval.situation import prefer_situation
from retrieval.types import Hit, Retriever

DEV_QUESTIONS = Path("data/retrieval/dev_questions.jsonl")
BOOSTS = (0, 1, 2, 3, 5)
BARS = (0.5, 0.7)


def read_situations(texts: list[str]) -> dict[str, dict]:
    """The NLU's claim reason of each text (name and confidence), from a served model."""
    from lab.nlu.evaluate import _parse_all
    from nlu.model import require_model
    from nlu.server import RasaServer
    from nlu.types import Thresholds

    # Loading the model can take minutes on a busy machine.
    server = RasaServer(require_model()).start(timeout_s=900)
    try:
        parses = asyncio.run(_parse_all(server.url, texts, Thresholds(), server.auth_token))
    finally:
        server.stop()
    return {
        text: {"reason": p.claim_reason.name, "confidence": round(p.claim_reason.confidence, 4)}
        for text, p in zip(texts, parses, strict=True)
        if p.claim_reason is not None
    }


class SituationRetriever:
    """The retriever's hits re-ranked by the situation each question names (memoised: every
    variant re-ranks the same searches)."""

    def __init__(
        self,
        inner: Retriever,
        readings: dict[str, dict],
        boost: int,
        bar: float,
        depth: int,
        cache: dict[str, list[Hit]],
    ) -> None:
        self.inner, self.readings, self.boost, self.bar, self.depth = (
            inner,
            readings,
            boost,
            bar,
            depth,
        )
        self.name = f"{inner.name}+situation(boost={boost}, bar={bar})"
        self._cache = cache

    def situation(self, query: str) -> str | None:
        reading = self.readings.get(query)
        if reading is None or reading["confidence"] < self.bar or reading["reason"] == "none":
            return None
        return reading["reason"]

    def search(self, query: str, k: int) -> list[Hit]:
        hits = self._cache.get(query)
        if hits is None:
            hits = self._cache[query] = self.inner.search(query, self.depth)
        return prefer_situation(hits, self.situation(query), self.boost)[:k]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument("--questions", type=Path, default=DEV_QUESTIONS)
    parser.add_argument("--readings", type=Path, help="cache of the NLU's readings (JSON)")
    parser.add_argument("--boost", type=int, nargs="+", default=list(BOOSTS))
    parser.add_argument("--bar", type=float, nargs="+", default=list(BARS))
    parser.add_argument("--out", type=Path, default=Path("reports/retrieval"))
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.embedder import make_embedder
    from retrieval.factory import make_retriever
    from retrieval.kb import load_knowledge_base

    clauses = load_knowledge_base(args.kb)
    questions = load_questions(args.questions, [c.clause_id for c in clauses])
    readings_path = args.readings or args.out / f"situations-{args.questions.stem}.json"
    if readings_path.is_file():
        readings = json.loads(readings_path.read_text())
    else:
        readings = read_situations([q.question for q in questions])
        readings_path.parent.mkdir(parents=True, exist_ok=True)
        readings_path.write_text(json.dumps(readings, indent=1, ensure_ascii=False))
    hybrid = make_retriever("hybrid", clauses, embedder=make_embedder().load())
    evaluator = RetrievalEvaluator(questions)
    depth = 10 + max(args.boost)
    rows, searched = [], {}
    for bar in args.bar:
        for boost in args.boost:
            wrapped = SituationRetriever(hybrid, readings, boost, bar, depth, searched)
            result = evaluator(wrapped)
            named = sum(1 for q in questions if q.answerable and wrapped.situation(q.question))
            rows.append({"boost": boost, "bar": bar, "with_situation": named, **result.metrics})
            print(
                f"bar {bar} boost {boost}: "
                + " ".join(f"{k} {v:.3f}" for k, v in result.metrics.items())
                + f" (situation named: {named})"
            )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"situation-{args.questions.stem}.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
