"""Decide whether a case is resolved automatically or handed to a person, and say why.

`route(case, risk_model=..., config=...)` returns a frozen `Decision`. The levels are checked in
this order; the first that sends the case to a person wins, and its reason codes are reported:

1. **Always human** (spec section 6): the NLU read a request for a person (REV-6.4) or a
   payment problem (REV-6.3); or `check_eligibility` says the claim needs a person (payment
   problem, request for a person, dispute, an amount over the $100 limit, a REV-6.2 review
   flag, a missing parcel scanned delivered over 48 hours ago...) or is not eligible at all.
2. **NLU fallback**: the NLU gave a fallback reason (low confidence, ambiguity...), its
   confidence is below `config.nlu_confidence_threshold`, or the intent is `out_of_scope`.
3. **Retrieval**: a policy question (`ask_policy`) without a confident answer (`False` or
   `None`: no answer counts as not confident). A confident answer is given automatically.
4. **Risk**: an eligible claim that rests on the buyer's word (`risk.SCORED_CLAIM_TYPES`) and
   moves money is scored by the risk model. With p = P(abusive) and A = the amount the policy
   grants, resolving it automatically costs p * A in expectation (a wrong automatic refund loses
   its amount) and a review costs `config.review_cost` (default $2.50). The rule is

       auto  if and only if  p * A < review_cost     (equivalently p < review_cost / A)

   which minimises the expected cost of each case when p is calibrated, under the cost model's
   simplifications: a reviewer catches the abuse, and a genuine buyer loses nothing by waiting
   for a person. Ties (p * A == review_cost) go to a person. No model or no features: a person.
   Claims with nothing to pay (A = 0) and claims checked against records (a cancellation, a
   late-delivery voucher) are resolved automatically without a score.

`Decision.confidence` is 1.0 for levels 1-3 and for unscored automatic cases (the rules decide,
there is nothing uncertain about the route); for scored cases it is the model's probability of
the route being warranted: P(genuine) = 1 - p when automatic, P(abusive) = p when handed over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

import numpy as np
import pandas as pd

from policies.features import feature_frame
from policies.risk import SCORED_CLAIM_TYPES
from policies.rules import AUTO_REFUND_LIMIT, check_eligibility
from policies.types import BuyerHistory, Claim, Eligibility, Order, require_aware

DEFAULT_REVIEW_COST = Decimal("2.50")
DEFAULT_NLU_CONFIDENCE_THRESHOLD = 0.5  # the NLU's own default threshold (nlu.types.Thresholds)

# Intents that go to a person whatever else the case says (contract intents, spec 6.3 / 6.4).
_HUMAN_INTENTS = {
    "request_human": ("human_requested", "REV-6.4"),
    "payment_issue": ("payment_problem", "REV-6.3"),
}
POLICY_QUESTION_INTENT = "ask_policy"
OUT_OF_SCOPE_INTENT = "out_of_scope"


class Route(StrEnum):
    AUTO = "auto"
    HUMAN = "human"


class Level(StrEnum):
    """Which level of the precedence decided (see the module docstring)."""

    ALWAYS_HUMAN = "always_human"
    NLU = "nlu"
    RETRIEVAL = "retrieval"
    RISK = "risk"


class RiskScorer(Protocol):
    """What the router needs from a risk model (`policies.risk.RiskModel` is one)."""

    @property
    def version(self) -> str: ...

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray: ...


@dataclass(frozen=True)
class RouterConfig:
    """The router's knobs; the lead's settings object supplies them."""

    review_cost: Decimal = DEFAULT_REVIEW_COST
    nlu_confidence_threshold: float = DEFAULT_NLU_CONFIDENCE_THRESHOLD
    auto_refund_limit: Decimal = AUTO_REFUND_LIMIT

    def __post_init__(self) -> None:
        if not isinstance(self.review_cost, Decimal) or self.review_cost <= 0:
            raise ValueError(f"review_cost must be a positive Decimal, got {self.review_cost!r}")
        if not 0.0 <= self.nlu_confidence_threshold <= 1.0:
            raise ValueError(
                f"nlu_confidence_threshold must be in [0, 1], got {self.nlu_confidence_threshold}"
            )


@dataclass(frozen=True)
class RoutingCase:
    """Everything the router looks at for one case.

    `order`, `claim` and `history` go together (a claim needs its order and the buyer's
    REV-6.2 counts); they are None for a message that makes no claim (a policy question, "where
    is my parcel"). `risk_features` is a `policies.features.case_features` dict.
    """

    now: datetime
    nlu_intent: str
    nlu_confidence: float
    nlu_fallback_reason: str | None = None
    order: Order | None = None
    claim: Claim | None = None
    history: BuyerHistory | None = None
    retrieval_confident: bool | None = None
    risk_features: Mapping[str, object] | None = None
    voucher_already_given: bool = False
    case_id: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.now, "now")
        if self.claim is not None and (self.order is None or self.history is None):
            raise ValueError(
                "a RoutingCase with a claim needs its order and the buyer's history "
                "(BuyerHistory.from_orders) for the REV-6.2 review flags"
            )


@dataclass(frozen=True)
class Decision:
    """The route, why, how sure, which clauses to cite, and a trace for the agent console."""

    route: Route
    reason_codes: tuple[str, ...]
    confidence: float
    clause_ids: tuple[str, ...]
    trace: Mapping[str, object] = field(compare=False, hash=False)

    @property
    def level(self) -> Level:
        return Level(self.trace["level"])


def p_abuse_threshold(amount: Decimal, review_cost: Decimal) -> float:
    """The largest P(abusive) still resolved automatically is just below review_cost / amount."""
    if amount <= 0:
        return 1.0
    return float(review_cost / amount)


def auto_by_risk(p_abuse: float, amount: Decimal | float, review_cost: Decimal | float) -> bool:
    """The level-4 rule: automatic if and only if p * amount < review_cost."""
    return float(p_abuse) * float(amount) < float(review_cost)


def route(
    case: RoutingCase,
    *,
    risk_model: RiskScorer | None,
    config: RouterConfig = RouterConfig(),
) -> Decision:
    """Route one case (see the module docstring for the precedence and the rule)."""
    return route_many([case], risk_model=risk_model, config=config)[0]


def route_many(
    cases: Sequence[RoutingCase],
    *,
    risk_model: RiskScorer | None,
    config: RouterConfig = RouterConfig(),
) -> list[Decision]:
    """Route many cases, scoring those that reach level 4 in one batch."""
    decisions: list[Decision | None] = []
    pending: list[tuple[int, RoutingCase, Eligibility]] = []
    for i, case in enumerate(cases):
        decision, eligibility = _before_risk(case, config)
        decisions.append(decision)
        if decision is None:
            pending.append((i, case, eligibility))
    if pending:
        scores = _scores([case for _, case, _ in pending], risk_model)
        for (i, case, eligibility), score in zip(pending, scores, strict=True):
            decisions[i] = _risk_decision(case, eligibility, score, risk_model, config)
    return [d for d in decisions if d is not None]


# --- the levels ----------------------------------------------------------------------------------


def _before_risk(
    case: RoutingCase, config: RouterConfig
) -> tuple[Decision | None, Eligibility | None]:
    """Levels 1-3, and the unscored automatic cases; None means "score it"."""
    eligibility = None
    if case.nlu_intent in _HUMAN_INTENTS:
        code, clause = _HUMAN_INTENTS[case.nlu_intent]
        return _decide(case, Route.HUMAN, Level.ALWAYS_HUMAN, (code,), (clause,)), None
    if case.claim is not None:
        assert case.order is not None and case.history is not None  # RoutingCase guarantees
        eligibility = check_eligibility(
            case.order,
            case.claim,
            case.history,
            case.now,
            auto_refund_limit=config.auto_refund_limit,
            voucher_already_given=case.voucher_already_given,
        )
        reasons = tuple(r.value for r in eligibility.reasons)
        if eligibility.needs_human or not eligibility.eligible:
            codes = reasons if eligibility.needs_human else ("not_eligible", *reasons)
            return _decide(
                case, Route.HUMAN, Level.ALWAYS_HUMAN, codes, eligibility.clauses, eligibility
            ), eligibility

    clauses = eligibility.clauses if eligibility else ()
    if case.nlu_fallback_reason:
        codes = ("nlu_fallback", f"nlu_fallback:{case.nlu_fallback_reason}")
        return _decide(case, Route.HUMAN, Level.NLU, codes, clauses, eligibility), eligibility
    if case.nlu_confidence < config.nlu_confidence_threshold:
        return _decide(
            case, Route.HUMAN, Level.NLU, ("nlu_low_confidence",), clauses, eligibility
        ), eligibility
    if case.nlu_intent == OUT_OF_SCOPE_INTENT:
        return _decide(
            case, Route.HUMAN, Level.NLU, ("nlu_out_of_scope",), clauses, eligibility
        ), eligibility

    if case.nlu_intent == POLICY_QUESTION_INTENT and case.claim is None:
        if case.retrieval_confident:
            return _decide(case, Route.AUTO, Level.RETRIEVAL, ("policy_answer",), ()), None
        return _decide(case, Route.HUMAN, Level.RETRIEVAL, ("retrieval_not_confident",), ()), None

    if case.claim is None or eligibility is None:
        return _decide(case, Route.AUTO, Level.RISK, ("no_claim",), ()), None
    if case.claim.type not in SCORED_CLAIM_TYPES:
        return _decide(
            case, Route.AUTO, Level.RISK, ("facts_on_record",), clauses, eligibility
        ), eligibility
    if eligibility.amount <= 0:
        return _decide(
            case, Route.AUTO, Level.RISK, ("nothing_to_pay",), clauses, eligibility
        ), eligibility
    return None, eligibility


def _scores(cases: Sequence[RoutingCase], risk_model: RiskScorer | None) -> list[float | None]:
    if risk_model is None:
        return [None] * len(cases)
    rows = [i for i, case in enumerate(cases) if case.risk_features is not None]
    scores: list[float | None] = [None] * len(cases)
    if rows:
        frame = feature_frame([cases[i].risk_features for i in rows])  # type: ignore[misc]
        p = risk_model.predict_proba(frame)[:, 1]
        for i, value in zip(rows, p, strict=True):
            scores[i] = float(value)
    return scores


def _risk_decision(
    case: RoutingCase,
    eligibility: Eligibility,
    score: float | None,
    risk_model: RiskScorer | None,
    config: RouterConfig,
) -> Decision:
    amount = eligibility.amount
    threshold = p_abuse_threshold(amount, config.review_cost)
    risk = {
        "model_version": risk_model.version if risk_model is not None else None,
        "score": score,
        "threshold": threshold,
        "review_cost": str(config.review_cost),
        "expected_loss": None if score is None else round(score * float(amount), 4),
    }
    if score is None:
        code = "no_risk_model" if risk_model is None else "no_risk_features"
        return _decide(
            case, Route.HUMAN, Level.RISK, (code,), eligibility.clauses, eligibility, risk
        )
    if auto_by_risk(score, amount, config.review_cost):
        return _decide(
            case,
            Route.AUTO,
            Level.RISK,
            ("risk_below_threshold",),
            eligibility.clauses,
            eligibility,
            risk,
            confidence=1.0 - score,
        )
    return _decide(
        case,
        Route.HUMAN,
        Level.RISK,
        ("risk_above_threshold",),
        eligibility.clauses,
        eligibility,
        risk,
        confidence=score,
    )


def _decide(
    case: RoutingCase,
    route_: Route,
    level: Level,
    codes: tuple[str, ...],
    clauses: tuple[str, ...],
    eligibility: Eligibility | None = None,
    risk: Mapping[str, object] | None = None,
    *,
    confidence: float = 1.0,
) -> Decision:
    trace: dict[str, object] = {
        "case_id": case.case_id,
        "level": level.value,
        "inputs": _inputs(case),
        "rules_fired": [r.value for r in eligibility.reasons] if eligibility else [],
        "eligibility": None
        if eligibility is None
        else {
            "eligible": eligibility.eligible,
            "remedy": eligibility.remedy.value,
            "amount": str(eligibility.amount),
            "currency": eligibility.currency,
            "needs_human": eligibility.needs_human,
        },
        "model_version": None,
        "score": None,
        "threshold": None,
    }
    if risk is not None:
        trace.update(risk)
    return Decision(
        route=route_,
        reason_codes=tuple(dict.fromkeys(codes)),
        confidence=float(confidence),
        clause_ids=tuple(dict.fromkeys(clauses)),
        trace=MappingProxyType(trace),
    )


def _inputs(case: RoutingCase) -> dict[str, object]:
    inputs: dict[str, object] = {
        "now": case.now.isoformat(),
        "nlu_intent": case.nlu_intent,
        "nlu_confidence": case.nlu_confidence,
        "nlu_fallback_reason": case.nlu_fallback_reason,
        "retrieval_confident": case.retrieval_confident,
    }
    if case.order is not None:
        inputs["order_id"] = case.order.order_id
        inputs["order_total"] = str(case.order.total)
    if case.claim is not None:
        inputs["claim_type"] = case.claim.type.value
        inputs["has_photo"] = case.claim.has_photo
    if case.history is not None:
        inputs["history"] = {
            "refunds_last_90_days": case.history.refunds_last_90_days,
            "orders_last_365_days": case.history.orders_last_365_days,
            "refunded_orders_last_365_days": case.history.refunded_orders_last_365_days,
        }
    return inputs


__all__ = [
    "DEFAULT_REVIEW_COST",
    "Decision",
    "Level",
    "RiskScorer",
    "Route",
    "RouterConfig",
    "RoutingCase",
    "auto_by_risk",
    "p_abuse_threshold",
    "route",
    "route_many",
]
