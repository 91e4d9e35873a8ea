"""Build the past-resolutions index: ``python -m bot.assist.build --out artifacts/assist``.

Generates the synthetic world (`bot.assist.corpus`), turns every case into a resolution with a
templated agent reply, embeds the situations with MiniLM and saves the FAISS index with its
metadata. Up to date (same corpus hash and model) means nothing is rebuilt.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.assist.build")
    parser.add_argument("--out", type=Path, default=Path("artifacts/assist"))
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the CLI decides the environment; no hub

    from bot.assist.corpus import WORLD_CASES, WORLD_SEED, build_corpus, default_world
    from bot.assist.index import ResolutionIndex, corpus_hash, read_metadata
    from retrieval.embedder import make_embedder

    started = time.perf_counter()
    resolutions = build_corpus(default_world())
    digest = corpus_hash(resolutions)
    embedder = make_embedder()
    saved = read_metadata(args.out)
    if (
        not args.force
        and saved is not None
        and saved.get("corpus_hash") == digest
        and saved.get("model_name") == embedder.name
    ):
        print(f"resolution index up to date ({len(resolutions)} cases) at {args.out}")
        return 0
    index = ResolutionIndex(embedder.load()).build(
        resolutions, world_seed=WORLD_SEED, world_cases=WORLD_CASES
    )
    index.save(args.out)
    print(
        f"built resolution index of {len(resolutions)} past cases (model {embedder.name}) "
        f"at {args.out} in {time.perf_counter() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
