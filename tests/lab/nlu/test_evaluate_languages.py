from lab.nlu.evaluate_languages import SETS, markdown, summarise


def metrics(f1: float, oos_recall: float) -> dict:
    return {
        "n_messages": 10,
        "intent": {"macro_f1": f1, "accuracy": f1},
        "out_of_scope": {"recall": oos_recall, "precision": 0.9},
        "entities": {"order_id": {"f1": 1.0}},
    }


def test_a_language_meets_the_target_only_with_both_figures_at_080():
    summary = summarise({"en": metrics(0.93, 0.89), "th": metrics(0.85, 0.79)})
    assert summary["target_met"] == {"en": True, "th": False}
    table = markdown(summary, "nlu-x")
    assert "| th | 10 | 0.850 | 0.850 | 0.790 | 0.900 | 1.000 | no |" in table


def test_every_language_of_issue_16_has_a_blind_set():
    assert set(SETS) == {"en", "ms", "id", "th", "vi", "tl"}
    assert all(path.exists() for path in SETS.values())
