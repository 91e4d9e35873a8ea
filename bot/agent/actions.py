"""An agent's decision checked against the rules: what they refuse, which items a remedy
settles, and the money action itself (inside the case's conversation turn, see
`bot.agent.service`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.agent.facts import MONEY_ACTIONS, CaseFacts, money
from bot.agent.suggestions.replies import default_amount
from bot.store import ledger
from bot.store.audit import record_audit_in
from bot.store.case_summary import eligibility_json
from bot.store.cases import ActionRecord
from bot.store.models import ActionType
from common.errors import InvalidInput
from policies.attribution import attribute
from policies.types import Claim, Order

AGENT_DECISIONS = (*MONEY_ACTIONS, "deny", "request_evidence")
# Remedies that give money back, capped by what the order still has to refund.
MONEY_BACK = ("refund", "cancel", "return")


class ActionRefused(InvalidInput):
    """An agent action the API answers with 422 (`field` names what to fix)."""

    def __init__(self, code: str, message: str, field: str, details: dict | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field, self.details = code, message, field, details or {}


@dataclass(frozen=True)
class ActionRequest:
    type: str
    amount: Decimal | None = None
    reason: str | None = None
    override: bool = False
    message: str | None = None


@dataclass(frozen=True)
class MoneyAction:
    """A recorded remedy: the ledger's row, whether this call created it, its audit."""

    action: ActionRecord
    created: bool
    amount: Decimal
    override: bool
    granted: bool
    audit_id: str


# What an agent reads when the rules refuse their action: how to go ahead, in the console's words
# (the API's `field: "override"` tells a program the same).
OVERRIDE_HINT = 'To do it anyway, tick "Override the eligibility rules" and write your reason.'


def refusal(type_: str, amount: Decimal, facts: CaseFacts) -> str | None:
    """Why the rules refuse an agent's money action, in plain words (None: they allow it)."""
    e = facts.eligibility
    what = type_.replace("_", " ")
    if e is None:
        return f"There is no claim on this case for the policy to allow a {what}."
    if facts.policy_action != type_:
        on = f" on order {facts.order.order_id}" if facts.order else ""
        granted = f" (it allows a {facts.policy_action} instead)" if facts.policy_action else ""
        said = f' What the rules tell the buyer: "{e.explanation.strip()}"' if e.explanation else ""
        return f"The policy does not allow a {what}{on}{granted}.{said}"
    if amount > e.amount:
        return (
            f"The policy allows at most {money(e.amount, e.currency)} here, not "
            f"{money(amount, e.currency)}."
        )
    return None


def items_for(
    type_: str, facts: CaseFacts, order: Order, claim: Claim | None
) -> list[tuple[str, int]]:
    """The items an agent's remedy settles in the ledger: what the rules grant when the agent
    gives the granted remedy; the whole order for a cancellation; the claim's items
    otherwise; none for a voucher or money not tied to a claim (goodwill)."""
    if type_ == "voucher":
        return []
    e = facts.eligibility
    if e is not None and e.eligible and facts.policy_action == type_:
        return list(e.items)
    if type_ == "cancel" or (claim is not None and not claim.skus):
        skus = [item.sku for item in order.items]
    else:
        skus = list(claim.skus) if claim is not None else []
    return [(sku, order.remaining_quantity(sku)) for sku in skus if order.remaining_quantity(sku)]


def record_money_action_in(
    session: Session,
    *,
    case_id: str,
    agent_id: str,
    request: ActionRequest,
    reason: str | None,
    facts: CaseFacts,
    order: Order,
    claim: Claim | None,
    key: str,
    client_key: str | None,
    now: datetime,
) -> MoneyAction:
    """Check the action against the rules and the order's caps, then record it in the ledger
    and the audit, in the caller's transaction (which holds the order's and buyer's locks)."""
    granted = facts.policy_action == request.type
    amount = request.amount
    if amount is None:
        amount = default_amount(request.type, facts)
    refused = refusal(request.type, amount, facts)
    if refused is not None and not request.override:
        raise ActionRefused(
            "override_required",
            f"{refused} {OVERRIDE_HINT}",
            "override",
            {"eligibility": eligibility_json(facts.eligibility)},
        )
    if refused is not None and not reason:
        raise ActionRefused(
            "validation_error", "reason: an override needs a non-empty reason", "reason"
        )
    cap = order.refundable if request.type in MONEY_BACK else order.total
    if amount > cap:
        raise ActionRefused(
            "validation_error",
            f"amount: {money(amount, order.currency)} is more than the "
            f"{money(cap, order.currency)} this order allows",
            "amount",
        )
    # Who bears the cost (section 7) for the case's claim; None when there is no claim to
    # attribute (a goodwill refund) or the rules name nobody (a dispute).
    found = attribute(order, claim, now).party if claim is not None else None
    try:
        action, created = ledger.record_remedy_in(
            session,
            case_id=case_id,
            order_id=order.order_id,
            type=ActionType(request.type),
            amount=amount,
            currency=order.currency,
            items=items_for(request.type, facts, order, claim),
            idempotency_key=key,
            actor=agent_id,
            now=now,
            reason=reason,
            responsible_party=None if found is None else found.value,
        )
    except ledger.LedgerRefused as e:
        raise ActionRefused(e.code, e.message, "type") from e
    details: dict[str, Any] = {
        "refusal": refused,
        "override_requested": request.override,
        "policy_action": facts.policy_action,
        "eligibility": eligibility_json(facts.eligibility),
        "idempotency_key": key,
        "client_idempotency_key": client_key,
    }
    entry = record_audit_in(
        session,
        case_id=case_id,
        agent_id=agent_id,
        kind=request.type,
        now=now,
        action_id=action.action_id,
        amount=amount,
        override=refused is not None,
        reason=reason,
        details=details,
    )
    return MoneyAction(action, created, amount, refused is not None, granted, entry.audit_id)
