"""Analytics bodies computed in a child process (issue 17): the same body as in-process, the
serving process does not compute it, and a child that dies is a 503 and then a new child."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Any

import psutil
import pytest
from fastapi.testclient import TestClient

from bot.analytics.offload import child_embedder, report_hooks
from bot.analytics.report import live_report, needs_text, optional_redactor
from bot.analytics.tables import Window
from bot.main import create_app
from tests.bot.conftest import make_services, token_headers
from tests.utils.builders import Chat

WINDOW = {"since": "2026-11-20", "until": "2026-11-21"}
# Fields that say when or how fast, not what.
TIMING = {"generated_at", "cache"}


@pytest.fixture
def child_client(settings, world_db, nlu, answerer, risk_model):
    separate = settings.model_copy(update={"analytics_separate_process": True})
    app = create_app(separate, make_services(world_db, nlu, answerer, risk_model))
    with TestClient(app) as client:
        done = Chat(client, token_headers("B17"))
        done.say("please cancel order P100")
        done.say("Yes")
        Chat(client, token_headers("B17")).say("let me talk to a person")
        Chat(client, token_headers("B18")).say("where is my parcel")
        yield client


def without_timing(body: dict[str, Any]) -> dict[str, Any]:
    source = {key: value for key, value in body["source"].items() if key != "exported_at"}
    return {**{key: value for key, value in body.items() if key not in TIMING}, "source": source}


def test_the_child_computes_the_same_report_as_the_serving_process(
    child_client, agent_headers, world_db, monkeypatch
):
    # The serving process's own report code would fail: the answer comes from the child.
    def not_here(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"computed in the serving process {os.getpid()}")

    monkeypatch.setattr("bot.analytics.report.live_report", not_here)
    response = child_client.get("/v1/analytics/report", params=WINDOW, headers=agent_headers)
    assert response.status_code == 200, response.text
    child = response.json()
    assert child["cache"]["status"] == "computed"
    assert child["summary"]["conversations"] == 3
    monkeypatch.undo()

    # The child's body as such (the API adds its response model's defaults) and this process's.
    window = Window(datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC))
    worker = child_client.app.state.analytics_worker
    child_body = worker.compute(world_db, "report", window, None)
    redactor = optional_redactor() if needs_text() else None
    here = live_report(
        world_db, window, redactor=redactor, hooks=report_hooks(None, child_embedder())
    )
    assert without_timing(child_body) == without_timing(here)
    assert child_body["summary"] == {
        key: value for key, value in child["summary"].items() if key != "cache"
    }


def test_a_child_that_dies_is_a_503_and_the_next_request_gets_a_new_one(
    child_client, agent_headers
):
    worker = child_client.app.state.analytics_worker
    summary = lambda: child_client.get(  # noqa: E731
        "/v1/analytics/summary", params=WINDOW, headers=agent_headers
    )
    assert summary().status_code == 200
    # The child process exits mid-work (as if killed): its pool is broken.
    with pytest.raises(Exception, match="terminated abruptly"):
        worker._started().submit(os._exit, 1).result()

    Chat(child_client, token_headers("B17")).say("hello")  # the kept summary is stale
    broken = summary()
    assert broken.status_code == 503, broken.text
    assert broken.json()["error"]["code"] == "service_unavailable"
    again = summary()
    assert again.status_code == 200, again.text
    assert again.json()["cache"]["status"] == "computed"


def test_an_idle_child_is_stopped(child_client, agent_headers):
    worker = child_client.app.state.analytics_worker
    worker._idle_stop_s = 3.0
    summary = lambda: child_client.get(  # noqa: E731
        "/v1/analytics/summary", params=WINDOW, headers=agent_headers
    )
    assert summary().status_code == 200
    pool = worker._pool
    assert pool is not None
    (child,) = pool._processes.values()
    deadline = time.monotonic() + 20
    while worker.running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not worker.running
    # The process is gone, not only forgotten. Asked of the OS: `child.join` here would race
    # the worker's own join (whichever reaps it, the other sees no exit code).
    assert _gone(child.pid, within_s=15)
    # The next report starts a new child as after a crash (`_started` with no pool; the test
    # above), not repeated here: each child costs ~15 s to start in a test run.


def _gone(pid: int, *, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True  # exited, not reaped yet
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False
