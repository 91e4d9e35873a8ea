"""The buyer conversation API: auth, ownership, validation, idempotency, the response shape."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app
from bot.settings import Settings
from bot.store.cases import CaseStatus
from bot.store.db import Database, write_session
from bot.store.models import CaseRow
from tests.bot.conftest import SECRET, make_services, token_headers
from tests.utils.builders import NOW, Chat

TURN_KEYS = {
    "conversation_id",
    "status",
    "messages",
    "expecting",
    "quick_replies",
    "actions",
    "nlu",
    "language",  # contract extension (issue 16)
}


def _post(client, conversation_id, body, headers):
    return client.post(f"/v1/conversations/{conversation_id}/messages", json=body, headers=headers)


def test_start_conversation_needs_a_buyer_token(bot_client, agent_headers):
    assert bot_client.post("/v1/conversations").status_code == 401
    bad = bot_client.post("/v1/conversations", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorized"
    assert bot_client.post("/v1/conversations", headers=agent_headers).status_code == 403


def test_turn_response_has_the_contract_shape(chat):
    turn = chat.say("cancel P100")
    assert set(turn) == TURN_KEYS
    assert turn["conversation_id"] == chat.id and turn["status"] == "bot"
    assert all(set(m) == {"role", "text", "citations"} for m in turn["messages"])
    assert turn["nlu"]["intent"] == {"name": "cancel_order", "confidence": 0.95}
    assert turn["nlu"]["entities"][0]["entity"] == "order_id"


def test_transcript_lists_messages_actions_and_case_ids(chat):
    chat.say("cancel P100")
    chat.say("yes")
    view = chat.view()
    assert [m["role"] for m in view["messages"]] == ["buyer", "bot", "buyer", "bot"]
    assert view["messages"][0]["text"] == "cancel P100"
    assert [a["type"] for a in view["actions"]] == ["cancel"]
    assert len(view["case_ids"]) == 1 and view["status"] == "bot"


def test_other_buyers_conversation_is_not_found(bot_client, chat):
    other = token_headers("B99")
    for response in (
        bot_client.get(f"/v1/conversations/{chat.id}", headers=other),
        _post(bot_client, chat.id, {"text": "hi"}, other),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    missing = bot_client.get("/v1/conversations/no-such-id", headers=other)
    assert missing.status_code == 404
    # Nothing was stored in the buyer's conversation.
    assert chat.view()["messages"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": 42}, "text"),
        ({"text": "hi", "attachments": [{"type": "video", "url": "https://a.b/c.mp4"}]},
         "attachments.0.type"),
        ({"text": "hi", "attachments": [{"type": "image", "url": "ftp://a.b/c.jpg"}]},
         "attachments.0.url"),
        ({"text": "hi", "attachments": [{"type": "image", "url": "javascript:alert(1)"}]},
         "attachments.0.url"),
        ({"text": "hi", "attachments": "photo.jpg"}, "attachments"),
        ({"text": "hi", "extra": 1}, "extra"),
    ],
)  # fmt: skip
def test_malformed_messages_are_refused_naming_the_field(bot_client, chat, body, field):
    response = _post(bot_client, chat.id, body, chat.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    assert chat.view()["messages"] == []


def test_invalid_json_is_a_400(bot_client, chat):
    response = bot_client.post(
        f"/v1/conversations/{chat.id}/messages",
        content=b"{not json",
        headers={**chat.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_a_photo_without_text_is_accepted(chat):
    chat.say("D201 arrived damaged")
    turn = chat.say("", photo="https://img.example.com/x.jpg")
    assert turn["expecting"] == "confirmation"


def test_idempotency_key_returns_the_first_response_and_processes_once(chat, nlu):
    chat.say("cancel P100")
    first = chat.say("yes", key="k-123")
    again = chat.say("yes", key="k-123")
    assert again == first and len(first["actions"]) == 1
    assert nlu.texts.count("yes") == 1
    assert [m["text"] for m in chat.view()["messages"] if m["role"] == "buyer"] == [
        "cancel P100",
        "yes",
    ]
    assert len(chat.view()["actions"]) == 1


def test_bad_idempotency_key_is_refused(bot_client, chat):
    headers = {**chat.headers, "Idempotency-Key": "x" * 129}
    response = _post(bot_client, chat.id, {"text": "hi"}, headers)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "Idempotency-Key"


def test_conversations_need_a_database(client, buyer_headers):
    response = client.post("/v1/conversations", headers=buyer_headers)
    assert response.status_code == 503


def test_a_closed_conversation_refuses_new_messages(bot_client, chat, agent_headers):
    chat.say("I need a human")
    [case] = bot_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    bot_client.post(
        f"/v1/agent/cases/{case['case_id']}/release", json={"to": "closed"}, headers=agent_headers
    )
    response = _post(bot_client, chat.id, {"text": "hello?"}, chat.headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conversation_closed"


def test_buyer_can_start_several_conversations(bot_client, buyer_headers):
    assert Chat(bot_client, buyer_headers).id != Chat(bot_client, buyer_headers).id


# --- per-buyer limits: 429 rate_limited with Retry-After ------------------------------------------


class SteppingClock:
    """NOW, a millisecond later at each call; `advance` jumps ahead."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        self.now += timedelta(milliseconds=1)
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def limited_app(database, nlu, answerer, risk_model, clock, **limits):
    settings = Settings(env="test", jwt_secret=SECRET, _env_file=None, **limits)
    services = make_services(database, nlu, answerer, risk_model)
    services.clock = clock
    return create_app(settings, services)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def limited(world_db, nlu, answerer, risk_model, clock):
    app = limited_app(
        world_db,
        nlu,
        answerer,
        risk_model,
        clock,
        buyer_max_conversations_per_hour=3,
        buyer_max_messages_per_minute=4,
        buyer_max_waiting_cases=2,
    )
    with TestClient(app) as client:
        yield client


def assert_rate_limited(response, retry_after: int | None = None) -> dict:
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == "rate_limited" and error["field"] is None and error["message"]
    assert set(error) == {"code", "message", "field"}
    seconds = int(response.headers["Retry-After"])
    assert seconds >= 1
    if retry_after is not None:
        assert seconds == retry_after
    return error


def test_a_buyer_may_start_a_limited_number_of_conversations_an_hour(limited, clock):
    b17 = token_headers("B17")
    for _ in range(3):
        assert limited.post("/v1/conversations", headers=b17).status_code == 201
    refused = limited.post("/v1/conversations", headers=b17)
    error = assert_rate_limited(refused, retry_after=3600)
    assert "3 an hour" in error["message"]
    # Another buyer is not affected.
    assert limited.post("/v1/conversations", headers=token_headers("B99")).status_code == 201
    # An hour after the first one, there is room again.
    clock.advance(hours=1)
    assert limited.post("/v1/conversations", headers=b17).status_code == 201


def test_buyer_messages_are_limited_across_conversations(limited, clock):
    first, second = Chat(limited, token_headers("B17")), Chat(limited, token_headers("B17"))
    for chat in (first, second, first, second):
        chat.say("hi")
    clock.advance(seconds=20)
    refused = _post(limited, first.id, {"text": "hello?"}, first.headers)
    error = assert_rate_limited(refused, retry_after=40)
    assert "4 a minute" in error["message"]
    assert_rate_limited(_post(limited, second.id, {"text": "hello?"}, second.headers))
    # Refused messages are not stored (and were not parsed).
    assert [m["text"] for m in first.view()["messages"] if m["role"] == "buyer"] == ["hi", "hi"]
    clock.advance(seconds=41)
    assert _post(limited, first.id, {"text": "hello?"}, first.headers).status_code == 200


def test_a_replayed_idempotency_key_is_not_rate_limited(limited, nlu):
    chat = Chat(limited, token_headers("B17"))
    first = chat.say("hi", key="k-1")
    for i in range(2, 5):
        chat.say("hi", key=f"k-{i}")
    assert_rate_limited(
        _post(limited, chat.id, {"text": "hi"}, {**chat.headers, "Idempotency-Key": "k-5"})
    )
    # The retry of a stored message is answered with its first response.
    again = _post(limited, chat.id, {"text": "hi"}, {**chat.headers, "Idempotency-Key": "k-1"})
    assert again.status_code == 200 and again.json() == first
    assert nlu.texts.count("hi") == 4


def test_a_buyer_with_too_many_cases_waiting_cannot_start_another(limited, world_db):
    b17 = token_headers("B17")
    with write_session(world_db.sessions) as session:
        cases = [
            CaseRow(
                buyer_id="B17", intent="request_human", status=CaseStatus.WAITING_FOR_AGENT,
                created_at=NOW, updated_at=NOW,
            )
            for _ in range(2)
        ]  # fmt: skip
        session.add_all(cases)
        session.flush()
        case_id = cases[0].id
    error = assert_rate_limited(limited.post("/v1/conversations", headers=b17), retry_after=300)
    assert "2 requests waiting for an agent" in error["message"]
    with write_session(world_db.sessions) as session:
        session.get(CaseRow, case_id).status = "resolved"  # type: ignore[union-attr]
    assert limited.post("/v1/conversations", headers=b17).status_code == 201


def test_limits_hold_across_bot_processes(world_db, nlu, answerer, risk_model, clock):
    # Two apps (two processes' worth of state) over one database: the counts are shared.
    other_db = Database(world_db.url)
    limits = {"buyer_max_conversations_per_hour": 3}
    app_a = limited_app(world_db, nlu, answerer, risk_model, clock, **limits)
    app_b = limited_app(other_db, nlu, answerer, risk_model, clock, **limits)
    b17 = token_headers("B17")
    try:
        with TestClient(app_a) as a, TestClient(app_b) as b:
            assert a.post("/v1/conversations", headers=b17).status_code == 201
            assert b.post("/v1/conversations", headers=b17).status_code == 201
            assert a.post("/v1/conversations", headers=b17).status_code == 201
            assert_rate_limited(b.post("/v1/conversations", headers=b17))
    finally:
        other_db.dispose()


def test_a_limit_of_zero_is_no_limit(world_db, nlu, answerer, risk_model, clock):
    app = limited_app(
        world_db, nlu, answerer, risk_model, clock, buyer_max_conversations_per_hour=0
    )
    with TestClient(app) as client:
        for _ in range(25):
            assert client.post("/v1/conversations", headers=token_headers("B17")).status_code == 201


def test_default_limits_apply(bot_client):
    b17 = token_headers("B17")
    for _ in range(20):
        assert bot_client.post("/v1/conversations", headers=b17).status_code == 201
    assert_rate_limited(bot_client.post("/v1/conversations", headers=b17))


# --- the buyer's own conversations (GET /v1/conversations, a contract extension) -----------------


def _listed(client, headers, **params) -> list[dict]:
    response = client.get("/v1/conversations", headers=headers, params=params)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"conversations"}
    return response.json()["conversations"]


def test_a_buyer_lists_their_own_conversations_newest_first(bot_client, buyer_headers):
    first = Chat(bot_client, buyer_headers)
    first.say("cancel P100")
    second = Chat(bot_client, buyer_headers)
    listed = _listed(bot_client, buyer_headers)
    assert [c["conversation_id"] for c in listed] == [second.id, first.id]
    fresh, older = listed
    assert set(older) == {"conversation_id", "status", "created_at", "updated_at", "last_message"}
    assert fresh["status"] == "bot" and fresh["last_message"] is None
    last = first.view()["messages"][-1]
    shown = older["last_message"]
    assert shown["role"] == "bot" and shown["created_at"] == last["created_at"]
    assert len(last["text"]) > 120 and len(shown["text"]) <= 120
    assert shown["text"].endswith("…") and last["text"].startswith(shown["text"][:-1])
    assert older["updated_at"] >= older["created_at"]
    # A turn makes a conversation the most recently updated one again.
    first.say("no")
    assert [c["conversation_id"] for c in _listed(bot_client, buyer_headers)] == [
        first.id,
        second.id,
    ]
    assert [c["conversation_id"] for c in _listed(bot_client, buyer_headers, limit=1)] == [first.id]


def test_a_long_last_message_is_cut_for_the_preview(bot_client, buyer_headers, nlu):
    chat = Chat(bot_client, buyer_headers)
    chat.say("I need a human")
    [case] = bot_client.get("/v1/agent/queue", headers=token_headers("agent-1", "agent")).json()[
        "cases"
    ]
    bot_client.post(
        f"/v1/agent/cases/{case['case_id']}/reply",
        json={"text": "word " * 60},
        headers=token_headers("agent-1", "agent"),
    )
    [listed] = _listed(bot_client, buyer_headers)
    assert listed["status"] == "waiting_for_agent"
    preview = listed["last_message"]
    assert preview["role"] == "agent" and len(preview["text"]) == 120
    assert preview["text"].startswith("word word") and preview["text"].endswith("…")


def test_another_buyers_conversations_are_not_listed(bot_client, buyer_headers):
    mine = Chat(bot_client, buyer_headers)
    Chat(bot_client, token_headers("B99")).say("hello")
    assert [c["conversation_id"] for c in _listed(bot_client, buyer_headers)] == [mine.id]
    assert _listed(bot_client, token_headers("B42")) == []


def test_listing_conversations_needs_a_buyer_token(bot_client, agent_headers):
    assert bot_client.get("/v1/conversations").status_code == 401
    refused = bot_client.get("/v1/conversations", headers=agent_headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("limit", ["0", "101", "many"])
def test_a_bad_limit_is_refused_naming_it(bot_client, buyer_headers, limit):
    response = bot_client.get("/v1/conversations", headers=buyer_headers, params={"limit": limit})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "limit"
