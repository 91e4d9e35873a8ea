"""lab.nlu.dev_routed: a dev model's routed figures at the shipped thresholds (the scoring and
the before/after table; the Rasa part is lab.nlu.routed's, tested in test_routed.py)."""

import math

from lab.nlu.dev_routed import compare_table, oos_precision, score


def test_oos_precision_counts_only_messages_called_out_of_scope():
    gold = ["out_of_scope", "track_order", "out_of_scope", "greet"]
    predicted = ["out_of_scope", "out_of_scope", "greet", "greet"]
    assert oos_precision(gold, predicted) == 0.5
    assert math.isnan(oos_precision(["greet"], ["greet"]))


def test_score_reports_recall_precision_and_who_read_each_message():
    gold = ["out_of_scope", "out_of_scope", "track_order", "track_order"]
    predicted = ["out_of_scope", "track_order", "out_of_scope", "track_order"]
    models = ["multilingual", "multilingual", "english", "multilingual"]
    s = score(gold, predicted, models)
    assert s["n"] == 4
    assert s["oos_recall"] == 0.5
    assert s["oos_precision"] == 0.5
    assert s["to_multilingual"] == 0.75
    assert s["per_intent_f1"] == {"out_of_scope": 0.5, "track_order": 0.5}


def test_compare_table_rows_only_for_languages_in_both():
    row = {"n": 10, "macro_f1": 0.7, "oos_recall": 0.8, "oos_precision": 0.9}
    table = compare_table({"vi": row, "th": row}, {"vi": {**row, "macro_f1": 0.75}})
    lines = table.splitlines()
    assert len(lines) == 3
    assert lines[0].count("|") == lines[1].count("|") == lines[2].count("|")
    assert "0.700 → 0.750" in lines[2]
