"""A bot over the real store (the demo world, fakes for Rasa, retrieval and risk) whose clock
the test moves, with the job runner driven by the test instead of its poll."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app
from bot.store.orders import OrderRepository
from tests.bot.conftest import make_services, token_headers
from tests.utils.builders import NOW, Chat, demo_orders


class MovableClock:
    """NOW, a millisecond later at each call (records keep their order); `advance` jumps."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def app_client(settings, world_db, nlu, answerer, risk_model, clock):
    # Another seller's order, for the cross-seller checks.
    other = replace(next(o for o in demo_orders() if o.order_id == "D203"), order_id="D903",
                    seller_id="S4")  # fmt: skip
    OrderRepository(world_db.sessions).upsert(other)
    services = make_services(world_db, nlu, answerer, risk_model)
    services.clock = clock
    app = create_app(settings.model_copy(update={"scheduler_poll_s": 0}), services)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def seller_headers() -> dict[str, str]:
    return token_headers("S3", "seller")  # the demo orders' seller


@pytest.fixture
def other_seller_headers() -> dict[str, str]:
    return token_headers("S4", "seller")


@pytest.fixture
def buyer_chat(app_client, buyer_headers) -> Chat:
    return Chat(app_client, buyer_headers)


def run_jobs(client: TestClient) -> int:
    return client.app.state.job_runner.run_due()  # type: ignore[attr-defined]


def agent_case(client: TestClient, chat: Chat, agent_headers: dict[str, str]) -> dict:
    """A case on the $900 laptop D205 (over the automation limit: an agent's)."""
    chat.say("the laptop D205 arrived cracked", photo="https://img.example.com/l.jpg")
    chat.say("A refund")
    [case] = client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    assert case["order_id"] == "D205"
    return case


def open_dispute(client, case_id, agent_headers, **body) -> dict:
    response = client.post(
        f"/v1/agent/cases/{case_id}/dispute",
        json={"reason": "Buyer disagrees with the partial refund offered", **body},
        headers=agent_headers,
    )
    assert response.status_code == 201, response.text
    return response.json()
