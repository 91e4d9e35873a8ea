"""The window's rows (`Scope`) and the small expression helpers every metric uses; the
definitions are in `bot.analytics.metrics`' docstring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

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
SLICES = ("region", "account_age", "language")
Slice = Literal["region", "account_age", "language"]


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
    disputes: ir.Table
    dispute_events: ir.Table
    # Set by `cached`: the case facts and resolutions, materialised once for many queries.
    facts: ir.Table | None = None
    resolved: ir.Table | None = None


def scope(tables: Tables, window: Window) -> Scope:
    c = tables.conversations
    conversations = c.filter(c.created_at >= window.since, c.created_at < window.until)
    ids = conversations.select("conversation_id")
    cases = tables.cases.semi_join(ids, "conversation_id")
    case_ids = cases.select("case_id")
    disputes = tables.disputes.semi_join(case_ids, "case_id")
    return Scope(
        window=window,
        conversations=conversations,
        messages=tables.messages.semi_join(ids, "conversation_id"),
        cases=cases,
        decisions=tables.decisions.semi_join(case_ids, "case_id"),
        actions=tables.actions.semi_join(case_ids, "case_id"),
        ratings=tables.ratings.semi_join(ids, "conversation_id"),
        buyers=tables.buyers,
        disputes=disputes,
        dispute_events=tables.dispute_events.semi_join(disputes.select("dispute_id"), "dispute_id"),
    )


# --- the one definition of outcomes (every section counts with these) --------------------------


def case_escalated(status: ir.StringValue, human_decision: ir.BooleanValue) -> ir.BooleanValue:
    """A person took the case: it sits (or sat) in the agent queue, or a decision routed it to a
    person. A refusal the rules explained is routed "human" too, but the bot closed it
    ("declined"): not escalated."""
    return (human_decision.fill_null(False) & (status != DECLINED)) | status.isin(AGENT_STATUSES)


def case_closed_by_bot(status: ir.StringValue) -> ir.BooleanValue:
    """The bot brought the case to an end: "resolved" (remedy executed) or "declined"."""
    return status.isin(BOT_TERMINAL)


def conversation_automated(
    any_escalated: ir.BooleanValue, any_closed_by_bot: ir.BooleanValue
) -> ir.BooleanValue:
    """A case conversation is automated when none of its cases was escalated and the bot closed
    one of them; it is escalated when one was; otherwise it is open. Every section (the summary,
    automation, fairness, the experiments) counts case conversations with these."""
    return ~any_escalated & any_closed_by_bot


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
