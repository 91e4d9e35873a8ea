"""bench.md: the retrieval benchmark's result as Markdown, for `lab.retrieval.bench`."""

from __future__ import annotations

from lab.retrieval.bench_ann import RECALL_TARGET


def _run_line(part: dict) -> str:
    run = part["run"]
    return (
        f"Run {run['created_at']}, {run['seconds']:.0f}s; 1-minute load average "
        f"{run['load_average_before']:.1f} before and {run['load_average_after']:.1f} after "
        "(2.0 = both cores busy; more means other processes competed for the CPU, which "
        "inflates latencies, tails most)."
    )


def markdown(result: dict) -> str:
    env = result["environment"]
    method = result["synthetic"]["method"]
    lines = [
        "# Retrieval benchmark",
        "",
        f"{env['cpu_count']} cores ({env['machine']}), faiss {env['faiss']}, torch "
        f"{env['torch']} ({env['torch_threads']} threads), onnxruntime {env['onnxruntime']}. "
        f"FAISS OpenMP threads: {method['faiss_omp_threads_build']} to build, "
        f"{method['faiss_omp_threads_query']} per single query (with 2, one exact query "
        "over 100k vectors measured ~4x slower).",
        "",
        "## Encoders: one query, embed + search over the knowledge base",
        "",
        _run_line(result["encoders"]),
        "",
        "| backend | dense p50 ms | dense p95 ms | hybrid p50 ms | hybrid p95 ms "
        "| dense recall@3 | hybrid recall@3 | cosine to torch |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result["encoders"]["rows"]:
        lines.append(
            f"| {r['backend']} | {r['dense_p50_ms']:.2f} | {r['dense_p95_ms']:.2f} "
            f"| {r['hybrid_p50_ms']:.2f} | {r['hybrid_p95_ms']:.2f} | {r['dense_recall@3']:.3f} "
            f"| {r['hybrid_recall@3']:.3f} | {r['cosine_to_torch']:.4f} |"
        )
    lines += [
        "",
        f"{result['encoders']['rows'][0]['queries']} single queries per backend "
        "(the eval-set questions).",
        "",
    ]
    lines += [
        "## Index types on synthetic corpora",
        "",
        _run_line(result["synthetic"]),
        "",
        f"Method: {method['real_texts_embedded']} variant sentences were generated from the "
        "knowledge base's real sentences (domain-synonym substitutions, splices of two "
        "sentences at a comma, short prefixes) and embedded with MiniLM "
        f"({method['embed_seconds']:.0f}s). "
        f"{method['synthesis']} "
        f"Queries: {method['queries']} {method['query_source']}; "
        "recall@10 is against exact search.",
        "",
        "| n | mix | index | params | build s | p50 ms | p95 ms | recall@10 | index MB |",
        "| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result["synthetic"]["rows"]:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "-"
        lines.append(
            f"| {r['n']:,} | {r['mix']} | {r['index']} | {params} | {r['build_s']:.1f} "
            f"| {r['p50_ms']:.3f} | "
            f"{r['p95_ms']:.3f} | {r['recall@10']:.3f} | {r['bytes'] / 2**20:.0f} |"
        )
    crowding = [
        f"{r['n']:,} {r['mix']}: {r['query_top1_cosine']:.3f} / {r['query_top10_cosine']:.3f}"
        for r in result["synthetic"]["rows"]
        if r["index"] == "flat"
    ]
    lines += [
        "",
        "Mean cosine of each query's 1st / 10th exact neighbour (how crowded the neighbourhoods "
        "are; for reference, the 51 real clauses give "
        f"{result['synthetic']['method']['kb_top1_cosine']:.3f} for the 1st): "
        + "; ".join(crowding)
        + ".",
    ]
    lines += [
        "",
        f"Fastest setting with recall@10 >= {RECALL_TARGET} "
        "(target at 1M: >= 20x faster than flat):",
        "",
    ]
    lines += [
        "| n | mix | index | params | recall@10 | p50 ms | speed-up vs flat | >= 20x |",
        "| ---: | --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for b in result["synthetic"]["best"]:
        if "params" not in b:
            lines.append(
                f"| {b['n']:,} | {b['mix']} | {b['index']} | none reached {RECALL_TARGET} "
                "| | | | no |"
            )
            continue
        params = ", ".join(f"{k}={v}" for k, v in b["params"].items())
        lines.append(
            f"| {b['n']:,} | {b['mix']} | {b['index']} | {params} | {b['recall@10']:.3f} "
            f"| {b['p50_ms']:.3f} | "
            f"{b['speedup_p50_vs_flat']:.0f}x | {'yes' if b['meets_target'] else 'no'} |"
        )
    return "\n".join(lines) + "\n"
