"""The agents' API: queue order, the case view, replying, handing back, auth."""

from datetime import timedelta

from bot.dialogue.handoff import effective_priority, priority
from tests.bot.conftest import token_headers
from tests.utils.builders import NOW, bot_text


def _queue(client, headers):
    response = client.get("/v1/agent/queue", headers=headers)
    assert response.status_code == 200
    return response.json()["cases"]


def test_agent_endpoints_refuse_buyers_and_strangers(bot_client, buyer_headers):
    for method, path, body in (
        ("get", "/v1/agent/queue", None),
        ("get", "/v1/agent/cases/x", None),
        ("post", "/v1/agent/cases/x/reply", {"text": "hi"}),
        ("post", "/v1/agent/cases/x/release", {"to": "bot"}),
        ("get", "/v1/agent/cases/x/suggestions", None),
        ("post", "/v1/agent/cases/x/actions", {"type": "refund"}),
    ):
        assert bot_client.request(method, path, json=body).status_code == 401
        response = bot_client.request(method, path, json=body, headers=buyer_headers)
        assert response.status_code == 403


def test_queue_is_highest_priority_first(bot_client, chat, agent_headers, buyer_headers):
    from tests.utils.builders import Chat

    chat.say("I need a human")
    payment = Chat(bot_client, buyer_headers)
    payment.say("I was charged twice for P100")
    cases = _queue(bot_client, agent_headers)
    assert [c["intent"] for c in cases] == ["payment_issue", "request_human"]
    assert cases[0]["priority"] > cases[1]["priority"]
    assert set(cases[0]) >= {
        "case_id", "conversation_id", "buyer_id", "order_id", "intent", "priority",
        "waiting_since",
    }  # fmt: skip
    assert cases[0]["buyer_id"] == "B17"


def test_priority_weighs_reason_amount_risk_and_waiting():
    from decimal import Decimal

    assert priority(["payment_problem"], Decimal(0), None) > priority(
        ["human_requested"], Decimal(0), None
    )
    assert priority(["x"], Decimal(300), None) > priority(["x"], Decimal(10), None)
    assert priority(["x"], Decimal(50), 0.9) > priority(["x"], Decimal(50), 0.1)
    assert effective_priority(20, NOW - timedelta(hours=1), NOW) == 26


def test_case_view_has_transcript_order_eligibility_and_trace(bot_client, chat, agent_headers):
    chat.say("the laptop D205 arrived cracked", photo="https://img.example.com/l.jpg")
    chat.say("A refund")
    [case] = _queue(bot_client, agent_headers)
    view = bot_client.get(f"/v1/agent/cases/{case['case_id']}", headers=agent_headers).json()
    assert view["order"]["order_id"] == "D205" and view["order"]["items"][0]["title"] == "Laptop"
    assert view["eligibility"]["eligible"] is True
    assert "over_auto_limit" in view["eligibility"]["reasons"]
    assert view["attribution"]["party"] in ("carrier", "seller")
    assert view["decision_trace"]["level"] == "always_human"
    assert view["decision_trace"]["inputs"]["order_id"] == "D205"
    assert view["summary"]["photos"] == ["https://img.example.com/l.jpg"]
    assert [m["role"] for m in view["transcript"]][:2] == ["buyer", "bot"]
    # The buyer can trace the decision from the conversation.
    assert case["case_id"] in chat.view()["case_ids"]


def test_risk_score_is_in_the_trace(bot_client, chat, agent_headers, risk_model):
    risk_model.p_abuse = 0.8
    chat.say("S300 never arrived")
    [case] = _queue(bot_client, agent_headers)
    view = bot_client.get(f"/v1/agent/cases/{case['case_id']}", headers=agent_headers).json()
    assert view["risk"]["score"] == 0.8 and view["risk"]["model_version"] == "fake-risk-1"
    assert view["decisions"][0]["reasons"] == ["risk_above_threshold"]


def test_unknown_case_is_404(bot_client, agent_headers):
    response = bot_client.get("/v1/agent/cases/nope", headers=agent_headers)
    assert response.status_code == 404


def test_agent_reply_reaches_the_buyer(bot_client, chat, agent_headers):
    chat.say("I need a human")
    [case] = _queue(bot_client, agent_headers)
    response = bot_client.post(
        f"/v1/agent/cases/{case['case_id']}/reply", json={"text": "Hi, I'm Ana."},
        headers=agent_headers,
    )  # fmt: skip
    assert response.status_code == 200
    last = chat.view()["messages"][-1]
    assert last["role"] == "agent" and last["text"] == "Hi, I'm Ana."
    blank = bot_client.post(
        f"/v1/agent/cases/{case['case_id']}/reply", json={"text": " "}, headers=agent_headers
    )
    assert blank.status_code == 422 and blank.json()["error"]["field"] == "text"


def test_release_to_bot_resumes_the_bot(bot_client, chat, agent_headers):
    chat.say("I need a human")
    [case] = _queue(bot_client, agent_headers)
    url = f"/v1/agent/cases/{case['case_id']}/release"
    response = bot_client.post(url, json={"to": "bot"}, headers=agent_headers)
    assert response.status_code == 200 and response.json()["status"] == "bot"
    assert _queue(bot_client, agent_headers) == []
    assert chat.view()["status"] == "bot"
    assert "SPX" in bot_text(chat.say("where is S300"))
    again = bot_client.post(url, json={"to": "closed"}, headers=agent_headers)
    assert again.status_code == 409


def test_release_validates_the_target(bot_client, chat, agent_headers):
    chat.say("I need a human")
    [case] = _queue(bot_client, agent_headers)
    response = bot_client.post(
        f"/v1/agent/cases/{case['case_id']}/release", json={"to": "nowhere"},
        headers=agent_headers,
    )  # fmt: skip
    assert response.status_code == 422 and response.json()["error"]["field"] == "to"


# --- suggestions, actions, overrides, audit ---------------------------------------------------


def _late_parcel_case(bot_client, chat, agent_headers, risk_model) -> dict:
    """S300 ($60 headphones) is 4 days past its promised date: INR-4.1 grants a full refund;
    a high risk score sends it to a person."""
    risk_model.p_abuse = 0.8
    chat.say("S300 never arrived")
    [case] = _queue(bot_client, agent_headers)
    return case


def _act(client, case_id, headers, key=None, **body):
    if key:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(f"/v1/agent/cases/{case_id}/actions", json=body, headers=headers)


def _view(client, case_id, headers):
    response = client.get(f"/v1/agent/cases/{case_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_new_endpoints_answer_404_for_an_unknown_case(bot_client, agent_headers):
    assert (
        bot_client.get("/v1/agent/cases/nope/suggestions", headers=agent_headers).status_code == 404
    )
    response = _act(bot_client, "nope", agent_headers, type="refund")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_suggestions_put_the_policy_remedy_first_with_facts_and_clauses(
    bot_client, chat, agent_headers, risk_model
):
    case = _late_parcel_case(bot_client, chat, agent_headers, risk_model)
    response = bot_client.get(
        f"/v1/agent/cases/{case['case_id']}/suggestions", headers=agent_headers
    )
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert 1 <= len(suggestions) <= 3
    best = suggestions[0]
    assert best["action"] == {"type": "refund", "amount": 60.0}
    assert "INR-4.1" in best["citations"] and "$60.00" in best["text"] and "S300" in best["text"]
    confidences = [s["confidence"] for s in suggestions]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0 <= c <= 1 for c in confidences)


def test_invalid_actions_are_422_naming_the_field(bot_client, chat, agent_headers, risk_model):
    case_id = _late_parcel_case(bot_client, chat, agent_headers, risk_model)["case_id"]
    for body, field in (
        ({"type": "teleport"}, "type"),
        ({"type": "refund", "amount": -5}, "amount"),
        ({"type": "refund", "amount": 61}, "override"),  # more than the rules grant
        ({"type": "deny"}, "reason"),
        ({"type": "refund", "surprise": 1}, "surprise"),
    ):
        response = _act(bot_client, case_id, agent_headers, **body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["field"] == field, body
    bad_key = _act(bot_client, case_id, agent_headers, key="has space", type="refund")
    assert bad_key.status_code == 422 and bad_key.json()["error"]["field"] == "Idempotency-Key"


def test_approving_what_the_rules_grant_moves_money_once(
    bot_client, chat, agent_headers, risk_model
):
    case_id = _late_parcel_case(bot_client, chat, agent_headers, risk_model)["case_id"]
    first = _act(bot_client, case_id, agent_headers, type="refund", message="Refunded $60.")
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["action"]["amount"] == 60.0 and body["action"]["status"] == "approved"
    assert body["override"] is False and body["replayed"] is False
    # A retried click (no key: derived from the case and the type) changes nothing.
    again = _act(bot_client, case_id, agent_headers, type="refund", message="Refunded $60.")
    assert again.status_code == 200
    assert again.json()["action"]["action_id"] == body["action"]["action_id"]
    assert again.json()["replayed"] is True
    view = chat.view()
    assert [a["type"] for a in view["actions"]] == ["refund"]
    assert [m["text"] for m in view["messages"]].count("Refunded $60.") == 1
    case = _view(bot_client, case_id, agent_headers)
    assert case["order"]["refunded_amount"] == 60.0
    [audit] = [a for a in case["audit"] if a["kind"] == "refund"]
    assert audit["agent_id"] == "agent-1" and audit["override"] is False
    assert audit["action_id"] == body["action"]["action_id"]


def test_idempotency_key_header_makes_retries_safe(bot_client, chat, agent_headers, risk_model):
    case_id = _late_parcel_case(bot_client, chat, agent_headers, risk_model)["case_id"]
    first = _act(bot_client, case_id, agent_headers, key="click-1", type="refund", amount=20)
    again = _act(bot_client, case_id, agent_headers, key="click-1", type="refund", amount=20)
    assert first.status_code == again.status_code == 200
    assert first.json()["action"]["action_id"] == again.json()["action"]["action_id"]
    assert _view(bot_client, case_id, agent_headers)["order"]["refunded_amount"] == 20.0


def test_a_refused_action_needs_override_and_a_reason(bot_client, chat, agent_headers, risk_model):
    case_id = _late_parcel_case(bot_client, chat, agent_headers, risk_model)["case_id"]
    refused = _act(bot_client, case_id, agent_headers, type="voucher", amount=5)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "override_required" and error["field"] == "override"
    # In the agent's words (issue 15): what the policy allows and how to go ahead, no codes.
    assert "does not allow a voucher" in error["message"] and "allows a refund" in error["message"]
    assert "Override the eligibility rules" in error["message"]
    assert "INR-4.1" not in error["message"]
    for reason in (None, "", "   "):
        body = {"type": "voucher", "amount": 5, "override": True}
        if reason is not None:
            body["reason"] = reason
        response = _act(bot_client, case_id, agent_headers, **body)
        assert response.status_code == 422 and response.json()["error"]["field"] == "reason"
    done = _act(
        bot_client, case_id, agent_headers, type="voucher", amount=5, override=True,
        reason="Goodwill: third late parcel this month",
    )  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["override"] is True and done.json()["action"]["type"] == "voucher"
    [audit] = [a for a in _view(bot_client, case_id, agent_headers)["audit"] if a["override"]]
    assert audit["reason"] == "Goodwill: third late parcel this month"
    assert audit["kind"] == "voucher" and audit["agent_id"] == "agent-1"
    assert audit["details"]["policy_action"] == "refund"
    assert "INR-4.1" in audit["details"]["eligibility"]["clauses"]


def test_money_never_exceeds_the_order_even_with_override(
    bot_client, chat, agent_headers, risk_model
):
    case_id = _late_parcel_case(bot_client, chat, agent_headers, risk_model)["case_id"]
    response = _act(
        bot_client, case_id, agent_headers, type="refund", amount=500, override=True,
        reason="typo check",
    )  # fmt: skip
    assert response.status_code == 422 and response.json()["error"]["field"] == "amount"


def test_deny_and_request_evidence_are_audited_and_reach_the_buyer(
    bot_client, chat, agent_headers, risk_model
):
    case_id = _late_parcel_case(bot_client, chat, agent_headers, risk_model)["case_id"]
    response = _act(
        bot_client, case_id, agent_headers, type="request_evidence",
        reason="tracking shows a delivery attempt", message="Could you check with neighbours?",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["action"] is None
    deny = _act(bot_client, case_id, agent_headers, type="deny", reason="carrier confirmed")
    assert deny.status_code == 200
    assert chat.view()["messages"][-1]["text"] == "Could you check with neighbours?"
    kinds = [a["kind"] for a in _view(bot_client, case_id, agent_headers)["audit"]]
    assert kinds == ["request_evidence", "deny"]


def test_actions_on_a_closed_case_conflict(bot_client, chat, agent_headers, risk_model):
    case_id = _late_parcel_case(bot_client, chat, agent_headers, risk_model)["case_id"]
    url = f"/v1/agent/cases/{case_id}/release"
    assert bot_client.post(url, json={"to": "closed"}, headers=agent_headers).status_code == 200
    assert _act(bot_client, case_id, agent_headers, type="refund").status_code == 409
    kinds = [a["kind"] for a in _view(bot_client, case_id, agent_headers)["audit"]]
    assert kinds == ["close"]


def test_case_view_has_nlu_history_risk_attribution_and_responsibility(
    bot_client, chat, agent_headers, risk_model
):
    case_id = _late_parcel_case(bot_client, chat, agent_headers, risk_model)["case_id"]
    view = _view(bot_client, case_id, agent_headers)
    buyer_message = view["transcript"][0]
    assert buyer_message["role"] == "buyer"
    assert buyer_message["nlu"]["intent"]["name"] == "item_not_received"
    assert buyer_message["nlu"]["entities"][0]["value"] == "S300"
    assert view["buyer"]["orders_last_365_days"] >= 10
    assert any(o["order_id"] == "R400" for o in view["buyer"]["orders"])
    assert view["eligibility_now"]["remedy"] == "refund"
    assert view["responsibility"]["party"] in ("seller", "carrier")
    attribution = view["risk_attribution"]
    assert attribution["method"] == "difference_from_baseline"
    assert attribution["score"] == 0.8 and len(attribution["features"]) <= 5
    assert view["claim_type"] == "not_received"


def test_reply_is_audited(bot_client, chat, agent_headers):
    chat.say("I need a human")
    [case] = _queue(bot_client, agent_headers)
    url = f"/v1/agent/cases/{case['case_id']}/reply"
    assert bot_client.post(url, json={"text": "Hello"}, headers=agent_headers).status_code == 200
    [audit] = _view(bot_client, case["case_id"], agent_headers)["audit"]
    assert audit["kind"] == "reply" and audit["agent_id"] == "agent-1"
    assert chat.view()["messages"][-1]["role"] == "agent"


def test_queue_has_sla_timers_and_filters(bot_client, chat, agent_headers, buyer_headers):
    from tests.utils.builders import Chat

    chat.say("I need a human")
    Chat(bot_client, buyer_headers).say("I was charged twice for P100")
    cases = _queue(bot_client, agent_headers)
    assert all({"sla_due_at", "sla_minutes", "sla_breached", "status", "region"} <= set(c)
               for c in cases)  # fmt: skip
    assert cases[0]["sla_minutes"] <= cases[1]["sla_minutes"]
    assert {c["status"] for c in cases} == {"new"}
    only = bot_client.get(
        "/v1/agent/queue", params={"intent": "payment_issue"}, headers=agent_headers
    ).json()["cases"]
    assert [c["intent"] for c in only] == ["payment_issue"]
    none = bot_client.get(
        "/v1/agent/queue", params={"status": "replied"}, headers=agent_headers
    ).json()["cases"]
    assert none == []
    url = f"/v1/agent/cases/{cases[1]['case_id']}/reply"
    bot_client.post(url, json={"text": "On it"}, headers=agent_headers)
    replied = bot_client.get(
        "/v1/agent/queue", params={"status": "replied"}, headers=agent_headers
    ).json()["cases"]
    assert [c["case_id"] for c in replied] == [cases[1]["case_id"]]


def test_missing_assist_index_is_named_without_loading_a_model(tmp_path):
    import pytest

    from bot.agent.suggestions.precedents import AssistIndexMissing
    from bot.services import load_assist_index

    with pytest.raises(AssistIndexMissing, match="make assist-index"):
        load_assist_index(tmp_path / "nothing-here")


def test_two_clicks_with_fresh_keys_pay_once_and_resolve_the_case(
    bot_client, chat, agent_headers, risk_model
):
    """A console sends a fresh Idempotency-Key per click: one remedy per case and type."""
    case_id = _late_parcel_case(bot_client, chat, agent_headers, risk_model)["case_id"]
    first = _act(bot_client, case_id, agent_headers, key="click-1", type="refund", amount=20)
    second = _act(bot_client, case_id, agent_headers, key="click-2", type="refund", amount=20)
    assert first.status_code == second.status_code == 200, second.text
    assert second.json()["replayed"] is True
    assert second.json()["action"]["action_id"] == first.json()["action"]["action_id"]
    assert _view(bot_client, case_id, agent_headers)["order"]["refunded_amount"] == 20.0
    assert _view(bot_client, case_id, agent_headers)["status"] == "resolved"
    assert _queue(bot_client, agent_headers) == []
    # Another remedy on a resolved case is a conflict, not a second payment.
    assert _act(bot_client, case_id, agent_headers, type="return").status_code == 409


def test_two_agents_racing_on_one_case_pay_once(bot_client, chat, agent_headers, risk_model):
    from concurrent.futures import ThreadPoolExecutor

    case_id = _late_parcel_case(bot_client, chat, agent_headers, risk_model)["case_id"]
    other = token_headers("agent-2", "agent")

    def click(headers, key):
        return _act(bot_client, case_id, headers, key=key, type="refund", amount=20)

    with ThreadPoolExecutor(4) as pool:
        calls = [
            pool.submit(click, headers, f"k{i}")
            for i, headers in enumerate([agent_headers, other] * 2)
        ]
        responses = [c.result() for c in calls]
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert sum(not r.json()["replayed"] for r in responses) == 1
    assert len({r.json()["action"]["action_id"] for r in responses}) == 1
    assert _view(bot_client, case_id, agent_headers)["order"]["refunded_amount"] == 20.0


def test_every_agent_route_declares_its_response_model(bot_client):
    paths = bot_client.get("/openapi.json").json()["paths"]
    agent = {p: ops for p, ops in paths.items() if p.startswith("/v1/agent/")}
    assert len(agent) == 9  # 6, and issue 18's dispute routes (open, view, decide)
    for ops in agent.values():
        for op in ops.values():
            ok = op["responses"].get("200") or op["responses"]["201"]
            schema = ok["content"]["application/json"]["schema"]
            assert schema["$ref"].startswith("#/components/schemas/")


# --- issue 15: a case opened by a handoff is linked to the order the conversation is about -----


def test_a_person_asked_for_after_a_refusal_gets_a_case_on_that_order(
    bot_client, chat, agent_headers
):
    turn = chat.say("I want to return D204, I changed my mind")
    assert "Talk to a person" in turn["quick_replies"]  # refused: the return window is over
    assert chat.say("Talk to a person")["status"] == "waiting_for_agent"
    [case] = _queue(bot_client, agent_headers)
    assert case["intent"] == "request_human" and case["order_id"] == "D204"
    assert _view(bot_client, case["case_id"], agent_headers)["order"]["order_id"] == "D204"


def test_a_person_asked_for_in_a_message_naming_the_order_gets_it(bot_client, chat, agent_headers):
    chat.say("I need a human about D205")
    [case] = _queue(bot_client, agent_headers)
    assert case["order_id"] == "D205"


def test_a_person_asked_for_with_no_order_named_gets_a_case_without_one(
    bot_client, chat, agent_headers
):
    chat.say("I need a human")
    [case] = _queue(bot_client, agent_headers)
    assert case["order_id"] is None


# --- issue 15: searching the queue ---------------------------------------------------------------


def _search(client, headers, **params):
    response = client.get("/v1/agent/queue", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["cases"]


def test_the_queue_searches_by_buyer_order_and_message_text(
    bot_client, chat, agent_headers, buyer_headers
):
    from tests.utils.builders import Chat

    chat.say("I need a human about D205, the screen flickers")
    other = Chat(bot_client, token_headers("B99"))
    other.say("I was charged twice this morning")
    everything = _queue(bot_client, agent_headers)
    assert len(everything) == 2
    laptop = next(c for c in everything if c["buyer_id"] == "B17")

    assert [c["case_id"] for c in _search(bot_client, agent_headers, buyer_id="b17")] == [
        laptop["case_id"]
    ]
    assert [c["buyer_id"] for c in _search(bot_client, agent_headers, order_id="#D205")] == ["B17"]
    assert _search(bot_client, agent_headers, order_id="D999") == []
    # Free text: every word, in the ids or the messages (case-insensitive); the match is shown.
    [found] = _search(bot_client, agent_headers, q="SCREEN flickers")
    assert found["case_id"] == laptop["case_id"] and "screen flickers" in found["match"]
    [found] = _search(bot_client, agent_headers, q="charged twice")
    assert found["buyer_id"] == "B99"
    [found] = _search(bot_client, agent_headers, q="d205")
    assert found["case_id"] == laptop["case_id"]
    assert _search(bot_client, agent_headers, q="screen charged") == []
    assert _search(bot_client, agent_headers, q="100%") == []  # % is literal, not a wildcard
    # Combined with the filters; an empty search is no search.
    assert _search(bot_client, agent_headers, q="twice", intent="request_human") == []
    assert len(_search(bot_client, agent_headers, q="  ")) == 2
    assert all(c["match"] is None for c in _search(bot_client, agent_headers))


def test_queue_search_is_validated_and_agents_only(bot_client, agent_headers, buyer_headers):
    too_long = bot_client.get("/v1/agent/queue", params={"q": "x" * 201}, headers=agent_headers)
    assert too_long.status_code == 422 and too_long.json()["error"]["field"] == "q"
    assert bot_client.get("/v1/agent/queue?q=x", headers=buyer_headers).status_code == 403
