"""The buyer conversation API: auth, ownership, validation, idempotency, the response shape."""

import pytest

from tests.bot.conftest import token_headers
from tests.utils.builders import Chat

TURN_KEYS = {
    "conversation_id",
    "status",
    "messages",
    "expecting",
    "quick_replies",
    "actions",
    "nlu",
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
