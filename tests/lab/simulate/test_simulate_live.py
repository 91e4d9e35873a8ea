"""The simulator against the real bot: uvicorn on a free loopback port (tests.e2e.support's
LiveServer), the real Rasa server of the session, the real models, a migrated SQLite file, and
the refund-limit experiment switched on, as `make run` does."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.main import create_app
from bot.settings import REPO_ROOT, Settings
from bot.store.migrate import upgrade
from lab.simulate.population import RunIds, SimCase, build_population
from lab.simulate.runner import Endpoint, Simulation, write_run
from nlu.server import RasaServer
from policies.types import OrderStatus
from tests.e2e.support import LiveServer

pytestmark = pytest.mark.integration

JWT_SECRET = "simulate-jwt-secret-0123456789abcdef-0123"
WEBHOOK_SECRET = "simulate-webhook-secret-0123"
EXPERIMENTS = REPO_ROOT / "data" / "experiments" / "refund_limit.yml"


@pytest.fixture(scope="module")
def live_bot(
    rasa_server: RasaServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    path = tmp_path_factory.mktemp("simulate-db") / "aftersales.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    settings = Settings(
        env="test",
        rasa_url=rasa_server.url,
        rasa_token=rasa_server.auth_token,
        database_url=url,
        jwt_secret=JWT_SECRET,
        webhook_secret=WEBHOOK_SECRET,
        experiments_file=EXPERIMENTS,
        log_level="WARNING",
        _env_file=None,
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        server = LiveServer(create_app(settings)).start()
        try:
            yield server.url, url
        finally:
            server.stop()


def ten_conversations() -> list[SimCase]:
    """Ten of the world's conversations, three of them cancellations of pending orders: the
    rules settle those without a risk score, so some chats surely end with the rating question."""
    plans = build_population(40, 11, RunIds(4242))

    def pending_cancel(plan: SimCase) -> bool:
        order = next((o for o in plan.history if o.order_id == plan.order_id), None)
        return plan.claim == "cancel" and order is not None and order.status is OrderStatus.PENDING

    cancels = [p for p in plans if pending_cancel(p)][:3]
    assert cancels, "the world of seed 11 has pending cancellations"
    chosen = cancels + [p for p in plans if p not in cancels][: 10 - len(cancels)]
    return [replace(plan, index=i) for i, plan in enumerate(chosen)]


def test_ten_simulated_conversations_complete_and_leave_truth_and_ratings(live_bot, tmp_path):
    base_url, database_url = live_bot
    sim = Simulation(
        Endpoint(base_url, JWT_SECRET, WEBHOOK_SECRET),
        ten_conversations(),
        seed=11,
        run_id="live",
        concurrency=4,
        max_seconds=240,
    )
    records = asyncio.run(sim.run())
    summary = sim.summary()
    assert summary["errors"]["total"] == 0, summary["errors"]
    assert summary["conversations"] == {"planned": 10, "started": 10, "completed": 10,
                                        "with_errors": 0}  # fmt: skip

    paths = write_run(sim, tmp_path / "run")
    with Path(paths["truth"]).open() as f:
        truth = list(csv.DictReader(f))
    assert {row["conversation_id"] for row in truth} == {r.conversation_id for r in records}

    engine = create_engine(database_url)
    with engine.connect() as db:
        ratings = dict(db.execute(text("SELECT conversation_id, score FROM ratings")).all())
        arms = db.execute(text("SELECT DISTINCT experiment, arm FROM decisions")).all()
        regions = dict(db.execute(text("SELECT id, region FROM buyers")).all())
    engine.dispose()
    assert {regions[r.case.buyer.buyer_id] for r in records} <= {"SG", "MY", "TH", "VN", "PH", "ID"}
    assert all(regions[r.case.buyer.buyer_id] == r.case.buyer.region for r in records)
    given = {r.conversation_id: r.rating for r in records if r.rating is not None}
    assert given, summary["outcomes"]  # a resolved chat asks for a rating, most buyers answer
    assert ratings == given
    assert {experiment for experiment, _ in arms} == {"refund-limit"}
    assert {arm for _, arm in arms} <= {"control", "limit-50"}
