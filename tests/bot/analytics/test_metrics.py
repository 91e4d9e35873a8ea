"""Every metric on the hand-built log (tests/bot/analytics/handbuilt.py), on DuckDB.

The expected numbers were computed by hand from the rows; test_metrics_pyspark.py checks that
PySpark computes the same from the same definitions.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.analytics import metrics as m
from bot.analytics.tables import Tables, Window, WindowError, from_arrow, parse_bound
from tests.bot.analytics.handbuilt import (
    EXPECTED,
    SINCE,
    UNTIL,
    WINDOW,
    arrow_tables,
    subsecond_tables,
)


@pytest.fixture(scope="module")
def tables() -> Iterator[Tables]:
    t = from_arrow(arrow_tables())
    yield t
    t.close()


@pytest.fixture(scope="module")
def s(tables: Tables) -> m.Scope:
    return m.scope(tables, WINDOW)


def by(rows: list[dict], key: str, value: str) -> dict:
    return {row[key]: row[value] for row in rows}


def test_conversations_in_window_exclude_both_edges(s):
    assert m.count(s.conversations) == EXPECTED["conversations"]


def test_volume_is_daily_for_a_week(s):
    rows = m.records(m.volume(s))
    assert {row["bucket"][:10]: row["conversations"] for row in rows} == EXPECTED["volume"]


def test_volume_is_hourly_under_three_days(tables):
    window = Window(SINCE + timedelta(days=2), SINCE + timedelta(days=4))
    assert window.grain == "hour"
    rows = m.records(m.volume(m.scope(tables, window)))
    assert rows == [
        {"bucket": "2026-11-03T12:00:00Z", "conversations": 1},
        {"bucket": "2026-11-03T15:00:00Z", "conversations": 1},
        {"bucket": "2026-11-04T08:00:00Z", "conversations": 1},
    ]


def test_intent_mix_counts_buyer_messages_the_nlu_read(s):
    assert by(m.records(m.message_intents(s)), "intent", "messages") == EXPECTED["intents"]


def test_cases_by_intent_with_escalations(s):
    rows = m.records(m.case_intents(s))
    assert {r["intent"]: (r["cases"], r["escalated"]) for r in rows} == EXPECTED["case_intents"]


def test_automation_and_escalation_over_case_bearing_conversations(s):
    row = m.one_row(m.automation(s))
    assert {k: row[k] for k in EXPECTED["automation"]} == EXPECTED["automation"]
    assert row["automation_rate"] == pytest.approx(3 / 7, abs=1e-6)
    assert row["escalation_rate"] == pytest.approx(3 / 7, abs=1e-6)


def test_escalation_reasons_count_every_code_of_human_decisions(s):
    assert (
        by(m.records(m.escalation_reasons(s)), "reason", "decisions")
        == EXPECTED["escalation_reasons"]
    )


def test_fallback_rate_counts_unreadable_messages_and_nlu_outages(s):
    row = m.one_row(m.fallback(s))
    assert {k: row[k] for k in EXPECTED["fallback"]} == EXPECTED["fallback"]
    assert row["rate"] == pytest.approx(4 / 17, abs=1e-6)
    assert (
        by(m.records(m.fallback_reasons(s)), "reason", "messages") == EXPECTED["fallback_reasons"]
    )


def test_resolution_per_case(s):
    rows = m.records(m.resolutions(s))
    assert {r["case_id"]: (r["kind"], r["turns"], r["minutes"]) for r in rows} == EXPECTED[
        "resolutions"
    ]


def test_minutes_keep_milliseconds():
    tables = from_arrow(subsecond_tables())
    [row] = m.records(m.resolutions(m.scope(tables, WINDOW)))
    tables.close()
    assert row == {"case_id": "SK1", "kind": "bot", "turns": 1, "minutes": round(0.65 / 60, 6)}


def test_resolution_median_and_p90_interpolate_linearly(s):
    rows = m.records(m.resolution_stats(s))
    got = {
        r["kind"]: (
            r["cases"],
            r["turns_median"],
            r["turns_p90"],
            r["minutes_median"],
            r["minutes_p90"],
        )
        for r in rows
    }
    assert set(got) == set(EXPECTED["resolution_stats"])
    for kind, expected in EXPECTED["resolution_stats"].items():
        assert got[kind] == pytest.approx(expected)


def test_resolution_histogram(s):
    rows = m.records(m.resolution_histogram(s))
    assert {(r["kind"], r["bin"]): r["cases"] for r in rows} == EXPECTED["resolution_histogram"]


def test_refunds_and_money_by_actor_per_currency(s):
    rows = m.records(m.money(s))
    assert m.refunds_from(rows, m.REFUND) == EXPECTED["refunds"]
    assert m.refunds_from(rows, None) == EXPECTED["money"]


def test_csat_overall_and_by_route(s):
    assert m.csat_from(m.records(m.csat(s))) == EXPECTED["csat"]


@pytest.mark.parametrize("slice_", m.SLICES)
def test_fairness_slices_and_their_gaps(s, slice_):
    rows = m.records(m.fairness(s, slice_))
    keys = ("case_conversations", "cases", "automated", "auto_approved", "escalated")
    got = {r["group"]: tuple(r[k] for k in keys) for r in rows}
    assert got == EXPECTED["fairness"][slice_]
    for r in rows:
        n = r["case_conversations"]
        assert r["automation_rate"] == pytest.approx(r["automated"] / n)
        assert r["auto_approval_rate"] == pytest.approx(r["auto_approved"] / n)
        assert r["escalation_rate"] == pytest.approx(r["escalated"] / n)
    gap = m.one_row(m.fairness_gap(s, slice_))
    groups, auto_gap, escalation_gap = EXPECTED["fairness_gap"][slice_]
    assert gap == pytest.approx(
        {"groups": groups, "auto_approval_gap": auto_gap, "escalation_gap": escalation_gap}
    )


def test_cached_scope_gives_the_same_answers(s):
    with m.cached(s) as c:
        assert m.records(m.resolution_stats(c)) == m.records(m.resolution_stats(s))
        assert m.records(m.fairness(c, "region")) == m.records(m.fairness(s, "region"))
        assert m.one_row(m.automation(c)) == m.one_row(m.automation(s))


def test_summary_has_the_contract_keys_and_numbers(tables):
    summary = m.summary(tables, SINCE, UNTIL)
    contract = {"conversations", "automation_rate", "escalation_rate", "fallback_rate"}
    assert contract | {"intents", "refunds", "csat"} <= set(summary)
    assert set(summary["refunds"]) == {"auto", "human"}
    assert summary["conversations"] == 8
    assert summary["automation"] == {"numerator": 3, "denominator": 7}
    assert summary["escalation"] == {"numerator": 3, "denominator": 7}
    assert summary["fallback"] == {"numerator": 4, "denominator": 17}
    assert summary["intents"] == EXPECTED["intents"]
    assert summary["refunds"] == EXPECTED["refunds"]
    assert summary["csat"] == EXPECTED["csat"]
    assert summary["window"] == {"since": "2026-11-01T00:00:00Z", "until": "2026-11-08T00:00:00Z"}


def test_an_empty_window_gives_zeros_and_no_rates(tables):
    summary = m.summary(tables, datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 1, 2, tzinfo=UTC))
    assert summary["conversations"] == 0
    assert summary["automation_rate"] is None and summary["fallback_rate"] is None
    assert summary["intents"] == {}
    assert summary["refunds"] == {
        "auto": {"count": 0, "amount": {}},
        "human": {"count": 0, "amount": {}},
    }
    assert summary["csat"]["mean"] is None and summary["csat"]["count"] == 0


# --- the window ---------------------------------------------------------------------------------


def test_window_bounds_parse_dates_and_datetimes_as_utc():
    assert parse_bound("2026-11-01", "since") == SINCE
    assert parse_bound("2026-11-01T02:00:00+02:00", "since") == SINCE
    assert parse_bound("2026-11-01T00:00:00Z", "since") == SINCE
    assert parse_bound("2026-11-01T00:00:00", "since") == SINCE


def test_window_defaults_to_the_last_seven_days():
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    window = Window.parse(None, None, now=now)
    assert (window.since, window.until) == (now - timedelta(days=7), now)
    assert Window.parse("2026-11-19", None, now=now).grain == "hour"


@pytest.mark.parametrize(
    ("since", "until", "field"),
    [
        ("yesterday", "2026-11-08", "since"),
        ("2026-11-01", "2026-13-01", "until"),
        ("2026-11-08", "2026-11-01", "until"),
        ("2026-11-01", "2026-11-01", "until"),
    ],
)
def test_bad_windows_name_the_field(since, until, field):
    with pytest.raises(WindowError) as error:
        Window.parse(since, until, now=datetime.now(UTC))
    assert error.value.field == field
    assert str(error.value).startswith(f"{field}: ")


def test_failed_messages_are_unreadable_ones_and_openings_of_escalated_conversations(tables):
    from bot.analytics.clusters import failed_messages

    ids = {message_id for message_id, _text in failed_messages(tables, WINDOW)}
    # Unreadable: C2's low-confidence reading (M9), C6's out_of_scope (M28) and nlu_fallback
    # (M30). Openings of escalated conversations: C2's damage report (M7), C4's message while
    # Rasa was down (M18), C8's parcel that never came (M34). Not C3 (a refusal the bot
    # explained), nor later turns such as C2's "request_human".
    assert ids == {"M7", "M9", "M18", "M28", "M30", "M34"}


def test_failed_messages_carry_their_conversations_language(tables):
    from bot.analytics.clusters import _failed_rows

    languages = {row["message_id"]: row["language"] for row in _failed_rows(tables, WINDOW)}
    # C2 and C6 are B2's (Thai), C4 and C8 are B1's and B4's (Malay).
    assert languages == {"M7": "th", "M9": "th", "M28": "th", "M30": "th", "M18": "ms", "M34": "ms"}
