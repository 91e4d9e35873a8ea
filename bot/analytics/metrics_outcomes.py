"""Metrics of outcomes: resolution times, money moved, satisfaction and fairness by slice, as Ibis
expressions (definitions: `bot.analytics.metrics`)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
from ibis import _

from bot.analytics.metrics_cases import (
    case_facts,
    conversation_outcomes,
    outcomes_per_conversation,
)
from bot.analytics.metrics_scope import (
    AGE_BANDS,
    BOT_ACTOR,
    BUYER,
    LONGEST_BIN,
    MINUTE_BINS,
    OLDEST_BAND,
    SCORES,
    UNKNOWN,
    Scope,
    Slice,
    _bucketed,
    _count_true,
    _minutes,
    _ratio,
    case_closed_by_bot,
)

# --- resolution -----------------------------------------------------------------------------------


def resolutions(s: Scope) -> ir.Table:
    """One row per resolved case: ``case_id, kind`` (bot | human), ``turns``, ``minutes``."""
    if s.resolved is not None:
        return s.resolved
    f = case_facts(s)
    by_bot = case_closed_by_bot(f.status) & ~f.escalated
    by_agent = f.escalated & f.agent_action_at.notnull()
    kind = ibis.cases((by_bot, "bot"), (by_agent, "human"))
    end = ibis.cases(
        (by_bot, f.bot_action_at.fill_null(f.updated_at)), (by_agent, f.agent_action_at)
    )
    ended = f.select("case_id", "conversation_id", "created_at", kind=kind, ended_at=end).filter(
        _.kind.notnull()
    )
    m = s.messages
    buyer = m.filter(m.role == BUYER).select(m_conversation=m.conversation_id, m_at=m.created_at)
    joined = ended.left_join(
        buyer,
        (ended.conversation_id == buyer.m_conversation) & (buyer.m_at <= ended.ended_at),
    )
    counted = joined.group_by("case_id", "kind", "created_at", "ended_at").agg(
        turns=joined.m_at.count()
    )
    return counted.select(
        "case_id",
        "kind",
        "turns",
        minutes=_minutes(counted.created_at, counted.ended_at),
    )


def resolution_stats(s: Scope) -> ir.Table:
    """Per kind: ``cases``, turns and minutes to resolution (median, p90)."""
    r = resolutions(s)
    turns = r.turns.cast("float64")
    return (
        r.group_by("kind")
        .agg(
            cases=_.count(),
            turns_median=turns.quantile(0.5),
            turns_p90=turns.quantile(0.9),
            minutes_median=r.minutes.quantile(0.5),
            minutes_p90=r.minutes.quantile(0.9),
        )
        .order_by("kind")
    )


def resolution_histogram(s: Scope) -> ir.Table:
    """``kind, bin, bin_order, cases``: minutes to resolution in fixed bins."""
    r = resolutions(s)
    order = ibis.cases(
        *[(r.minutes < bound, i) for i, (bound, _label) in enumerate(MINUTE_BINS)],
        else_=len(MINUTE_BINS),
    )
    binned = r.select("kind", bin=_bucketed(r.minutes, MINUTE_BINS, LONGEST_BIN), bin_order=order)
    return (
        binned.group_by("kind", "bin", "bin_order")
        .agg(cases=_.count())
        .order_by(["kind", "bin_order"])
    )


# --- money ----------------------------------------------------------------------------------------


def money(s: Scope) -> ir.Table:
    """``by`` (auto | human), ``type``, ``currency``, ``actions``, ``amount``: every action."""
    a = s.actions
    by = (a.actor == BOT_ACTOR).ifelse("auto", "human")
    return (
        a.group_by(by=by, type=a.type, currency=a.currency)
        .agg(actions=_.count(), amount=a.amount.sum())
        .order_by(["by", "type", "currency"])
    )


# --- satisfaction ---------------------------------------------------------------------------------


def rated(s: Scope) -> ir.Table:
    """The window's ratings with the route of what was rated (auto | human)."""
    f = case_facts(s)
    cases = f.select(r_case=f.case_id, case_escalated=f.escalated)
    o = conversation_outcomes(s)
    conversations = o.select(r_conversation=o.conversation_id, conversation_escalated=o.escalated)
    r = s.ratings
    joined = r.left_join(cases, r.case_id == cases.r_case)
    joined = joined.left_join(conversations, joined.conversation_id == conversations.r_conversation)
    escalated = ibis.cases(
        (joined.case_id.notnull(), joined.case_escalated),
        else_=joined.conversation_escalated,
    ).fill_null(False)
    return joined.select("rating_id", "score", route=escalated.ifelse("human", "auto"))


def csat(s: Scope) -> ir.Table:
    """Per route and for ``all``: ``ratings``, ``mean``, ``score_1`` .. ``score_5`` counts."""
    r = rated(s)

    def measures(t: ir.Table) -> dict[str, Any]:
        return {
            "ratings": t.count(),
            "mean": t.score.mean(),
            **{f"score_{k}": _count_true(t.score == k) for k in SCORES},
        }

    per_route = r.group_by("route").agg(**measures(r))
    overall = r.agg(**measures(r)).mutate(route=ibis.literal("all"))
    return ibis.union(per_route, overall.select(*per_route.columns)).order_by("route")


# --- fairness -------------------------------------------------------------------------------------


def case_groups(s: Scope) -> ir.Table:
    """Case conversations (`outcomes_per_conversation`, the unit of the automation figures) with
    the buyer's ``region``, ``account_age`` band when the conversation's first case opened, and
    the conversation's ``language``."""
    b = s.buyers
    buyers = b.select(
        b_id=b.buyer_id,
        region=b.region,
        account_since=ibis.least(b.created_at, b.first_order_at),
    )
    o = outcomes_per_conversation(case_facts(s))
    languages = s.conversations.select(
        c_id=s.conversations.conversation_id, language=s.conversations.language
    )
    joined = o.left_join(buyers, o.buyer_id == buyers.b_id)
    joined = joined.left_join(languages, joined.conversation_id == languages.c_id)
    days = _minutes(joined.account_since, joined.first_case_at) / (24 * 60)
    band = ibis.cases(
        (joined.account_since.isnull(), UNKNOWN),
        *[(days < bound, label) for bound, label in AGE_BANDS],
        else_=OLDEST_BAND,
    )
    return joined.select(
        "conversation_id",
        "cases",
        "escalated",
        "automated",
        "bot_money",
        region=joined.region.fill_null(UNKNOWN),
        account_age=band,
        language=joined.language.fill_null(UNKNOWN),
    )


def fairness(s: Scope, by: Slice) -> ir.Table:
    """Per group of the slice: ``case_conversations`` (the rates' denominator, as in the
    summary), ``cases``, and ``automated``, ``auto_approved``, ``escalated`` conversations with
    their rates. The groups' case conversations add up to the summary's."""
    g = case_groups(s)
    counts = g.group_by(group=g[by]).agg(
        case_conversations=_.count(),
        cases=g.cases.sum(),
        automated=_count_true(g.automated),
        auto_approved=_count_true(g.bot_money),
        escalated=_count_true(g.escalated),
    )
    return counts.mutate(
        automation_rate=_ratio(counts.automated, counts.case_conversations),
        auto_approval_rate=_ratio(counts.auto_approved, counts.case_conversations),
        escalation_rate=_ratio(counts.escalated, counts.case_conversations),
    ).order_by("group")


def fairness_gap(s: Scope, by: Slice) -> ir.Table:
    """One row: ``groups`` and the largest gap (max - min) of each rate between them."""
    f = fairness(s, by)
    return f.agg(
        groups=_.count(),
        auto_approval_gap=f.auto_approval_rate.max() - f.auto_approval_rate.min(),
        escalation_gap=f.escalation_rate.max() - f.escalation_rate.min(),
    )
