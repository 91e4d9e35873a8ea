"""The seller API: auth per role, only one's own disputes (404 otherwise), validation naming
the field, the feed's cursor, offers, idempotent answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.store.models import ActionRow
from tests.bot.conftest import token_headers
from tests.bot.disputes.conftest import agent_case, open_dispute

ROUTES = (
    ("get", "/v1/seller/disputes", None),
    ("get", "/v1/seller/disputes/x", None),
    ("post", "/v1/seller/disputes/x/accept", None),
    ("post", "/v1/seller/disputes/x/contest", {"statement": "no"}),
    ("post", "/v1/seller/disputes/x/offer", {"type": "replacement"}),
)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_seller_routes_need_a_seller_token(app_client, method, path, body):
    assert app_client.request(method, path, json=body).status_code == 401
    for role, sub in (("buyer", "B17"), ("agent", "agent-1")):
        response = app_client.request(method, path, json=body, headers=token_headers(sub, role))
        assert response.status_code == 403, (role, response.text)


def test_agent_dispute_routes_refuse_sellers_and_buyers(app_client, seller_headers, buyer_headers):
    for headers in (seller_headers, buyer_headers):
        assert app_client.get("/v1/agent/disputes/x", headers=headers).status_code == 403
        opened = app_client.post("/v1/agent/cases/x/dispute", json={"reason": "r"}, headers=headers)
        assert opened.status_code == 403


@pytest.fixture
def dispute(app_client, buyer_chat, agent_headers) -> dict:
    case = agent_case(app_client, buyer_chat, agent_headers)
    return open_dispute(app_client, case["case_id"], agent_headers, amount=300)


def test_another_sellers_dispute_is_a_404_like_a_missing_one(
    app_client, dispute, other_seller_headers, seller_headers
):
    path = f"/v1/seller/disputes/{dispute['dispute_id']}"
    for method, suffix, body in (
        ("get", "", None),
        ("post", "/accept", None),
        ("post", "/contest", {"statement": "not mine"}),
        ("post", "/offer", {"type": "refund", "amount": 5}),
    ):
        response = app_client.request(
            method, path + suffix, json=body, headers=other_seller_headers
        )
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "not_found"
    assert app_client.get(path + "x", headers=seller_headers).status_code == 404
    assert (
        app_client.get("/v1/seller/disputes", headers=other_seller_headers).json()["disputes"] == []
    )
    # Nothing changed for the real seller.
    assert app_client.get(path, headers=seller_headers).json()["status"] == "awaiting_seller"


def test_validation_errors_name_the_field(app_client, dispute, seller_headers, agent_headers):
    path = f"/v1/seller/disputes/{dispute['dispute_id']}"
    cases = (
        ("/offer", {"type": "refund"}, "amount"),
        ("/offer", {"type": "refund", "amount": 301}, "amount"),  # more than disputed
        ("/offer", {"type": "replacement", "amount": 3}, "amount"),
        ("/contest", {"statement": "  "}, "statement"),
        ("/contest", {"statement": "x", "attachments": [{"type": "image", "url": "ftp://a"}]},
         "attachments"),
    )  # fmt: skip
    for suffix, body, field in cases:
        response = app_client.post(path + suffix, json=body, headers=seller_headers)
        assert response.status_code == 422, (body, response.text)
        assert field in (response.json()["error"]["field"] or ""), response.json()
    bad_since = app_client.get("/v1/seller/disputes?since=yesterday", headers=seller_headers)
    assert bad_since.status_code == 422 and bad_since.json()["error"]["field"] == "since"
    too_much = app_client.post(
        f"/v1/agent/cases/{dispute['case_id']}/dispute",
        json={"reason": "again", "amount": 5},
        headers=agent_headers,
    )
    # The case already has its dispute: the first comes back, not a second one.
    assert too_much.status_code == 201 and too_much.json()["created"] is False
    assert too_much.json()["dispute_id"] == dispute["dispute_id"]


def test_the_feed_is_newest_first_and_its_cursor_shows_only_changes(
    app_client, dispute, seller_headers, clock
):
    feed = app_client.get("/v1/seller/disputes", headers=seller_headers).json()
    assert len(feed["disputes"]) == 1
    cursor = feed["cursor"]
    quiet = app_client.get("/v1/seller/disputes", params={"since": cursor}, headers=seller_headers)
    assert quiet.json()["disputes"] == [] and quiet.json()["cursor"] == cursor
    clock.advance(timedelta(minutes=5))
    path = f"/v1/seller/disputes/{dispute['dispute_id']}"
    app_client.post(f"{path}/offer", json={"type": "replacement"}, headers=seller_headers)
    changed = app_client.get(
        "/v1/seller/disputes", params={"since": cursor}, headers=seller_headers
    ).json()
    assert [d["status"] for d in changed["disputes"]] == ["seller_offered"]
    assert changed["cursor"] > cursor


def test_an_offer_is_idempotent_and_an_agent_can_take_it(
    app_client, dispute, seller_headers, agent_headers, buyer_chat
):
    path = f"/v1/seller/disputes/{dispute['dispute_id']}"
    body = {"type": "refund", "amount": 120, "statement": "Half back, keep the item"}
    first = app_client.post(f"{path}/offer", json=body, headers=seller_headers).json()
    second = app_client.post(f"{path}/offer", json=body, headers=seller_headers).json()
    assert first["status"] == second["status"] == "seller_offered"
    assert (first["replayed"], second["replayed"]) == (False, True)
    assert first["offer"] == {"type": "refund", "amount": 120.0, "currency": "USD"}
    assert [e["kind"] for e in second["events"]] == ["opened", "offer"]
    assert "offers a partial refund of 120.00 USD" in buyer_chat.view()["messages"][-1]["text"]
    decided = app_client.post(
        f"/v1/agent/disputes/{dispute['dispute_id']}/decide",
        json={"outcome": "buyer", "reason": "Buyer agreed to the seller's offer"},
        headers=agent_headers,
    ).json()
    assert decided["status"] == "decided_for_buyer"
    assert decided["events"][-1]["details"]["amount"] == "120.00"
    assert 120.0 in [a["amount"] for a in buyer_chat.view()["actions"]]


def test_deciding_for_the_seller_moves_no_money(
    app_client, dispute, seller_headers, agent_headers, buyer_chat
):
    path = f"/v1/seller/disputes/{dispute['dispute_id']}"
    app_client.post(
        f"{path}/contest", json={"statement": "Delivered intact"}, headers=seller_headers
    )
    decided = app_client.post(
        f"/v1/agent/disputes/{dispute['dispute_id']}/decide",
        json={"outcome": "seller", "reason": "the courier's photo shows the laptop intact."},
        headers=agent_headers,
    ).json()
    assert decided["status"] == "decided_for_seller" and decided.get("action_id") is None
    assert buyer_chat.view()["actions"] == []
    assert "decided for the seller" in buyer_chat.view()["messages"][-1]["text"]


def test_racing_answers_change_the_dispute_once(app_client, dispute, seller_headers, clock):
    path = f"/v1/seller/disputes/{dispute['dispute_id']}"

    def accept(_i: int):
        return app_client.post(f"{path}/accept", headers=seller_headers)

    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(accept, range(4)))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert sum(not r.json()["replayed"] for r in responses) == 1
    # The timeout job, had it run late, finds the dispute answered and moves nothing.
    clock.advance(timedelta(hours=49))
    assert app_client.app.state.job_runner.run_due() == 2  # reminder and timeout, both no-ops
    final = app_client.get(path, headers=seller_headers).json()
    assert [e["kind"] for e in final["events"]] == ["opened", "accept"]
    with app_client.app.state.services.database.sessions() as session:
        amounts = session.scalars(select(ActionRow.amount)).all()
    assert [float(a) for a in amounts] == [300.0]
