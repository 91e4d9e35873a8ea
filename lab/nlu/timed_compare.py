"""Candidate pipelines timed one by one on one fixed 80/20 split of the training data (issue 17).

``make compare-nlu`` trains every candidate inside one ``rasa test nlu`` process on a split drawn
afresh each run, so it cannot say what each candidate's training cost. Here the split of
``data/nlu/train`` is drawn once with a seed (Rasa's own stratified ``train_test_split``) and
written to ``<out>/split/``; each candidate is then trained in its own process, timed as wall
time AND as the CPU seconds (user + sys) of that process and its children (the machine is shared:
wall time alone misleads), and scored on the 20%. ``data/nlu/test.yml`` and the blind set are
never read. Writes ``<out>/timed.json`` and ``<out>/timed.md``.

    python -m lab.nlu.timed_compare --out /tmp/speed/nlu nlu/candidates/f_minilm_t1_e30.yml ...
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from lab.nlu.compare import _entity_f1
from nlu.model import DEFAULT_RASA_BIN, DEFAULT_TRAIN_DIR, REPO_ROOT, rasa_env

RASA_PYTHON = DEFAULT_RASA_BIN.parent / "python"

# Runs inside the Rasa environment: the stratified split, regexes/lookups/synonyms in both halves.
_SPLIT = """
import sys
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
data_dir, out_dir, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = RasaFileImporter(training_data_paths=[data_dir]).get_nlu_data()
train, test = data.train_test_split(train_frac=0.8, random_seed=seed)
RasaYAMLWriter().dump(f"{out_dir}/train.yml", train)
RasaYAMLWriter().dump(f"{out_dir}/test.yml", test)
print(len(train.intent_examples), len(test.intent_examples))
"""


def write_split(out: Path, seed: int) -> tuple[Path, Path]:
    split = out / "split"
    train, test = split / "train.yml", split / "test.yml"
    if not (train.exists() and test.exists()):
        split.mkdir(parents=True, exist_ok=True)
        cmd = [str(RASA_PYTHON), "-c", _SPLIT, str(DEFAULT_TRAIN_DIR), str(split), str(seed)]
        subprocess.run(cmd, check=True, env=_env(), cwd=REPO_ROOT)
    return train, test


def _env() -> dict[str, str]:
    # No component cache: every candidate pays its featurizers as a fresh clone's set-up does.
    return {**rasa_env(), "RASA_MAX_CACHE_SIZE": "0"}


def timed_run(cmd: list[str], log_path: Path) -> dict[str, float]:
    """Run ``cmd``; its wall seconds and the CPU seconds (user + sys) of it and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with open(log_path, "wb") as log:
        subprocess.run(cmd, check=True, env=_env(), cwd=REPO_ROOT, stdout=log, stderr=log)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1)}


_STAMP = r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) INFO .*"


def diet_wall_seconds(log: str) -> float | None:
    """Wall seconds between DIET's start and end in Rasa's training log (the epochs + saving)."""
    start = re.search(_STAMP + "Starting to train component 'DIETClassifier'", log, re.M)
    end = re.search(_STAMP + "Finished training component 'DIETClassifier'", log, re.M)
    if not (start and end):
        return None
    fmt = "%Y-%m-%d %H:%M:%S"
    return time.mktime(time.strptime(end[1], fmt)) - time.mktime(time.strptime(start[1], fmt))


def run_candidate(config: Path, train: Path, test: Path, out: Path) -> dict:
    work = out / config.stem
    work.mkdir(parents=True, exist_ok=True)
    training = timed_run(
        [str(DEFAULT_RASA_BIN), "train", "nlu", "--nlu", str(train), "--config", str(config),
         "--out", str(work), "--fixed-model-name", "model"],
        work / "train.log",
    )  # fmt: skip
    log = (work / "train.log").read_text(errors="replace")
    training["diet_wall_s"] = diet_wall_seconds(log)
    report = work / "report"
    timed_run(
        [str(DEFAULT_RASA_BIN), "test", "nlu", "--nlu", str(test),
         "--model", str(work / "model.tar.gz"), "--out", str(report)],
        work / "test.log",
    )  # fmt: skip
    intents = json.loads((report / "intent_report.json").read_text())
    return {
        "candidate": config.stem,
        "train": training,
        "intent_macro_f1": intents["macro avg"]["f1-score"],
        "intent_accuracy": intents["accuracy"],
        "entity_f1": _entity_f1(report),
        "diet_entity_micro_f1": diet_micro_f1(report),
    }


def diet_micro_f1(report: Path) -> float | None:
    """DIET's entity F1 over all its entities (Rasa's ``micro avg``)."""
    path = report / "DIETClassifier_report.json"
    return json.loads(path.read_text())["micro avg"]["f1-score"] if path.exists() else None


def markdown(results: list[dict]) -> str:
    diet = sorted({k for r in results for k in r["entity_f1"] if "DIETClassifier" in k})
    head = [
        "candidate",
        "train wall s",
        "train CPU s",
        "DIET wall s",
        "intent macro-F1",
        "accuracy",
        "DIET entity micro-F1",
    ]
    head += [k.replace(" (DIETClassifier)", " F1") for k in diet]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in results:
        cells = [r["candidate"], f"{r['train']['wall_s']:.0f}", f"{r['train']['cpu_s']:.0f}",
                 f"{r['train'].get('diet_wall_s') or 0:.0f}",
                 f"{r['intent_macro_f1']:.3f}", f"{r['intent_accuracy']:.3f}",
                 f"{r.get('diet_entity_micro_f1') or 0:.3f}"]  # fmt: skip
        cells += [f"{r['entity_f1'].get(k, 0.0):.3f}" for k in diet]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("candidates", nargs="+", type=Path)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    train, test = write_split(args.out, args.seed)
    results_path = args.out / "timed.json"
    for config in args.candidates:
        result = run_candidate(config.resolve(), train, test, args.out)
        # Read again: another candidate may have finished into the same folder meanwhile.
        results = json.loads(results_path.read_text()) if results_path.exists() else []
        results = [r for r in results if r["candidate"] != result["candidate"]] + [result]
        results_path.write_text(json.dumps(results, indent=2))
        (args.out / "timed.md").write_text(markdown(results))
        print(markdown([result]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
