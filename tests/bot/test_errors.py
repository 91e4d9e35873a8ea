"""The HTTP mapping of the exception tree (`bot.api.errors`): each kind's status, code, field
and headers, in the contract's envelope."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.agent.actions import ActionRefused
from bot.agent.desk import CaseConflict, CaseNotFound
from bot.analytics.tables import WindowError
from bot.api.errors import install_error_handlers, status_of
from bot.auth import AuthError
from bot.dialogue.manager import ConversationClosed
from bot.store.conversations import ConversationNotFound
from bot.store.db import StoreError
from bot.store.orders import BuyerChangeRefused
from common.errors import (
    AftersalesError,
    Conflict,
    DependencyFailed,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    TooLarge,
    Unauthorized,
    Unavailable,
)
from nlu.errors import NluBadResponse, NluUnavailable
from policies.risk import RiskModelError


def answer(exc: Exception):
    """What a route raising ``exc`` answers."""
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise exc

    with TestClient(app, raise_server_exceptions=False) as client:
        return client.get("/boom")


@pytest.mark.parametrize(
    ("exc", "status", "code", "field"),
    [
        (InvalidInput("amount: too big", field="amount"), 422, "validation_error", "amount"),
        (Unauthorized("no token"), 401, "unauthorized", None),
        (Forbidden("agents only"), 403, "forbidden", None),
        (NotFound("A1"), 404, "not_found", None),
        (Conflict("already closed"), 409, "conflict", None),
        (Unavailable("the store is not configured"), 503, "service_unavailable", None),
        (DependencyFailed("it answered junk"), 502, "dependency_failed", None),
    ],
)
def test_each_kind_has_its_status_code_and_field(exc, status, code, field):
    response = answer(exc)
    assert response.status_code == status == status_of(exc)
    error = response.json()["error"]
    assert (error["code"], error.get("field"), error["message"]) == (code, field, str(exc))
    assert set(response.json()) == {"error"}
    if field is None:
        assert "field" not in error  # the contract's field is optional: absent, not null


def test_unauthorized_asks_for_a_bearer_token():
    assert answer(AuthError("token expired")).headers["WWW-Authenticate"] == "Bearer"


def test_rate_limited_says_when_to_retry_and_names_no_field():
    response = answer(RateLimited("too many messages", 42))
    assert response.status_code == 429 and response.headers["Retry-After"] == "42"
    assert response.json() == {
        "error": {"code": "rate_limited", "message": "too many messages", "field": None}
    }


def test_too_large_names_no_field():
    response = answer(TooLarge("request body over 10 bytes"))
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "payload_too_large",
        "message": "request body over 10 bytes",
        "field": None,
    }


@pytest.mark.parametrize(
    ("exc", "status", "code", "field", "message"),
    [
        (ConversationNotFound("v-1"), 404, "not_found", None, "conversation v-1 not found"),
        (CaseNotFound("c-1"), 404, "not_found", None, "case c-1 not found"),
        (
            ConversationClosed("v-1"),
            409,
            "conversation_closed",
            None,
            "conversation v-1 is closed; start a new one with POST /v1/conversations",
        ),
        (CaseConflict("case c-1 is closed"), 409, "conflict", None, "case c-1 is closed"),
        (
            ActionRefused("override_required", "override: the rules refuse", "override"),
            422,
            "override_required",
            "override",
            "override: the rules refuse",
        ),
        (WindowError("until", "before since"), 422, "validation_error", "until", None),
        (BuyerChangeRefused("A1", "B1", "B2"), 422, "validation_error", "buyer_id", None),
        (
            NluUnavailable("http://rasa:5005 timed out after 2 s"),
            503,
            "nlu_unavailable",
            None,
            "the language-understanding service is unavailable",
        ),
        (
            NluBadResponse("no intent in {}"),
            502,
            "nlu_bad_response",
            None,
            "the language-understanding service failed",
        ),
    ],
)
def test_the_packages_errors_answer_as_their_kind(exc, status, code, field, message):
    response = answer(exc)
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error.get("field")) == (code, field)
    assert error["message"] == (message or str(exc))


@pytest.mark.parametrize(
    "exc",
    [
        AftersalesError("secret detail"),
        StoreError("secret detail"),
        RiskModelError("secret detail"),
        ValueError("secret detail"),
    ],
)
def test_the_bots_own_faults_are_500_and_say_nothing_of_the_cause(exc):
    response = answer(exc)
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": "internal error; the request was not processed",
        }
    }


def test_the_first_kind_in_the_mro_wins_over_a_package_root():
    # NluUnavailable is an NluError (502) but first an Unavailable (503).
    assert status_of(NluUnavailable("down")) == 503
    assert status_of(NluBadResponse("junk")) == 502
