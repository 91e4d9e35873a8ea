"""``make setup``: the set-up steps as a graph, independent steps in parallel, one line each.

Runs with the system Python before any environment exists, so it uses the standard library
only. Each step's output goes to ``var/setup/<step>.log``; the console gets a line when a step
starts and when it ends, with its elapsed time, and the total at the end::

    [setup] nlu-model done in 6m12s (CPU 9m40s)

When several steps are ready and a slot is free, the one heading the longest chain of work
(its own expected seconds plus the longest chain of the steps that need it) starts first, so
NLU training, the critical path, never waits behind an index that could run beside it.

A step is incremental: either it has a stamp file that is newer than its inputs (make's rule:
the environments), or its command itself checks a content hash and returns at once when up to
date (the NLU model, the encoder, the indexes, the risk model). When a step fails, the steps
still running are stopped, the failed step's log tail is printed, and the run exits non-zero.

Usage: ``python -m bot.setup_runner [STEP ...]`` (no step: all of them; a step brings the steps
it needs). ``SETUP_JOBS`` caps how many run at once (default 4: the two environments are mostly
download and unpack, and the model steps overlap NLU training's single-threaded phases).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.uv_install import UV_HOME, UV_VERSION

REPO_ROOT = Path(__file__).resolve().parent.parent
LOG_TAIL_LINES = 40
# A set-up from nothing writes about 10 GB: the two environments (6 GB), uv's cache of what they
# unpack, and PySpark, which PyPI has only as a source archive (0.46 GB) built into a wheel
# (1.3 GB in the cache while it builds). A CI run once failed in 16 s building it on a disk
# with 0.4 GB free, its log showing only the build's output; the warning names the cause.
MIN_FREE_BYTES = 10 * 1024**3


@dataclass(frozen=True)
class Step:
    """One set-up step: a bash script run from the repository root.

    ``stamp`` and ``inputs`` (paths relative to the root) make it skip, as make does, when the
    stamp exists and is newer than every input; the runner touches the stamp after success.
    ``seconds`` is how long it takes when it has work to do (measured; for the start order).
    """

    name: str
    script: str
    needs: tuple[str, ...] = ()
    stamp: str | None = None
    inputs: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass
class Outcome:
    name: str
    status: str  # "done" | "up to date" | "failed" | "stopped"
    seconds: float
    returncode: int = 0
    cpu_seconds: float = 0.0


@dataclass
class RunResult:
    ok: bool
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def cpu_seconds(self) -> float:
        return sum(o.cpu_seconds for o in self.outcomes.values())


def duration(seconds: float) -> str:
    """``6m12s``, ``42.1s``: minutes only when there are any."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s"


def closure(steps: Sequence[Step], wanted: Iterable[str]) -> list[Step]:
    """The wanted steps and everything they need, in the declared order."""
    by_name = {s.name: s for s in steps}
    chosen: set[str] = set()
    pending = list(wanted)
    while pending:
        name = pending.pop()
        if name not in by_name:
            raise KeyError(f"unknown set-up step {name!r}; known: {', '.join(by_name)}")
        if name not in chosen:
            chosen.add(name)
            pending.extend(by_name[name].needs)
    return [s for s in steps if s.name in chosen]


def check_graph(steps: Sequence[Step]) -> None:
    """Every need names a step declared before it (so the graph has no cycles)."""
    seen: set[str] = set()
    for step in steps:
        missing = [n for n in step.needs if n not in seen]
        if missing:
            raise ValueError(f"step {step.name!r} needs {missing}, not declared before it")
        seen.add(step.name)


def chain_seconds(steps: Sequence[Step]) -> dict[str, float]:
    """Each step's own seconds plus the longest chain of the steps that (transitively) need it:
    the steps that head the longest chains go first (critical-path scheduling)."""
    chain: dict[str, float] = {}
    for step in reversed(steps):  # needs are declared first, so dependents come later
        after = [chain[s.name] for s in steps if step.name in s.needs]
        chain[step.name] = step.seconds + max(after, default=0.0)
    return chain


def stamp_fresh(root: Path, step: Step) -> bool:
    if step.stamp is None:
        return False
    stamp = root / step.stamp
    if not stamp.exists():
        return False
    newest = max(
        ((root / p).stat().st_mtime for p in step.inputs if (root / p).exists()), default=0
    )
    return stamp.stat().st_mtime >= newest


class Runner:
    """Runs steps as their needs finish, at most ``jobs`` at a time."""

    def __init__(
        self,
        steps: Sequence[Step],
        *,
        root: Path = REPO_ROOT,
        log_dir: Path | None = None,
        jobs: int = 4,
        env: dict[str, str] | None = None,
        say: Callable[[str], None] = print,
    ) -> None:
        check_graph(steps)
        self.steps = list(steps)
        chain = chain_seconds(self.steps)
        # Ties keep the declared order (sorted is stable).
        self._by_priority = sorted(self.steps, key=lambda s: -chain[s.name])
        self.root = root
        self.log_dir = log_dir or root / "var" / "setup"
        self.jobs = max(1, jobs)
        self.env = env
        self._say = say

    def say(self, line: str) -> None:
        self._say(f"[setup] {line}")

    def log_path(self, step: Step) -> Path:
        return self.log_dir / f"{step.name}.log"

    def run(self) -> RunResult:
        started = time.monotonic()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        result = RunResult(ok=True)
        waiting = list(self._by_priority)
        running: dict[str, tuple[subprocess.Popen[bytes], float]] = {}
        finished: queue.Queue[tuple[str, int, float]] = queue.Queue()
        failed: Step | None = None

        while waiting or running:
            # Start whatever is ready, unless a step failed.
            for step in list(waiting):
                if failed is not None or len(running) >= self.jobs:
                    break
                if not all(
                    result.outcomes.get(n, Outcome(n, "", 0)).status in _OK for n in step.needs
                ):
                    continue
                waiting.remove(step)
                if stamp_fresh(self.root, step):
                    result.outcomes[step.name] = Outcome(step.name, "up to date", 0.0)
                    self.say(f"{step.name} up to date")
                    continue
                running[step.name] = (self._start(step, finished), time.monotonic())
                self.say(f"{step.name} started (log: {self._shown(self.log_path(step))})")
            if not running:
                if waiting and failed is None:
                    # Only reachable when a need never succeeded; check_graph rules out cycles.
                    raise RuntimeError(f"steps cannot start: {[s.name for s in waiting]}")
                break
            try:
                name, code, cpu = finished.get()
            except KeyboardInterrupt:
                # The steps run in their own sessions, so Ctrl-C does not reach them: stop them.
                for proc, _ in running.values():
                    _terminate(proc)
                raise
            _, since = running.pop(name)
            step = next(s for s in self.steps if s.name == name)
            elapsed = time.monotonic() - since
            if failed is not None:
                result.outcomes[name] = Outcome(name, "stopped", elapsed, code, cpu)
                continue
            if code == 0:
                if step.stamp is not None:
                    (self.root / step.stamp).touch()
                result.outcomes[name] = Outcome(name, "done", elapsed, cpu_seconds=cpu)
                self.say(f"{name} done in {duration(elapsed)} (CPU {duration(cpu)})")
                continue
            failed = step
            result.ok = False
            result.outcomes[name] = Outcome(name, "failed", elapsed, code, cpu)
            self.say(f"{name} FAILED in {duration(elapsed)} (exit {code})")
            for other, (proc, _) in running.items():
                self.say(f"stopping {other}")
                _terminate(proc)
            waiting.clear()

        result.seconds = time.monotonic() - started
        if failed is not None:
            log = self.log_path(failed)
            self.say(f"last lines of {self._shown(log)}:")
            for line in _tail(log, LOG_TAIL_LINES):
                self._say(f"    {line}")
            self.say(f"failed after {duration(result.seconds)}")
        else:
            self.say(
                f"all {len(self.steps)} steps ready in {duration(result.seconds)}"
                f" (CPU {duration(result.cpu_seconds)})"
            )
        return result

    def _start(
        self, step: Step, finished: queue.Queue[tuple[str, int, float]]
    ) -> subprocess.Popen[bytes]:
        log = self.log_path(step).open("wb")
        process = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", step.script],
            cwd=self.root,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            # Its own process group, so stopping it stops what it started (pip, rasa, ...).
            start_new_session=True,
        )

        def wait() -> None:
            # wait4: the step's CPU (user + sys), its own and that of every process it waited
            # for (bash's commands and theirs), which the machine's load does not inflate.
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            log.close()
            finished.put((step.name, process.returncode, usage.ru_utime + usage.ru_stime))

        threading.Thread(target=wait, name=f"setup-{step.name}", daemon=True).start()
        return process

    def _shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


_OK = ("done", "up to date")


def _terminate(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)


def _tail(path: Path, lines: int) -> list[str]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    return text.splitlines()[-lines:]


def _uv_or_pip(python: str, target: str, uv_arguments: str, pip_script: str) -> str:
    """Install with uv (bot.uv_install: pip's configuration passed on), or, when uv is missing,
    cannot take this machine's pip configuration or fails, with the pip commands; the log says
    which. The same pins either way, so the environment is the same."""
    return (
        f"if {python} -m bot.uv_install --python {target} {uv_arguments}; then\n"
        f"  echo 'installed into {target} with uv'\n"
        "else\n"
        f"  echo 'uv did not install into {target}: installing with pip'\n"
        f"{pip_script}\n"
        "fi"
    )


def project_steps(python: str = "python3.11") -> list[Step]:
    """The project's set-up graph (the Makefile's targets call it by step name).

    ``seconds``: each step's time in the fresh-clone CI runs of 2026-12-02 (shared machine,
    steps side by side), rounded (``uv``: 2026-12-03, 2.7-3.6 s); only their order matters
    (which step starts first)."""
    py = ".venv/bin/python"
    rasa_py = ".venv-rasa/bin/python"
    return [
        # uv (pinned) for the two environments, from the index into .venv-uv with the base
        # interpreter's pip. Never fails: without uv the environments install with pip.
        Step(
            "uv",
            f"test -d {UV_HOME}/uv-{UV_VERSION}.dist-info || {{ rm -rf {UV_HOME}\n"
            f"{python} -m pip install --quiet --target {UV_HOME} uv=={UV_VERSION}; }} "
            "|| echo 'uv could not be installed: the environments install with pip'",
            seconds=5,
        ),
        # torch first and pinned: this machine type carries the CPU build on disk, while an
        # unpinned resolution would pull a multi-GB CUDA build.
        Step(
            "venv",
            f"test -x {py} || {python} -m venv .venv\n"
            + _uv_or_pip(
                python,
                py,
                "--upgrade-package pip pip torch==2.13.0 -e '.[dev]'",
                f"{py} -m pip install --quiet --upgrade pip\n"
                f"{py} -m pip install --quiet torch==2.13.0\n"
                f"{py} -m pip install --quiet -e '.[dev]'",
            ),
            ("uv",),
            stamp=".venv/.installed",
            inputs=("pyproject.toml",),
            seconds=150,
        ),
        # Rasa 3.6 pins old libraries (TensorFlow 2.12, numpy 1.23, pydantic 1): its own
        # environment, from a complete, verified list (--no-deps makes the list the whole truth).
        Step(
            "rasa-venv",
            f"rm -rf .venv-rasa\n{python} -m venv .venv-rasa\n"
            + _uv_or_pip(
                python,
                rasa_py,
                "--no-deps -r nlu/requirements-rasa.txt setuptools==70.3.0 wheel",
                # pip after a failed uv run: from a new environment, not a half-installed one.
                f"rm -rf .venv-rasa\n{python} -m venv .venv-rasa\n"
                ".venv-rasa/bin/pip install --quiet --no-deps --ignore-requires-python "
                "-r nlu/requirements-rasa.txt\n"
                ".venv-rasa/bin/pip install --quiet --no-deps setuptools==70.3.0 wheel",
            ),
            ("uv",),
            stamp=".venv-rasa/.installed",
            inputs=("nlu/requirements-rasa.txt",),
            seconds=150,
        ),
        # The multilingual model's extra packages (issue 16); its stamp lives in .venv-rasa, so a
        # rebuilt Rasa environment installs them again.
        Step(
            "rasa-venv-multilingual",
            _uv_or_pip(
                python,
                rasa_py,
                "--no-deps -r nlu/requirements-rasa-multilingual.txt",
                ".venv-rasa/bin/pip install --quiet --no-deps "
                "-r nlu/requirements-rasa-multilingual.txt",
            ),
            ("uv", "rasa-venv"),
            stamp=".venv-rasa/.installed-multilingual",
            inputs=("nlu/requirements-rasa-multilingual.txt", ".venv-rasa/.installed"),
            seconds=20,
        ),
        # all-MiniLM-L6-v2 as ONNX (token and sentence vectors): the NLU's featurizer, the
        # policy index and the suggestions all embed with it. A no-op when up to date.
        Step(
            "nlu-encoder",
            f"{py} -m nlu.export_encoder --out artifacts/nlu-encoder",
            ("venv",),
            seconds=25,
        ),
        # The risk model and the router's fairness settings; retrained only when the world
        # arguments, the policies code or the libraries changed (inputs hash in metadata.json).
        Step(
            "risk-model",
            f"{py} -m lab.policies.train_router_model --out artifacts/risk",
            ("venv",),
            seconds=60,
        ),
        # The embedding steps run on one onnxruntime thread: beside NLU training, two threads each
        # oversubscribe the 2 cores, and their spinning threads burn CPU that DIET needs (1,000
        # situations under load: 24.0-25.1 s of CPU on one thread, 29.0-30.8 s on two).
        # FAISS over the knowledge base and the example questions' vectors; rebuilt only when
        # data/policies, the examples or the model changed. Then the re-ranker of its top
        # clauses, trained on the example questions; retrained only when the knowledge base, the
        # model or the examples changed (retrieval.rerank).
        Step(
            "index",
            f"{py} -m retrieval.build --kb data/policies --out artifacts/retrieval --threads 1\n"
            f"{py} -m retrieval.train_reranker --kb data/policies --index artifacts/retrieval "
            "--threads 1",
            ("venv", "nlu-encoder"),
            seconds=40,
        ),
        # e5 vectors of the knowledge base in all six languages (policy answers in the buyer's
        # language) and of the English example questions; rebuilt only when a translation or
        # an example question file (retrieval.defaults) changed (hashes in metadata.json),
        # embedding only the changed windows and questions. A fresh clone reuses the committed
        # e5 vectors of data/retrieval/e5-seed (verified on a sample first): ~3 s instead of
        # ~5 CPU-minutes.
        Step(
            "index-multilingual",
            f"{py} -m retrieval.build_multilingual --kb data/policies "
            "--out artifacts/retrieval-multilingual",
            ("venv",),
            seconds=5,
        ),
        # FAISS over past agent resolutions (suggested replies). The corpus comes from the lab
        # (the synthetic world's resolved cases); the product's build reads only that file.
        Step(
            "assist-index",
            f"{py} -m lab.assist.corpus --out var/assist/corpus.json\n"
            f"{py} -m bot.agent.suggestions.build --corpus var/assist/corpus.json "
            "--out artifacts/assist --threads 1",
            ("venv", "nlu-encoder"),
            seconds=240,
        ),
        # Trains only when its inputs changed (the model is named by their content hash).
        # The critical path (DIET; 9-10 minutes of the 12-14): it starts before the indexes.
        Step("nlu-model", f"{py} -m nlu.model", ("venv", "rasa-venv", "nlu-encoder"), seconds=600),
        # The multilingual model (issue 16), beside the English one, with the same rule. Both
        # keep TensorFlow's default threads: one thread each changes DIET's weights (other
        # float sums; README "Set-up and turn speed").
        Step(
            "nlu-model-multilingual",
            f"{py} -m nlu.model --multilingual",
            ("venv", "rasa-venv-multilingual", "nlu-encoder"),
            seconds=900,
        ),
    ]


def disk_warning(free_bytes: int, where: Path) -> str | None:
    """A line for the console when the disk has less room than a set-up from nothing needs."""
    if free_bytes >= MIN_FREE_BYTES:
        return None
    return (
        f"[setup] warning: {free_bytes / 1024**3:.1f} GB free on the disk of {where}; a set-up "
        f"from nothing needs about {MIN_FREE_BYTES // 1024**3} GB (the environments, PySpark's "
        "build): an install may fail for want of space"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.setup_runner", description=__doc__)
    parser.add_argument("steps", nargs="*", help="steps to bring up to date (default: all)")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("SETUP_JOBS", "4")))
    parser.add_argument("--python", default=os.environ.get("PYTHON", "python3.11"))
    args = parser.parse_args(argv)
    steps = project_steps(args.python)
    try:
        chosen = closure(steps, args.steps or [s.name for s in steps])
    except KeyError as e:
        parser.error(str(e.args[0]))
    warning = disk_warning(shutil.disk_usage(REPO_ROOT).free, REPO_ROOT)
    if warning:
        print(warning, flush=True)
    result = Runner(chosen, jobs=args.jobs, say=lambda line: print(line, flush=True)).run()
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
