"""What the router answers (`Decision`), and the trace the agent console shows with it.

`Decision.confidence` is 1.0 for levels 1-3 and for unscored automatic cases (the rules decide,
there is nothing uncertain about the route); for scored cases it is the model's probability of
the route being warranted: P(genuine) = 1 - p when automatic, P(abusive) = p when handed over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from policies.router.case import RoutingCase
from policies.types import Eligibility


class Route(StrEnum):
    AUTO = "auto"
    HUMAN = "human"


class Level(StrEnum):
    """Which level of the precedence decided (policies/router/levels.py)."""

    ALWAYS_HUMAN = "always_human"
    NLU = "nlu"
    RETRIEVAL = "retrieval"
    RISK = "risk"


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


def decide(
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
    """A decision with its trace: the inputs, the rules that fired, the eligibility, the risk."""
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
