"""Locating and training the Rasa NLU model, named by a hash of everything it is built from."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

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
    return f"nlu-{hashlib.sha256(f'{files}:{encoder}'.encode()).hexdigest()[:16]}"


def model_path(models_dir: Path = DEFAULT_MODELS_DIR, **inputs: Path) -> Path:
    return models_dir / f"{model_name(**inputs)}.tar.gz"


def require_model(models_dir: Path = DEFAULT_MODELS_DIR) -> Path:
    """The trained model for the current inputs, or a clear error saying how to build it."""
    path = model_path(models_dir)
    if not path.exists():
        raise NluModelNotFound(
            f"no NLU model at {path} for the current data/nlu/train and nlu/config.yml; "
            "run `make nlu-model`"
        )
    return path


def train(
    *,
    train_dir: Path = DEFAULT_TRAIN_DIR,
    config: Path = DEFAULT_CONFIG,
    models_dir: Path = DEFAULT_MODELS_DIR,
    rasa_bin: Path = DEFAULT_RASA_BIN,
    force: bool = False,
) -> Path:
    """Train the NLU model unless one for exactly these inputs exists already."""
    name = model_name(train_dir, config)
    target = models_dir / f"{name}.tar.gz"
    if target.exists() and not force:
        print(f"NLU model up to date: {target.relative_to(REPO_ROOT)}")
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(rasa_bin), "train", "nlu",
        "--nlu", str(train_dir),
        "--config", str(config),
        "--out", str(models_dir),
        "--fixed-model-name", name,
    ]  # fmt: skip
    print("training NLU model:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, env=rasa_env(), cwd=REPO_ROOT)
    if not target.exists():
        raise NluModelNotFound(f"rasa train finished but {target} is missing")
    # Older models for other inputs are dead weight (each is ~20 MB).
    for old in models_dir.glob("nlu-*.tar.gz"):
        if old != target:
            old.unlink()
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Train the Rasa NLU model when its inputs changed."
    )
    parser.add_argument("--force", action="store_true", help="train even if up to date")
    parser.add_argument("--print-path", action="store_true", help="print the model path and exit")
    args = parser.parse_args(argv)
    if args.print_path:
        print(model_path())
        return 0
    train(force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
