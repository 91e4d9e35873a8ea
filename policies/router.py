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
   moves money is scored by the risk model. With p = P(abusive) and A = the exposure (the
   money a wrong automatic grant loses; below), resolving it automatically costs p * A in
   expectation and a review costs `config.review_cost` (default $2.50). The rule is

       auto  if and only if  p * A < review_cost     (equivalently p < review_cost / A)

   which minimises the expected cost of each case when p is calibrated, under the cost model's
   simplifications: a reviewer catches the abuse, and a genuine buyer loses nothing by waiting
   for a person. Ties (p * A == review_cost) go to a person. No model or no features: a person.

   **Exposure, not the amount.** A is the money an abusive claim would take if resolved
   automatically (`RouterConfig.exposure`). For a refund paid now that is the whole amount. A
   return-then-refund (spec 2.4 and 3.3) pays only once the seller has the item back and has
   checked it (2.3: unused, with tags and original packaging; a damage claim's item is seen),
   so an abusive return approved automatically loses only what that check misses:
   A = amount * `return_exposure_share` (default 0.25, an assumption: a quarter of abusive
   returns get past the seller's check; `make eval-policies` reports the trade at other
   shares). A replacement ships before the return is checked: its whole value is exposed.

   **Regional price index** (`RouterConfig.price_index`, the fairness mitigation, see
   policies/fairness.py and reports/fairness/): when set, the review cost is expressed at the
   buyer's market's price level L (median order value of the region over the marketplace's,
   estimated on the training window), i.e. auto iff p * A < review_cost * L. Amounts are
   USD-equivalent, so without it the same share of a basket costs a Singapore buyer a review
   far more often than an Indonesian one (SG prices are 1.6x TH, ID 0.8x), which is what made
   the router fail the equalized-odds constraint across regions. The region (a market, not a
   person) is used only to scale that threshold, never as a model feature; a case whose region
   is unknown or not in the index uses L = 1.

   **Equalized-odds thresholds** (`RouterConfig.region_thresholds`, the deployed mitigation when
   the price index alone does not meet the constraint on the training window; fitted by
   fairlearn's ThresholdOptimizer, `policies.fairness.fit_equalized_odds_thresholds`): for a
   region in the mapping, the case goes to a person with probability
   `RegionThresholds.p_human(p * A / review_cost)`, a mix of two thresholds on the same cost
   ratio, drawn with `case_uniform(case_id)` (a hash: the same case always routes the same way,
   and an audit can replay it). They take precedence over the price index.
   Claims with nothing to pay (A = 0) and claims checked against records (a cancellation, a
   late-delivery voucher) are resolved automatically without a score.

`Decision.confidence` is 1.0 for levels 1-3 and for unscored automatic cases (the rules decide,
there is nothing uncertain about the route); for scored cases it is the model's probability of
the route being warranted: P(genuine) = 1 - p when automatic, P(abusive) = p when handed over.
"""

from __future__ import annotations

import hashlib
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
from policies.types import BuyerHistory, Claim, Eligibility, Order, Remedy, require_aware

DEFAULT_REVIEW_COST = Decimal("2.50")
DEFAULT_NLU_CONFIDENCE_THRESHOLD = 0.5  # the NLU's own default threshold (nlu.types.Thresholds)
# The share of an abusive return-then-refund the seller's check on receipt misses (see the module
# docstring, "Exposure"): an assumption, not a measurement; the evaluation sweeps it.
DEFAULT_RETURN_EXPOSURE_SHARE = Decimal("0.25")
# Remedies that pay only after the seller has received and checked the item (spec 2.4, 3.3).
PAID_AFTER_RECEIPT = frozenset({Remedy.RETURN_THEN_REFUND})

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


@dataclass(frozen=True)
class RegionThresholds:
    """One region's randomised threshold rule on the cost ratio r = p * A / review_cost.

    P(person | r) = constant + sum(weight for (weight, op, t) in terms if r op t), op "<" or ">":
    the shape of fairlearn's interpolated thresholder (`policies.fairness` builds it).
    """

    constant: float
    terms: tuple[tuple[float, str, float], ...]

    def __post_init__(self) -> None:
        for weight, op, _threshold in self.terms:
            if op not in ("<", ">") or weight < 0:
                raise ValueError(f"bad threshold term ({weight}, {op!r}, {_threshold})")

    def p_human(self, ratio: np.ndarray | float) -> np.ndarray:
        r = np.asarray(ratio, dtype=float)
        p = np.full(r.shape, float(self.constant))
        for weight, op, threshold in self.terms:
            p = p + weight * (r > threshold if op == ">" else r < threshold)
        return np.clip(p, 0.0, 1.0)

    def to_dict(self) -> dict:
        return {
            "constant": self.constant,
            "terms": [[w, op, _json_float(t)] for w, op, t in self.terms],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RegionThresholds:
        terms = tuple(
            (float(w), str(op), float(t))
            for w, op, t in data["terms"]  # type: ignore[union-attr]
        )
        return cls(float(data["constant"]), terms)  # type: ignore[arg-type]


def _json_float(value: float) -> float | str:
    return value if np.isfinite(value) else ("inf" if value > 0 else "-inf")


def case_uniform(key: str) -> float:
    """A uniform number in [0, 1) fixed by `key` (sha256): the randomised rule's draw."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:15], 16) / 16**15


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
    # Region -> price level (see the module docstring); None: one review cost everywhere.
    price_index: Mapping[str, Decimal] | None = None
    # Region -> equalized-odds threshold rule (see the module docstring); wins over price_index.
    region_thresholds: Mapping[str, RegionThresholds] | None = None
    # What share of a paid-after-receipt remedy an abusive claim would still take (docstring).
    return_exposure_share: Decimal = DEFAULT_RETURN_EXPOSURE_SHARE

    def __post_init__(self) -> None:
        if not isinstance(self.review_cost, Decimal) or self.review_cost <= 0:
            raise ValueError(f"review_cost must be a positive Decimal, got {self.review_cost!r}")
        if self.price_index is not None:
            index = {}
            for region, level in self.price_index.items():
                level = Decimal(str(level))
                if not level > 0:
                    raise ValueError(f"price_index[{region!r}] must be positive, got {level}")
                index[str(region)] = level
            object.__setattr__(self, "price_index", MappingProxyType(index))
        if self.region_thresholds is not None:
            object.__setattr__(
                self, "region_thresholds", MappingProxyType(dict(self.region_thresholds))
            )
        share = self.return_exposure_share
        if not isinstance(share, Decimal) or not Decimal(0) <= share <= Decimal(1):
            raise ValueError(f"return_exposure_share must be a Decimal in [0, 1], got {share!r}")
        if not 0.0 <= self.nlu_confidence_threshold <= 1.0:
            raise ValueError(
                f"nlu_confidence_threshold must be in [0, 1], got {self.nlu_confidence_threshold}"
            )

    def exposure(self, eligibility: Eligibility) -> Decimal:
        """The money an abusive claim would take if this remedy were granted automatically."""
        if eligibility.remedy in PAID_AFTER_RECEIPT:
            return eligibility.amount * self.return_exposure_share
        return eligibility.amount

    def review_cost_for(self, region: str | None) -> Decimal:
        """The review cost at the region's price level (the plain review cost without an index)."""
        if self.price_index is None or region is None:
            return self.review_cost
        return self.review_cost * self.price_index.get(region, Decimal("1"))


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
    # The buyer's market (e.g. "SG"); only read when RouterConfig.price_index is set.
    region: str | None = None

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
    exposure = config.exposure(eligibility)
    review_cost = config.review_cost_for(case.region)
    threshold = p_abuse_threshold(exposure, review_cost)
    risk = {
        "model_version": risk_model.version if risk_model is not None else None,
        "score": score,
        "threshold": threshold,
        "review_cost": str(review_cost),
        "region": case.region,
        "exposure": str(exposure),
        "expected_loss": None if score is None else round(score * float(exposure), 4),
    }
    if score is None:
        code = "no_risk_model" if risk_model is None else "no_risk_features"
        return _decide(
            case, Route.HUMAN, Level.RISK, (code,), eligibility.clauses, eligibility, risk
        )
    rule = (config.region_thresholds or {}).get(case.region or "")
    if rule is not None:
        p_human = float(rule.p_human(score * float(exposure) / float(config.review_cost)))
        draw = case_uniform(_draw_key(case))
        risk.update(
            review_cost=str(config.review_cost),
            mitigation="equalized_odds_thresholds",
            p_human=round(p_human, 6),
            draw=round(draw, 6),
        )
        auto = draw >= p_human
    else:
        auto = auto_by_risk(score, exposure, review_cost)
    if auto:
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


def _draw_key(case: RoutingCase) -> str:
    if case.case_id is not None:
        return case.case_id
    order_id = case.order.order_id if case.order is not None else ""
    claim = case.claim.type.value if case.claim is not None else ""
    return f"{order_id}|{claim}|{case.now.isoformat()}"


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
        "region": case.region,
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
    "RegionThresholds",
    "RiskScorer",
    "Route",
    "RouterConfig",
    "RoutingCase",
    "auto_by_risk",
    "case_uniform",
    "p_abuse_threshold",
    "route",
    "route_many",
]
