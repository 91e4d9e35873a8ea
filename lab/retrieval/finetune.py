"""Fine-tune MiniLM on labelled example questions (question -> its clause's text): an experiment.

Not part of the product. ``fine_tune`` trains a copy of the packaged all-MiniLM-L6-v2 with a
plain torch loop on (question, positive) pairs, in-batch negatives: the loss of
``sentence_transformers.losses.MultipleNegativesRankingLoss`` (cross-entropy over the batch's
cosines x 20), except that another pair of a clause the question is labelled with is masked out
of its negatives (51 clauses, batches of 32: without the mask most batches would push a question
away from its own clause's text). Questions are embedded as the retriever embeds queries and
examples: with their item categories appended (``retrieval.expansion``).

The positive text (``POSITIVES``):

- ``whole``: the clause passage the dense index embeds first (title + text, ``kb.clause_passage``);
- ``passages``: every passage the dense index holds for the clause (the whole clause and its
  sentence windows, ``retrieval.passages``), one drawn at random for each pair and epoch.

Measured by ``lab.retrieval.finetune_cv`` (5-fold CV on the dev questions). Usage of the whole
bank (what the product's set-up would train, to time it):
``python -m lab.retrieval.finetune --out /tmp/minilm-ft [--epochs 1] [--threads 2]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

POSITIVES = ("whole", "passages")


@dataclass(frozen=True, slots=True)
class FineTuneConfig:
    epochs: int = 1
    batch_size: int = 32
    lr: float = 2e-5
    warmup: float = 0.1  # fraction of the steps with a linear warm-up, then linear decay
    scale: float = 20.0  # MultipleNegativesRankingLoss' default
    positive: str = "whole"
    seed: int = 0
    threads: int = 2
    # Word pieces per training text (the model serves with 256). Whole clauses at 256 made a
    # step of 32 pairs take ~15 s on this machine's two shared cores (128: ~5-7 s); a window
    # (title + 2 sentences) mostly fits in 64. The vectors are still computed at 256 after.
    max_length: int = 64

    @property
    def label(self) -> str:
        return f"{self.positive}-e{self.epochs}"


def training_pairs(examples, clauses, categories) -> list[tuple[str, str, frozenset[str]]]:
    """(query text, clause id, the question's relevant clause ids): one pair per relevant
    clause of every example."""
    known = {c.clause_id for c in clauses}
    pairs = []
    for example in examples:
        text = categories.expand(example.question) if categories else example.question
        relevant = frozenset(example.clause_ids)
        pairs.extend((text, cid, relevant) for cid in example.clause_ids if cid in known)
    return pairs


def positive_texts(clauses, positive: str) -> dict[str, list[str]]:
    """Each clause's candidate positive texts."""
    from retrieval.kb import clause_passage
    from retrieval.passages import clause_passages

    if positive == "whole":
        return {c.clause_id: [clause_passage(c)] for c in clauses}
    if positive == "passages":
        return {c.clause_id: [p.text for p in clause_passages(c)] for c in clauses}
    raise ValueError(f"unknown positive {positive!r}; choose one of {', '.join(POSITIVES)}")


def fine_tune(
    examples: Sequence,
    clauses: Sequence,
    out: Path,
    config: FineTuneConfig = FineTuneConfig(),
    *,
    categories=None,
    model_path: Path | None = None,
) -> dict:
    """Train a copy of MiniLM on ``examples`` (``retrieval.examples.Example``) and save it as a
    sentence-transformers model in ``out``. Returns what it did and what it cost (wall and
    process CPU seconds, threads, steps, the mean loss of each epoch)."""
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    from retrieval.embedder import default_model_path

    torch.set_num_threads(config.threads)
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)

    started, cpu_started = time.perf_counter(), _cpu_seconds()
    model = SentenceTransformer(
        str(model_path or default_model_path()), device="cpu", local_files_only=True
    )
    served_length = model.max_seq_length
    model.max_seq_length = config.max_length
    pairs = training_pairs(examples, clauses, categories)
    texts = positive_texts(clauses, config.positive)
    steps_per_epoch = (len(pairs) + config.batch_size - 1) // config.batch_size
    total = steps_per_epoch * config.epochs
    warmup = max(1, int(total * config.warmup))
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup))),
    )
    losses = []
    model.train()
    for _ in range(config.epochs):
        order = list(range(len(pairs)))
        rng.shuffle(order)
        epoch_loss = 0.0
        for start in range(0, len(order), config.batch_size):
            batch = [pairs[i] for i in order[start : start + config.batch_size]]
            queries = [q for q, _, _ in batch]
            positives = [rng.choice(texts[cid]) for _, cid, _ in batch]
            loss = _batch_loss(model, queries, positives, batch, config.scale)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            epoch_loss += float(loss.detach()) * len(batch)
        losses.append(epoch_loss / len(pairs))
    model.eval()
    model.max_seq_length = served_length
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    report = {
        "config": asdict(config),
        "pairs": len(pairs),
        "examples": len(examples),
        "steps": total,
        "epoch_losses": [round(x, 4) for x in losses],
        "wall_seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(_cpu_seconds() - cpu_started, 1),
        "torch_threads": torch.get_num_threads(),
        "out": str(out),
    }
    (out / "finetune_report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def _batch_loss(model, queries: list[str], positives: list[str], batch, scale: float):
    """In-batch-negatives cross-entropy: query i against every positive of the batch, positive
    i the target; positives of another clause the question is labelled with are masked."""
    import torch

    q = _embed(model, queries)
    p = _embed(model, positives)
    logits = scale * (q @ p.T)
    mask = torch.tensor(
        [
            [j != i and batch[j][1] in batch[i][2] for j in range(len(batch))]
            for i in range(len(batch))
        ]
    )
    logits = logits.masked_fill(mask, float("-inf"))
    return torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))


def _embed(model, texts: list[str]):
    """Unit sentence vectors with gradients (the model's own tokenizer, pooling, normalise)."""
    import torch

    features = model.tokenize(texts)
    features = {k: v.to(model.device) if hasattr(v, "to") else v for k, v in features.items()}
    vectors = model(features)["sentence_embedding"]
    return torch.nn.functional.normalize(vectors, dim=-1)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--positive", choices=POSITIVES, default="whole")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.defaults import DEFAULT_EXAMPLE_QUESTIONS, DEFAULT_ITEM_CATEGORIES
    from retrieval.examples import load_examples
    from retrieval.expansion import ItemCategories
    from retrieval.kb import load_knowledge_base

    clauses = load_knowledge_base(args.kb)
    examples = load_examples(DEFAULT_EXAMPLE_QUESTIONS, [c.clause_id for c in clauses])
    config = FineTuneConfig(epochs=args.epochs, positive=args.positive, threads=args.threads)
    report = fine_tune(
        examples,
        clauses,
        args.out,
        config,
        categories=ItemCategories.load(DEFAULT_ITEM_CATEGORIES),
    )
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
