"""The local Rasa server is always started with an API token, and checked with it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from nlu import server as server_module
from nlu.server import RasaServer


class FakeProcess:
    returncode = None

    def poll(self):
        return None


def test_start_passes_the_auth_token_and_waits_with_it(monkeypatch, tmp_path):
    commands: list[list[str]] = []
    monkeypatch.setattr(
        server_module.subprocess, "Popen", lambda cmd, **kw: commands.append(cmd) or FakeProcess()
    )
    asked: list[dict] = []

    def get(url, params=None, timeout=None):
        asked.append({"url": url, "params": params})
        return httpx.Response(200, json={"model_file": "models/m.tar.gz"})

    monkeypatch.setattr(server_module.httpx, "get", get)
    rasa = RasaServer(Path("models/m.tar.gz"), port=5999, auth_token="tok-0123456789abcdef")
    rasa.start(timeout_s=5)
    command = commands[0]
    assert command[1:3] == ["run", "--enable-api"]
    assert "--auth-token=tok-0123456789abcdef" in command
    assert asked == [
        {"url": "http://127.0.0.1:5999/status", "params": {"token": "tok-0123456789abcdef"}}
    ]


def test_a_token_starting_with_a_dash_is_one_argument(monkeypatch):
    commands: list[list[str]] = []
    monkeypatch.setattr(
        server_module.subprocess, "Popen", lambda cmd, **kw: commands.append(cmd) or FakeProcess()
    )
    RasaServer(Path("m"), port=5999, auth_token="-dash").start(wait=False)
    assert "--auth-token=-dash" in commands[0] and "-dash" not in commands[0]


def test_a_random_token_when_none_is_given():
    first, second = RasaServer(Path("m"), port=1), RasaServer(Path("m"), port=1)
    assert len(first.auth_token) >= 24 and first.auth_token != second.auth_token


def test_cpu_threads_reach_tensorflow_through_rasa_s_variable(monkeypatch):
    monkeypatch.delenv("TF_INTRA_OP_PARALLELISM_THREADS", raising=False)
    env = RasaServer(Path("models/m.tar.gz"), cpu_threads=1).environment()
    assert env["TF_INTRA_OP_PARALLELISM_THREADS"] == "1"
    # Without a share, TensorFlow keeps its default (every core).
    default = RasaServer(Path("models/m.tar.gz")).environment()
    assert "TF_INTRA_OP_PARALLELISM_THREADS" not in default


def test_cpu_threads_below_one_are_refused():
    with pytest.raises(ValueError, match="cpu_threads"):
        RasaServer(Path("models/m.tar.gz"), cpu_threads=0)
