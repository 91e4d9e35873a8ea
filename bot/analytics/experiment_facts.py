"""The experiment analysis's inputs: one row of facts per case from the snapshot's decision log
(Ibis, so DuckDB and PySpark run the same expressions), and its aggregates per arm, per arm and
region, per buyer and per rating, the only things that reach pandas."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from policies.experiments import Experiment
from policies.router import DEFAULT_REVIEW_COST
from policies.rules import AUTO_REFUND_LIMIT

if TYPE_CHECKING:
    from bot.analytics.tables import Tables
from bot.analytics.experiment_result import (
    BOT_ACTOR,
    UNKNOWN,
)
from bot.analytics.metrics_scope import (
    HUMAN,
    case_closed_by_bot,
    case_escalated,
    conversation_automated,
)

# --- reading the tables ---------------------------------------------------------------------------

TableLike = ir.Table | pd.DataFrame
NEEDED = ("decisions", "cases", "actions", "ratings", "buyers")
_RISK_COLUMNS = ("score", "amount", "review_cost", "expected_loss")


def ibis_tables(tables: Tables | Mapping[str, TableLike]) -> dict[str, ir.Table]:
    """The tables the report reads, as Ibis tables (pandas frames become memtables)."""
    get = tables.get if isinstance(tables, Mapping) else lambda n: getattr(tables, n, None)
    out = {}
    for name in NEEDED:
        table = get(name)
        if table is None:
            raise ValueError(f"the experiment report needs a {name!r} table")
        if isinstance(table, pd.DataFrame):
            table = ibis.memtable(_flat_trace(table) if name == "decisions" else table)
        out[name] = table
    return out


def _flat_trace(frame: pd.DataFrame) -> pd.DataFrame:
    """Decisions given as a frame with a ``trace`` dict column: the four risk fields, flat."""
    if "trace" not in frame.columns:
        return frame
    traces = [t if isinstance(t, dict) else json.loads(t or "{}") for t in frame["trace"]]
    flat = frame.drop(columns="trace").copy()
    eligibility = [t.get("eligibility") or {} for t in traces]
    columns = {
        "score": [t.get("score") for t in traces],
        "amount": [e.get("amount") for e in eligibility],
        "review_cost": [t.get("review_cost") for t in traces],
        "expected_loss": [t.get("expected_loss") for t in traces],
    }
    for name, values in columns.items():
        if name not in flat.columns:
            flat[name] = pd.to_numeric(pd.Series(values, index=flat.index), errors="coerce")
    return flat


def _risk_columns(d: ir.Table) -> tuple[ir.Table, bool]:
    """Decisions with float ``score, amount, review_cost, expected_loss`` (null where absent);
    from flat columns (the snapshot's), else a JSON ``trace`` string (DuckDB); False when the
    log carries neither, so the loss metrics cannot be computed."""
    have = set(d.columns)
    if have.issuperset(_RISK_COLUMNS):
        return d.mutate(**{c: d[c].cast("float64") for c in _RISK_COLUMNS}), True
    if "trace" in have:
        j = d.trace.cast("json")
        return d.mutate(
            score=j["score"].float,
            amount=j["eligibility"]["amount"].str.cast("float64"),
            review_cost=j["review_cost"].str.cast("float64"),
            expected_loss=j["expected_loss"].float,
        ), True
    null = ibis.null().cast("float64")
    return d.mutate(**{c: d[c].cast("float64") if c in have else null for c in _RISK_COLUMNS}), (
        False
    )


def case_facts(
    tables: Mapping[str, ir.Table],
    designs: Mapping[str, Experiment],
    truth: pd.DataFrame | None = None,
) -> tuple[ir.Table, bool]:
    """One row per case conversation decided under an experiment (the unit the summary and the
    fairness slices count, `bot.analytics.metrics`): its arm (that of the conversation's latest
    experiment decision), buyer, region, whether it was automated or escalated (the metrics'
    definitions) and its losses (summed over its cases)."""
    all_decisions, has_risk = _risk_columns(tables["decisions"])
    # A person took the case when any decision routed it to one (as the metrics count it).
    human = all_decisions.group_by(h_case=all_decisions.case_id).agg(
        human_decision=(all_decisions.route == HUMAN).any()
    )
    d = all_decisions.filter(all_decisions.experiment.notnull() & all_decisions.arm.notnull())
    if "created_at" in d.columns:  # a re-decided case counts once, by its latest decision
        rank = ibis.row_number().over(group_by=d.case_id, order_by=ibis.desc(d.created_at))
        d = d.mutate(_rank=rank).filter(lambda t: t._rank == 0)
    c = tables["cases"]
    cases = c.select(c_case=c.case_id, conversation_id=c.conversation_id, buyer_id=c.buyer_id,
                     status=c.status)  # fmt: skip
    a = tables["actions"]
    money = a.amount.cast("float64")
    paid = (
        a.filter(a.actor == BOT_ACTOR)
        .group_by(a_case=a.case_id)
        .agg(bot_amount=money.sum(), bot_money=(money > 0).any())
    )
    b = tables["buyers"]
    buyers = b.select(b_id=b.buyer_id, buyer_region=b.region)
    j = d.join(cases, d.case_id == cases.c_case)
    j = j.left_join(human, j.case_id == human.h_case)
    j = j.left_join(paid, j.case_id == paid.a_case)
    j = j.left_join(buyers, j.buyer_id == buyers.b_id)
    truth_region = ibis.null().cast("string")
    genuine = ibis.null().cast("boolean")
    if truth is not None:
        t = ibis.memtable(
            pd.DataFrame(
                {
                    "t_conversation": truth["conversation_id"].astype(str),
                    "t_genuine": truth["claim_genuine"].map(_as_bool).astype("boolean"),
                    "t_region": truth["region"].astype(str),
                }
            )
        )
        j = j.left_join(t, j.conversation_id == t.t_conversation)
        truth_region, genuine = j.t_region, j.t_genuine
    region = ibis.coalesce(j.buyer_region, truth_region, ibis.literal(UNKNOWN))
    escalated = case_escalated(j.status, j.human_decision)
    # The router's cost model: a case it let the bot handle risks p(abuse) x amount.
    auto_route = (j.route == "auto") & ~escalated
    review_cost = ibis.coalesce(j.review_cost, _arm_review_cost(j, designs))
    expected = ibis.cases(
        (auto_route, ibis.coalesce(j.expected_loss, j.score * j.amount, 0.0)),
        (escalated, review_cost),
        else_=0.0,
    )
    paid_out = j.bot_amount.fill_null(0.0)
    realised = ibis.cases(
        (genuine.isnull(), ibis.null().cast("float64")),
        else_=(~genuine).ifelse(paid_out, 0.0) + escalated.ifelse(review_cost, 0.0),
    )
    low, high = _limit_band(designs)
    decided_at = j.created_at if "created_at" in d.columns else ibis.literal(0)
    per_case = j.select(
        experiment=j.experiment,
        arm=j.arm,
        decided_at=decided_at,
        case_id=j.case_id,
        buyer_id=j.buyer_id,
        conversation_id=j.conversation_id,
        region=region,
        escalated=escalated,
        closed_by_bot=case_closed_by_bot(j.status),
        auto_approved=j.bot_money.fill_null(False),
        expected_loss=expected.cast("float64"),
        realised_loss=realised.cast("float64"),
        triggered=((j.amount > low) & (j.amount <= high)).fill_null(False),
    )
    return _per_conversation(per_case), has_risk


def _per_conversation(f: ir.Table) -> ir.Table:
    """The case rows of a conversation as one row: the arm of its latest experiment decision."""
    rank = ibis.row_number().over(
        group_by=f.conversation_id, order_by=[ibis.desc(f.decided_at), ibis.desc(f.case_id)]
    )
    latest = f.mutate(_rank=rank).filter(lambda t: t._rank == 0)
    arms = latest.select(
        l_conversation=latest.conversation_id,
        experiment=latest.experiment,
        arm=latest.arm,
        case_id=latest.case_id,
        buyer_id=latest.buyer_id,
        region=latest.region,
    )
    per = f.group_by(p_conversation=f.conversation_id).agg(
        escalated=f.escalated.any(),
        closed_by_bot=f.closed_by_bot.any(),
        auto_approved=f.auto_approved.any(),
        expected_loss=f.expected_loss.sum(),
        realised_cases=f.realised_loss.count(),
        realised_loss=f.realised_loss.sum(),
        triggered=f.triggered.any(),
    )
    j = arms.join(per, arms.l_conversation == per.p_conversation)
    return j.select(
        "experiment",
        "arm",
        "case_id",
        "buyer_id",
        conversation_id=j.l_conversation,
        region=j.region,
        automated=conversation_automated(j.escalated, j.closed_by_bot),
        escalated=j.escalated,
        auto_approved=j.auto_approved,
        expected_loss=j.expected_loss,
        # Null when no case of it has a truth (the realised loss is unknown), else the sum.
        realised_loss=ibis.cases((j.realised_cases > 0, j.realised_loss), else_=ibis.null()).cast(
            "float64"
        ),
        triggered=j.triggered,
    )


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return {"true": True, "1": True, "false": False, "0": False}.get(text)


def _arm_review_cost(j: ir.Table, designs: Mapping[str, Experiment]) -> ir.FloatingValue:
    branches = [
        ((j.experiment == e.name) & (j.arm == arm.name), float(arm.review_cost))
        for e in designs.values()
        for arm in e.arms
        if arm.review_cost is not None
    ]
    default = float(DEFAULT_REVIEW_COST)
    return ibis.cases(*branches, else_=default) if branches else ibis.literal(default)


def _limit_band(designs: Mapping[str, Experiment]) -> tuple[float, float]:
    """(lowest, highest) automatic refund limit over the arms: the amounts arms treat apart."""
    limits = [
        float(arm.auto_refund_limit or AUTO_REFUND_LIMIT)
        for e in designs.values()
        for arm in e.arms
    ] or [float(AUTO_REFUND_LIMIT)]
    return min(limits), max(limits)


# --- aggregates -----------------------------------------------------------------------------------


@dataclass
class Aggregates:
    """What the statistics need, materialised (small: per arm, region, buyer, score)."""

    arms: pd.DataFrame
    buyers: pd.DataFrame
    regions: pd.DataFrame
    scores: pd.DataFrame


def aggregate(facts: ir.Table, ratings: ir.Table) -> Aggregates:
    def n_true(value: ir.BooleanValue) -> ir.IntegerScalar:
        return value.ifelse(1, 0).sum().fill_null(0)

    arms = facts.group_by("experiment", "arm").agg(
        cases=facts.count(),
        buyers=facts.buyer_id.nunique(),
        automated=n_true(facts.automated),
        escalated=n_true(facts.escalated),
        auto_approved=n_true(facts.auto_approved),
        triggered=n_true(facts.triggered),
        triggered_automated=n_true(facts.triggered & facts.automated),
        expected_loss=facts.expected_loss.sum(),
        realised_cases=facts.realised_loss.count(),
        realised_loss=facts.realised_loss.sum(),
    )
    per_buyer = facts.group_by("experiment", "arm", "buyer_id").agg(
        cases=facts.count(),
        expected_loss=facts.expected_loss.sum(),
        realised_cases=facts.realised_loss.count(),
        realised_loss=facts.realised_loss.sum().fill_null(0.0),
    )
    regions = facts.group_by("experiment", "arm", "region").agg(
        cases=facts.count(), auto_approved=n_true(facts.auto_approved)
    )
    by_case = facts.select(r_case=facts.case_id, e1=facts.experiment, a1=facts.arm)
    by_conversation = facts.select(
        r_conversation=facts.conversation_id, e2=facts.experiment, a2=facts.arm
    ).distinct()
    r = ratings.select("case_id", "conversation_id", "score")
    rated = r.left_join(by_case, r.case_id == by_case.r_case)
    rated = rated.left_join(
        by_conversation, rated.conversation_id == by_conversation.r_conversation
    )
    rated = rated.select(
        experiment=ibis.coalesce(rated.e1, rated.e2),
        arm=ibis.coalesce(rated.a1, rated.a2),
        score=rated.score.cast("int64"),
    ).filter(lambda t: t.experiment.notnull())
    scores = rated.group_by("experiment", "arm", "score").agg(ratings=rated.count())
    # Sorted here: engines return groups in any order, and the bootstrap resamples by position,
    # so an unsorted frame would give other intervals on another engine (or another run).
    return Aggregates(
        arms=_sorted(arms.execute(), ["experiment", "arm"]),
        buyers=_sorted(per_buyer.execute(), ["experiment", "arm", "buyer_id"]),
        regions=_sorted(regions.execute(), ["experiment", "arm", "region"]),
        scores=_sorted(scores.execute(), ["experiment", "arm", "score"]),
    )


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)
