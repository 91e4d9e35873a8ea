"""What the buyer reads, on dev data only: the right clause *and* its number, cross-validated.

Usage: ``python -m lab.retrieval.answer_dev [--questions data/retrieval/dev_questions.jsonl]
[--conversations lab/simulate/dev_conversations.yml ...] [--out FILE]``, or
``python -m lab.retrieval.answer_dev --check data/retrieval/check_buyers.jsonl
[--index artifacts/retrieval] [--out FILE]``

Two measures of the quoted answer (``retrieval.answer``), both with the product's retriever
(hybrid, example questions, re-ranker) and nothing of the held-out sets:

* the dev questions, 5-fold cross-validated as ``lab.retrieval.rerank`` does (each fold
  answered with the other folds' questions as examples and a re-ranker trained on the other
  folds' candidates), the refusal threshold off: the answer cites a relevant clause, states
  the labelled fact (``answer_contains``), and both; how many answers quote two clauses and
  how long answers are (the price of quoting more);
* the policy questions of the dev conversations (``kind: question``), their openings answered
  by the retriever with every dev question as an example and the re-ranker trained on all of
  them (what ``make index`` ships): the expected clauses cited (the quote's own clause
  references count, as the dialogue cites them) and the expected numbers stated, judged as
  ``lab.simulate.conversations`` judges them. The dialogue around the answer (the NLU's
  reading, a split opening) is not played: the conversation run is the end-to-end figure.

``--check FILE`` measures a check set instead (nothing else is run): questions with
``relevant``, ``answerable`` and ``numbers`` (the figures the answer must state), answered by
the shipped answerer (``retrieval.factory.make_answerer`` over the saved ``--index``, its
example questions and re-ranker, the shipped threshold) and judged as the dev conversations'
policy questions are: answered (not refused), the relevant clauses cited, the numbers stated;
the unanswerable ones must be refused. A check set is read, never tuned on.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument(
        "--questions", type=Path, default=Path("data/retrieval/dev_questions.jsonl")
    )
    parser.add_argument(
        "--conversations",
        type=Path,
        nargs="+",
        default=[Path("lab/simulate/dev_conversations.yml")],
        help="dev conversation sets whose policy questions are answered (never a held-out set)",
    )
    parser.add_argument("--out", type=Path, default=None, help="write every answer here (JSONL)")
    parser.add_argument(
        "--kind-margins",
        type=float,
        nargs="*",
        default=None,
        help="answer with each of these kind_clause_margin values (default: the shipped one; "
        "-inf: off)",
    )
    parser.add_argument(
        "--situation-margins",
        type=float,
        nargs="*",
        default=None,
        help="and each of these situation_clause_margin values (default: the shipped one)",
    )
    parser.add_argument(
        "--situation-depths",
        type=int,
        nargs="*",
        default=None,
        help="and each of these situation_clause_depth values (default: the shipped one)",
    )
    parser.add_argument(
        "--quantity-margins",
        type=float,
        nargs="*",
        default=None,
        help="and each of these quantity_clause_margin values (default: the shipped one; -inf: "
        "off)",
    )
    parser.add_argument(
        "--overlap-bonuses",
        type=float,
        nargs="*",
        default=None,
        help="and each of these word_overlap_bonus values (default: the shipped one; 0: off)",
    )
    parser.add_argument(
        "--readings",
        type=Path,
        default=None,
        help="the NLU's claim reason of each question and opening (JSON: text -> reason, "
        "confidence; lab.retrieval.situation's cache): passed as the situation, as the dialogue "
        "does; without it no question names a situation",
    )
    parser.add_argument(
        "--without-base-rules",
        action="store_true",
        help="answer without quoting the rule an added clause elaborates (retrieval.base_rules)",
    )
    parser.add_argument(
        "--without-deadlines",
        action="store_true",
        help="answer without quoting the deadline a question about 'N days ago' or 'too late' "
        "turns on (retrieval.deadlines)",
    )
    parser.add_argument(
        "--without-gate",
        action="store_true",
        help="the dev conversations' questions refused by the cosine threshold alone, not the "
        "answerability gate (retrieval.answerability)",
    )
    parser.add_argument(
        "--spelling",
        action="store_true",
        help="ask with misspelt words corrected first (nlu.spelling), as the dialogue does "
        "for a message the English model reads",
    )
    parser.add_argument(
        "--check",
        type=Path,
        default=None,
        help="measure this check set with the shipped answerer instead (see the module doc)",
    )
    parser.add_argument(
        "--index",
        type=Path,
        default=Path("artifacts/retrieval"),
        help="with --check: the saved index (`make index`) whose examples and re-ranker answer",
    )
    parser.add_argument(
        "--by-language",
        action="store_true",
        help="with --check: answer as the bot does, each question in the language identified "
        "for it (the multilingual answerer over artifacts/retrieval-multilingual)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    asked_as = _spelling() if args.spelling else (lambda text: text)
    if args.check is not None:
        return check_set(args.check, args.kb, args.index, asked_as, args.out, args.by_language)
    from bot.clauses import readable
    from lab.retrieval.rerank import bank_extras, dev_candidates, fold_parts, fold_training
    from lab.simulate.conversations import _numbers
    from retrieval.answer import (
        KIND_CLAUSE_MARGIN,
        QUANTITY_CLAUSE_MARGIN,
        SITUATION_CLAUSE_DEPTH,
        SITUATION_CLAUSE_MARGIN,
        WORD_OVERLAP_BONUS,
        PolicyAnswerer,
    )
    from retrieval.base_rules import BaseRules
    from retrieval.examples import ExampleIndex, load_unanswerable
    from retrieval.rerank import fit
    from retrieval.situation import SITUATION_MIN_CONFIDENCE
    from retrieval.train_reranker import answerability_gate, held_out_candidates, training_rows

    clauses, retriever, items, extra = dev_candidates(args.kb, args.questions)
    book = {c.clause_id: c for c in clauses}
    base_rules = None if args.without_base_rules else BaseRules.load()
    hybrid = retriever.inner
    embedder = hybrid.dense.embedder
    facts = {}
    for line in args.questions.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            facts[row["question"]] = tuple(row.get("answer_contains") or ())
    examples = [example for example, _, _ in items]
    parts = fold_parts(items)

    readings = json.loads(args.readings.read_text()) if args.readings else {}

    def situation(text: str) -> str | None:
        reading = readings.get(text)
        if reading is None or reading["confidence"] < SITUATION_MIN_CONFIDENCE:
            return None
        return None if reading["reason"] == "none" else reading["reason"]

    # Variants: (kind_clause_margin, situation_clause_margin, situation_clause_depth,
    # quantity_clause_margin, word_overlap_bonus).
    margins = [
        (k, m, d, q, w)
        for k in (args.kind_margins or [KIND_CLAUSE_MARGIN])
        for m in (args.situation_margins or [SITUATION_CLAUSE_MARGIN])
        for d in (args.situation_depths or [SITUATION_CLAUSE_DEPTH])
        for q in (args.quantity_margins or [QUANTITY_CLAUSE_MARGIN])
        for w in (args.overlap_bonuses or [WORD_OVERLAP_BONUS])
    ]
    rows = []
    for i, held in enumerate(parts):
        fold_examples, training = fold_training(retriever, parts, extra, i)
        hybrid.examples = ExampleIndex(fold_examples, embedder, retriever.categories)
        hybrid.reranker = fit(*training_rows(training))
        answerers = {
            m: PolicyAnswerer(
                retriever,
                float("-inf"),
                embedder=embedder,
                categories=retriever.categories,
                kind_clause_margin=m[0],
                situation_clause_margin=m[1],
                situation_clause_depth=m[2],
                quantity_clause_margin=m[3],
                word_overlap_bonus=m[4],
                base_rules=base_rules,
                deadlines=not args.without_deadlines,
                clauses=clauses,
            )
            for m in margins
        }
        for margin, example in ((m, e) for m in margins for e, _, _ in held):
            reply = answerers[margin].answer(
                asked_as(example.question), situation(example.question)
            )
            wanted = facts.get(example.question, ())
            text = _plain(reply.text)
            rows.append(
                {
                    "set": "dev_questions",
                    "margins": margin,
                    "question": example.question,
                    "relevant": list(example.clause_ids),
                    "cited": list(reply.citations),
                    "answer_contains": list(wanted),
                    "first_relevant": reply.hits[0].clause_id in example.clause_ids,
                    "cites_relevant": bool(set(reply.citations) & set(example.clause_ids)),
                    "states_fact": all(_plain(f) in text for f in wanted),
                    "words": len(reply.text.split()),
                    "answer": reply.text,
                    "hits": _hits(reply.hits),
                }
            )
    for margin in margins:
        report_questions([r for r in rows if r["margins"] == margin], margin)

    # The product's retriever: the whole bank as examples, the re-ranker trained on all of it.
    bank = [*examples, *extra]
    shipped = held_out_candidates(retriever, bank) if extra else items
    hybrid.examples = ExampleIndex(bank, embedder, retriever.categories)
    hybrid.reranker = fit(*training_rows(shipped))
    if not args.without_gate:
        negatives = load_unanswerable((args.questions, *bank_extras(args.questions)))
        gate = answerability_gate(
            retriever, shipped, bank, negatives, hybrid.reranker, _threshold()
        )
        hybrid.reranker = replace(hybrid.reranker, answerability=gate)
    asked = [
        c
        for path in args.conversations
        for c in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]
        if c.get("kind") == "question"
    ]
    for margin in margins:
        answerer = PolicyAnswerer(
            retriever,
            _threshold(),
            embedder=embedder,
            categories=retriever.categories,
            kind_clause_margin=margin[0],
            situation_clause_margin=margin[1],
            situation_clause_depth=margin[2],
            quantity_clause_margin=margin[3],
            word_overlap_bonus=margin[4],
            base_rules=base_rules,
            deadlines=not args.without_deadlines,
            clauses=clauses,
        )
        right, words = 0, []
        for conversation in asked:
            expect = conversation.get("expect") or {}
            opening = str(conversation["opening"])
            reply = answerer.answer(asked_as(opening), situation(opening))
            text, referred = readable(reply.text, book)
            cited = {*reply.citations, *referred}
            missing = sorted(set(expect.get("clauses") or ()) - cited)
            absent = [
                n
                for n in expect.get("numbers") or ()
                if any(f not in text for f in _numbers(str(n)))
            ]
            ok = reply.confident and not missing and not absent
            right += ok
            words.append(len(reply.text.split()))
            rows.append(
                {
                    "set": "dev_conversations",
                    "margins": margin,
                    "id": conversation["id"],
                    "question": conversation["opening"],
                    "cited": list(reply.citations),
                    "missing_clauses": missing,
                    "missing_numbers": absent,
                    "right": ok,
                    "words": words[-1],
                    "answer": text,
                    "hits": _hits(reply.hits),
                }
            )
            if not ok:
                print(f"  {conversation['id']}: cited {sorted(cited)}, missing {missing} {absent}")
        print(
            f"{margin}: dev conversations' policy questions "
            f"(answerer alone): right clause and number {right}/{len(asked)}, "
            f"mean words {np.mean(words):.1f}",
            flush=True,
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    return 0


def check_set(
    path: Path, kb: Path, index: Path, asked_as, out: Path | None, by_language: bool = False
) -> int:
    """The shipped answerer on a check set: right clause and number, refusals (module doc);
    ``by_language``: each question answered in the language the bot identifies for it, and
    the figures given per ``style`` too when the set names styles."""
    from bot.clauses import readable
    from lab.retrieval.embedders import make_variant
    from lab.simulate.conversations import _numbers
    from retrieval.factory import make_answerer
    from retrieval.kb import load_knowledge_base

    clauses = load_knowledge_base(kb)
    book = {c.clause_id: c for c in clauses}
    answerer = make_answerer(clauses, make_variant().load(), index_dir=index)
    answer_in = _by_language(answerer, kb) if by_language else (lambda text: answerer)
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        reply = answer_in(q["question"]).answer(asked_as(q["question"]))
        text, referred = readable(reply.text, book)
        cited = {*reply.citations, *referred}
        relevant = set(q.get("relevant") or ())
        absent = [n for n in q.get("numbers") or () if any(f not in text for f in _numbers(n))]
        rows.append(
            {
                "id": q["id"],
                "question": q["question"],
                "style": q.get("style"),
                "answerable": bool(q["answerable"]),
                "relevant": sorted(relevant),
                "numbers": list(q.get("numbers") or ()),
                "confident": reply.confident,
                "cited": sorted(cited),
                "ranked": [h.clause_id for h in reply.hits],
                "cites_relevant": bool(cited & relevant),
                "cites_all": relevant <= cited,
                "missing_numbers": absent,
                "answer": text,
                "hits": _hits(reply.hits),
            }
        )
    report_check(path, index, rows)
    for style in sorted({r["style"] for r in rows if r["style"]}):
        report_check(f"  style {style}", index, [r for r in rows if r["style"] == style])
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    return 0


def _by_language(english, kb: Path):
    """Who answers a question as the bot would: the multilingual answerer bound to the
    question's identified language (`bot.dialogue.context.InLanguage`)."""
    from bot.dialogue.context import InLanguage
    from bot.language.identify import identify
    from bot.services import MULTILINGUAL_INDEX_DIR, load_multilingual_answerer

    multilingual = load_multilingual_answerer(english, kb, MULTILINGUAL_INDEX_DIR)
    return lambda text: InLanguage(multilingual, identify(text).language)


def report_check(path, index: Path, rows: list[dict]) -> None:
    from lab.retrieval.evaluation import EvalQuestion, QuestionResult, ranking_metrics

    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    with_numbers = [r for r in answerable if r["numbers"]]
    a, u, w = len(answerable), len(unanswerable), len(with_numbers)

    def count(subset: list[dict], test) -> int:
        return sum(bool(test(r)) for r in subset)

    right_all = count(
        answerable, lambda r: r["confident"] and r["cites_all"] and not r["missing_numbers"]
    )
    right_any = count(
        answerable, lambda r: r["confident"] and r["cites_relevant"] and not r["missing_numbers"]
    )
    ranking = ranking_metrics(
        [
            QuestionResult(
                EvalQuestion(r["id"], r["question"], tuple(r["relevant"]), True),
                tuple(r["ranked"]),
                None,
            )
            for r in answerable
        ]
    )
    print(
        f"{path}: {a} answerable ({w} with numbers), {u} unanswerable; "
        f"shipped answerer over {index}\n"
        f"  answer's ranking: recall@1 {ranking['recall@1']:.3f} "
        f"recall@3 {ranking['recall@3']:.3f} mrr@10 {ranking['mrr@10']:.3f}\n"
        f"  answered (not refused) {count(answerable, lambda r: r['confident'])}/{a}; "
        f"cites a relevant clause {count(answerable, lambda r: r['cites_relevant'])}/{a}, "
        f"every relevant clause {count(answerable, lambda r: r['cites_all'])}/{a}; "
        f"numbers stated {count(with_numbers, lambda r: not r['missing_numbers'])}/{w}\n"
        f"  right clause and number (answered, every relevant clause cited, numbers stated) "
        f"{right_all}/{a} = {right_all / (a or 1):.3f}; with any relevant clause "
        f"{right_any}/{a} = {right_any / (a or 1):.3f}\n"
        f"  unanswerable refused {count(unanswerable, lambda r: not r['confident'])}/{u}",
        flush=True,
    )


def _spelling():
    from nlu.spelling import shared

    normaliser = shared()
    return lambda text: normaliser.normalise(text).text


def report_questions(rows: list[dict], margin: tuple) -> None:
    with_facts = [r for r in rows if r["answer_contains"]]
    n = len(rows) or 1
    print(
        f"{margin}: dev questions, 5-fold CV ({len(rows)} answerable, "
        f"{len(with_facts)} with a fact): first clause relevant "
        f"{_mean(rows, 'first_relevant'):.3f}, answer cites a relevant clause "
        f"{_mean(rows, 'cites_relevant'):.3f}, two clauses quoted "
        f"{sum(len(r['cited']) > 1 for r in rows) / n:.3f}, mean words "
        f"{np.mean([r['words'] for r in rows]):.1f}"
    )
    both = [r["cites_relevant"] and r["states_fact"] for r in with_facts]
    print(
        f"  questions with a fact: states it {_mean(with_facts, 'states_fact'):.3f}, "
        f"relevant clause and fact {sum(both)}/{len(both)} = {sum(both) / (len(both) or 1):.3f}",
        flush=True,
    )


def _plain(text: str) -> str:
    """Case, dash and space variants of one fact compare equal (as ``answer_metrics``)."""
    from lab.retrieval.answer_metrics import _normalise

    return _normalise(text)


def _hits(hits) -> list[list]:
    """Each hit's clause, best-passage cosine and re-ranker score, for reading misses."""
    return [
        [h.clause_id, round(h.score, 3), None if h.rank_score is None else round(h.rank_score, 3)]
        for h in hits
    ]


def _mean(rows: list[dict], key: str) -> float:
    return sum(bool(r[key]) for r in rows) / (len(rows) or 1)


def _threshold() -> float:
    from retrieval.defaults import CONFIDENCE_THRESHOLD

    return CONFIDENCE_THRESHOLD


if __name__ == "__main__":
    raise SystemExit(main())
