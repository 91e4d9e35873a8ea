"""Language ID on a labelled set: accuracy per language, the confusion matrix and the time it
adds per message.

    python -m lab.language.evaluate --data data/eval/multilingual/language_id.jsonl \
        --out reports/language

Each line is {"text", "language", "locale"?}. Every message is read as the first of its
conversation (no conversation language): what the detector and the rules make of it alone.

``--split DIR`` reads the multilingual NLU dev split instead (``lab.nlu.compare_multilingual
--split-only``'s ``DIR/test_{lang}.yml``, no locale): the messages the routed dev figures
(``lab.nlu.dev_routed``) read, so language ID is measured on what the NLU is measured on.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from bot.language.identify import identify


def load(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row.get("text"), str) or not isinstance(row.get("language"), str):
            raise SystemExit(f"{path}:{number}: each line needs 'text' and 'language'")
        rows.append(row)
    return rows


SPLIT_LANGUAGES = ("en", "ms", "id", "th", "vi", "tl")


def load_split(split: Path, languages: tuple[str, ...] = SPLIT_LANGUAGES) -> list[dict]:
    """The held-out 20% of each language of a multilingual dev split, as rows."""
    from lab.nlu.dataset import load_examples

    return [
        {"text": example.text, "language": language}
        for language in languages
        for example in load_examples(split / f"test_{language}.yml")
    ]


def evaluate(rows: list[dict]) -> dict:
    identify("warm up the model", locale=None)  # the first call loads lid.176
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    timings = []
    for row in rows:
        started = time.perf_counter()
        found = identify(row["text"], locale=row.get("locale")).language
        timings.append((time.perf_counter() - started) * 1000)
        confusion[row["language"]][found] += 1
    per_language = {
        language: {
            "n": sum(found.values()),
            "accuracy": round(found[language] / sum(found.values()), 3),
        }
        for language, found in sorted(confusion.items())
    }
    correct = sum(found[language] for language, found in confusion.items())
    return {
        "n": len(rows),
        "accuracy": round(correct / len(rows), 3) if rows else None,
        "per_language": per_language,
        "confusion": {truth: dict(found) for truth, found in sorted(confusion.items())},
        "latency_ms": {
            "median": round(statistics.median(timings), 3),
            "p95": round(sorted(timings)[int(0.95 * (len(timings) - 1))], 3),
        },
    }


def markdown(result: dict, source: str) -> str:
    languages = sorted(
        {*result["confusion"], *(f for c in result["confusion"].values() for f in c)}
    )
    lines = [
        f"# Language ID on `{source}`",
        "",
        f"{result['n']} messages, accuracy {result['accuracy']}; identify() takes "
        f"{result['latency_ms']['median']} ms median, {result['latency_ms']['p95']} ms p95.",
        "",
        "| language | n | accuracy |",
        "| --- | --- | --- |",
        *(f"| {lang} | {v['n']} | {v['accuracy']} |" for lang, v in result["per_language"].items()),
        "",
        "Confusion (rows: truth, columns: identified):",
        "",
        "| | " + " | ".join(languages) + " |",
        "| --- " * (len(languages) + 1) + "|",
    ]
    for truth, found in result["confusion"].items():
        lines.append(f"| {truth} | " + " | ".join(str(found.get(f, 0)) for f in languages) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path)
    source.add_argument("--split", type=Path, help="a multilingual NLU dev split's directory")
    parser.add_argument("--out", type=Path, default=Path("reports/language"))
    args = parser.parse_args(argv)
    if args.split is not None:
        result = evaluate(load_split(args.split))
        return _write(result, str(args.split), args.out)
    if not args.data.exists():
        print(
            f"eval-language: {args.data} is missing. It is the blind language-ID set (lines "
            '{"text", "language", "locale"?}), added with the multilingual evaluation sets.',
            file=sys.stderr,
        )
        return 2
    return _write(evaluate(load(args.data)), str(args.data), args.out)


def _write(result: dict, source: str, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    (out / "language_id.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    report = markdown(result, source)
    (out / "language_id.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
