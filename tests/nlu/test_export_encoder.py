"""The encoder export is incremental: same source model and complete files → nothing to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu.export_encoder import (
    FP32_FILE,
    INFO_FILE,
    INT8_FILE,
    TOKENIZER_FILE,
    ExportError,
    _up_to_date,
    export_encoder,
    source_fingerprint,
)


def _fake_model(directory: Path, weights: bytes = b"weights") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "tokenizer.json").write_text("{}")
    (directory / "config.json").write_text('{"hidden_size": 384}')
    (directory / "model.safetensors").write_bytes(weights)
    (directory / "README.md").write_text("docs")
    return directory


def _fake_export(out: Path, fingerprint: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in (FP32_FILE, INT8_FILE, TOKENIZER_FILE):
        (out / name).write_bytes(name.encode())
    sizes = {name: (out / name).stat().st_size for name in (FP32_FILE, INT8_FILE, TOKENIZER_FILE)}
    info = {"source_fingerprint": fingerprint, "sizes": sizes}
    (out / INFO_FILE).write_text(json.dumps(info))


def test_fingerprint_follows_the_weights_not_the_docs(tmp_path: Path) -> None:
    model = _fake_model(tmp_path / "m")
    first = source_fingerprint(model)
    (model / "README.md").write_text("other docs")
    assert source_fingerprint(model) == first
    (model / "model.safetensors").write_bytes(b"other weights")
    assert source_fingerprint(model) != first


def test_an_export_of_the_same_model_is_skipped(tmp_path: Path) -> None:
    model = _fake_model(tmp_path / "m")
    out = tmp_path / "out"
    _fake_export(out, source_fingerprint(model))
    export = export_encoder(model, out)  # would need torch and real weights otherwise
    assert export.skipped
    assert export.int8 == out / INT8_FILE and export.tokenizer == out / TOKENIZER_FILE


@pytest.mark.parametrize("damage", ["other model", "missing file", "truncated file", "no info"])
def test_an_incomplete_or_foreign_export_is_not_up_to_date(tmp_path: Path, damage: str) -> None:
    model = _fake_model(tmp_path / "m")
    out = tmp_path / "out"
    fingerprint = source_fingerprint(model)
    _fake_export(out, "0" * 64 if damage == "other model" else fingerprint)
    if damage == "missing file":
        (out / INT8_FILE).unlink()
    elif damage == "truncated file":
        (out / FP32_FILE).write_bytes(b"x")
    elif damage == "no info":
        (out / INFO_FILE).unlink()
    assert _up_to_date(out, fingerprint) is None


def test_a_folder_without_tokenizer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"tokenizer\.json"):
        export_encoder(tmp_path, tmp_path / "out")
