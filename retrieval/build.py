"""Build the dense index when the knowledge base (or the model) changed.

Usage: ``python -m retrieval.build --kb data/policies --out artifacts/retrieval [--force]``

Compares the knowledge base's corpus hash, the model name and the index and passage formats
with the saved index's metadata before loading any model, so an up-to-date index costs a file
read, not a model load. The example questions' vectors (``retrieval.examples``) are saved in
the same directory, keyed by a hash of their texts: when only they changed, only they are
embedded again.
Exit codes: 0 built or up to date, 2 bad knowledge base or index error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from retrieval.defaults import DEFAULT_EXAMPLE_QUESTIONS, DEFAULT_ITEM_CATEGORIES
from retrieval.errors import RetrievalError
from retrieval.examples import example_texts, load_examples, saved_vectors_fresh
from retrieval.expansion import ItemCategories
from retrieval.index import FORMAT_VERSION, read_metadata
from retrieval.kb import PASSAGE_FORMAT, corpus_hash, load_knowledge_base
from retrieval.passages import PASSAGE_WINDOW


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the policy clause index if stale.")
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument("--out", type=Path, default=Path("artifacts/retrieval"))
    parser.add_argument("--model-path", type=Path, default=None, help="default: packaged MiniLM")
    parser.add_argument("--backend", choices=("torch", "onnx"), default=None, help="default: onnx")
    parser.add_argument(
        "--onnx-file", type=Path, default=None, help="default: artifacts/nlu-encoder/model.onnx"
    )
    parser.add_argument(
        "--examples",
        type=Path,
        nargs="+",
        default=DEFAULT_EXAMPLE_QUESTIONS,
        help="example question files (default: the dev questions and the buyers' examples)",
    )
    parser.add_argument("--item-categories", type=Path, default=DEFAULT_ITEM_CATEGORIES)
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="onnxruntime threads (default: one per core; set-up passes 1, see bot/setup_runner)",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)

    # Only the CLI decides the process environment; nothing may come from a model hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.embedder import DEFAULT_BACKEND, make_embedder
    from retrieval.examples import ExampleIndex
    from retrieval.index import DenseRetriever

    try:
        clauses = load_knowledge_base(args.kb)
        digest = corpus_hash(clauses)
        embedder = make_embedder(
            args.backend or DEFAULT_BACKEND,
            model_path=args.model_path,
            onnx_file=args.onnx_file,
            threads=args.threads,
        )
        # The same examples and categories the bot's retriever uses (retrieval.factory).
        categories = ItemCategories.load(args.item_categories)
        examples = load_examples(args.examples, [c.clause_id for c in clauses])
        texts = example_texts(examples, categories)
        saved = read_metadata(args.out)
        index_fresh = (
            not args.force
            and saved is not None
            and saved.get("corpus_hash") == digest
            and saved.get("model_name") == embedder.name
            and saved.get("passage_format") == PASSAGE_FORMAT
            and saved.get("passage_window") == PASSAGE_WINDOW
            and saved.get("format_version") == FORMAT_VERSION
        )
        examples_fresh = not args.force and saved_vectors_fresh(args.out, texts, embedder.name)
        if index_fresh and examples_fresh:
            print(
                f"index up to date ({len(clauses)} clauses, {len(texts)} example questions, "
                f"corpus {digest[:12]}) at {args.out}"
            )
            return 0
        started = time.perf_counter()
        embedder.load()
        if not index_fresh:
            DenseRetriever(embedder).build(clauses).save(args.out)
            print(
                f"built index of {len(clauses)} clauses (corpus {digest[:12]}, model "
                f"{embedder.name}) at {args.out} in {time.perf_counter() - started:.1f}s"
            )
        if not examples_fresh:
            began = time.perf_counter()
            ExampleIndex(examples, embedder, categories).save(args.out)
            print(
                f"embedded {len(texts)} example questions at {args.out} "
                f"in {time.perf_counter() - began:.1f}s"
            )
    except RetrievalError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
