"""Where a phase's CPU went: the stack's processes by kind, the rest as "other"."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from lab.loadtest import report
from lab.loadtest.cpu import Snapshot, kind_of, snapshot, usage


def test_processes_are_named_by_what_they_are():
    rasa = [".venv-rasa/bin/rasa", "run", "--enable-api", "-m", "models/nlu-a1.tar.gz"]
    assert kind_of(rasa, "rasa", in_stack=True, own=False) == "rasa"
    ml = [".venv-rasa/bin/rasa", "run", "-m", "models/nlu-ml-b2.tar.gz"]
    assert kind_of(ml, "rasa", in_stack=True, own=False) == "rasa-multilingual"
    worker = ["python", "-c", "from multiprocessing.spawn import spawn_main; spawn_main()"]
    assert kind_of(worker, "python", in_stack=True, own=False) == "bot"
    # The same command line outside the stack's trees is someone else's.
    assert kind_of(worker, "python", in_stack=False, own=False) == "other"
    assert kind_of(["postgres: walwriter"], "postgres", in_stack=False, own=False) == "postgres"
    assert kind_of(["python", "-m", "bot.launcher"], "python", in_stack=True, own=False) == (
        "launcher"
    )
    assert kind_of(["python", "-m", "lab.loadtest"], "python", in_stack=False, own=True) == (
        "load generator"
    )


def test_usage_counts_the_difference_by_kind_and_lists_each_bot_process():
    before = Snapshot({1: 10.0, 2: 5.0, 3: 1.0}, {1: "bot", 2: "rasa", 3: "other"})
    after = Snapshot({1: 14.0, 2: 8.0, 3: 1.5, 4: 2.0}, {1: "bot", 2: "rasa", 3: "other", 4: "bot"})
    used = usage(before, after, wall_s=10.0, cores=2)
    assert used["cpu_s"]["bot"] == 6.0  # 4 s of an old process, 2 s of one born in the phase
    assert used["cpu_s"]["rasa"] == 3.0 and used["cpu_s"]["other"] == 0.5
    assert used["share_of_cores"]["bot"] == 0.3
    assert used["busy"] == 0.475
    assert used["bot_processes_cpu_s"] == [4.0, 2.0]


def test_a_busy_child_of_the_stack_is_measured():
    spinner = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nend = time.time() + 3.0\nwhile time.time() < end: pass",
        ]
    )
    try:
        time.sleep(0.3)
        before = snapshot([spinner.pid])
        start = time.monotonic()
        time.sleep(1.0)
        after = snapshot([spinner.pid])
        used = usage(before, after, time.monotonic() - start)
    finally:
        spinner.kill()
        spinner.wait()
    # A second of a spinning process: well above nothing even on a loaded machine.
    assert used["cpu_s"]["bot"] > 0.1, used
    assert before.kinds[os.getpid()] == "load generator"


def test_the_report_has_the_cpu_table():
    row = {
        "name": "closed-8",
        "cpu": usage(Snapshot({1: 0.0}, {1: "bot"}), Snapshot({1: 5.0}, {1: "bot"}), 10.0, 2),
    }
    lines = report._cpu_table({"phases": [row]})
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 3
    assert table[0].count("|") == table[1].count("|") == table[2].count("|")
    assert "| closed-8 | 25% | 5.0 (25%)" in table[2]
