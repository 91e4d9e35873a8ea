"""Build the multilingual policy index when a translation (or the model) changed.

Usage: ``python -m retrieval.build_multilingual --kb data/policies
--out artifacts/retrieval-multilingual [--force]``

Compares each language's corpus hash, the model and the format with the saved metadata before
loading the model, so an up-to-date index costs a file read. A rebuild embeds only the windows
whose text changed (the saved vectors of the others are reused).
Exit codes: 0 built or up to date, 2 bad knowledge base or index error.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from retrieval.errors import RetrievalError
from retrieval.languages import LANGUAGES, load_translations
from retrieval.multilingual import MultilingualIndex, load_e5, read_metadata, saved_vectors
from retrieval.multilingual_text import clause_windows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the multilingual policy index if stale.")
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument("--out", type=Path, default=Path("artifacts/retrieval-multilingual"))
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    try:
        translations = load_translations(args.kb, args.languages)
        if (
            not args.force
            and read_metadata(args.out) == MultilingualIndex.metadata(translations)
            and _has_every_window(args.out, translations)
        ):
            print(f"multilingual index up to date ({', '.join(translations)}) at {args.out}")
            return 0
        started = time.perf_counter()
        reuse = {} if args.force else saved_vectors(args.out)
        index = MultilingualIndex.build(load_e5(args.threads), translations, reuse=reuse)
        index.save(args.out)
    except RetrievalError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    texts = [w.text for i in index.languages.values() for w in i.windows]
    windows, reused = len(texts), sum(t in reuse for t in texts)
    print(
        f"built multilingual index ({', '.join(translations)}; {windows} windows, "
        f"{reused} reused) at {args.out} in {time.perf_counter() - started:.1f}s"
    )
    return 0


def _has_every_window(directory: Path, translations) -> bool:
    saved = saved_vectors(directory)
    return all(
        w.text in saved
        for language, clauses in translations.items()
        for c in clauses
        for w in clause_windows(c, language)
    )


if __name__ == "__main__":
    raise SystemExit(main())
