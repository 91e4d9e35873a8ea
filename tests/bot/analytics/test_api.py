"""``GET /v1/analytics/summary`` and ``/report``: auth, window validation, the contract's keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.bot.conftest import token_headers
from tests.utils.builders import Chat

ENDPOINTS = ("/v1/analytics/summary", "/v1/analytics/report")
CONTRACT = {
    "conversations",
    "automation_rate",
    "escalation_rate",
    "fallback_rate",
    "intents",
    "refunds",
    "csat",
}


@pytest.fixture
def two_conversations(bot_client) -> None:
    """A cancel the bot executes and a request for a person (both at the tests' NOW)."""
    done = Chat(bot_client, token_headers("B17"))
    done.say("please cancel order P100")
    done.say("Yes")
    person = Chat(bot_client, token_headers("B17"))
    assert person.say("let me talk to a person")["status"] == "waiting_for_agent"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_without_a_token_401(bot_client, path):
    response = bot_client.get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_buyer_token_is_refused_403(bot_client, buyer_headers, path):
    response = bot_client.get(path, headers=buyer_headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "last week"}, "since"),
        ({"until": "2026-02-30"}, "until"),
        ({"since": "2026-11-10", "until": "2026-11-01"}, "until"),
        ({"since": "2026-11-10T00:00:00Z", "until": "2026-11-10"}, "until"),
        ({"since": "2020-01-01", "until": "2026-01-01"}, "since"),
        ({"since": "x" * 41}, "since"),
    ],
)
def test_bad_windows_are_422_naming_the_field(bot_client, agent_headers, path, query, field):
    response = bot_client.get(path, params=query, headers=agent_headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["field"] == field
    assert error["message"].startswith(f"{field}: ")


def test_summary_of_the_last_seven_days_by_default(bot_client, agent_headers, two_conversations):
    response = bot_client.get("/v1/analytics/summary", headers=agent_headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= CONTRACT
    assert set(body["refunds"]) == {"auto", "human"}
    assert body["conversations"] == 2
    assert body["automation"] == {"numerator": 1, "denominator": 2}
    assert body["escalation"] == {"numerator": 1, "denominator": 2}
    assert body["automation_rate"] == 0.5 and body["escalation_rate"] == 0.5
    assert body["intents"] == {"cancel_order": 1, "affirm": 1, "request_human": 1}
    assert body["money"]["auto"] == {"count": 1, "amount": {"USD": 39.99}}
    assert body["refunds"]["auto"] == {"count": 0, "amount": {}}
    assert body["fallback_rate"] == 0.0
    assert set(body["csat"]) >= {"mean", "count", "distribution", "by_route"}


def test_summary_of_an_explicit_window_without_conversations(
    bot_client, agent_headers, two_conversations
):
    response = bot_client.get(
        "/v1/analytics/summary",
        params={"since": "2026-01-01", "until": "2026-01-08T00:00:00Z"},
        headers=agent_headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["conversations"] == 0 and body["automation_rate"] is None
    assert body["window"] == {"since": "2026-01-01T00:00:00Z", "until": "2026-01-08T00:00:00Z"}


def test_report_is_the_full_self_describing_document(bot_client, agent_headers, two_conversations):
    response = bot_client.get(
        "/v1/analytics/report",
        params={"since": "2026-11-20", "until": "2026-11-21"},
        headers=agent_headers,
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["report"] == "aftersales-analytics-report" and report["schema_version"] == 1
    assert report["window"] == {
        "since": "2026-11-20T00:00:00Z",
        "until": "2026-11-21T00:00:00Z",
        "grain": "hour",
    }
    assert len(report["volume"]["series"]) == 24
    assert sum(b["conversations"] for b in report["volume"]["series"]) == 2
    assert set(report["summary"]) >= CONTRACT
    for key in ("intents", "automation", "fallback", "resolution", "money", "csat", "fairness"):
        assert key in report, key
    assert report["resolution"]["bot"]["cases"] == 1
    assert set(report["fairness"]) == {"region", "account_age", "language"}
    assert set(report["sections"]) == {"clusters", "experiments"}
    assert all("figures" not in section for section in report["sections"].values())
    assert report["source"]["text"] in ("omitted", "redacted")
    assert "automation_rate" in report["definitions"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_without_a_store_503(client, agent_headers, path):
    response = client.get(path, headers=agent_headers)
    assert response.status_code == 503


def test_refresh_needs_an_agent_token(bot_client, buyer_headers):
    assert bot_client.post("/v1/analytics/refresh").status_code == 401
    assert bot_client.post("/v1/analytics/refresh", headers=buyer_headers).status_code == 403


def test_a_report_is_reused_until_the_store_changes(bot_client, agent_headers, two_conversations):
    window = {"since": "2026-11-20", "until": "2026-11-21"}
    get = lambda: bot_client.get(  # noqa: E731
        "/v1/analytics/report", params=window, headers=agent_headers
    ).json()
    first, second = get(), get()
    assert (first["cache"]["status"], second["cache"]["status"]) == ("computed", "hit")
    assert second["generated_at"] == first["generated_at"]
    assert second["summary"] == first["summary"]

    # A new conversation: the kept report is stale, the next answer counts it.
    Chat(bot_client, token_headers("B17")).say("please cancel order P100")
    third = get()
    assert third["cache"]["status"] == "computed"
    assert third["cache"]["data_version"] != first["cache"]["data_version"]
    assert third["summary"]["conversations"] == first["summary"]["conversations"] + 1

    refreshed = bot_client.post("/v1/analytics/refresh", params=window, headers=agent_headers)
    assert refreshed.status_code == 200 and refreshed.json()["cache"]["status"] == "computed"
    assert get()["cache"]["status"] == "hit"


def test_the_summary_is_kept_too(bot_client, agent_headers, two_conversations):
    get = lambda: bot_client.get("/v1/analytics/summary", headers=agent_headers).json()  # noqa: E731
    first, second = get(), get()
    assert (first["cache"]["status"], second["cache"]["status"]) == ("computed", "hit")
    assert first["conversations"] == second["conversations"] == 2


def test_the_preset_windows_end_with_the_current_hour():
    from bot.api.analytics import preset_windows

    windows = preset_windows(datetime(2026, 11, 20, 15, 42, tzinfo=UTC))
    assert [(w.until - w.since).total_seconds() / 3600 for w in windows] == [24, 168, 720]
    assert {w.until for w in windows} == {datetime(2026, 11, 20, 16, tzinfo=UTC)}


def test_the_refresh_loop_computes_the_quick_windows(bot_client, agent_headers, two_conversations):
    import asyncio

    from sqlalchemy import func, select

    from bot.api.analytics import refresh_loop
    from bot.store.models import AnalyticsReportRow

    app = bot_client.app
    database = app.state.services.database

    def kept() -> int:
        with database.sessions() as session:
            return session.scalar(select(func.count()).select_from(AnalyticsReportRow))

    async def run() -> None:
        task = asyncio.create_task(refresh_loop(app, 0.01))
        try:
            for _ in range(1200):
                await asyncio.sleep(0.05)
                if kept() == 3:
                    break
        finally:
            task.cancel()

    asyncio.run(run())
    assert kept() == 3
    # The page's default window is one of them: its first load is a hit.
    report = bot_client.get("/v1/analytics/report", headers=agent_headers).json()
    assert report["cache"]["status"] == "hit"


def test_the_refresh_loop_waits_while_the_store_keeps_changing(
    bot_client, agent_headers, two_conversations
):
    """A busy store (every poll reads a new data version) is not recomputed on every poll:
    the reports would be stale at the next message. Once it is quiet, they are made."""
    import asyncio
    import itertools

    from sqlalchemy import func, select

    from bot.api.analytics import _cache, refresh_loop
    from bot.store.models import AnalyticsReportRow

    app = bot_client.app
    database = app.state.services.database
    cache = _cache(app, database)
    real_version = cache.data_version
    busy = itertools.count()

    def kept() -> int:
        with database.sessions() as session:
            return session.scalar(select(func.count()).select_from(AnalyticsReportRow))

    async def run() -> tuple[int, int]:
        cache.data_version = lambda: f"busy-{next(busy)}"
        task = asyncio.create_task(refresh_loop(app, 0.01))
        try:
            while next(busy) < 40:  # well past two polls, each with a new version
                await asyncio.sleep(0.01)
            while_busy = kept()
            cache.data_version = real_version
            for _ in range(1200):
                await asyncio.sleep(0.05)
                if kept() == 3:
                    break
            return while_busy, kept()
        finally:
            task.cancel()

    assert asyncio.run(run()) == (0, 3)


def test_the_refresh_loop_leaves_the_windows_to_the_process_holding_the_lease(
    bot_client, agent_headers, two_conversations
):
    """Of several bot processes one refreshes: while another holds the store's lease, this
    process's loop computes nothing."""
    import asyncio
    from datetime import timedelta

    from sqlalchemy import func, select

    from bot.api.analytics import REFRESH_LEASE, refresh_loop
    from bot.store.jobs import JobStore
    from bot.store.models import AnalyticsReportRow

    app = bot_client.app
    services = app.state.services
    jobs = JobStore(services.database.sessions, services.clock)
    assert jobs.hold(REFRESH_LEASE, "presets", "another-process", lease=timedelta(hours=1))

    async def run() -> None:
        task = asyncio.create_task(refresh_loop(app, 0.01))
        await asyncio.sleep(1.0)  # many rounds, the store quiet
        task.cancel()

    asyncio.run(run())
    with services.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AnalyticsReportRow)) == 0
