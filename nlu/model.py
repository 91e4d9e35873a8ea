"""Locating and training the Rasa NLU model, named by a hash of everything it is built from."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlu.errors import NluModelNotFound

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TRAIN_DIR = REPO_ROOT / "data" / "nlu" / "train"
DEFAULT_CONFIG = REPO_ROOT / "nlu" / "config.yml"
DEFAULT_REQUIREMENTS = REPO_ROOT / "nlu" / "requirements-rasa.txt"
DEFAULT_MODELS_DIR = REPO_ROOT / "models"
DEFAULT_RASA_BIN = REPO_ROOT / ".venv-rasa" / "bin" / "rasa"
# Also inputs of the model: the custom components' code, the labelled data of MessageLabels and
# the MiniLM export the featurizer reads (its source model's fingerprint, `make nlu-encoder`).
DEFAULT_COMPONENTS = REPO_ROOT / "nlu" / "components"
DEFAULT_LABELS_DIR = REPO_ROOT / "data" / "nlu" / "labels"
DEFAULT_ENCODER_INFO = REPO_ROOT / "artifacts" / "nlu-encoder" / "export.json"

# The multilingual model (issue 16): ms, id, th, vi, tl, trained with English so that code-mixed
# messages (Taglish, Manglish) and English words inside them are read. Its own prefix, so that the
# English model's clean-up never deletes it and its own clean-up never deletes the English one.
ENGLISH_PREFIX = "nlu-"
MULTILINGUAL_PREFIX = "nlu-ml-"
MULTILINGUAL_DIR = REPO_ROOT / "data" / "nlu" / "multilingual"
MULTILINGUAL_CONFIG = REPO_ROOT / "nlu" / "config-multilingual.yml"
MULTILINGUAL_COMPONENTS = REPO_ROOT / "nlu" / "ml_components"
MULTILINGUAL_REQUIREMENTS = REPO_ROOT / "nlu" / "requirements-rasa-multilingual.txt"
# The share of data/nlu/train's examples the multilingual model trains on (see README, "NLU in
# six languages": measured on a dev split against all of it).
MULTILINGUAL_ENGLISH_SHARE = 0.3


def multilingual_training_files(language: str, train_dir: Path | None = None) -> list[Path]:
    """One language's training files: every ``<kind>_<language>.yml`` (nlu_ms.yml, oos_ms.yml).

    The model trains on every file of the folder; this is the one place that says which
    language a file is, so the dev split and the counts read exactly what training reads (a
    split that listed only nlu_<lang>.yml once left the out-of-scope files out)."""
    folder = train_dir if train_dir is not None else MULTILINGUAL_DIR / "train"
    return sorted(folder.glob(f"*_{language}.yml"))


def rasa_env() -> dict[str, str]:
    """Environment for Rasa subprocesses: quiet, and never phoning home (no network here)."""
    env = dict(os.environ)
    env.update(
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        RASA_TELEMETRY_ENABLED="false",
        # Two cores: let TensorFlow use both for one op rather than oversubscribing.
        TF_NUM_INTEROP_THREADS="1",
    )
    return env


def fingerprint(paths: Iterable[Path]) -> str:
    """A short content hash of the given files and of the files under the given folders."""
    digest = hashlib.sha256()
    for path in paths:
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
        else:
            files = [path] if path.exists() else []
        for file in files:
            digest.update(file.name.encode())
            digest.update(b"\0")
            digest.update(file.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:16]


def encoder_identity(info: Path = DEFAULT_ENCODER_INFO) -> str:
    """What the exported encoder is (format and source model), not where it was built."""
    if not info.exists():
        return "no-encoder"
    data = json.loads(info.read_text())
    return f"{data.get('format')}:{data.get('source_fingerprint')}"


def model_name(
    train_dir: Path = DEFAULT_TRAIN_DIR,
    config: Path = DEFAULT_CONFIG,
    requirements: Path = DEFAULT_REQUIREMENTS,
) -> str:
    files = fingerprint([train_dir, config, requirements, DEFAULT_COMPONENTS, DEFAULT_LABELS_DIR])
    encoder = hashlib.sha256(encoder_identity().encode()).hexdigest()[:8]
    return f"{ENGLISH_PREFIX}{hashlib.sha256(f'{files}:{encoder}'.encode()).hexdigest()[:16]}"


def multilingual_model_name(
    english_share: float = MULTILINGUAL_ENGLISH_SHARE,
    config: Path = MULTILINGUAL_CONFIG,
    requirements: Path = DEFAULT_REQUIREMENTS,
    extra_requirements: Path = MULTILINGUAL_REQUIREMENTS,
) -> str:
    """``nlu-ml-<hash>`` of everything the multilingual model is built from."""
    files = fingerprint(
        [
            DEFAULT_TRAIN_DIR,
            MULTILINGUAL_DIR,  # train/, labels/ and patterns/
            config,
            requirements,
            extra_requirements,
            DEFAULT_COMPONENTS,
            MULTILINGUAL_COMPONENTS,
            DEFAULT_LABELS_DIR,
        ]
    )
    encoder = hashlib.sha256(encoder_identity().encode()).hexdigest()[:8]
    digest = hashlib.sha256(f"{files}:{encoder}:{english_share}".encode()).hexdigest()[:16]
    return f"{MULTILINGUAL_PREFIX}{digest}"


def model_path(models_dir: Path = DEFAULT_MODELS_DIR, **inputs: Path) -> Path:
    return models_dir / f"{model_name(**inputs)}.tar.gz"


def multilingual_model_path(models_dir: Path = DEFAULT_MODELS_DIR) -> Path:
    return models_dir / f"{multilingual_model_name()}.tar.gz"


def require_model(models_dir: Path = DEFAULT_MODELS_DIR) -> Path:
    """The trained model for the current inputs, or a clear error saying how to build it."""
    path = model_path(models_dir)
    if not path.exists():
        raise NluModelNotFound(
            f"no NLU model at {path} for the current data/nlu/train and nlu/config.yml; "
            "run `make nlu-model`"
        )
    return path


def require_multilingual_model(models_dir: Path = DEFAULT_MODELS_DIR) -> Path:
    path = multilingual_model_path(models_dir)
    if not path.exists():
        raise NluModelNotFound(
            f"no multilingual NLU model at {path} for the current data and "
            "nlu/config-multilingual.yml; run `make nlu-model-multilingual`"
        )
    return path


def is_model_of_kind(path: Path, prefix: str) -> bool:
    """Whether ``path`` is a model file of the English (``nlu-``) or the multilingual
    (``nlu-ml-``) kind; an English name never starts with ``nlu-ml-`` (its hash is hex)."""
    name = path.name
    if not (name.startswith(ENGLISH_PREFIX) and name.endswith(".tar.gz")):
        return False
    multilingual = name.startswith(MULTILINGUAL_PREFIX)
    return multilingual if prefix == MULTILINGUAL_PREFIX else not multilingual


def remove_older(models_dir: Path, keep: Path, prefix: str) -> list[Path]:
    """Delete the other models of the same kind as ``keep`` (each is 20-50 MB): dead weight."""
    removed = []
    for old in models_dir.glob(f"{ENGLISH_PREFIX}*.tar.gz"):
        if old != keep and is_model_of_kind(old, prefix):
            old.unlink()
            removed.append(old)
    return removed


def sample_share(lines: list[str], share: float) -> list[str]:
    """The examples whose content hash falls in the first ``share`` of the range: the same
    example stays in (or out) whatever else changes in the file, and no seed is needed."""
    if share >= 1.0:
        return list(lines)
    limit = int(share * 10_000)
    return [
        line
        for line in lines
        if int(hashlib.sha256(line.encode()).hexdigest()[:8], 16) % 10_000 < limit
    ]


@dataclass(frozen=True)
class _Staged:
    folder: Path
    examples: int


@contextmanager
def staged_multilingual_data(english_share: float) -> Iterator[_Staged]:
    """One temporary folder with every file the multilingual model trains on.

    ``rasa train nlu --nlu`` takes one folder; the data lives in three (English train/, the
    multilingual train/ and its patterns/). English intent examples are sampled when
    ``english_share`` < 1; its regexes, lookups and synonyms are always kept.
    """
    with tempfile.TemporaryDirectory(prefix="nlu-ml-train-") as tmp:
        staged = Path(tmp)
        examples = 0
        sources = [
            ("en", DEFAULT_TRAIN_DIR, english_share),
            ("ml", MULTILINGUAL_DIR / "train", 1.0),
            ("patterns", MULTILINGUAL_DIR / "patterns", 1.0),
        ]
        for tag, folder, share in sources:
            for file in sorted(folder.glob("*.yml")):
                document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
                for block in document.get("nlu") or []:
                    if "intent" in block:
                        lines = [
                            raw.strip()[2:].strip()
                            for raw in str(block.get("examples", "")).splitlines()
                            if raw.strip().startswith("- ")
                        ]
                        kept = sample_share(lines, share)
                        examples += len(kept)
                        block["examples"] = "".join(f"- {line}\n" for line in kept)
                target = staged / f"{tag}_{file.name}"
                target.write_text(
                    yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10_000),
                    encoding="utf-8",
                )
        yield _Staged(staged, examples)


def _rasa_train(data: Path, config: Path, models_dir: Path, name: str, rasa_bin: Path) -> Path:
    target = models_dir / f"{name}.tar.gz"
    models_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(rasa_bin), "train", "nlu",
        "--nlu", str(data),
        "--config", str(config),
        "--out", str(models_dir),
        "--fixed-model-name", name,
    ]  # fmt: skip
    print("training NLU model:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, env=rasa_env(), cwd=REPO_ROOT)
    if not target.exists():
        raise NluModelNotFound(f"rasa train finished but {target} is missing")
    return target


def train(
    *,
    train_dir: Path = DEFAULT_TRAIN_DIR,
    config: Path = DEFAULT_CONFIG,
    models_dir: Path = DEFAULT_MODELS_DIR,
    rasa_bin: Path = DEFAULT_RASA_BIN,
    force: bool = False,
) -> Path:
    """Train the English NLU model unless one for exactly these inputs exists already."""
    name = model_name(train_dir, config)
    target = models_dir / f"{name}.tar.gz"
    if target.exists() and not force:
        print(f"NLU model up to date: {target}")
        return target
    _rasa_train(train_dir, config, models_dir, name, rasa_bin)
    remove_older(models_dir, target, ENGLISH_PREFIX)
    return target


def train_multilingual(
    *,
    models_dir: Path = DEFAULT_MODELS_DIR,
    rasa_bin: Path = DEFAULT_RASA_BIN,
    english_share: float = MULTILINGUAL_ENGLISH_SHARE,
    force: bool = False,
) -> Path:
    """Train the multilingual NLU model unless one for exactly these inputs exists already."""
    name = multilingual_model_name(english_share)
    target = models_dir / f"{name}.tar.gz"
    if target.exists() and not force:
        print(f"multilingual NLU model up to date: {target}")
        return target
    with staged_multilingual_data(english_share) as staged:
        print(f"multilingual training data: {staged.examples} examples", flush=True)
        _rasa_train(staged.folder, MULTILINGUAL_CONFIG, models_dir, name, rasa_bin)
    remove_older(models_dir, target, MULTILINGUAL_PREFIX)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Train the Rasa NLU model when its inputs changed."
    )
    parser.add_argument("--force", action="store_true", help="train even if up to date")
    parser.add_argument("--print-path", action="store_true", help="print the model path and exit")
    parser.add_argument(
        "--multilingual", action="store_true", help="the multilingual model (issue 16)"
    )
    parser.add_argument(
        "--models-dir", type=Path, default=DEFAULT_MODELS_DIR, help="where models are kept"
    )
    args = parser.parse_args(argv)
    models_dir = args.models_dir.resolve()
    if args.print_path:
        print(multilingual_model_path(models_dir) if args.multilingual else model_path(models_dir))
        return 0
    if args.multilingual:
        train_multilingual(force=args.force, models_dir=models_dir)
    else:
        train(force=args.force, models_dir=models_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
