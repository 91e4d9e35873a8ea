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


def test_multilingual_model_is_named_apart_from_the_english_one():
    from nlu.model import ENGLISH_PREFIX, MULTILINGUAL_PREFIX, multilingual_model_name

    name = multilingual_model_name()
    assert name.startswith(MULTILINGUAL_PREFIX)
    assert not model_path().name.startswith(MULTILINGUAL_PREFIX)
    assert model_path().name.startswith(ENGLISH_PREFIX)
    # The English share is an input of the multilingual model.
    assert multilingual_model_name(english_share=0.5) != name


def test_each_models_clean_up_keeps_the_other_kind(tmp_path: Path):
    from nlu.model import ENGLISH_PREFIX, MULTILINGUAL_PREFIX, remove_older

    english_old = tmp_path / "nlu-0123456789abcdef.tar.gz"
    english_new = tmp_path / "nlu-fedcba9876543210.tar.gz"
    ml_old = tmp_path / "nlu-ml-0123456789abcdef.tar.gz"
    ml_new = tmp_path / "nlu-ml-fedcba9876543210.tar.gz"
    other = tmp_path / "notes.txt"
    for path in (english_old, english_new, ml_old, ml_new, other):
        path.write_text("x")

    assert remove_older(tmp_path, english_new, ENGLISH_PREFIX) == [english_old]
    assert ml_old.exists() and ml_new.exists() and english_new.exists() and other.exists()

    assert remove_older(tmp_path, ml_new, MULTILINGUAL_PREFIX) == [ml_old]
    assert english_new.exists() and ml_new.exists() and other.exists()


def test_missing_multilingual_model_says_how_to_build_it(tmp_path: Path):
    from nlu.model import require_multilingual_model

    with pytest.raises(NluModelNotFound, match="make nlu-model-multilingual"):
        require_multilingual_model(tmp_path)


def test_sample_share_is_stable_and_about_the_share():
    from nlu.model import sample_share

    lines = [f"message number {i}" for i in range(2000)]
    kept = sample_share(lines, 0.3)
    assert 0.25 < len(kept) / len(lines) < 0.35
    # An example's membership depends on itself only: the order and the neighbours don't matter.
    assert set(sample_share(list(reversed(lines)), 0.3)) == set(kept)
    assert set(sample_share(lines[:1000], 0.3)) == set(kept) & set(lines[:1000])
    assert sample_share(lines, 1.0) == lines


def test_staged_multilingual_data_has_every_language_and_the_patterns():
    import yaml

    from nlu.model import staged_multilingual_data

    with staged_multilingual_data(1.0) as all_english, staged_multilingual_data(0.3) as sampled:
        names = {p.name for p in all_english.folder.iterdir()}
        assert {f"ml_nlu_{lang}.yml" for lang in ("ms", "id", "th", "vi", "tl")} <= names
        assert "patterns_regex.yml" in names and "en_regex_lookup_synonyms.yml" in names
        assert sampled.examples < all_english.examples
        document = yaml.safe_load((sampled.folder / "en_regex_lookup_synonyms.yml").read_text())
        # Regexes, lookups and synonyms are not examples: never sampled away.
        original = yaml.safe_load(Path("data/nlu/train/regex_lookup_synonyms.yml").read_text())
        kinds = [next(iter(b)) for b in document["nlu"]]
        assert kinds == [next(iter(b)) for b in original["nlu"]]


def test_every_multilingual_training_file_belongs_to_exactly_one_language() -> None:
    # The model trains on every file of data/nlu/multilingual/train; the dev split and the counts
    # read a language's files through multilingual_training_files. A file no language claims
    # would be trained on but never split or counted.
    from nlu.model import MULTILINGUAL_DIR, multilingual_training_files
    from nlu.routing import MULTILINGUAL_LANGUAGES

    every = sorted((MULTILINGUAL_DIR / "train").glob("*.yml"))
    claimed = [f for lang in MULTILINGUAL_LANGUAGES for f in multilingual_training_files(lang)]
    assert sorted(claimed) == every
    assert len(set(claimed)) == len(claimed)
    assert all(any(f.name == f"nlu_{lang}.yml" for f in claimed) for lang in MULTILINGUAL_LANGUAGES)
