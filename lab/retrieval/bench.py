"""Benchmarks for the retrieval hot path and for FAISS index types at larger scale.

Usage::

    HF_HUB_OFFLINE=1 python -m lab.retrieval.bench --out reports/retrieval/bench.json

(a) Encoders: single-query latency (embed + FAISS search over the knowledge base) for the
    torch backend, ONNX fp32 and ONNX dynamic int8, with recall@3 of each on the eval set.
(b) Index types on synthetic corpora of 10k, 100k and 1M passages built from real text (see
    ``synthetic_corpus`` for the method): exact IndexFlatIP vs IndexHNSWFlat vs IndexIVFFlat:
    build time, single-query latency p50/p95, recall@10 against exact search, index bytes.

Writes bench.json and bench.md beside it. Sized to finish in about 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from lab.retrieval.bench_ann import N_QUERIES, QUERY_THREADS, SIZES, bench_synthetic
from lab.retrieval.bench_report import markdown
from lab.retrieval.bench_timing import percentile_ms, time_calls

# -- (a) encoders ------------------------------------------------------------------------


def bench_encoders(kb: Path, questions_path: Path, onnx_dir: Path) -> list[dict]:
    import faiss

    from lab.retrieval.evaluation import RetrievalEvaluator, load_questions
    from lab.retrieval.onnx_export import export_onnx
    from retrieval.embedder import make_embedder
    from retrieval.factory import make_retriever
    from retrieval.kb import load_knowledge_base

    faiss.omp_set_num_threads(QUERY_THREADS)
    clauses = load_knowledge_base(kb)
    questions = load_questions(questions_path, [c.clause_id for c in clauses])
    evaluator = RetrievalEvaluator(questions)
    texts = [q.question for q in questions]
    while len(texts) < N_QUERIES:
        texts = texts + texts
    texts = texts[: max(N_QUERIES, len(questions))]

    embedder = make_embedder()
    export = export_onnx(embedder.model_path, onnx_dir)
    variants = [
        ("torch", make_embedder("torch"), None),
        ("onnx-fp32", make_embedder("onnx", onnx_file=export.fp32), export.fp32_cosine),
        ("onnx-int8", make_embedder("onnx", onnx_file=export.int8), export.int8_cosine),
    ]
    rows = []
    for label, variant, cosine in variants:
        variant.load()
        dense = make_retriever("dense", clauses, embedder=variant)
        hybrid = make_retriever("hybrid", clauses, embedder=variant)
        dense_latency = time_calls(lambda i, r=dense: r.search(texts[i], 3), len(texts))
        hybrid_latency = time_calls(lambda i, r=hybrid: r.search(texts[i], 3), len(texts))
        dense_metrics = evaluator(dense).metrics
        hybrid_metrics = evaluator(hybrid).metrics
        rows.append(
            {
                "backend": label,
                "queries": len(texts),
                "dense_p50_ms": percentile_ms(dense_latency, 50),
                "dense_p95_ms": percentile_ms(dense_latency, 95),
                "hybrid_p50_ms": percentile_ms(hybrid_latency, 50),
                "hybrid_p95_ms": percentile_ms(hybrid_latency, 95),
                "dense_recall@3": dense_metrics["recall@3"],
                "hybrid_recall@3": hybrid_metrics["recall@3"],
                "dense_mrr@10": dense_metrics["mrr@10"],
                "hybrid_mrr@10": hybrid_metrics["mrr@10"],
                "cosine_to_torch": cosine if cosine is not None else 1.0,
            }
        )
        print(f"encoder {label}: {rows[-1]}", flush=True)
    return rows


def _timed_part(run: Callable[[], dict | list]) -> dict:
    """Run one benchmark part and record when, how long, and how busy the machine was."""
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    result = run()
    part = result if isinstance(result, dict) else {"rows": result}
    part["run"] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": time.perf_counter() - started,
        # Other work on the machine inflates latencies; the 1-minute load average before and
        # after says how much there was (2.0 = both cores busy).
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
    }
    return part


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark encoders and FAISS index types.")
    parser.add_argument("--out", type=Path, default=Path("reports/retrieval/bench.json"))
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument("--questions", type=Path, default=Path("data/eval/policy_questions.jsonl"))
    # Not inside artifacts/retrieval: that is the index's directory, owned by retrieval.build.
    parser.add_argument("--onnx-dir", type=Path, default=Path("artifacts/retrieval-onnx"))
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--only",
        choices=["encoders", "synthetic"],
        default=None,
        help="re-run one part and keep the other from the existing --out file",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import faiss
    import onnxruntime
    import torch

    result = {}
    if args.only is not None and args.out.is_file():
        result = json.loads(args.out.read_text(encoding="utf-8"))
    if args.only in (None, "encoders"):
        result["encoders"] = _timed_part(
            lambda: bench_encoders(args.kb, args.questions, args.onnx_dir)
        )
    if args.only in (None, "synthetic"):
        result["synthetic"] = _timed_part(
            lambda: bench_synthetic(args.kb, args.questions, args.onnx_dir, args.sizes)
        )
    result["environment"] = {
        "cpu_count": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "faiss": faiss.__version__,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "onnxruntime": onnxruntime.__version__,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
