import numpy as np
import pytest

from nlu.components.label_model import LabelModel, load_labelled

QUESTIONS = ["can I cancel after it shipped?", "how long do refunds take", "is there a fee?"]
REQUESTS = ["cancel my order now", "refund me please", "send a person, now"]


def vectors(texts, seed=0):
    """Stand-in sentence vectors (unit rows) so the n-gram part decides."""
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(len(texts), 8))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_fits_and_predicts_a_label_with_its_probability():
    texts = QUESTIONS * 3 + REQUESTS * 3
    labels = ["question"] * 9 + ["request"] * 9
    model = LabelModel().fit(texts, vectors(texts), labels)
    (label, p), (label2, _) = model.predict(
        ["how long is the fee?", "cancel my refund now"], vectors([1, 2], seed=1)
    )
    assert (label, label2) == ("question", "request")
    assert 0.5 < p <= 1.0
    assert model.labels == ["question", "request"]


def test_refuses_one_label_or_mismatched_lengths():
    with pytest.raises(ValueError, match="two different"):
        LabelModel().fit(QUESTIONS, vectors(QUESTIONS), ["question"] * 3)
    with pytest.raises(ValueError, match="same length"):
        LabelModel().fit(QUESTIONS, vectors(QUESTIONS), ["question"])


def test_predicting_nothing_gives_nothing():
    model = LabelModel().fit(QUESTIONS + REQUESTS, vectors(range(6)), ["q"] * 3 + ["r"] * 3)
    assert model.predict([], np.zeros((0, 8))) == []


def test_loads_the_messages_of_files_and_folders(tmp_path):
    (tmp_path / "a.yml").write_text(
        'version: 1\nmessages:\n- {text: "hi", act: inform, reason: none}\n'
    )
    (tmp_path / "b.yml").write_text('messages:\n- {text: "late!", act: request}\n')
    loaded = load_labelled([tmp_path])
    assert [(m.text, m.labels) for m in loaded] == [
        ("hi", {"act": "inform", "reason": "none"}),
        ("late!", {"act": "request"}),
    ]


@pytest.mark.parametrize(
    "body", ["version: 1\n", "messages: {text: hi}\n", "messages:\n- {act: inform}\n"]
)
def test_a_file_without_messages_or_text_is_refused(tmp_path, body):
    (tmp_path / "bad.yml").write_text(body)
    with pytest.raises(ValueError):
        load_labelled([tmp_path / "bad.yml"])
