"""Build the multilingual policy index when a translation (or the model) changed.

Usage: ``python -m retrieval.build_multilingual --kb data/policies
--out artifacts/retrieval-multilingual [--examples FILE ...] [--force]
[--seed data/retrieval/e5-seed] [--write-seed]``

Compares each language's corpus hash, the model and the format with the saved metadata before
loading the model, so an up-to-date index costs a file read. A rebuild embeds only the windows
and example questions whose text changed (the saved vectors of the others are reused). A fresh
clone has no saved index: it reuses the committed, verified seed (``retrieval.e5_seed``) instead,
so it embeds only the texts the seed lacks. ``--write-seed`` rewrites the seed from the index.
Exit codes: 0 built or up to date, 2 bad knowledge base or index error.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from retrieval.defaults import MULTILINGUAL_EXAMPLE_QUESTIONS
from retrieval.e5_seed import DEFAULT_SEED, Seed, read_seed, verified_seed, write_seed
from retrieval.errors import RetrievalError
from retrieval.examples import Example, ExampleFiles, load_examples
from retrieval.languages import ENGLISH, LANGUAGES, load_translations
from retrieval.multilingual import (
    MultilingualIndex,
    load_e5,
    read_metadata,
    saved_example_vectors,
    saved_vectors,
)
from retrieval.multilingual_text import clause_windows, embedded_texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the multilingual policy index if stale.")
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument("--out", type=Path, default=Path("artifacts/retrieval-multilingual"))
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    parser.add_argument(
        "--examples",
        type=Path,
        nargs="+",
        default=MULTILINGUAL_EXAMPLE_QUESTIONS,
        help="labelled English questions ranking clauses by their closest one (default: the "
        "dev questions only: retrieval.defaults.MULTILINGUAL_EXAMPLE_QUESTIONS)",
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--force", action="store_true", help="rebuild even if up to date, embedding every text"
    )
    parser.add_argument(
        "--seed", type=Path, default=DEFAULT_SEED, help="committed e5 vectors reused by text"
    )
    parser.add_argument(
        "--write-seed", action="store_true", help="rewrite --seed from the (built) index"
    )
    args = parser.parse_args(argv)
    try:
        translations = load_translations(args.kb, args.languages)
        examples = multilingual_examples(args.kb, args.examples)
        if (
            not args.force
            and read_metadata(args.out) == MultilingualIndex.metadata(translations, examples)
            and _has_every_window(args.out, translations)
            and _has_every_example(args.out, examples)
        ):
            print(f"multilingual index up to date ({', '.join(translations)}) at {args.out}")
            return _write_seed(args) if args.write_seed else 0
        started = time.perf_counter()
        encoder = load_e5(args.threads)
        seed = Seed.empty() if args.force else verified_seed(read_seed(args.seed), encoder)
        # The saved index wins over the seed: it is this machine's own output.
        reuse = {} if args.force else {**seed.passages, **saved_vectors(args.out)}
        reuse_examples = {} if args.force else {**seed.queries, **saved_example_vectors(args.out)}
        index = MultilingualIndex.build(
            encoder,
            translations,
            examples=examples,
            reuse=reuse,
            reuse_examples=reuse_examples,
        )
        index.save(args.out)
    except RetrievalError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    texts = [
        t for lang, i in index.languages.items() for w in i.windows for t in embedded_texts(w, lang)
    ]
    windows, reused = len(texts), sum(t in reuse for t in texts)
    examples_reused = sum(e.question in reuse_examples for e in examples)
    print(
        f"built multilingual index ({', '.join(translations)}; {windows} windows, "
        f"{reused} reused; {len(examples)} example questions, {examples_reused} reused) "
        f"at {args.out} in {time.perf_counter() - started:.1f}s"
    )
    return _write_seed(args) if args.write_seed else 0


def _write_seed(args: argparse.Namespace) -> int:
    target = write_seed(args.seed, saved_vectors(args.out), saved_example_vectors(args.out))
    print(f"wrote the e5 seed of {args.out} to {target}")
    return 0


def multilingual_examples(kb_dir: Path, path: ExampleFiles | None) -> list[Example]:
    """The example questions the index ranks by (none when ``path`` is ``None``; one file or
    several), keeping only the clause ids of the knowledge base at ``kb_dir``."""
    if path is None:
        return []
    english = load_translations(kb_dir, [ENGLISH])[ENGLISH]
    return load_examples(path, [c.clause_id for c in english])


def _has_every_example(directory: Path, examples: list[Example]) -> bool:
    saved = saved_example_vectors(directory)
    return all(e.question in saved for e in examples)


def _has_every_window(directory: Path, translations) -> bool:
    saved = saved_vectors(directory)
    return all(
        t in saved
        for language, clauses in translations.items()
        for c in clauses
        for w in clause_windows(c, language)
        for t in embedded_texts(w, language)
    )


if __name__ == "__main__":
    raise SystemExit(main())
