"""The retrieval evaluation's report: the misses, the score-distribution plot and report.md,
for `lab.retrieval.evaluation`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lab.retrieval.evaluation import (
    CV_FOLDS,
    MIN_ANSWERED,
    PRIMARY_METRIC,
    RefusalReport,
    RetrievalResult,
    confidence_scores,
)


def misses(result: RetrievalResult, refusal: RefusalReport) -> dict[str, list[dict]]:
    ranking, wrongly_answered, wrongly_refused = [], [], []
    for r, confident in zip(result.per_question, refusal.confident, strict=True):
        q = r.question
        entry = {
            "id": q.question_id,
            "question": q.question,
            "relevant": list(q.relevant),
            "top3": list(r.ranked[:3]),
            "top_score": r.top_score,
        }
        if q.answerable and not set(r.ranked[:3]) & set(q.relevant):
            ranking.append(entry)
        if q.answerable and not confident:
            wrongly_refused.append(entry)
        if not q.answerable and confident:
            wrongly_answered.append(entry)
    return {
        "relevant_not_in_top3": ranking,
        "answerable_refused": wrongly_refused,
        "unanswerable_answered": wrongly_answered,
    }


def plot(path: Path, result: RetrievalResult, refusal: RefusalReport) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = confidence_scores(result.per_question)
    answerable = np.array([r.question.answerable for r in result.per_question])
    finite = np.isfinite(scores)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    bins = np.linspace(scores[finite].min(), scores[finite].max(), 30)
    left.hist(
        scores[finite & answerable],
        bins=bins,
        alpha=0.6,
        label=f"answerable (n={answerable.sum()})",
    )
    left.hist(
        scores[finite & ~answerable],
        bins=bins,
        alpha=0.6,
        label=f"unanswerable (n={(~answerable).sum()})",
    )
    left.axvline(
        refusal.threshold, color="black", linestyle="--", label=f"threshold {refusal.threshold:.3f}"
    )
    left.set_xlabel(f"top-hit score ({result.retriever})")
    left.set_ylabel("questions")
    left.set_title("Top-hit score by question type")
    left.legend()

    grid = np.linspace(scores[finite].min(), scores[finite].max(), 200)
    right.plot(grid, [(scores[answerable] >= t).mean() for t in grid], label="answerable answered")
    right.plot(grid, [(scores[~answerable] < t).mean() for t in grid], label="unanswerable refused")
    right.axhline(
        MIN_ANSWERED, color="grey", linestyle=":", label=f"{MIN_ANSWERED:.0%} answered floor"
    )
    right.axvline(refusal.threshold, color="black", linestyle="--")
    right.set_xlabel("threshold")
    right.set_ylabel("share of questions (all questions, in-sample)")
    right.set_title("Threshold curve")
    right.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def percent(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value:.1%}"


def markdown(summary: dict, misses: dict[str, list[dict]]) -> str:
    names = list(summary["retrievers"])
    metric_names = ["recall@1", "recall@3", "recall@5", "hit@1", "hit@3", "mrr@10", "ndcg@10"]
    lines = [
        "# Retrieval evaluation",
        "",
        f"Run {summary['created_at']}; knowledge base "
        f"{summary['knowledge_base']['clauses']} clauses "
        f"(corpus {summary['knowledge_base']['corpus_hash'][:12]}); "
        f"{summary['questions']['answerable']} answerable and "
        f"{summary['questions']['unanswerable']} unanswerable questions; "
        f"embedder `{summary['embedder']}`.",
        "",
        f"Ranking metrics on answerable questions. Primary metric: **{PRIMARY_METRIC}** "
        "(recall = share of a question's relevant clauses found; hit = at least one found).",
        "",
        "| metric | " + " | ".join(names) + " |",
        "| --- | " + " | ".join("---:" for _ in names) + " |",
    ]
    for m in metric_names:
        lines.append(
            f"| {m} | "
            + " | ".join(f"{summary['retrievers'][n]['metrics'][m]:.3f}" for n in names)
            + " |"
        )
    lines += [
        "",
        f"Refusal threshold per retriever ({CV_FOLDS}-fold stratified cross-validation, "
        f">= {MIN_ANSWERED:.0%} answerable answered on the calibration folds; "
        "figures are held-out):",
        "",
        "| | " + " | ".join(names) + " |",
        "| --- | " + " | ".join("---:" for _ in names) + " |",
    ]
    rows = [
        ("threshold (all questions)", "threshold", "{:.3f}"),
        ("answerable answered", "answered_answerable", "{:.1%}"),
        ("unanswerable refused (refusal recall)", "refused_unanswerable", "{:.1%}"),
        ("refusal precision", "refusal_precision", "{:.1%}"),
        ("top hit relevant when answered", "correct_when_answered", "{:.1%}"),
    ]
    for label, key, fmt in rows:
        lines.append(
            f"| {label} | "
            + " | ".join(fmt.format(summary["retrievers"][n]["refusal"][key]) for n in names)
            + " |"
        )
    chosen = summary["chosen"]
    lines += [
        "",
        f"**Chosen retriever: `{chosen['retriever']}`** "
        f"(highest {PRIMARY_METRIC}, MRR@10 breaks ties), "
        f"**threshold {chosen['threshold']:.3f}** on its top-hit score "
        f"(fold thresholds {', '.join(f'{t:.3f}' for t in chosen['fold_thresholds'])}).",
        "",
        "What the buyer reads (the chosen retriever's quoted answer, threshold off): "
        f"answer cites a relevant clause **{chosen['answer_correct']:.1%}**; answer contains "
        f"the asked-for fact **{percent(chosen['answer_contains'])}** "
        f"(of {chosen['answer_contains_questions']} questions with `answer_contains`).",
        "",
        "![score distributions](score_distributions.png)",
        "",
    ]
    sections = [
        ("relevant_not_in_top3", "Answerable questions without a relevant clause in the top 3"),
        ("answerable_refused", "Answerable questions refused (held-out decision)"),
        ("unanswerable_answered", "Unanswerable questions answered (held-out decision)"),
    ]
    lines += [
        f"## Quoted answers citing a wrong clause or missing the fact "
        f"({len(misses.get('answer_wrong_or_missing_fact', []))})",
        "",
        "Listed in misses.json.",
        "",
    ]
    for key, title in sections:
        lines += [f"## {title} ({len(misses[key])})", ""]
        if misses[key]:
            lines += [
                "| id | question | relevant | top 3 | top score |",
                "| --- | --- | --- | --- | ---: |",
            ]
            for m in misses[key]:
                score = "-" if m["top_score"] is None else f"{m['top_score']:.3f}"
                question = m["question"].replace("|", "\\|")
                lines.append(
                    f"| {m['id']} | {question} | {', '.join(m['relevant']) or '-'} "
                    f"| {', '.join(m['top3'])} | {score} |"
                )
            lines.append("")
    return "\n".join(lines) + "\n"
