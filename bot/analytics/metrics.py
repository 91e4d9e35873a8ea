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
    Case conversations (the unit of the automation figures, so a slice's groups add up to the
    summary's case conversations) by buyer region and by account-age band when the
    conversation's first case opened (<30d, 30-180d, 180-365d, >365d; age from the earlier of
    the buyer's first sighting and oldest order; ``unknown`` without a buyer row or region):
    case conversations, their cases, automation rate and escalation rate (as above),
    auto-approval rate (the bot executed a money action, amount > 0, on one of its cases); and
    per slice the largest gap between its groups (max - min rate).
who pays (refund cost)
    Refund actions by ``responsible_party`` (seller, carrier, platform, buyer; ``none`` when
    nobody was attributed), count and amount per currency; the top sellers by the refund cost
    attributed to the seller (per currency, largest first, ten at most).
disputes
    Disputes of the window's cases. Dispute rate: case conversations with a dispute / case
    conversations (the automation rate's denominator). Seller response: hours from opening to
    the seller's first answer (accept, contest or offer), median and p90 over answered
    disputes; unanswered counted apart. Outcomes: disputes whose log holds each event (seller
    accepted, contested, offered; decided for the buyer by the timeout; decided by an agent for
    the buyer or the seller), and those still awaiting the seller. Seller win rate: decided for
    the seller / decided (for either side, the timeout included).

One definition: `metrics_scope.case_escalated`, `case_closed_by_bot` and
`conversation_automated` say what escalated and automated mean, and
`metrics_cases.outcomes_per_conversation` counts case conversations with them, for the summary,
the fairness slices and the experiments section alike.
"""

# The definitions live in four modules (scope and helpers, cases, outcomes, running them); this
# one is the name callers use (`from bot.analytics import metrics as m`), so it re-exports them.
from __future__ import annotations

from bot.analytics.metrics_cases import (
    _nlu_down,
    _unreadable,
    automation,
    buyer_readings,
    case_facts,
    case_intents,
    case_outcomes,
    conversation_outcomes,
    escalation_reasons,
    fallback,
    fallback_reasons,
    message_intents,
    outcomes_per_conversation,
    volume,
)
from bot.analytics.metrics_disputes import (
    dispute_conversations,
    dispute_outcomes,
    dispute_stats,
    refund_cost_by_party,
    top_sellers,
)
from bot.analytics.metrics_outcomes import (
    case_groups,
    csat,
    fairness,
    fairness_gap,
    money,
    rated,
    resolution_histogram,
    resolution_stats,
    resolutions,
)
from bot.analytics.metrics_scope import (
    AGE_BANDS,
    AGENT_STATUSES,
    BOT_ACTOR,
    BOT_TERMINAL,
    BUYER,
    DECLINED,
    HUMAN,
    LONGEST_BIN,
    MINUTE_BINS,
    NLU_UNAVAILABLE,
    OLDEST_BAND,
    REFUND,
    SCORES,
    SLICES,
    UNKNOWN,
    UNREADABLE_INTENTS,
    Scope,
    Slice,
    _bucketed,
    _count_true,
    _epoch_ms,
    _minutes,
    _ratio,
    case_closed_by_bot,
    case_escalated,
    conversation_automated,
    scope,
)
from bot.analytics.metrics_summary import (
    cached,
    count,
    csat_from,
    measure_summary,
    one_row,
    plain,
    records,
    refunds_from,
    summary,
    summary_from,
)

__all__ = [
    "AGENT_STATUSES",
    "AGE_BANDS",
    "BOT_ACTOR",
    "BOT_TERMINAL",
    "BUYER",
    "DECLINED",
    "HUMAN",
    "LONGEST_BIN",
    "MINUTE_BINS",
    "NLU_UNAVAILABLE",
    "OLDEST_BAND",
    "REFUND",
    "SCORES",
    "SLICES",
    "UNKNOWN",
    "UNREADABLE_INTENTS",
    "Scope",
    "Slice",
    "_bucketed",
    "_count_true",
    "_epoch_ms",
    "_minutes",
    "_nlu_down",
    "_ratio",
    "_unreadable",
    "automation",
    "buyer_readings",
    "cached",
    "case_closed_by_bot",
    "case_escalated",
    "case_facts",
    "case_groups",
    "case_intents",
    "case_outcomes",
    "conversation_automated",
    "conversation_outcomes",
    "count",
    "csat",
    "csat_from",
    "dispute_conversations",
    "dispute_outcomes",
    "dispute_stats",
    "escalation_reasons",
    "fairness",
    "fairness_gap",
    "fallback",
    "fallback_reasons",
    "measure_summary",
    "message_intents",
    "money",
    "one_row",
    "outcomes_per_conversation",
    "plain",
    "rated",
    "records",
    "refund_cost_by_party",
    "refunds_from",
    "resolution_histogram",
    "resolution_stats",
    "resolutions",
    "scope",
    "summary",
    "summary_from",
    "top_sellers",
    "volume",
]
