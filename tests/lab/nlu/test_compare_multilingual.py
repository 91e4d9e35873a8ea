from lab.nlu.compare_multilingual import language_files


def test_a_language_split_reads_every_file_of_that_language():
    # The dev split must hold what the shipped model trains on: the out-of-scope files too.
    names = [p.name for p in language_files("ms")]
    assert "nlu_ms.yml" in names and "oos_ms.yml" in names
    assert all(name.endswith("_ms.yml") for name in names)


def test_english_comes_from_the_english_training_data():
    assert all(
        p.parent.name == "train" and p.parent.parent.name == "nlu" for p in language_files("en")
    )


def test_a_report_names_a_test_set_outside_the_repository_by_its_own_path(tmp_path) -> None:
    # A dev split written to a temporary directory (compare-nlu-multilingual --out /tmp/...)
    # used to fail in the summary: Path.relative_to raised for a path outside the repository.
    from lab.nlu.evaluate import shown_path
    from nlu.model import REPO_ROOT

    outside = tmp_path / "split" / "test_en.yml"
    assert shown_path(outside) == str(outside)
    assert shown_path(REPO_ROOT / "data" / "nlu" / "test.yml") == "data/nlu/test.yml"
