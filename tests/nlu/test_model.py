from pathlib import Path

import pytest

from nlu.errors import NluModelNotFound
from nlu.model import fingerprint, model_path, require_model, staged_training_data


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
    path = model_path(tmp_path / "models", train_dirs=[data], config=config, requirements=reqs)
    assert path.name.startswith("nlu-") and path.name.endswith(".tar.gz")


def test_missing_model_says_how_to_build_it(tmp_path: Path):
    with pytest.raises(NluModelNotFound, match="make nlu-model"):
        require_model(tmp_path)


def test_training_folders_are_staged_into_one_without_overwriting(tmp_path: Path):
    english, multilingual = tmp_path / "train", tmp_path / "multilingual" / "train"
    (english / "sub").mkdir(parents=True)
    multilingual.mkdir(parents=True)
    (english / "nlu.yml").write_text("en")
    (english / "sub" / "more.yml").write_text("en2")
    (multilingual / "nlu.yml").write_text("th")
    (multilingual / "notes.txt").write_text("not data")
    with staged_training_data([english, multilingual]) as staged:
        found = {p.name: p.read_text() for p in staged.iterdir()}
    assert found == {
        "0_train_nlu.yml": "en",
        "0_train_sub_more.yml": "en2",
        "1_train_nlu.yml": "th",
    }
    assert not staged.exists()


def test_the_model_name_changes_with_any_training_folder(tmp_path: Path):
    english, other = tmp_path / "en", tmp_path / "th"
    english.mkdir()
    other.mkdir()
    (english / "a.yml").write_text("one")
    (other / "b.yml").write_text("two")
    config = tmp_path / "config.yml"
    config.write_text("x")
    first = model_path(tmp_path, train_dirs=[english, other], config=config)
    (other / "b.yml").write_text("three")
    assert model_path(tmp_path, train_dirs=[english, other], config=config) != first
    assert model_path(tmp_path, train_dirs=[english], config=config) != first


def test_a_missing_training_folder_is_a_clear_error(tmp_path: Path):
    with (
        pytest.raises(NluModelNotFound, match="does not exist"),
        staged_training_data([tmp_path / "nowhere"]),
    ):
        pass
