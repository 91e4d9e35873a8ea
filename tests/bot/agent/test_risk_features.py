"""The console's risk panel and the router agree: same features, same buyer history, same score.

The buyer is a long-standing one the bot heard of only yesterday (their orders pushed in bulk):
their account age must come from their first order, 400 days ago, on both sides.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from bot.agent.service import AgentConsole, claim_of
from bot.dialogue.context import Engines, TurnContext
from bot.risk_features import buyer_record_in
from bot.store.cases import CaseRepository
from bot.store.models import BuyerRow
from bot.store.orders import OrderRepository
from policies.types import Category
from tests.utils.builders import NOW, item, order, seed
from tests.utils.fakes import FakeRiskModel


class FeatureRiskModel(FakeRiskModel):
    """P(abusive) that depends on the buyer's features; keeps every frame it scored."""

    version = "feature-risk-1"

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[pd.DataFrame] = []

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        self.frames.append(X.copy())
        age = np.clip(X["account_age_days"].to_numpy() / 1000, 0, 1)
        p = 0.5 + 0.3 * age + 0.01 * X["buyer_orders_365d"].to_numpy()
        return np.column_stack([1 - p, p])


@pytest.fixture
def risk_model() -> FeatureRiskModel:
    return FeatureRiskModel()


@pytest.fixture
def long_standing_buyer(world_db):
    """B17 with a first order 400 days ago, known to the bot's store only since yesterday."""
    seed(world_db, [order("O900", item("Old kettle", "22.00", Category.HOME), placed=400)])
    with world_db.sessions.begin() as session:
        session.get(BuyerRow, "B17").created_at = NOW - timedelta(days=1)
    return world_db


def _view(client, case_id, headers):
    response = client.get(f"/v1/agent/cases/{case_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _console(database, risk_model, now: datetime) -> AgentConsole:
    return AgentConsole(database, suggester=None, risk_model=risk_model, clock=lambda: now)  # type: ignore[arg-type]


def _plain(features: dict) -> dict:
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in features.items()}


def test_the_console_shows_and_explains_the_score_the_router_recorded(
    long_standing_buyer, bot_client, chat, agent_headers, risk_model
):
    chat.say("S300 never arrived")
    [case] = bot_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    view = _view(bot_client, case["case_id"], agent_headers)
    trace = view["decision_trace"]
    router_features = trace["features"]
    # The trace records what the model scored.
    [scored] = risk_model.frames[0].to_dict("records")
    assert router_features["account_age_days"] == pytest.approx(scored["account_age_days"])
    assert router_features["account_age_days"] > 300
    assert router_features["buyer_orders_365d"] == 11  # O900 is older than a year

    assert view["risk"]["source"] == "decision"
    assert view["risk"]["score"] == trace["score"]
    assert view["risk"]["threshold"] == trace["threshold"]
    attribution = view["risk_attribution"]
    assert attribution["basis"] == "decision"
    assert attribution["score"] == round(trace["score"], 4)
    assert view["buyer"]["account_age_days"] > 300

    # At the decision's time, the console builds exactly the router's features and history.
    now = datetime.fromisoformat(trace["inputs"]["now"])
    console = _console(long_standing_buyer, risk_model, now)
    stored = CaseRepository(long_standing_buyer.sessions).get(case["case_id"])
    s300 = OrderRepository(long_standing_buyer.sessions).get("S300")
    assert _plain(console.risk_features(stored, s300)) == router_features
    facts = console.facts(stored, s300)
    assert facts.account_age_days == pytest.approx(router_features["account_age_days"])
    history = trace["inputs"]["history"]
    assert facts.history is not None
    assert facts.history.orders_last_365_days == history["orders_last_365_days"]
    assert facts.history.refunds_last_90_days == history["refunds_last_90_days"]


def test_a_case_the_router_did_not_score_is_scored_with_the_routers_features(
    long_standing_buyer, bot_client, chat, agent_headers, risk_model
):
    # Over the auto-refund limit: a person decides without a risk score.
    chat.say("the laptop D205 arrived cracked", photo="https://img.example.com/l.jpg")
    chat.say("A refund")
    [case] = bot_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    view = _view(bot_client, case["case_id"], agent_headers)
    assert view["decision_trace"]["score"] is None
    assert view["risk"]["source"] == "computed"
    attribution = view["risk_attribution"]
    assert attribution["basis"] == "now"
    assert view["risk"]["score"] == attribution["score"]
    assert attribution["model_version"] == "feature-risk-1"

    now = NOW + timedelta(hours=1)
    stored = CaseRepository(long_standing_buyer.sessions).get(case["case_id"])
    d205 = OrderRepository(long_standing_buyer.sessions).get("D205")
    console_features = _console(long_standing_buyer, risk_model, now).risk_features(stored, d205)
    with long_standing_buyer.sessions() as session:
        ctx = TurnContext(
            session,
            conversation_id=chat.id,
            buyer_id="B17",
            now=now,
            engines=Engines(answerer=None, risk_model=risk_model),
        )
        router_features = ctx.risk_features(d205, claim_of(stored))
        assert ctx.history() == buyer_record_in(session, "B17", now).history
    assert _plain(console_features) == _plain(router_features)
    assert router_features["account_age_days"] == pytest.approx(400 + 1 / 24)
    assert router_features["has_photo"] == 1.0


def test_the_scored_orders_own_case_does_not_raise_its_sellers_defect_rate(world_db):
    """The model learnt the seller's rate from claims strictly before each case: the case of the
    order being scored must not count, or the same claim scores higher at the buyer's "yes"
    (its case now open) than when it was proposed, and can flip to a person."""
    from bot.risk_features import seller_defect_rate_in
    from bot.store.case_summary import CaseSummary
    from bot.store.cases import CaseStatus, open_case_in
    from bot.store.orders import load_order_in

    with world_db.sessions.begin() as session:
        s300 = load_order_in(session, "S300")
        assert s300 is not None
        before = seller_defect_rate_in(session, s300.seller_id, except_order="S300")
        open_case_in(
            session,
            conversation_id=None,
            buyer_id=s300.buyer_id,
            order_id="S300",
            intent="damaged_item",
            status=CaseStatus.BOT,
            priority=0,
            summary=CaseSummary(intent="damaged_item"),
            now=NOW,
        )
        assert seller_defect_rate_in(session, s300.seller_id, except_order="S300") == before
        # Any other order's claim (the seller's record) still counts.
        assert seller_defect_rate_in(session, s300.seller_id) > before
