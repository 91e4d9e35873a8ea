"""The labelled messages the dialogue-act and claim-reason readers train on (data/nlu/labels)."""

from collections import Counter

from nlu.components.label_model import load_labelled
from nlu.model import DEFAULT_LABELS_DIR

ACTS = {"question", "request", "inform"}
REASONS = {"damaged", "wrong_item", "not_received", "late_delivery", "change_of_mind", "none"}


def test_every_message_has_a_known_act_and_reason():
    messages = load_labelled([DEFAULT_LABELS_DIR])
    assert len(messages) > 1000
    wrong = [m.text for m in messages if m.labels.get("act") not in ACTS]
    wrong += [m.text for m in messages if m.labels.get("reason") not in REASONS]
    assert wrong == []


def test_no_message_is_written_twice_across_the_files():
    # A copy in two files would weigh twice, and two copies labelled differently contradict.
    counts = Counter(" ".join(m.text.lower().split()) for m in load_labelled([DEFAULT_LABELS_DIR]))
    assert [text for text, n in counts.items() if n > 1] == []
