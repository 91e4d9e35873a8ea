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


def test_routed_metrics_count_language_id_and_which_model_read_each_message():
    from lab.nlu.dataset import Example
    from lab.nlu.evaluate_languages import routed_metrics, routing_markdown
    from lab.nlu.routed import Routed
    from nlu.types import IntentScore, ParseResult

    examples = [
        Example("batal pesanan", "cancel_order", ()),
        Example("cuaca hari ini", "out_of_scope", ()),
        Example("ok lah", "out_of_scope", ()),
        Example("refund la", "request_refund", ()),
    ]
    readings = [
        ("cancel_order", "ms", "multilingual"),
        ("out_of_scope", "id", "multilingual"),
        ("affirm", "en", "english+multilingual"),
        ("request_refund", "en", "english"),
    ]
    routed = [
        Routed(ParseResult(text=e.text, intent=IntentScore(name, 0.9)), lang, model)
        for e, (name, lang, model) in zip(examples, readings, strict=True)
    ]
    m = routed_metrics("ms", examples, routed)
    assert m["routing"] == {
        "language_id_accuracy": 0.25,
        "to_multilingual": 0.5,
        "asked_both": 0.25,
    }
    assert m["out_of_scope"]["recall"] == 0.5
    assert m["intent"]["accuracy"] == 0.75  # "ok lah" read as affirm is the one miss
    summary = summarise({"ms": m})
    summary["routing"] = {"ms": m["routing"]}
    assert "| ms | 0.250 | 0.500 | 0.250 |" in routing_markdown(summary)
