"""Who pays and disputes (issue 18): refund cost by responsible party and by seller, and how
disputes with sellers went. Definitions in `bot.analytics.metrics`' docstring and the README.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from bot.analytics.metrics_cases import conversation_outcomes
from bot.analytics.metrics_scope import REFUND, Scope, _count_true, _minutes, _ratio
from bot.disputes.machine import Move
from bot.store.models import DisputeStatus

NO_PARTY = "none"  # a refund nobody was attributed (rows from before issue 18 too)
SELLER = "seller"
TOP_SELLERS = 10
# A seller's answer to a dispute: the first of these moves by the seller ends the wait.
SELLER_ANSWERS = (Move.ACCEPT.value, Move.CONTEST.value, Move.OFFER.value)
DECIDED = (DisputeStatus.DECIDED_FOR_BUYER.value, DisputeStatus.DECIDED_FOR_SELLER.value)
# Outcome name -> the dispute event that marks it (a dispute contested and then decided counts
# once as contested and once as decided: the seller's answer and the verdict are two facts).
OUTCOME_EVENTS = {
    "seller_accepted": Move.ACCEPT.value,
    "seller_contested": Move.CONTEST.value,
    "seller_offered": Move.OFFER.value,
    "timeout_for_buyer": Move.TIMEOUT.value,
    "agent_for_buyer": Move.DECIDE_FOR_BUYER.value,
    "agent_for_seller": Move.DECIDE_FOR_SELLER.value,
}


def _refunds(s: Scope) -> ir.Table:
    a = s.actions
    return a.filter(a.type == REFUND)


def refund_cost_by_party(s: Scope) -> ir.Table:
    """``party, currency, refunds, amount``: refund actions by who bears the cost (``none``
    when nobody was attributed), per currency (currencies are never added together)."""
    a = _refunds(s)
    party = a.responsible_party.fill_null(NO_PARTY)
    return (
        a.group_by(party=party, currency=a.currency)
        .agg(refunds=_.count(), amount=a.amount.sum())
        .order_by(["party", "currency"])
    )


def top_sellers(s: Scope, limit: int = TOP_SELLERS) -> ir.Table:
    """``currency, rank, seller_id, refunds, amount``: per currency (amounts in different
    currencies are not comparable), the ``limit`` sellers bearing the most refund cost (refunds
    attributed to the seller), largest first (ties: more refunds, then seller id)."""
    a = _refunds(s)
    a = a.filter(a.responsible_party == SELLER)
    per = a.group_by(seller_id=a.seller_id, currency=a.currency).agg(
        refunds=_.count(), amount=a.amount.sum()
    )
    order = [ibis.desc(per.amount), ibis.desc(per.refunds), per.seller_id]
    ranked = per.mutate(rank=ibis.row_number().over(group_by=per.currency, order_by=order) + 1)
    return (
        ranked.filter(ranked.rank <= limit)
        .select("currency", "rank", "seller_id", "refunds", "amount")
        .order_by(["currency", "rank"])
    )


def _first_answers(s: Scope) -> ir.Table:
    """Per dispute: ``dispute_id``, ``answered_at`` (the seller's first answer, null if none)."""
    e = s.dispute_events
    answers = e.filter((e.actor_role == SELLER) & e.kind.isin(SELLER_ANSWERS))
    first = answers.group_by(a_dispute=answers.dispute_id).agg(answered_at=answers.created_at.min())
    d = s.disputes
    joined = d.left_join(first, d.dispute_id == first.a_dispute)
    return joined.select(
        "dispute_id",
        hours=_minutes(joined.created_at, joined.answered_at) / 60.0,
    )


def dispute_stats(s: Scope) -> ir.Table:
    """One row: ``disputes`` opened, ``answered``, ``unanswered``, seller response ``hours``
    median and p90 (answered disputes), ``decided``, ``decided_for_seller``,
    ``seller_win_rate``."""
    t = _first_answers(s)
    times = t.agg(
        disputes=_.count(),
        answered=_count_true(t.hours.notnull()),
        hours_median=t.hours.quantile(0.5),
        hours_p90=t.hours.quantile(0.9),
    )
    d = s.disputes
    verdicts = d.agg(
        decided=_count_true(d.status.isin(DECIDED)),
        decided_for_seller=_count_true(d.status == DisputeStatus.DECIDED_FOR_SELLER.value),
    )
    row = times.cross_join(verdicts)
    return row.mutate(
        unanswered=row.disputes - row.answered,
        seller_win_rate=_ratio(row.decided_for_seller, row.decided),
    )


def dispute_conversations(s: Scope) -> ir.Table:
    """One row: ``case_conversations`` (the automation rate's denominator, counted by the same
    `conversation_outcomes`), ``disputed`` (of them, conversations with a dispute) and
    ``dispute_rate``."""
    o = conversation_outcomes(s)
    d = s.disputes.select(d_case=s.disputes.case_id)
    disputed_cases = s.cases.semi_join(d, s.cases.case_id == d.d_case)
    disputed = disputed_cases.select(d_conversation=disputed_cases.conversation_id).distinct()
    marked = o.left_join(disputed, o.conversation_id == disputed.d_conversation)
    counts = marked.agg(
        case_conversations=_.count(),
        disputed=_count_true(marked.d_conversation.notnull()),
    )
    return counts.mutate(dispute_rate=_ratio(counts.disputed, counts.case_conversations))


def dispute_outcomes(s: Scope) -> ir.Table:
    """``outcome, disputes``: disputes whose log holds each outcome's event (every outcome
    present, zeros included), plus ``awaiting_seller`` (no answer yet, not timed out)."""
    e = s.dispute_events
    d = s.disputes
    counts = e.agg(
        **{
            name: e.dispute_id.nunique(where=e.kind == kind).fill_null(0)
            for name, kind in OUTCOME_EVENTS.items()
        }
    )
    awaiting = d.agg(awaiting_seller=_count_true(d.status == DisputeStatus.AWAITING_SELLER.value))
    return counts.cross_join(awaiting)
