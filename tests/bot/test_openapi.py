"""``/openapi.json`` describes every response: each API route declares a response model, and
errors are documented with the contract's envelope."""

from __future__ import annotations

from typing import Any

import pytest

# The web pages are HTML, not API responses.
SKIPPED_TAGS = {"console"}
ENVELOPE = "#/components/schemas/ErrorEnvelope"


@pytest.fixture
def spec(client) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if not SKIPPED_TAGS & set(operation.get("tags", []))
    ]
    # health, ready, parse, orders, three conversation routes, two analytics, six agent routes
    assert len(found) >= 15
    return found


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_every_operation_has_a_described_success_response(spec):
    for method, path, operation in operations(spec):
        success = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert success, f"{method} {path} documents no 2xx response"
        for status, response in success.items():
            content = response.get("content", {})
            if path.startswith("/v1/media/"):
                # Photos are image bytes, in the formats the upload keeps.
                assert set(content) == {"image/jpeg", "image/png", "image/webp"}, path
                assert {c["schema"]["format"] for c in content.values()} == {"binary"}
                continue
            schema = content.get("application/json", {}).get("schema", {})
            model = resolve(spec, schema)
            # A bare `dict` return gives {"type": "object", "additionalProperties": true}: not
            # a description.
            assert model.get("properties"), f"{method} {path} {status}: {schema or 'no schema'}"


def test_errors_are_documented_with_the_envelope(spec):
    envelope = resolve(spec, {"$ref": ENVELOPE})
    assert set(envelope["properties"]) == {"error"}
    error = resolve(spec, envelope["properties"]["error"])
    assert set(error["properties"]) == {"code", "message", "field"}
    assert set(error["required"]) == {"code", "message"}
    for method, path, operation in operations(spec):
        if path in ("/health", "/ready"):
            continue  # /ready's 503 is the readiness document itself, naming the checks
        errors = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
        refs = {
            s: r.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
            for s, r in errors.items()
        }
        assert refs, f"{method} {path} documents no error"
        assert set(refs.values()) == {ENVELOPE}, f"{method} {path}: {refs}"


def test_the_contracts_routes_name_their_response_models(spec):
    def model_of(path: str, method: str, status: str = "200") -> str:
        response = spec["paths"][path][method]["responses"][status]
        return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    assert model_of("/v1/conversations", "post", "201") == "Started"
    assert model_of("/v1/conversations/{conversation_id}/messages", "post") == "Turn"
    assert model_of("/v1/conversations/{conversation_id}", "get") == "ConversationView"
    assert model_of("/v1/nlu/parse", "post") == "ParseResponse"
    assert model_of("/v1/orders/{order_id}", "put") == "OrderPayload"
    assert model_of("/v1/analytics/summary", "get") == "Summary"
    assert model_of("/v1/analytics/report", "get") == "Report"
    assert model_of("/v1/conversations/{conversation_id}/photos", "post", "201") == (
        "PhotoAttachment"
    )
    upload = spec["paths"]["/v1/conversations/{conversation_id}/photos"]["post"]["requestBody"]
    form = resolve(spec, upload["content"]["multipart/form-data"]["schema"])
    assert form["required"] == ["file"]
    attachment = spec["components"]["schemas"]["Attachment"]["properties"]
    assert {"type", "url", "media_id", "thumbnail_url"} <= set(attachment)
    turn = spec["components"]["schemas"]["Turn"]["properties"]
    assert {"conversation_id", "status", "messages", "expecting", "actions", "nlu"} <= set(turn)
