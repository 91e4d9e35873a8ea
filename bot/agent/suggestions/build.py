"""Build the past-resolutions index from a resolutions corpus:
``python -m bot.agent.suggestions.build --corpus var/assist/corpus.json --out artifacts/assist``.

The corpus is a file (`read_corpus`): ``{"source": {...}, "resolutions": [...]}``, as written
by the lab's generator (`make assist-index` runs ``python -m lab.assist.corpus`` first). This
step embeds the situations with MiniLM and saves the FAISS index with its metadata, the
corpus's ``source`` included; its inputs are exactly the corpus file and the model. Up to date
(same corpus hash and model) means nothing is rebuilt.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from bot.agent.suggestions.precedents import Resolution


def write_corpus(path: Path, resolutions: list[Resolution], source: dict[str, Any]) -> None:
    """The corpus file the build reads (``source``: where the resolutions came from)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"source": source, "resolutions": [r.to_dict() for r in resolutions]}
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(payload, indent=0) + "\n", encoding="utf-8")
    os.replace(partial, path)


def read_corpus(path: Path) -> tuple[list[Resolution], dict[str, Any]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Resolution.from_dict(r) for r in data["resolutions"]], dict(data.get("source") or {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.agent.suggestions.build")
    parser.add_argument("--corpus", type=Path, required=True, help="the resolutions corpus file")
    parser.add_argument("--out", type=Path, default=Path("artifacts/assist"))
    parser.add_argument("--backend", choices=("torch", "onnx"), default=None, help="default: onnx")
    parser.add_argument(
        "--onnx-file",
        type=Path,
        default=None,
        help="default: artifacts/nlu-encoder/model_qint8.onnx (precedents.ASSIST_ONNX_FILE)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="onnxruntime threads (default: one per core; set-up passes 1, see bot/setup_runner)",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the CLI decides the environment; no hub

    from bot.agent.suggestions.precedents import (
        ASSIST_ONNX_FILE,
        ResolutionIndex,
        corpus_hash,
        read_metadata,
    )
    from retrieval.embedder import DEFAULT_BACKEND, make_embedder

    started = time.perf_counter()
    resolutions, source = read_corpus(args.corpus)
    digest = corpus_hash(resolutions)
    embedder = make_embedder(
        args.backend or DEFAULT_BACKEND,
        onnx_file=args.onnx_file or ASSIST_ONNX_FILE,
        threads=args.threads,
    )
    saved = read_metadata(args.out)
    if (
        not args.force
        and saved is not None
        and saved.get("corpus_hash") == digest
        and saved.get("model_name") == embedder.name
    ):
        print(f"resolution index up to date ({len(resolutions)} cases) at {args.out}")
        return 0
    index = ResolutionIndex(embedder.load()).build(resolutions, **source)
    index.save(args.out)
    print(
        f"built resolution index of {len(resolutions)} past cases (model {embedder.name}) "
        f"at {args.out} in {time.perf_counter() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
