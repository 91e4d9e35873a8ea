"""Where MiniLMFeaturizer finds its encoder, and the error when it is not there."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.components.encoder import (
    DEFAULT_ENCODER_DIR,
    ENCODER_PATH_ENV,
    PROJECT_ROOT,
    EncoderNotFound,
    MiniLMEncoder,
    file_digest,
    resolve_model_path,
    resolve_tokenizer_path,
)


def test_default_is_the_int8_export_under_the_project_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENCODER_PATH_ENV, raising=False)
    assert resolve_model_path(None) == DEFAULT_ENCODER_DIR / "model_qint8.onnx"
    assert DEFAULT_ENCODER_DIR == PROJECT_ROOT / "artifacts" / "nlu-encoder"
    assert Path(__file__).resolve().parents[3] == PROJECT_ROOT


def test_the_environment_overrides_the_default_and_the_config_overrides_both(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENCODER_PATH_ENV, str(tmp_path / "env.onnx"))
    assert resolve_model_path(None) == tmp_path / "env.onnx"
    assert resolve_model_path(str(tmp_path / "config.onnx")) == tmp_path / "config.onnx"


def test_relative_paths_are_relative_to_the_project_root_not_the_cwd(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENCODER_PATH_ENV, "artifacts/x/model.onnx")
    model = resolve_model_path(None)
    assert model == PROJECT_ROOT / "artifacts" / "x" / "model.onnx"
    assert resolve_tokenizer_path(None, model) == PROJECT_ROOT / "artifacts/x/tokenizer.json"
    assert resolve_tokenizer_path("tok.json", model) == PROJECT_ROOT / "tok.json"


def test_a_missing_encoder_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(EncoderNotFound, match=r"nlu\.export_encoder"):
        MiniLMEncoder(tmp_path / "model.onnx")


def test_file_digest_follows_the_content(tmp_path: Path) -> None:
    path = tmp_path / "f.onnx"
    path.write_bytes(b"one")
    first = file_digest(path)
    path.write_bytes(b"two!")
    assert file_digest(path) != first
