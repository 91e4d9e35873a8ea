from pathlib import Path

import pytest

from nlu.errors import NluModelNotFound
from nlu.model import fingerprint, model_path, require_model


def test_fingerprint_changes_with_content_and_not_with_mtime(tmp_path: Path):
    data = tmp_path / "train"
    data.mkdir()
    (data / "a.yml").write_text("one")
    config = tmp_path / "config.yml"
    config.write_text("pipeline: []")
    first = fingerprint([data, config])
    (data / "a.yml").write_text("one")
    assert fingerprint([data, config]) == first
    (data / "a.yml").write_text("two")
    assert fingerprint([data, config]) != first


def test_model_path_is_named_by_the_inputs(tmp_path: Path):
    data = tmp_path / "train"
    data.mkdir()
    (data / "a.yml").write_text("one")
    config = tmp_path / "config.yml"
    config.write_text("x")
    reqs = tmp_path / "req.txt"
    reqs.write_text("rasa==3.6.21")
    path = model_path(tmp_path / "models", train_dir=data, config=config, requirements=reqs)
    assert path.name.startswith("nlu-") and path.name.endswith(".tar.gz")


def test_missing_model_says_how_to_build_it(tmp_path: Path):
    with pytest.raises(NluModelNotFound, match="make nlu-model"):
        require_model(tmp_path)
