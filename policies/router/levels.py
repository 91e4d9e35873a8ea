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
   moves money is scored by the risk model and goes to a person when the loss a review would
   save (p x the share of abuse reviewers deny x the exposure) is not below the review cost
   (policies/router/thresholds.py has the rule and the per-region thresholds;
   policies/router/config.py the exposure, the review's catch rate and the price index). No model
   or no features: a person. Where the exposure is bounded (paid after the item is back, or at
   most $25) a new account alone does not raise the score (policies/router/account_age.py).
   A replacement the rule would not ship at once is resolved automatically as a replacement
   shipped once the seller has received the return, when the rule approves that bounded
   exposure (trace `replacement_ships`; policies/router/config.py); else a person.
   Claims with nothing to pay (A = 0) and claims checked against
   records (a cancellation, a late-delivery voucher) are resolved automatically without a score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

from policies.currency import usd_equivalent
from policies.risk import SCORED_CLAIM_TYPES
from policies.router.account_age import (
    capped_scores_of_rows,
    exposure_is_bounded,
    may_wait_for_return,
)
from policies.router.case import RiskScorer, RoutingCase
from policies.router.config import RouterConfig
from policies.router.decision import Decision, Level, Route, decide
from policies.router.thresholds import auto_by_risk, case_uniform, p_abuse_threshold
from policies.rules import check_eligibility
from policies.types import Eligibility

# Intents that go to a person whatever else the case says (contract intents, spec 6.3 / 6.4).
_HUMAN_INTENTS = {
    "request_human": ("human_requested", "REV-6.4"),
    "payment_issue": ("payment_problem", "REV-6.3"),
}
POLICY_QUESTION_INTENT = "ask_policy"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# One shared default: RouterConfig is frozen, so sharing it across calls is safe.
DEFAULT_CONFIG = RouterConfig()


def route(
    case: RoutingCase,
    *,
    risk_model: RiskScorer | None,
    config: RouterConfig = DEFAULT_CONFIG,
) -> Decision:
    """Route one case (see the module docstring for the precedence and the rule)."""
    return route_many([case], risk_model=risk_model, config=config)[0]


def route_many(
    cases: Sequence[RoutingCase],
    *,
    risk_model: RiskScorer | None,
    config: RouterConfig = DEFAULT_CONFIG,
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
        scores = _scores(pending, risk_model, config)
        for (i, case, eligibility), (score, raw) in zip(pending, scores, strict=True):
            decisions[i] = _risk_decision(case, eligibility, score, raw, risk_model, config)
    return [d for d in decisions if d is not None]


def _before_risk(
    case: RoutingCase, config: RouterConfig
) -> tuple[Decision | None, Eligibility | None]:
    """Levels 1-3, and the unscored automatic cases; None means "score it"."""
    eligibility = None
    if case.nlu_intent in _HUMAN_INTENTS:
        code, clause = _HUMAN_INTENTS[case.nlu_intent]
        return decide(case, Route.HUMAN, Level.ALWAYS_HUMAN, (code,), (clause,)), None
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
            return decide(
                case, Route.HUMAN, Level.ALWAYS_HUMAN, codes, eligibility.clauses, eligibility
            ), eligibility

    clauses = eligibility.clauses if eligibility else ()
    if case.nlu_fallback_reason:
        codes = ("nlu_fallback", f"nlu_fallback:{case.nlu_fallback_reason}")
        return decide(case, Route.HUMAN, Level.NLU, codes, clauses, eligibility), eligibility
    if case.nlu_confidence < config.nlu_confidence_threshold:
        return decide(
            case, Route.HUMAN, Level.NLU, ("nlu_low_confidence",), clauses, eligibility
        ), eligibility
    if case.nlu_intent == OUT_OF_SCOPE_INTENT:
        return decide(
            case, Route.HUMAN, Level.NLU, ("nlu_out_of_scope",), clauses, eligibility
        ), eligibility

    if case.nlu_intent == POLICY_QUESTION_INTENT and case.claim is None:
        if case.retrieval_confident:
            return decide(case, Route.AUTO, Level.RETRIEVAL, ("policy_answer",), ()), None
        return decide(case, Route.HUMAN, Level.RETRIEVAL, ("retrieval_not_confident",), ()), None

    if case.claim is None or eligibility is None:
        return decide(case, Route.AUTO, Level.RISK, ("no_claim",), ()), None
    if case.claim.type not in SCORED_CLAIM_TYPES:
        return decide(
            case, Route.AUTO, Level.RISK, ("facts_on_record",), clauses, eligibility
        ), eligibility
    if eligibility.amount <= 0:
        return decide(
            case, Route.AUTO, Level.RISK, ("nothing_to_pay",), clauses, eligibility
        ), eligibility
    return None, eligibility


def _scores(
    pending: Sequence[tuple[int, RoutingCase, Eligibility]],
    risk_model: RiskScorer | None,
    config: RouterConfig,
) -> list[tuple[float | None, float | None]]:
    """(score the rule uses, the model's own score) per case; None without model or features."""
    scores: list[tuple[float | None, float | None]] = [(None, None)] * len(pending)
    if risk_model is None:
        return scores
    rows = [k for k, (_, case, _) in enumerate(pending) if case.risk_features is not None]
    if rows:
        features = [pending[k][1].risk_features for k in rows]
        # A replacement that may wait for the return is scored both ways: the model's own score
        # for shipping it at once, the capped one for shipping it after the return (bounded).
        bounded = [
            exposure_is_bounded(pending[k][2].remedy, pending[k][2].amount)
            or may_wait_for_return(pending[k][2].remedy, config)
            for k in rows
        ]
        used, raw = capped_scores_of_rows(
            risk_model,
            features,  # type: ignore[arg-type]
            bounded,
            config.established_account_days,
        )
        for k, value, own in zip(rows, used, raw, strict=True):
            scores[k] = (float(value), float(own))
    return scores


def _recorded(features: Mapping[str, object] | None) -> dict[str, object] | None:
    """The features as JSON can hold them (a missing number, NaN, as null)."""
    if features is None:
        return None
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in features.items()}


def _risk_decision(
    case: RoutingCase,
    eligibility: Eligibility,
    score: float | None,
    raw_score: float | None,
    risk_model: RiskScorer | None,
    config: RouterConfig,
) -> Decision:
    # The review cost and the model are in USD-equivalent money; the remedy is in the order's
    # currency (a ฿79 refund is about $2, not $79: policies/currency.py).
    exposure = usd_equivalent(config.exposure(eligibility), eligibility.currency)
    after = config.exposure_after_return(eligibility)
    after_return = None if after is None else usd_equivalent(after, eligibility.currency)
    review_cost = config.review_cost_for(case.region)
    # Shipped at once, a replacement (never bounded above $25) is weighed on the model's own
    # score; `score` is the capped one, which only an exposure bounded as it is may use.
    now_score = raw_score if after_return is not None and not _bounded(eligibility) else score
    risk: dict[str, object] = {
        "model_version": risk_model.version if risk_model is not None else None,
        "region": case.region,
        # The share of abusive claims a review denies: the rule weighs p x this x the exposure.
        "review_catch_rate": str(config.review_catch_rate),
        "currency": eligibility.currency,
        # What was scored, so the score can be explained later from exactly these values.
        "features": _recorded(case.risk_features),
    }
    if after_return is not None:
        # USD-equivalent, like `exposure`: what the replacement exposes if it waits for the return.
        risk["exposure_after_return"] = str(after_return)
    if now_score is None or score is None:
        risk.update(_weighed(None, None, exposure, review_cost, config))
        code = "no_risk_model" if risk_model is None else "no_risk_features"
        return decide(
            case, Route.HUMAN, Level.RISK, (code,), eligibility.clauses, eligibility, risk
        )
    used, auto, weighed = now_score, *_rule(case, now_score, exposure, review_cost, config)
    risk.update(_weighed(now_score, raw_score, exposure, review_cost, config), **weighed)
    if after_return is not None:
        if auto:
            risk["replacement_ships"] = "at_once"
        else:
            # Not shipped at once: the same claim with the replacement held until the seller has
            # the return, its exposure bounded like a return-then-refund's (same draw).
            at_once = {k: risk[k] for k in ("score", "threshold", "exposure", "expected_loss")}
            at_once.update({k: v for k, v in weighed.items() if k in ("p_human", "floor")})
            for key in ("floor", "p_human", "draw", "mitigation", "model_score", "score_capped"):
                risk.pop(key, None)
            used, auto, weighed = score, *_rule(case, score, after_return, review_cost, config)
            risk.update(_weighed(score, raw_score, after_return, review_cost, config), **weighed)
            risk["replacement_at_once"] = at_once
            if auto:
                risk["replacement_ships"] = "after_return_received"
    if auto:
        return decide(
            case,
            Route.AUTO,
            Level.RISK,
            ("risk_below_threshold",),
            eligibility.clauses,
            eligibility,
            risk,
            confidence=1.0 - used,
        )
    return decide(
        case,
        Route.HUMAN,
        Level.RISK,
        ("risk_above_threshold",),
        eligibility.clauses,
        eligibility,
        risk,
        confidence=used,
    )


def _bounded(eligibility: Eligibility) -> bool:
    return exposure_is_bounded(eligibility.remedy, eligibility.amount)


def _weighed(
    score: float | None,
    raw_score: float | None,
    exposure: Decimal,
    review_cost: Decimal,
    config: RouterConfig,
) -> dict[str, object]:
    """The trace's view of one weighing: the score, its threshold (on what a review would save),
    the exposure, the expected loss of resolving it automatically."""
    weighed: dict[str, object] = {
        "score": score,
        "threshold": p_abuse_threshold(config.review_saves(exposure), review_cost),
        "review_cost": str(review_cost),
        "exposure": str(exposure),  # USD-equivalent
        "expected_loss": None if score is None else round(score * float(exposure), 4),
    }
    if score is not None and raw_score is not None and raw_score != score:
        # The account's newness raised the model's score on a bounded exposure: the rule used
        # the score as an established account (policies/router/account_age.py).
        weighed.update(model_score=raw_score, score_capped="established_account")
    return weighed


def _rule(
    case: RoutingCase, score: float, exposure: Decimal, review_cost: Decimal, config: RouterConfig
) -> tuple[bool, dict[str, object]]:
    """Whether the rule resolves the case automatically at this score and exposure, and what it
    adds to the trace. The rule weighs what a review would save, `config.review_saves`."""
    rule = (config.region_thresholds or {}).get(case.region or "")
    saves = config.review_saves(exposure)
    if saves < review_cost:
        # Even a certain abuse loses less than a review saves (a $2 refund, a $8 return paid
        # after the item is back): a person is never worth it, whatever the score or the draw.
        return True, {"floor": "exposure_below_review_cost"}
    if rule is not None:
        p_human = float(rule.p_human(score * float(saves) / float(config.review_cost)))
        draw = case_uniform(_draw_key(case))
        return draw >= p_human, {
            "review_cost": str(config.review_cost),
            "mitigation": "equalized_odds_thresholds",
            "p_human": round(p_human, 6),
            "draw": round(draw, 6),
        }
    return auto_by_risk(score, saves, review_cost), {}


def _draw_key(case: RoutingCase) -> str:
    """The randomised rule's key: the case id, else the order and the claim type. Never the
    clock: a claim decided again (at the buyer's confirmation, or asked anew) must draw the same
    number, or each re-decision is a fresh lottery - a second draw that can only send a genuine
    buyer to a person, and a retry that lets an abusive one try until the draw lets them through.
    """
    if case.case_id is not None:
        return case.case_id
    order_id = case.order.order_id if case.order is not None else ""
    claim = case.claim.type.value if case.claim is not None else ""
    return f"{order_id}|{claim}"
