"""Conversation-log metrics, written once as Ibis expressions: DuckDB and PySpark run the same
definitions. Pandas appears only where results are materialised (`records`, `one_row`).

Every metric covers the conversations created in the window ``[since, until)`` and what is
attached to them (their messages, cases, the cases' decisions and actions, their ratings),
whenever those happened. Cases opened outside a conversation are not counted. The definitions
below are decisions of the project lead; the README repeats them.

conversations
    Conversations created in the window. Volume: per hour for windows under 3 days, else per day.
intent mix
    Buyer messages by the NLU intent the bot acted on (messages the NLU read); cases by intent.
case-bearing conversation
    A conversation with at least one case.
escalated (case, conversation)
    A case is escalated when a person took it: it has a decision with route ``human`` and the
    bot did not close it itself (a refusal the rules explained is routed ``human`` too, but its
    case ends ``declined``), or it carries a status only the agent queue gives
    (``waiting_for_agent``, ``returned_to_bot``, ``closed``). A conversation is escalated when
    one of its cases is. The experiments' report uses the same definition.
automated (conversation)
    Not escalated, and one of its cases reached a terminal status by the bot: ``resolved`` (the
    bot executed a remedy) or ``declined`` (the rules refused, or the buyer said no).
automation_rate, escalation_rate
    automated / case-bearing and escalated / case-bearing conversations (numerators and the
    denominator are reported too); a conversation can be neither (its case is still open).
escalation reasons
    Reason codes over human decisions (a decision with two codes counts for both).
fallback_rate
    Buyer messages the bot could not read confidently / buyer messages the bot processed.
    Processed: the NLU read it (a stored reading), or the NLU was unavailable for it (a human
    decision with reason ``nlu_unavailable``: exactly one per such message). Not read
    confidently: intent ``nlu_fallback`` or ``out_of_scope``, or a ``fallback_reason``
    (low confidence, ambiguous, no intent), or NLU unavailable.
resolution (turns, minutes; median and p90)
    Bot-resolved case: status ``resolved`` or ``declined`` and no human decision; it ends at the
    bot's first action, else at its last update. Human-resolved case: a human decision and an
    action by an agent (actor other than ``bot``); it ends at the first agent action. Minutes:
    case created -> end, to the millisecond on both engines. Turns: buyer messages of the
    conversation up to the end (from the start of the conversation: stating the problem is part
    of the buyer's effort).
    Percentiles interpolate linearly (DuckDB ``quantile_cont``, Spark ``percentile``).
refunds and money
    Actions by actor: ``bot`` is auto, anyone else (an agent id) is human; count and amount summed
    per currency (amounts in different currencies are never added). Refunds are type ``refund``.
csat
    Ratings (1-5) of the window's conversations: mean, count, distribution; by route: human when
    the rated case (or, for a rating without a case, the conversation) was escalated, else auto.
fairness slices
    Cases by buyer region and by account-age band at case time (<30d, 30-180d, 180-365d,
    >365d; age from the earlier of the buyer's first sighting and oldest order; ``unknown``
    without a buyer row or region): cases, auto-approval rate (the bot executed a money action,
    amount > 0, on the case), escalation rate (a human decision); and per slice the largest gap
    between its groups (max - min rate).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from ibis import _

from bot.analytics.tables import Tables, Window
from bot.store.cases import CaseStatus
from bot.store.models import DecisionRoute, MessageRole
from nlu.adapter import RASA_FALLBACK_INTENT
from nlu.types import OUT_OF_SCOPE

BOT_ACTOR = "bot"
BUYER = MessageRole.BUYER.value
HUMAN = DecisionRoute.HUMAN.value
BOT_TERMINAL = (CaseStatus.RESOLVED, CaseStatus.DECLINED)
DECLINED = CaseStatus.DECLINED
# Statuses only the agent queue gives a case: it was escalated, whatever its route says.
AGENT_STATUSES = (CaseStatus.WAITING_FOR_AGENT, CaseStatus.RETURNED_TO_BOT, CaseStatus.CLOSED)
UNREADABLE_INTENTS = (RASA_FALLBACK_INTENT, OUT_OF_SCOPE)
NLU_UNAVAILABLE = "nlu_unavailable"
REFUND = "refund"
UNKNOWN = "unknown"
# Account age at case time, in days: upper bounds (exclusive) and labels, then the oldest band.
AGE_BANDS = ((30, "<30d"), (180, "30-180d"), (365, "180-365d"))
OLDEST_BAND = ">365d"
# Minutes to resolution, for the distribution chart: upper bounds (exclusive) and labels.
MINUTE_BINS = (
    (1, "<1m"),
    (5, "1-5m"),
    (15, "5-15m"),
    (60, "15-60m"),
    (240, "1-4h"),
    (1440, "4-24h"),
)
LONGEST_BIN = ">24h"
SCORES = (1, 2, 3, 4, 5)
SLICES = ("region", "account_age")
Slice = Literal["region", "account_age"]


@dataclass(frozen=True)
class Scope:
    """The window's rows: conversations created in it and what hangs off them."""

    window: Window
    conversations: ir.Table
    messages: ir.Table
    cases: ir.Table
    decisions: ir.Table
    actions: ir.Table
    ratings: ir.Table
    buyers: ir.Table
    # Set by `cached`: the case facts and resolutions, materialised once for many queries.
    facts: ir.Table | None = None
    resolved: ir.Table | None = None


def scope(tables: Tables, window: Window) -> Scope:
    c = tables.conversations
    conversations = c.filter(c.created_at >= window.since, c.created_at < window.until)
    ids = conversations.select("conversation_id")
    cases = tables.cases.semi_join(ids, "conversation_id")
    case_ids = cases.select("case_id")
    return Scope(
        window=window,
        conversations=conversations,
        messages=tables.messages.semi_join(ids, "conversation_id"),
        cases=cases,
        decisions=tables.decisions.semi_join(case_ids, "case_id"),
        actions=tables.actions.semi_join(case_ids, "case_id"),
        ratings=tables.ratings.semi_join(ids, "conversation_id"),
        buyers=tables.buyers,
    )


@contextmanager
def cached(s: Scope) -> Iterator[Scope]:
    """The scope with its case facts and resolutions materialised once (a DuckDB temporary
    table in memory, a persisted Spark DataFrame), released on exit. Most report queries
    start from them; without this each would join the decisions and actions (and, for
    resolutions, the messages) again. The definitions do not change."""
    facts = case_facts(s).cache()
    try:
        with_facts = replace(s, facts=facts)
        resolved = resolutions(with_facts).cache()
        try:
            yield replace(with_facts, resolved=resolved)
        finally:
            resolved.release()
    finally:
        facts.release()


# --- small helpers (expressions) ------------------------------------------------------------------


def _count_true(condition: ir.BooleanValue) -> ir.IntegerScalar:
    # NULL counts as false; an empty table counts 0 (not NULL).
    return condition.ifelse(1, 0).sum().fill_null(0)


def _ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    # NULL rather than a division by zero (an error under Spark's ANSI mode).
    return numerator.cast("float64") / denominator.nullif(0).cast("float64")


def _epoch_ms(ts: ir.TimestampValue) -> ir.IntegerValue:
    # The same on both engines: Spark's epoch seconds drop the fraction of a second, DuckDB's
    # keep it; whole seconds plus the millisecond part agree everywhere.
    return ts.epoch_seconds().floor().cast("int64") * 1000 + ts.millisecond().cast("int64")


def _minutes(start: ir.TimestampValue, end: ir.TimestampValue) -> ir.FloatingValue:
    return (_epoch_ms(end) - _epoch_ms(start)).cast("float64") / 60_000.0


def _bucketed(value: ir.NumericValue, bounds: tuple[tuple[int, str], ...], last: str) -> Any:
    branches = [(value < bound, label) for bound, label in bounds]
    return ibis.cases(*branches, else_=last)


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
    d = s.decisions
    decided = d.group_by(d_case=d.case_id).agg(escalated=(d.route == HUMAN).any())
    a = s.actions
    by_bot = a.actor == BOT_ACTOR
    acted = a.group_by(a_case=a.case_id).agg(
        bot_money=(by_bot & (a.amount > 0)).any(),
        bot_action_at=a.created_at.min(where=by_bot),
        agent_action_at=a.created_at.min(where=~by_bot),
    )
    c = s.cases
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
        # A person took the case: it sits (or sat) in the agent queue. A refusal the rules
        # explained is routed "human" too, but the bot closed it ("declined"): not escalated.
        escalated=(joined.escalated.fill_null(False) & (joined.status != DECLINED))
        | joined.status.isin(AGENT_STATUSES),
        bot_money=joined.bot_money.fill_null(False),
        bot_action_at=joined.bot_action_at,
        agent_action_at=joined.agent_action_at,
    )


def conversation_outcomes(s: Scope) -> ir.Table:
    """One row per case-bearing conversation: ``escalated``, ``automated``."""
    f = case_facts(s)
    per = f.group_by("conversation_id").agg(
        escalated=f.escalated.any(),
        bot_terminal=f.status.isin(BOT_TERMINAL).any(),
    )
    return per.select(
        "conversation_id",
        "escalated",
        automated=~per.escalated & per.bot_terminal,
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


# --- resolution -----------------------------------------------------------------------------------


def resolutions(s: Scope) -> ir.Table:
    """One row per resolved case: ``case_id, kind`` (bot | human), ``turns``, ``minutes``."""
    if s.resolved is not None:
        return s.resolved
    f = case_facts(s)
    by_bot = f.status.isin(BOT_TERMINAL) & ~f.escalated
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
    """Case facts with the buyer's ``region`` and ``account_age`` band at case time."""
    b = s.buyers
    buyers = b.select(
        b_id=b.buyer_id,
        region=b.region,
        account_since=ibis.least(b.created_at, b.first_order_at),
    )
    f = case_facts(s)
    joined = f.left_join(buyers, f.buyer_id == buyers.b_id)
    days = _minutes(joined.account_since, joined.created_at) / (24 * 60)
    band = ibis.cases(
        (joined.account_since.isnull(), UNKNOWN),
        *[(days < bound, label) for bound, label in AGE_BANDS],
        else_=OLDEST_BAND,
    )
    return joined.select(
        "case_id",
        "escalated",
        "bot_money",
        region=joined.region.fill_null(UNKNOWN),
        account_age=band,
    )


def fairness(s: Scope, by: Slice) -> ir.Table:
    """Per group of the slice: ``cases``, ``auto_approved``, ``escalated`` and their rates."""
    g = case_groups(s)
    counts = g.group_by(group=g[by]).agg(
        cases=_.count(),
        auto_approved=_count_true(g.bot_money),
        escalated=_count_true(g.escalated),
    )
    return counts.mutate(
        auto_approval_rate=_ratio(counts.auto_approved, counts.cases),
        escalation_rate=_ratio(counts.escalated, counts.cases),
    ).order_by("group")


def fairness_gap(s: Scope, by: Slice) -> ir.Table:
    """One row: ``groups`` and the largest gap (max - min) of each rate between them."""
    f = fairness(s, by)
    return f.agg(
        groups=_.count(),
        auto_approval_gap=f.auto_approval_rate.max() - f.auto_approval_rate.min(),
        escalation_gap=f.escalation_rate.max() - f.escalation_rate.min(),
    )


# --- materialising --------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A materialised value as plain JSON-able Python: NaN/NaT -> None, numpy -> int/float
    (six decimals), Decimal -> float (cents), timestamps -> ISO 8601 UTC."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, Decimal):
        return round(float(value), 2)
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        # Six decimals: enough for any rate, and no 2.8000000000000003 in the JSON.
        return None if math.isnan(value) else round(float(value), 6)
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
        return stamp.isoformat().replace("+00:00", "Z")
    return value


def records(expr: ir.Table) -> list[dict[str, Any]]:
    """The rows of a result table as plain dicts (column order kept)."""
    frame = expr.execute()
    return [
        {column: plain(value) for column, value in zip(frame.columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def one_row(expr: ir.Table) -> dict[str, Any]:
    rows = records(expr)
    if len(rows) != 1:
        raise ValueError(f"expected one row, got {len(rows)}")
    return rows[0]


def count(expr: ir.Table) -> int:
    return int(expr.count().execute())


# --- the contract's summary -----------------------------------------------------------------------


def measure_summary(s: Scope) -> dict[str, Any]:
    """What the summary needs, materialised (the report reuses it)."""
    return {
        "conversations": count(s.conversations),
        "automation": one_row(automation(s)),
        "fallback": one_row(fallback(s)),
        "message_intents": records(message_intents(s)),
        "money": records(money(s)),
        "csat": records(csat(s)),
    }


def summary(tables: Tables, since: datetime, until: datetime) -> dict[str, Any]:
    """``GET /v1/analytics/summary``: the contract's keys, extended (never renamed)."""
    window = Window(since, until)
    return summary_from(window, measure_summary(scope(tables, window)))


def summary_from(window: Window, measured: dict[str, Any]) -> dict[str, Any]:
    auto, fb = measured["automation"], measured["fallback"]
    return {
        "window": window.to_dict(),
        "conversations": measured["conversations"],
        "case_conversations": auto["case_conversations"],
        "automation_rate": auto["automation_rate"],
        "escalation_rate": auto["escalation_rate"],
        "fallback_rate": fb["rate"],
        "automation": {"numerator": auto["automated"], "denominator": auto["case_conversations"]},
        "escalation": {"numerator": auto["escalated"], "denominator": auto["case_conversations"]},
        "fallback": {"numerator": fb["numerator"], "denominator": fb["denominator"]},
        "intents": {row["intent"]: row["messages"] for row in measured["message_intents"]},
        "refunds": refunds_from(measured["money"], REFUND),
        "money": refunds_from(measured["money"], None),
        "csat": csat_from(measured["csat"]),
    }


def refunds_from(rows: list[dict[str, Any]], type_: str | None) -> dict[str, Any]:
    """``{"auto": {"count", "amount": {currency: sum}}, "human": {...}}`` for one action type
    (``None``: every type)."""
    out: dict[str, Any] = {by: {"count": 0, "amount": {}} for by in ("auto", "human")}
    for row in rows:
        if type_ is not None and row["type"] != type_:
            continue
        side = out[row["by"]]
        side["count"] += row["actions"]
        amount = side["amount"]
        amount[row["currency"]] = round(amount.get(row["currency"], 0.0) + row["amount"], 2)
    return out


def csat_from(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"mean", "count", "distribution": {"1".."5"}, "by_route": {"auto", "human"}}``."""

    def shaped(row: dict[str, Any] | None) -> dict[str, Any]:
        row = row or {}
        mean = row.get("mean")
        return {
            "mean": None if mean is None else round(mean, 3),
            "count": row.get("ratings", 0),
            "distribution": {str(k): row.get(f"score_{k}", 0) for k in SCORES},
        }

    by_route = {row["route"]: row for row in rows}
    overall = shaped(by_route.get("all"))
    overall["by_route"] = {route: shaped(by_route.get(route)) for route in ("auto", "human")}
    return overall
