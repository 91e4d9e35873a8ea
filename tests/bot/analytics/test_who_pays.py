"""Who pays and disputes on the hand-built log (tests/bot/analytics/handbuilt.py, its docstring
lists the refunds' parties and the disputes), on DuckDB; test_metrics_pyspark.py checks that
PySpark computes the same. Every number below was worked out by hand from the rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.analytics import metrics as m
from bot.analytics.report import build_report
from bot.analytics.report_output import result_tables
from bot.analytics.tables import Tables, Window, from_arrow
from tests.bot.analytics.handbuilt import WINDOW, arrow_tables


@pytest.fixture(scope="module")
def tables() -> Iterator[Tables]:
    t = from_arrow(arrow_tables())
    yield t
    t.close()


@pytest.fixture(scope="module")
def s(tables: Tables) -> m.Scope:
    return m.scope(tables, WINDOW)


def test_refund_cost_by_party_per_currency(s):
    # A0 (C0) is outside; A6 is a cancel and A8a a voucher: not refunds.
    assert m.records(m.refund_cost_by_party(s)) == [
        {"party": "none", "currency": "USD", "refunds": 1, "amount": 30.0},
        {"party": "seller", "currency": "EUR", "refunds": 1, "amount": 60.0},
        {"party": "seller", "currency": "USD", "refunds": 1, "amount": 45.0},
    ]


def test_top_sellers_rank_within_each_currency(s):
    # S2's 30 USD refund is attributed to nobody: S2 appears only under EUR.
    assert m.records(m.top_sellers(s)) == [
        {"currency": "EUR", "rank": 1, "seller_id": "S2", "refunds": 1, "amount": 60.0},
        {"currency": "USD", "rank": 1, "seller_id": "S1", "refunds": 1, "amount": 45.0},
    ]
    assert m.records(m.top_sellers(s, limit=0)) == []


def test_dispute_rate_counts_case_conversations_like_the_automation_rate(s):
    rate = m.one_row(m.dispute_conversations(s))
    # Disputed: C1, C2, C5 (two disputes, counted once), C8; of 7 case conversations.
    assert rate["case_conversations"] == m.one_row(m.automation(s))["case_conversations"] == 7
    assert rate["disputed"] == 4
    assert rate["dispute_rate"] == pytest.approx(4 / 7)


def test_seller_response_time_and_the_unanswered(s):
    stats = m.one_row(m.dispute_stats(s))
    # DP0 is outside; answered DP1 2 h, DP2 6 h, DP4 24 h (its earlier statement is no
    # answer); DP3 (timed out) and DP5 (awaiting) unanswered.
    assert (stats["disputes"], stats["answered"], stats["unanswered"]) == (5, 3, 2)
    assert stats["hours_median"] == pytest.approx(6.0)
    assert stats["hours_p90"] == pytest.approx(6.0 + 0.8 * (24.0 - 6.0))  # linear: 20.4


def test_outcomes_and_the_seller_win_rate(s):
    assert m.one_row(m.dispute_outcomes(s)) == {
        "seller_accepted": 1,
        "seller_contested": 1,
        "seller_offered": 1,
        "timeout_for_buyer": 1,
        "agent_for_buyer": 0,
        "agent_for_seller": 1,
        "awaiting_seller": 1,
    }
    stats = m.one_row(m.dispute_stats(s))
    # Decided: DP2 for the seller (an agent), DP3 for the buyer (the timeout).
    assert (stats["decided"], stats["decided_for_seller"]) == (2, 1)
    assert stats["seller_win_rate"] == 0.5


def test_a_window_without_disputes_reports_zeros_and_no_rates(tables):
    quiet = m.scope(
        tables, Window(WINDOW.since - timedelta(days=30), WINDOW.since - timedelta(days=20))
    )
    stats = m.one_row(m.dispute_stats(quiet))
    assert (stats["disputes"], stats["unanswered"], stats["seller_win_rate"]) == (0, 0, None)
    assert stats["hours_median"] is None
    assert m.one_row(m.dispute_conversations(quiet))["dispute_rate"] is None
    assert m.records(m.refund_cost_by_party(quiet)) == []


def test_the_report_section_and_its_csv_tables(tables):
    report = build_report(tables, WINDOW, sections=False)
    part = report["who_pays"]
    assert set(part) == {"refunds_by_party", "top_sellers", "disputes"}
    disputes = part["disputes"]
    assert disputes["opened"] == 5 and disputes["dispute_rate"] == round(4 / 7, 6)
    assert disputes["seller_response_hours"] == {
        "answered": 3,
        "unanswered": 2,
        "median": 6.0,
        "p90": 20.4,
    }
    assert disputes["outcomes"]["timeout_for_buyer"] == 1
    assert disputes["seller_win_rate"] == 0.5
    assert "who_pays" in report["definitions"]
    csvs = result_tables(report)
    assert len(csvs["refunds_by_party"]) == 3 and len(csvs["top_sellers"]) == 2
    [flat] = csvs["disputes"]
    assert (flat["unanswered"], flat["agent_for_seller"], flat["seller_win_rate"]) == (2, 1, 0.5)
