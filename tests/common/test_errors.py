"""The one exception tree: every package's errors are kinds of `common.errors`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.agent.actions import ActionRefused
from bot.agent.desk import CaseConflict, CaseNotFound
from bot.agent.suggestions.precedents import AssistIndexMismatch, AssistIndexMissing
from bot.analytics.redact import RedactionError
from bot.analytics.tables import AnalyticsError, SnapshotError, WindowError
from bot.api.body_limit import BodyTooLarge
from bot.api.orders import BadSignature
from bot.auth import AuthError
from bot.dialogue.manager import ConversationClosed, DialogueError
from bot.store.conversations import ConversationNotFound
from bot.store.db import StoreError, UnsupportedDatabase
from bot.store.ledger import LedgerRefused
from bot.store.orders import BuyerChangeRefused
from common import errors
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
from nlu.errors import NluBadResponse, NluError, NluModelNotFound, NluUnavailable
from nlu.export_encoder import ExportError
from policies.risk import RiskModelError, UntrustedArtifactError
from retrieval.errors import IndexMissingError, InvalidQueryError, RetrievalError

COMMON = Path(errors.__file__).resolve().parent
PROJECT_PACKAGES = {"bot", "nlu", "retrieval", "policies", "lab", "data", "tests"}


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (ConversationNotFound, NotFound),
        (CaseNotFound, NotFound),
        (ConversationClosed, Conflict),
        (CaseConflict, Conflict),
        (LedgerRefused, Conflict),
        (AuthError, Unauthorized),
        (BadSignature, Unauthorized),
        (ActionRefused, InvalidInput),
        (WindowError, InvalidInput),
        (BuyerChangeRefused, InvalidInput),
        (InvalidQueryError, InvalidInput),
        (BodyTooLarge, TooLarge),
        (NluUnavailable, Unavailable),
        (NluError, DependencyFailed),
        (NluBadResponse, DependencyFailed),
        (NluModelNotFound, DependencyFailed),
    ],
)
def test_each_error_is_of_its_kind(error, kind):
    assert issubclass(error, kind)


@pytest.mark.parametrize(
    "error",
    [
        DialogueError,
        StoreError,
        UnsupportedDatabase,
        AnalyticsError,
        SnapshotError,
        RedactionError,
        AssistIndexMissing,
        AssistIndexMismatch,
        RetrievalError,
        IndexMissingError,
        RiskModelError,
        UntrustedArtifactError,
        ExportError,
    ],
)
def test_package_roots_and_internal_errors_are_aftersales_errors(error):
    assert issubclass(error, AftersalesError)


def test_builtin_bases_are_kept_for_callers_that_catch_them():
    assert issubclass(WindowError, ValueError)
    assert issubclass(InvalidQueryError, ValueError)
    assert issubclass(UnsupportedDatabase, ValueError)
    assert issubclass(CaseNotFound, LookupError)
    assert issubclass(AssistIndexMissing, FileNotFoundError)
    assert issubclass(ExportError, RuntimeError)


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (AftersalesError, "internal_error"),
        (InvalidInput, "validation_error"),
        (Unauthorized, "unauthorized"),
        (Forbidden, "forbidden"),
        (Conflict, "conflict"),
        (TooLarge, "payload_too_large"),
        (Unavailable, "service_unavailable"),
        (DependencyFailed, "dependency_failed"),
    ],
)
def test_each_kind_carries_its_contract_code_and_an_instance_may_refine_it(kind, code):
    assert kind("x").code == code
    refined = kind("x", code="something_else", field="amount")
    assert (refined.code, refined.field, str(refined)) == ("something_else", "amount", "x")
    assert kind.code == code  # the refinement stays on the instance


def test_not_found_names_what_was_not_found():
    assert str(NotFound("A1")) == "resource A1 not found"
    assert str(CaseNotFound("c-1")) == "case c-1 not found"
    assert str(ConversationNotFound("v-1")) == "conversation v-1 not found"
    assert CaseNotFound("c-1").key == "c-1" and CaseNotFound("c-1").code == "not_found"


def test_rate_limited_waits_at_least_a_second():
    assert RateLimited("slow down", 0).retry_after_s == 1
    assert RateLimited("slow down", 12.7).retry_after_s == 12
    assert RateLimited("slow down", 5).code == "rate_limited"


def test_errors_that_carry_their_own_code_and_field():
    refused = ActionRefused("override_required", "override: needed", "override")
    assert (refused.code, refused.field, refused.message) == (
        "override_required",
        "override",
        "override: needed",
    )
    window = WindowError("since", "not a date")
    assert (window.code, window.field, str(window)) == (
        "validation_error",
        "since",
        "since: not a date",
    )
    change = BuyerChangeRefused("A1", "B1", "B2")
    assert change.field == "buyer_id" and str(change).startswith("buyer_id: ")
    assert LedgerRefused("already_cancelled", "no").code == "already_cancelled"
    closed = ConversationClosed("v-1")
    assert closed.code == "conversation_closed" and "v-1 is closed" in str(closed)
    assert NluUnavailable("rasa timed out").code == "nlu_unavailable"
    assert NluBadResponse("junk").code == "nlu_bad_response"


def test_common_imports_nothing_of_the_project():
    for path in COMMON.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            roots = {name.split(".")[0] for name in names}
            assert not roots & PROJECT_PACKAGES, f"{path.name} imports {roots}"
