"""`make run` starts Rasa with the settings' API token and hands the same token to the bot."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import launcher
from bot.settings import Settings


class Stop(Exception):
    pass


def test_rasa_and_the_bot_share_the_settings_token(monkeypatch):
    started: dict = {}

    class FakeRasa:
        def __init__(self, model, **kwargs):
            started["rasa"] = kwargs
            self.auth_token = kwargs["auth_token"]
            self.url = "http://127.0.0.1:5005"

        def start(self, wait=True):
            started["rasa_waited"] = wait
            return self

        def wait_ready(self, timeout_s):
            started["rasa_ready"] = True

        def stop(self):
            started["stopped"] = True

    class FakeBot:
        def poll(self):
            return 0

    def popen(cmd, env, cwd):
        started["bot_env"] = env
        return FakeBot()

    def not_ready(*args):
        raise Stop

    monkeypatch.setattr(launcher, "require_model", lambda: Path("models/m.tar.gz"))
    monkeypatch.setattr(
        launcher, "require_multilingual_model", lambda: Path("models/nlu-ml-m.tar.gz")
    )
    monkeypatch.setattr(launcher, "RasaServer", FakeRasa)
    monkeypatch.setattr(launcher.subprocess, "Popen", popen)
    monkeypatch.setattr(launcher, "wait_ready", not_ready)
    monkeypatch.setattr(launcher.signal, "signal", lambda *args: None)
    settings = Settings(env="test", rasa_token="launcher-token-0123456789", _env_file=None)
    with pytest.raises(Stop):
        launcher.run(settings)
    assert started["rasa"]["auth_token"] == "launcher-token-0123456789"
    assert started["bot_env"]["AFTERSALES_RASA_TOKEN"] == "launcher-token-0123456789"
    assert started["stopped"]
    # Rasa loads its model while the bot starts: nobody waits for it before the bot's Popen.
    assert started["rasa_waited"] is False and started["rasa_ready"]


def test_several_processes_start_several_rasas_and_uvicorn_workers(monkeypatch):
    started: dict = {"rasa": [], "stopped": 0}

    class FakeRasa:
        def __init__(self, model, **kwargs):
            started["rasa"].append({**kwargs, "model": model})
            self.auth_token = kwargs["auth_token"]
            self.url = f"http://{kwargs['host']}:{kwargs['port']}"

        def start(self, wait=True):
            return self

        def wait_ready(self, timeout_s):
            pass

        def stop(self):
            started["stopped"] += 1

    def popen(cmd, env, cwd):
        started["cmd"], started["env"] = cmd, env
        raise Stop

    monkeypatch.setattr(launcher, "require_model", lambda: Path("models/m.tar.gz"))
    monkeypatch.setattr(
        launcher, "require_multilingual_model", lambda: Path("models/nlu-ml-m.tar.gz")
    )
    monkeypatch.setattr(launcher, "RasaServer", FakeRasa)
    ports = iter([5999, 6001])
    monkeypatch.setattr(launcher, "free_port", lambda host: next(ports))
    monkeypatch.setattr(launcher.subprocess, "Popen", popen)
    monkeypatch.setattr(launcher.signal, "signal", lambda *args: None)
    settings = Settings(
        env="test", database_url="postgresql+psycopg://postgres@127.0.0.1:5432/x", _env_file=None
    )
    with pytest.raises(Stop):
        launcher.run(settings, workers=3, rasa_servers=2)
    # Two English servers (--rasa-servers 2) and one multilingual (issue 16).
    assert [(r["port"], r["model"].name) for r in started["rasa"]] == [
        (5005, "m.tar.gz"),
        (5999, "m.tar.gz"),
        (6001, "nlu-ml-m.tar.gz"),
    ]
    assert started["cmd"][-2:] == ["--workers", "3"]
    assert started["stopped"] == 3  # a bot that failed to start stops the Rasas too
    assert started["env"]["AFTERSALES_RASA_URLS"] == "http://127.0.0.1:5005,http://127.0.0.1:5999"
    assert started["env"]["AFTERSALES_RASA_MULTILINGUAL_URL"] == "http://127.0.0.1:6001"
    assert Settings(**{"rasa_urls": started["env"]["AFTERSALES_RASA_URLS"]}).rasa_servers() == [
        "http://127.0.0.1:5005",
        "http://127.0.0.1:5999",
    ]


def test_several_bot_processes_refuse_sqlite():
    settings = Settings(env="test", database_url="sqlite:///var/x.db", _env_file=None)
    with pytest.raises(SystemExit, match="PostgreSQL"):
        launcher.run(settings, workers=2)


@pytest.mark.parametrize(
    ("cores", "count", "threads"), [(2, 1, None), (2, 2, 1), (8, 2, 4), (2, 3, 1)]
)
def test_several_rasa_servers_share_the_cores(monkeypatch, tmp_path, cores, count, threads):
    monkeypatch.setattr(launcher, "require_model", lambda: Path("models/m.tar.gz"))
    monkeypatch.setattr(launcher.os, "cpu_count", lambda: cores)
    settings = Settings(env="test", rasa_token="launcher-token-0123456789", _env_file=None)
    servers = launcher._rasa_servers(settings, count, tmp_path)
    assert [s.cpu_threads for s in servers] == [threads] * count


def test_asked_rasa_threads_win_over_the_share(monkeypatch):
    monkeypatch.setattr(launcher.os, "cpu_count", lambda: 2)
    assert launcher.rasa_cpu_threads(1, 1) == 1
    assert launcher.rasa_cpu_threads(2, 2) == 2
    assert launcher.rasa_cpu_threads(1) is None


def test_rasa_threads_below_one_are_refused():
    with pytest.raises(SystemExit):
        launcher.main(["--rasa-threads", "0"])
