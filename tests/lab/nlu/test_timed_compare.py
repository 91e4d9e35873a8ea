import sys

from lab.nlu.timed_compare import diet_wall_seconds, markdown, timed_run

_LOG = """\
2026-12-03 06:45:02 INFO     nlu.components.minilm_featurizer  - minilm: MiniLM encoder
2026-12-03 06:45:30 INFO rasa.engine.training.hooks - Starting to train component 'DIETClassifier'.
Epochs:  50%|#####     | 15/30 [05:00<05:00, 20.00s/it]
2026-12-03 06:55:31 INFO rasa.engine.training.hooks - Finished training component 'DIETClassifier'.
"""


def test_diet_time_is_read_from_the_training_log():
    assert diet_wall_seconds(_LOG) == 601


def test_no_diet_lines_means_no_figure():
    assert diet_wall_seconds("2026-12-03 06:45:02 INFO other - nothing\n") is None


def test_a_child_process_cpu_is_counted(tmp_path):
    # A busy child: its CPU seconds (user + sys) are measured, not only the wall time.
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"
    timing = timed_run([sys.executable, "-c", spin], tmp_path / "log")
    assert timing["cpu_s"] >= 0.25
    assert timing["wall_s"] >= timing["cpu_s"] - 0.1


def test_the_table_names_the_diet_entities():
    result = {
        "candidate": "f",
        "train": {"wall_s": 600.0, "cpu_s": 700.0, "diet_wall_s": 500.0},
        "intent_macro_f1": 0.8341,
        "intent_accuracy": 0.8,
        "diet_entity_micro_f1": 0.95,
        "entity_f1": {"product (DIETClassifier)": 0.9, "order_id (RegexEntityExtractor)": 1.0},
    }
    table = markdown([result])
    assert "product F1" in table and "order_id" not in table
    assert "| f | 600 | 700 | 500 | 0.834 | 0.800 | 0.950 | 0.900 |" in table
