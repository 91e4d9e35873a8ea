"""Metrics of conversations, intents, cases (escalation, automation) and NLU fallback, as Ibis
expressions (definitions: `bot.analytics.metrics`)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from bot.analytics.metrics_scope import (
    BOT_ACTOR,
    BUYER,
    HUMAN,
    NLU_UNAVAILABLE,
    UNREADABLE_INTENTS,
    Scope,
    _count_true,
    _ratio,
    case_closed_by_bot,
    case_escalated,
    conversation_automated,
)

# --- conversations and intents --------------------------------------------------------------------


def volume(s: Scope) -> ir.Table:
    """Conversations per hour (windows under 3 days) or per day: ``bucket, conversations``."""
    unit = "h" if s.window.grain == "hour" else "D"
    c = s.conversations
    return (
        c.group_by(bucket=c.created_at.truncate(unit))
        .agg(conversations=_.count())
        .order_by("bucket")
    )


def buyer_readings(s: Scope) -> ir.Table:
    """Buyer messages the NLU read (a stored reading)."""
    m = s.messages
    return m.filter(m.role == BUYER, m.intent.notnull())


def message_intents(s: Scope) -> ir.Table:
    """``intent, messages``: buyer messages by the intent the bot acted on."""
    m = buyer_readings(s)
    return m.group_by("intent").agg(messages=_.count()).order_by([ibis.desc("messages"), "intent"])


def case_intents(s: Scope) -> ir.Table:
    """``intent, cases, escalated``: cases by intent, and how many of them went to a person."""
    f = case_facts(s)
    return (
        f.group_by("intent")
        .agg(cases=_.count(), escalated=_count_true(f.escalated))
        .order_by([ibis.desc("cases"), "intent"])
    )


# --- cases: escalation, automation ----------------------------------------------------------------


def case_facts(s: Scope) -> ir.Table:
    """One row per case of the window: what its decisions and actions say about it.

    ``escalated``: a human decision; ``bot_money``: the bot executed an action with an amount;
    ``bot_action_at`` / ``agent_action_at``: the first action of the bot / of an agent.
    """
    if s.facts is not None:
        return s.facts
    return case_outcomes(s.cases, s.decisions, s.actions)


def case_outcomes(cases: ir.Table, decisions: ir.Table, actions: ir.Table) -> ir.Table:
    """`case_facts` of any cases with their decisions and actions (the experiments section
    counts with it too)."""
    d = decisions
    decided = d.group_by(d_case=d.case_id).agg(escalated=(d.route == HUMAN).any())
    a = actions
    by_bot = a.actor == BOT_ACTOR
    acted = a.group_by(a_case=a.case_id).agg(
        bot_money=(by_bot & (a.amount > 0)).any(),
        bot_action_at=a.created_at.min(where=by_bot),
        agent_action_at=a.created_at.min(where=~by_bot),
    )
    c = cases
    joined = c.left_join(decided, c.case_id == decided.d_case)
    # The second predicate names the join's column, not ``c``'s: Ibis refuses ``c`` here
    # because the decisions and actions were scoped through the cases themselves.
    joined = joined.left_join(acted, joined.case_id == acted.a_case)
    return joined.select(
        "case_id",
        "conversation_id",
        "buyer_id",
        "intent",
        "status",
        "created_at",
        "updated_at",
        escalated=case_escalated(joined.status, joined.escalated),
        bot_money=joined.bot_money.fill_null(False),
        bot_action_at=joined.bot_action_at,
        agent_action_at=joined.agent_action_at,
    )


def conversation_outcomes(s: Scope) -> ir.Table:
    """One row per case-bearing conversation: ``escalated``, ``automated``."""
    return outcomes_per_conversation(case_facts(s)).select(
        "conversation_id", "escalated", "automated"
    )


def outcomes_per_conversation(f: ir.Table) -> ir.Table:
    """Case facts (`case_outcomes`) per case conversation: ``conversation_id, buyer_id,
    first_case_at, cases, escalated, automated, bot_money``: the unit every section counts."""
    per = f.group_by("conversation_id").agg(
        buyer_id=f.buyer_id.min(),
        first_case_at=f.created_at.min(),
        cases=f.count(),
        escalated=f.escalated.any(),
        closed_by_bot=case_closed_by_bot(f.status).any(),
        bot_money=f.bot_money.any(),
    )
    return per.select(
        "conversation_id",
        "buyer_id",
        "first_case_at",
        "cases",
        "escalated",
        automated=conversation_automated(per.escalated, per.closed_by_bot),
        bot_money=per.bot_money,
    )


def automation(s: Scope) -> ir.Table:
    """One row: case-bearing conversations, automated, escalated, and the two rates."""
    o = conversation_outcomes(s)
    counts = o.agg(
        case_conversations=_.count(),
        automated=_count_true(o.automated),
        escalated=_count_true(o.escalated),
    )
    return counts.mutate(
        automation_rate=_ratio(counts.automated, counts.case_conversations),
        escalation_rate=_ratio(counts.escalated, counts.case_conversations),
    )


def escalation_reasons(s: Scope) -> ir.Table:
    """``reason, decisions``: reason codes over the human decisions of escalated cases (a
    refusal the bot explained is routed ``human`` but is no escalation)."""
    f = case_facts(s)
    escalated = f.filter(f.escalated).select(e_case=f.case_id)
    d = s.decisions
    h = d.filter(d.route == HUMAN).semi_join(escalated, d.case_id == escalated.e_case)
    return (
        h.select(reason=h.reasons.unnest())
        .group_by("reason")
        .agg(decisions=_.count())
        .order_by([ibis.desc("decisions"), "reason"])
    )


# --- fallback -------------------------------------------------------------------------------------


def _unreadable(m: ir.Table) -> ir.BooleanValue:
    return m.intent.isin(UNREADABLE_INTENTS) | m.fallback_reason.notnull()


def _nlu_down(s: Scope) -> ir.Table:
    d = s.decisions
    return d.filter(d.route == HUMAN, d.reasons.contains(NLU_UNAVAILABLE))


def fallback(s: Scope) -> ir.Table:
    """One row: ``unreadable``, ``nlu_unavailable``, ``numerator``, ``denominator``, ``rate``."""
    m = buyer_readings(s)
    read = m.agg(processed=_.count(), unreadable=_count_true(_unreadable(m)))
    down = _nlu_down(s).agg(nlu_unavailable=_.count())
    both = read.cross_join(down)
    numerator = both.unreadable + both.nlu_unavailable
    denominator = both.processed + both.nlu_unavailable
    return both.select(
        "processed",
        "unreadable",
        "nlu_unavailable",
        numerator=numerator,
        denominator=denominator,
        rate=_ratio(numerator, denominator),
    )


def fallback_reasons(s: Scope) -> ir.Table:
    """``reason, messages``: why messages were not read confidently (the fallback reason, else
    the intent ``out_of_scope``/``nlu_fallback``; ``nlu_unavailable`` when Rasa was down)."""
    m = buyer_readings(s)
    m = m.filter(_unreadable(m))
    read = m.select(reason=m.fallback_reason.fill_null(m.intent))
    down = _nlu_down(s).select(reason=ibis.literal(NLU_UNAVAILABLE))
    return (
        ibis.union(read, down)
        .group_by("reason")
        .agg(messages=_.count())
        .order_by([ibis.desc("messages"), "reason"])
    )
