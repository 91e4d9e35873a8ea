"""The set-up runner: order by needs, parallel where independent, incremental, stops on failure."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.setup_runner import (
    MIN_FREE_BYTES,
    Runner,
    Step,
    _uv_or_pip,
    chain_seconds,
    check_graph,
    closure,
    disk_warning,
    duration,
    main,
    project_steps,
)
from bot.uv_install import UV_VERSION


def _runner(tmp_path: Path, steps: list[Step], jobs: int = 4) -> tuple[Runner, list[str]]:
    lines: list[str] = []
    return Runner(
        steps, root=tmp_path, log_dir=tmp_path / "logs", jobs=jobs, say=lines.append
    ), lines


def _events(tmp_path: Path) -> list[str]:
    return (tmp_path / "events").read_text().split()


def test_a_step_starts_only_after_what_it_needs(tmp_path: Path) -> None:
    steps = [
        Step("a", "sleep 0.2; echo a-end >> events"),
        Step("b", "echo b-start >> events", needs=("a",)),
        Step("c", "echo c-start >> events; sleep 0.1; echo c-end >> events", needs=("a",)),
        Step("d", "echo d-start >> events", needs=("b", "c")),
    ]
    runner, lines = _runner(tmp_path, steps)
    result = runner.run()
    events = _events(tmp_path)
    assert result.ok
    assert events[0] == "a-end"
    assert events.index("d-start") > events.index("c-end")
    assert {o.status for o in result.outcomes.values()} == {"done"}
    assert any(line.startswith("[setup] d done in ") for line in lines)
    assert lines[-1].startswith("[setup] all 4 steps ready in ")


def test_independent_steps_run_at_the_same_time(tmp_path: Path) -> None:
    steps = [Step(name, "sleep 0.5") for name in ("x", "y", "z")]
    started = time.monotonic()
    assert _runner(tmp_path, steps)[0].run().ok
    assert time.monotonic() - started < 1.2  # three half-second steps, not one after another


def test_jobs_caps_how_many_run_at_once(tmp_path: Path) -> None:
    steps = [Step(name, "sleep 0.3") for name in ("x", "y", "z")]
    started = time.monotonic()
    assert _runner(tmp_path, steps, jobs=1)[0].run().ok
    assert time.monotonic() - started >= 0.9


def test_the_step_heading_the_longest_chain_starts_first(tmp_path: Path) -> None:
    """One slot: "short" leads to "long" (3 + 10 s), so it goes before "medium" (5 s), which
    the declared order would have started first."""
    steps = [
        Step("medium", "echo medium >> events", seconds=5),
        Step("leaf", "echo leaf >> events", seconds=1),
        Step("short", "echo short >> events", seconds=3),
        Step("long", "echo long >> events", needs=("short",), seconds=10),
    ]
    assert chain_seconds(steps) == {"medium": 5, "leaf": 1, "short": 13, "long": 10}

    assert _runner(tmp_path, steps, jobs=1)[0].run().ok

    assert _events(tmp_path) == ["short", "long", "medium", "leaf"]


def test_nlu_training_starts_before_the_indexes_that_wait_with_it() -> None:
    """The project's critical path: NLU training, then the longest index, ..., the shortest
    (the multilingual index last: it reads the committed e5 seed, seconds of work)."""
    chain = chain_seconds(project_steps())
    after_encoder = ["nlu-model", "assist-index", "risk-model", "index", "index-multilingual"]
    assert sorted(after_encoder, key=lambda name: -chain[name]) == after_encoder
    assert chain["nlu-encoder"] > chain["index-multilingual"]


def test_a_fresh_stamp_skips_the_step_and_a_newer_input_reruns_it(tmp_path: Path) -> None:
    (tmp_path / "reqs.txt").write_text("a==1\n")
    step = Step("env", "echo ran >> events", stamp="env.stamp", inputs=("reqs.txt",))
    runner, lines = _runner(tmp_path, [step])
    assert runner.run().outcomes["env"].status == "done"
    assert (tmp_path / "env.stamp").exists()

    result = runner.run()
    assert result.outcomes["env"].status == "up to date"
    assert "[setup] env up to date" in lines
    assert _events(tmp_path) == ["ran"]

    later = time.time() + 5
    os.utime(tmp_path / "reqs.txt", (later, later))
    assert runner.run().outcomes["env"].status == "done"
    assert _events(tmp_path) == ["ran", "ran"]


def test_a_failure_stops_the_run_and_shows_its_log(tmp_path: Path) -> None:
    steps = [
        Step("slow", "sleep 30; echo finished >> events"),
        Step("broken", "echo 'building the index'; echo 'error: no such clause' >&2; exit 3"),
        Step("after", "echo after >> events", needs=("broken",)),
    ]
    runner, lines = _runner(tmp_path, steps)
    started = time.monotonic()
    result = runner.run()
    assert not result.ok
    assert time.monotonic() - started < 10  # the slow step was stopped, not waited for
    assert result.outcomes["broken"].status == "failed"
    assert result.outcomes["broken"].returncode == 3
    assert result.outcomes["slow"].status == "stopped"
    assert "after" not in result.outcomes
    assert not (tmp_path / "events").exists()
    text = "\n".join(lines)
    assert "[setup] broken FAILED" in text
    assert "    error: no such clause" in text  # the log's tail, stderr included
    assert (tmp_path / "logs" / "broken.log").read_text().startswith("building the index")


def test_a_failed_stamp_step_is_not_stamped(tmp_path: Path) -> None:
    step = Step("env", "exit 1", stamp="env.stamp", inputs=())
    assert not _runner(tmp_path, [step])[0].run().ok
    assert not (tmp_path / "env.stamp").exists()


def test_closure_brings_the_needs_in_declared_order() -> None:
    steps = project_steps()
    assert [s.name for s in closure(steps, ["index"])] == ["uv", "venv", "nlu-encoder", "index"]
    assert [s.name for s in closure(steps, ["nlu-model"])] == [
        "uv",
        "venv",
        "rasa-venv",
        "nlu-encoder",
        "nlu-model",
    ]
    # The multilingual model needs its packages on top of Rasa's environment (issue 16).
    assert [s.name for s in closure(steps, ["nlu-model-multilingual"])] == [
        "uv",
        "venv",
        "rasa-venv",
        "rasa-venv-multilingual",
        "nlu-encoder",
        "nlu-model-multilingual",
    ]
    with pytest.raises(KeyError):
        closure(steps, ["nope"])


def test_the_project_graph_is_valid_and_a_need_must_come_first() -> None:
    check_graph(project_steps())
    with pytest.raises(ValueError, match="needs"):
        check_graph([Step("b", "true", needs=("a",)), Step("a", "true")])


def test_an_unknown_step_on_the_command_line_is_refused(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["nope"])
    assert exit_info.value.code == 2
    assert "unknown set-up step 'nope'" in capsys.readouterr().err


def test_duration_reads_like_the_progress_lines() -> None:
    assert duration(42.14) == "42.1s"
    assert duration(372) == "6m12s"


def test_the_embedding_steps_run_on_one_thread_beside_nlu_training() -> None:
    steps = {s.name: s for s in project_steps()}
    for name in ("index", "assist-index"):
        assert "--threads 1" in steps[name].script
    assert "--threads" not in steps["index-multilingual"].script  # one thread by default


def _install_step(python: str) -> Step:
    return Step("env", _uv_or_pip(python, "env/bin/python", "--no-deps x==1", "echo pip >> events"))


def test_an_environment_installs_with_uv_when_it_works(tmp_path: Path) -> None:
    runner, _ = _runner(tmp_path, [_install_step("true")])  # `true -m bot.uv_install ...`: success
    assert runner.run().ok
    assert not (tmp_path / "events").exists()
    assert "installed into env/bin/python with uv" in (tmp_path / "logs" / "env.log").read_text()


def test_an_environment_falls_back_to_pip_when_uv_fails_and_says_so(tmp_path: Path) -> None:
    runner, _ = _runner(tmp_path, [_install_step("false")])
    assert runner.run().ok
    assert _events(tmp_path) == ["pip"]
    log = (tmp_path / "logs" / "env.log").read_text()
    assert "uv did not install into env/bin/python: installing with pip" in log


def test_uv_and_its_pip_fallback_install_the_same_pins() -> None:
    steps = {s.name: s for s in project_steps()}
    rasa = steps["rasa-venv"].script
    assert rasa.count("--no-deps") == 3  # uv's one command, pip's two
    assert rasa.count("-r nlu/requirements-rasa.txt") == 2
    assert rasa.count("setuptools==70.3.0 wheel") == 2
    venv = steps["venv"].script
    assert venv.count("torch==2.13.0") == 2
    assert venv.count("-e '.[dev]'") == 2
    multilingual = steps["rasa-venv-multilingual"].script
    assert multilingual.count("--no-deps -r nlu/requirements-rasa-multilingual.txt") == 2
    for name in ("venv", "rasa-venv", "rasa-venv-multilingual"):
        assert "uv" in steps[name].needs


def test_the_uv_step_installs_the_pinned_release_and_never_fails(tmp_path: Path) -> None:
    step = next(s for s in project_steps(python="false") if s.name == "uv")
    assert f"uv=={UV_VERSION}" in step.script
    runner, _ = _runner(tmp_path, [step])  # its pip cannot run: the step still succeeds
    assert runner.run().ok
    log = (tmp_path / "logs" / "uv.log").read_text()
    assert "uv could not be installed: the environments install with pip" in log


def test_each_step_reports_its_cpu_seconds_with_its_children(tmp_path: Path) -> None:
    """The CPU of the step's whole process tree (a busy child of bash counted), not its wall
    time: a sleeping step costs next to none."""
    busy = (
        'python3 -c "import time\nt = time.process_time()\n'
        'while time.process_time() - t < 0.6: pass"'
    )
    steps = [Step("busy", busy), Step("idle", "sleep 0.6")]
    runner, lines = _runner(tmp_path, steps)
    result = runner.run()
    assert result.ok
    assert result.outcomes["busy"].cpu_seconds >= 0.6
    assert result.outcomes["idle"].cpu_seconds < 0.3
    assert result.cpu_seconds == pytest.approx(
        result.outcomes["busy"].cpu_seconds + result.outcomes["idle"].cpu_seconds
    )
    assert any(line.startswith("[setup] busy done in ") and "(CPU " in line for line in lines)
    assert "(CPU " in lines[-1]


def test_a_disk_with_too_little_room_is_named_before_the_installs() -> None:
    warning = disk_warning(400 * 1024**2, Path("/repo"))
    assert warning is not None and "0.4 GB free" in warning and "/repo" in warning
    assert disk_warning(MIN_FREE_BYTES, Path("/repo")) is None
