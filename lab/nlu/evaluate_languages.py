"""``make eval-nlu-languages``: the NLU model on each language's blind set (issue 16).

One Rasa server serves the current model; each set goes through `lab.nlu.evaluate.evaluate`
(the product's client, thresholds included), its full report in
``reports/nlu-languages/<language>/``, and ``summary.{json,md}`` puts the languages side by side
with issue 16's targets (intent macro-F1 and out-of-scope recall >= 0.80 in every language).

The sets were written blind (``data/nlu/blind/``: English by one writer, the five others by
another, from the contract and a brief only); nothing is trained or tuned on them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lab.nlu.evaluate import evaluate
from nlu.model import REPO_ROOT, require_model
from nlu.server import RasaServer
from nlu.types import Thresholds

BLIND = REPO_ROOT / "data" / "nlu" / "blind"
SETS = {
    "en": BLIND / "blind_test.yml",
    "ms": BLIND / "multilingual" / "ms.yml",
    "id": BLIND / "multilingual" / "id.yml",
    "th": BLIND / "multilingual" / "th.yml",
    "vi": BLIND / "multilingual" / "vi.yml",
    "tl": BLIND / "multilingual" / "tl.yml",
}
TARGET = 0.80


def summarise(per_language: dict[str, dict]) -> dict:
    rows = {
        language: {
            "n_messages": m["n_messages"],
            "intent_macro_f1": m["intent"]["macro_f1"],
            "intent_accuracy": m["intent"]["accuracy"],
            "out_of_scope_recall": m["out_of_scope"]["recall"],
            "out_of_scope_precision": m["out_of_scope"]["precision"],
            "order_id_f1": m["entities"].get("order_id", {}).get("f1"),
        }
        for language, m in per_language.items()
    }
    met = {
        language: bool(row["intent_macro_f1"] >= TARGET and row["out_of_scope_recall"] >= TARGET)
        for language, row in rows.items()
    }
    return {"target": TARGET, "languages": rows, "target_met": met}


def markdown(summary: dict, model: str) -> str:
    lines = [
        "# NLU per language (blind sets)",
        "",
        f"Model `{model}`. Target (issue 16): intent macro-F1 and out-of-scope recall "
        f">= {summary['target']:.2f} in every language.",
        "",
        "| language | messages | intent macro-F1 | accuracy | out-of-scope recall "
        "| out-of-scope precision | order_id F1 | target met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for language, row in summary["languages"].items():
        order_f1 = "-" if row["order_id_f1"] is None else f"{row['order_id_f1']:.3f}"
        lines.append(
            f"| {language} | {row['n_messages']} | {row['intent_macro_f1']:.3f} | "
            f"{row['intent_accuracy']:.3f} | {row['out_of_scope_recall']:.3f} | "
            f"{row['out_of_scope_precision']:.3f} | {order_f1} | "
            f"{'yes' if summary['target_met'][language] else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "nlu-languages")
    parser.add_argument("--languages", nargs="*", default=list(SETS), choices=list(SETS))
    parser.add_argument("--model", type=Path, help="a trained model archive (default: current)")
    args = parser.parse_args(argv)
    missing = [str(SETS[lang]) for lang in args.languages if not SETS[lang].exists()]
    if missing:
        parser.error(f"blind sets missing: {', '.join(missing)}")
    model = args.model.resolve() if args.model else require_model()
    thresholds = Thresholds()
    per_language = {}
    # Loading the model takes minutes on a busy machine (the server's default wait is 180 s).
    server = RasaServer(model).start(timeout_s=900)
    try:
        for language in args.languages:
            per_language[language] = evaluate(
                SETS[language],
                args.out / language,
                thresholds,
                server.url,
                server.auth_token,
                model=model,
            )
    finally:
        server.stop()
    summary = summarise(per_language)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    text = markdown(summary, model.name)
    (args.out / "summary.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
