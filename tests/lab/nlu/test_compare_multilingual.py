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
