"""A case's summary, typed: what the dialogue wrote when it opened the case, as agents read it.

The dialogue writes it (`bot.dialogue.handoff.summary`), the store keeps it as JSON in
`cases.summary`, and the agent side reads it (`bot.agent`). `to_json` / `from_json` here are the
only place that JSON is written or read, so the stored shape is defined once:

    {"intent", "order_id", "order_total", "currency", "claim_type", "route", "reasons",
     "clauses", "eligibility": {"eligible", "remedy", "amount", "currency", "needs_human",
     "reasons", "clauses", "explanation"} | null, "risk": {"score", "threshold",
     "model_version"}, "attribution": {"party", "clauses", "evidence"} | null, "photos",
     "skus"?, "units"?, "flow_intent"?, "agent_decision"?}

Money is a decimal string. The keys marked ``?`` were added later (the claim's items, the flow
a handoff interrupted, an agent's non-money decision) and are written only when known, as
before; rows written before them, or by older code, read with every missing key at its
default. Values stay the stored strings (a remedy, a reason code) rather than enums, so a row
naming a value a later policy dropped still reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from policies.types import Attribution, Eligibility

Json = dict[str, Any]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class EligibilityRecord:
    """What the eligibility rules said, as recorded (a `policies.types.Eligibility` without
    the ledger's items, which the rules give again when an agent acts)."""

    eligible: bool
    remedy: str
    amount: Decimal
    currency: str
    needs_human: bool
    reasons: tuple[str, ...] = ()
    clauses: tuple[str, ...] = ()
    explanation: str = ""

    @classmethod
    def of(cls, e: Eligibility) -> EligibilityRecord:
        return cls(
            eligible=e.eligible,
            remedy=e.remedy.value,
            amount=e.amount,
            currency=e.currency,
            needs_human=e.needs_human,
            reasons=tuple(r.value for r in e.reasons),
            clauses=tuple(e.clauses),
            explanation=e.explanation,
        )

    def to_json(self) -> Json:
        return {
            "eligible": self.eligible,
            "remedy": self.remedy,
            "amount": str(self.amount),
            "currency": self.currency,
            "needs_human": self.needs_human,
            "reasons": list(self.reasons),
            "clauses": list(self.clauses),
            "explanation": self.explanation,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EligibilityRecord:
        return cls(
            eligible=bool(data.get("eligible", False)),
            remedy=str(data.get("remedy", "")),
            amount=_decimal(data.get("amount")) or Decimal("0"),
            currency=str(data.get("currency", "")),
            needs_human=bool(data.get("needs_human", False)),
            reasons=_strings(data.get("reasons")),
            clauses=_strings(data.get("clauses")),
            explanation=str(data.get("explanation") or ""),
        )


def eligibility_json(e: Eligibility | None) -> Json | None:
    """The recorded JSON of a rules result (None for none): the case view's "now" and audit."""
    return None if e is None else EligibilityRecord.of(e).to_json()


@dataclass(frozen=True)
class AttributionRecord:
    """Who is responsible (a `policies.types.Party` value or None), why, and the evidence."""

    party: str | None
    clauses: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()

    @classmethod
    def of(cls, a: Attribution) -> AttributionRecord:
        return cls(a.party.value if a.party else None, tuple(a.clauses), tuple(a.evidence))

    def to_json(self) -> Json:
        return {"party": self.party, "clauses": list(self.clauses), "evidence": list(self.evidence)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AttributionRecord:
        party = data.get("party")
        return cls(
            None if party is None else str(party),
            _strings(data.get("clauses")),
            _strings(data.get("evidence")),
        )


@dataclass(frozen=True)
class RiskNote:
    """The router's risk score for the case, its threshold and the model (all None unscored)."""

    score: float | None = None
    threshold: float | None = None
    model_version: str | None = None

    def to_json(self) -> Json:
        return {
            "score": self.score,
            "threshold": self.threshold,
            "model_version": self.model_version,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> RiskNote:
        data = data or {}
        return cls(data.get("score"), data.get("threshold"), data.get("model_version"))


@dataclass(frozen=True)
class CaseSummary:
    """What the agent sees at a glance. Every field has a default: an empty summary is `{}`
    stored by older code or a test."""

    intent: str = ""
    order_id: str | None = None
    order_total: Decimal | None = None
    currency: str | None = None
    claim_type: str | None = None
    route: str = ""
    reasons: tuple[str, ...] = ()  # the decision's reason codes
    clauses: tuple[str, ...] = ()  # the decision's clause ids
    eligibility: EligibilityRecord | None = None
    risk: RiskNote = field(default_factory=RiskNote)
    attribution: AttributionRecord | None = None
    photos: tuple[str, ...] = ()
    # The items the claim is about (empty: the whole order); None when the case never got
    # as far as a claim on an order.
    skus: tuple[str, ...] | None = None
    # How many of the one item named the claim covers (None: every unit).
    units: int | None = None
    # The flow a handoff interrupted (the case's own intent can be "request_human").
    flow_intent: str | None = None
    # An agent's decision that moved no money (deny, request_evidence).
    agent_decision: str | None = None

    def with_agent_decision(self, decision: str) -> CaseSummary:
        return replace(self, agent_decision=decision)

    def to_json(self) -> Json:
        data: Json = {
            "intent": self.intent,
            "order_id": self.order_id,
            "order_total": None if self.order_total is None else str(self.order_total),
            "currency": self.currency,
            "claim_type": self.claim_type,
            "route": self.route,
            "reasons": list(self.reasons),
            "clauses": list(self.clauses),
            "eligibility": None if self.eligibility is None else self.eligibility.to_json(),
            "risk": self.risk.to_json(),
            "attribution": None if self.attribution is None else self.attribution.to_json(),
            "photos": list(self.photos),
        }
        if self.skus is not None:
            data["skus"] = list(self.skus)
        if self.units is not None:
            data["units"] = self.units
        if self.flow_intent is not None:
            data["flow_intent"] = self.flow_intent
        if self.agent_decision is not None:
            data["agent_decision"] = self.agent_decision
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> CaseSummary:
        data = data or {}
        eligibility = data.get("eligibility")
        attribution = data.get("attribution")
        skus = data.get("skus")
        return cls(
            intent=str(data.get("intent") or ""),
            order_id=data.get("order_id"),
            order_total=_decimal(data.get("order_total")),
            currency=data.get("currency"),
            claim_type=data.get("claim_type"),
            route=str(data.get("route") or ""),
            reasons=_strings(data.get("reasons")),
            clauses=_strings(data.get("clauses")),
            eligibility=None if eligibility is None else EligibilityRecord.from_json(eligibility),
            risk=RiskNote.from_json(data.get("risk")),
            attribution=None if attribution is None else AttributionRecord.from_json(attribution),
            photos=_strings(data.get("photos")),
            skus=None if skus is None else _strings(skus),
            units=_units(data.get("units")),
            flow_intent=data.get("flow_intent"),
            agent_decision=data.get("agent_decision"),
        )


def _units(value: Any) -> int | None:
    """A stored unit count: a positive whole number, else None (every unit)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
