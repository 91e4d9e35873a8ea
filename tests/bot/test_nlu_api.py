import time

import jwt
import pytest

from tests.bot.conftest import SECRET


def test_parse_returns_the_contract_shape(client, agent_headers):
    response = client.post("/v1/nlu/parse", json={"text": "where is A1001"}, headers=agent_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["intent"] == {"name": "track_order", "confidence": 0.9}
    assert body["intent_ranking"] == [{"name": "track_order", "confidence": 0.9}]
    assert body["entities"] == [{"entity": "order_id", "value": "A1001", "start": 9, "end": 14}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": 42}, "text"),
        ({"text": None}, "text"),
        ({}, "text"),
        ({"text": "hi", "extra": 1}, "extra"),
    ],
)
def test_bad_bodies_are_422_naming_the_field(client, agent_headers, body, field):
    response = client.post("/v1/nlu/parse", json=body, headers=agent_headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["field"] == field
    assert field in error["message"]


def test_text_of_exactly_2000_chars_is_accepted(client, agent_headers):
    response = client.post("/v1/nlu/parse", json={"text": "x" * 2000}, headers=agent_headers)
    assert response.status_code == 200


def test_invalid_json_is_400(client, agent_headers):
    response = client.post(
        "/v1/nlu/parse",
        content=b'{"text": ',
        headers={**agent_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_invalid_utf8_is_400_not_500(client, agent_headers):
    response = client.post(
        "/v1/nlu/parse",
        content=b'{"text": "\xff\xfe bad"}',
        headers={**agent_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["error"]["message"]


def test_body_that_is_not_an_object_is_422(client, agent_headers):
    response = client.post("/v1/nlu/parse", json=["hi"], headers=agent_headers)
    assert response.status_code == 422


def test_missing_token_is_401(client):
    response = client.post("/v1/nlu/parse", json={"text": "hi"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        jwt.encode({"sub": "a", "role": "agent"}, "another-secret-0123456789abcdef-xx", "HS256"),
        jwt.encode({"sub": "a", "role": "admin"}, SECRET, "HS256"),
        jwt.encode({"role": "agent"}, SECRET, "HS256"),
        jwt.encode({"sub": "a", "role": "agent", "exp": int(time.time()) - 10}, SECRET, "HS256"),
    ],
)
def test_bad_tokens_are_401(client, token):
    response = client.post(
        "/v1/nlu/parse", json={"text": "hi"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


def test_buyer_token_is_refused(client, buyer_headers):
    response = client.post("/v1/nlu/parse", json={"text": "hi"}, headers=buyer_headers)
    assert response.status_code == 403


def test_rasa_down_is_503_with_the_envelope(client, parser, agent_headers):
    parser.down = True
    response = client.post("/v1/nlu/parse", json={"text": "hi"}, headers=agent_headers)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "nlu_unavailable"


def test_unknown_route_is_404_envelope(client):
    response = client.get("/v1/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
