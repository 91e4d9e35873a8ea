"""Property tests of the redactor's time bound and of what it takes, on text Hypothesis makes.

The seeded random test in test_redact_redos.py runs without Hypothesis; these search further.
Hypothesis is a dev extra (pyproject.toml); where it is not installed the module is skipped.
"""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesis", reason="hypothesis is not installed")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analytics.redact import Redactor, load_redactor
from tests.bot.analytics.test_redact_redos import LIMIT_S, PIECES, PLANTED, _in_child

# Runs of one piece ("a_a_a_...", "      ", "111,111,..."), pieces of what the patterns look
# for, and any text at all: up to a few thousand characters.
RUNS = st.lists(st.tuples(st.sampled_from(PIECES), st.integers(1, 300)), max_size=12).map(
    lambda runs: "".join(piece * n for piece, n in runs)[:3000]
)
TEXT = st.one_of(
    st.text(max_size=3000),
    st.lists(st.sampled_from(PIECES), max_size=600).map("".join),
    RUNS,
)
SHORT_TEXT = TEXT.map(lambda text: text[:1500])
PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,  # each example is timed, in a child that is killed past its hard limit
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return load_redactor()


@PROPERTY_SETTINGS
@given(text=TEXT)
def test_any_text_is_redacted_in_time(redactor: Redactor, text: str) -> None:
    seconds, _ = _in_child(redactor.redact, text)
    assert seconds < LIMIT_S


@PROPERTY_SETTINGS
@given(before=SHORT_TEXT, planted=st.sampled_from(PLANTED), after=SHORT_TEXT)
def test_planted_emails_and_phones_go_whatever_surrounds_them(
    redactor: Redactor, before: str, planted: tuple[str, str], after: str
) -> None:
    template, pii = planted
    text = f"{before}\n\n{template.format(pii)}\n\n{after}"
    seconds, out = _in_child(redactor.redact, text)
    assert seconds < LIMIT_S
    assert pii not in out
