"""The multilingual model's out-of-scope thresholds and the "sure English" bar, chosen on the
DEV split of the training data (issue 16), never on a blind set.

Reads the split that ``lab.nlu.compare_multilingual`` wrote (``SPLIT/test_{lang}.yml``, the 20%
of each language's training data the dev model never saw) and its dev model
(``SPLIT/../config-multilingual/config-multilingual.tar.gz``), serves it and the English model
(models/, as shipped), and reads every dev message as the product would (`lab.nlu.routed`:
language ID without a locale, then the routed parser). Every Rasa answer is recorded once, so
the sweeps replay them:

1. the multilingual model's (confidence, ambiguity) thresholds: the pair whose worst language
   (ms, id, th, vi, tl) has the highest min(intent macro-F1, out-of-scope recall), the issue's
   two targets; ties go to the lower thresholds;
2. the "sure English" bar (`bot.language.identify.SURE_ENGLISH`), with those thresholds: the bar
   whose worst language of all six has the highest min(macro-F1, OOS recall).

Writes ``OUT/calibration.json`` and ``OUT/calibration.md``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

from lab.nlu.compare_multilingual import LANGUAGES
from lab.nlu.dataset import load_examples
from lab.nlu.evaluate import intent_metrics
from lab.nlu.routed import RecordingTransport, Server, oos_recall, read_routed
from nlu.model import require_model
from nlu.server import RasaServer
from nlu.types import Thresholds

CONFIDENCES = [round(0.20 + 0.05 * i, 2) for i in range(13)]  # 0.20 .. 0.80
AMBIGUITIES = [0.0, 0.05, 0.1, 0.15, 0.2]
# 1.01: never sure (every unsure-or-English out_of_scope asks the other model); 0.0: always sure
# when the detector says English (no second opinion).
BARS = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01]
FIVE = tuple(lang for lang in LANGUAGES if lang != "en")


def _scores(examples_by_lang, readings_by_lang) -> dict[str, dict]:
    out = {}
    for lang, examples in examples_by_lang.items():
        gold = [e.intent for e in examples]
        predicted = [r.reading.intent.name for r in readings_by_lang[lang]]
        models = [r.model for r in readings_by_lang[lang]]
        out[lang] = {
            "macro_f1": intent_metrics(gold, predicted)["macro_f1"],
            "oos_recall": oos_recall(gold, predicted),
            "to_multilingual": models.count("multilingual") / len(models),
            "asked_both": models.count("english+multilingual") / len(models),
        }
    return out


def _worst(scores: dict[str, dict], languages) -> float:
    return min(min(scores[lang]["macro_f1"], scores[lang]["oos_recall"]) for lang in languages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", type=Path, required=True, help="compare_multilingual's --out")
    parser.add_argument("--out", type=Path, default=None, help="default: SPLIT")
    args = parser.parse_args(argv)
    root = args.split.resolve()
    out = (args.out or root).resolve()
    dev_model = root / "config-multilingual" / "config-multilingual.tar.gz"
    examples = {lang: load_examples(root / "split" / f"test_{lang}.yml") for lang in LANGUAGES}
    english_thresholds = Thresholds()  # the shipped defaults of the English model
    with (
        RasaServer(require_model(), log_file=out / "english-server.log") as english_server,
        RasaServer(dev_model, log_file=out / "dev-server.log") as dev_server,
    ):
        english = Server(english_server.url, english_server.auth_token, RecordingTransport())
        multilingual = Server(dev_server.url, dev_server.auth_token, RecordingTransport())

        def run(thresholds: Thresholds, bar: float) -> dict[str, dict]:
            readings = {
                lang: read_routed(
                    [e.text for e in exs],
                    english,
                    multilingual,
                    english_thresholds=english_thresholds,
                    multilingual_thresholds=thresholds,
                    bar=bar,
                )
                for lang, exs in examples.items()
            }
            return _scores(examples, readings)

        # One pass that asks both models about everything they may be asked, then replays.
        run(Thresholds(0.0, 0.0), 1.01)
        default_bar = 0.8
        sweep = []
        for confidence, ambiguity in itertools.product(CONFIDENCES, AMBIGUITIES):
            scores = run(Thresholds(confidence, ambiguity), default_bar)
            sweep.append(
                {"confidence": confidence, "ambiguity": ambiguity, "worst": _worst(scores, FIVE)}
            )
        best = max(sweep, key=lambda s: (round(s["worst"], 6), -s["confidence"], -s["ambiguity"]))
        chosen = Thresholds(best["confidence"], best["ambiguity"])
        bars = {bar: run(chosen, bar) for bar in BARS}
        bar = max(BARS, key=lambda b: (round(_worst(bars[b], LANGUAGES), 6), -b))
    result = {
        "dev_model": str(dev_model),
        "n": {lang: len(exs) for lang, exs in examples.items()},
        "thresholds": {"confidence": chosen.confidence, "ambiguity": chosen.ambiguity},
        "threshold_sweep_bar": default_bar,
        "threshold_sweep": sweep,
        "sure_english_bar": bar,
        "by_bar": {str(b): s for b, s in bars.items()},
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration.json").write_text(json.dumps(result, indent=2))
    lines = [
        f"Chosen on the dev split: multilingual thresholds confidence {chosen.confidence}, "
        f"ambiguity {chosen.ambiguity}; sure-English bar {bar}.",
        "",
        "| bar | lang | n | macro-F1 | OOS recall | to multilingual | asked both |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for b, scores in bars.items():
        for lang, s in scores.items():
            lines.append(
                f"| {b} | {lang} | {result['n'][lang]} | {s['macro_f1']:.3f} | "
                f"{s['oos_recall']:.3f} | {s['to_multilingual']:.2f} | {s['asked_both']:.2f} |"
            )
    (out / "calibration.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
