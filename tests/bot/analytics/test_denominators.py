"""One definition of the denominators: the summary's case conversations and what "automated" and
"escalated" mean are the same in every section that counts them (the top cards, the fairness
slices, the experiments), so their figures add up to each other on the same data."""

from __future__ import annotations

import pyarrow as pa
import pytest

from bot.analytics import metrics as m
from bot.analytics.experiments import analyse
from bot.analytics.report import build_report
from bot.analytics.tables import from_arrow
from tests.bot.analytics.handbuilt import EXPECTED, WINDOW, arrow_tables

# Every decision under one experiment, the arm by buyer (a salted hash assigns by buyer too).
ARMS = {"B1": "control", "B2": "treatment", "B3": "control", "B4": "treatment"}


@pytest.fixture
def tables():
    arrow = arrow_tables()
    cases = {row["case_id"]: row["buyer_id"] for row in arrow["cases"].to_pylist()}
    decisions = arrow["decisions"].to_pylist()
    for row in decisions:
        row["experiment"] = "refund_limit"
        row["arm"] = ARMS[cases[row["case_id"]]]
    arrow["decisions"] = pa.Table.from_pylist(decisions, schema=arrow["decisions"].schema)
    t = from_arrow(arrow)
    yield t
    t.close()


def test_summary_fairness_and_experiments_count_the_same_conversations(tables):
    report = build_report(tables, WINDOW, hooks={"clusters": lambda _t, _w: {}})
    summary = report["summary"]
    automated = summary["automation"]["numerator"]
    escalated = summary["escalation"]["numerator"]
    case_conversations = summary["case_conversations"]
    # The hand count first: C1 C3 C5 automated, C2 C4 C8 escalated, C7 open, of 7.
    assert (case_conversations, automated, escalated) == (7, 3, 3)
    assert report["automation"]["case_conversations"] == case_conversations
    for slice_ in m.SLICES:
        groups = report["fairness"][slice_]["groups"]
        assert sum(g["case_conversations"] for g in groups) == case_conversations
        assert sum(g["automated"] for g in groups) == automated
        assert sum(g["escalated"] for g in groups) == escalated

    s = m.scope(tables, WINDOW)
    scoped = {"decisions": s.decisions, "cases": s.cases, "actions": s.actions,
              "ratings": s.ratings, "buyers": s.buyers}  # fmt: skip
    [experiment] = analyse(scoped, n_boot=20).experiments
    arms = experiment.arms
    assert sum(a.cases for a in arms) == case_conversations
    rates = [(a.metrics["automation_rate"], a.metrics["escalation_rate"]) for a in arms]
    assert sum(round(auto.value * auto.n) for auto, _ in rates) == automated
    assert sum(round(esc.value * esc.n) for _, esc in rates) == escalated


def test_a_conversation_with_two_cases_counts_once_everywhere(tables):
    # C5 holds K5 (declined) and K6 (resolved, the bot paid): one automated conversation.
    s = m.scope(tables, WINDOW)
    outcomes = {
        r["conversation_id"]: r for r in m.records(m.outcomes_per_conversation(m.case_facts(s)))
    }
    assert outcomes["C5"]["cases"] == 2
    assert outcomes["C5"]["automated"] and not outcomes["C5"]["escalated"]
    north = {g["group"]: g for g in m.records(m.fairness(s, "region"))}["north"]
    assert north["case_conversations"], (
        north["cases"] == EXPECTED["fairness"]["region"]["north"][:2]
    )
