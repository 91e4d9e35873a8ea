"""Who pays, added up: a party's statement for a period, from the ledger's
``responsible_party`` (spec section 7; issue 18).

A seller's statement holds the remedies on their orders that the attribution charged to the
seller; a carrier's, those on orders it carried that were charged to the carrier; the platform's,
the buyers' and the unattributed ("none") need no id. Each ledger row is on exactly one of these
statements, so all of them for a period add up to the ledger of that period (a test checks it).
Periods are ``[since, until)`` on the row's time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import ActionRow, OrderRow
from policies.types import to_cents

StatementParty = Literal["seller", "carrier", "platform", "buyer", "none"]
PARTIES: tuple[StatementParty, ...] = ("seller", "carrier", "platform", "buyer", "none")
# Parties whose statements are per id (a seller, a carrier); the others are one each.
PER_ID = frozenset({"seller", "carrier"})
# The id of the carrier statement of orders that name no carrier.
UNKNOWN_CARRIER = "unknown"


@dataclass(frozen=True)
class StatementLine:
    action_id: str
    created_at: datetime
    order_id: str
    case_id: str | None
    type: str
    amount: Decimal
    currency: str
    actor: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "action_id": self.action_id,
            "created_at": self.created_at.isoformat(),
            "order_id": self.order_id,
            "case_id": self.case_id,
            "type": self.type,
            "amount": float(self.amount),
            "currency": self.currency,
            "actor": self.actor,
        }


@dataclass(frozen=True)
class Statement:
    party: StatementParty
    party_id: str | None
    since: datetime
    until: datetime
    lines: tuple[StatementLine, ...]

    def totals(self) -> dict[str, dict[str, float]]:
        """Sums per currency: ``{"total": {...}, "<type>": {...}}``."""
        sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for line in self.lines:
            sums["total"][line.currency] += line.amount
            sums[line.type][line.currency] += line.amount
        return {
            key: {currency: float(to_cents(v)) for currency, v in sorted(per.items())}
            for key, per in sorted(sums.items())
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "id": self.party_id,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "count": len(self.lines),
            "totals": self.totals(),
            "lines": [line.to_dict() for line in self.lines],
        }


def statement_in(
    session: Session,
    *,
    party: StatementParty,
    party_id: str | None,
    since: datetime,
    until: datetime,
) -> Statement:
    query = (
        select(ActionRow, OrderRow.seller_id, OrderRow.carrier)
        .join(OrderRow, ActionRow.order_id == OrderRow.id)
        .where(ActionRow.created_at >= since, ActionRow.created_at < until)
        .order_by(ActionRow.created_at, ActionRow.id)
    )
    if party == "none":
        query = query.where(ActionRow.responsible_party.is_(None))
    else:
        query = query.where(ActionRow.responsible_party == party)
    if party == "seller":
        query = query.where(OrderRow.seller_id == party_id)
    elif party == "carrier" and party_id == UNKNOWN_CARRIER:
        query = query.where(OrderRow.carrier.is_(None))
    elif party == "carrier":
        query = query.where(OrderRow.carrier == party_id)
    lines = tuple(
        StatementLine(
            row.id,
            row.created_at,
            row.order_id,
            row.case_id,
            row.type.value,
            row.amount,
            row.currency,
            row.actor,
        )
        for row, _seller, _carrier in session.execute(query)
    )
    return Statement(party, party_id if party in PER_ID else None, since, until, lines)


def parties_in(
    session: Session, *, since: datetime, until: datetime
) -> list[tuple[StatementParty, str | None]]:
    """Every statement with a line in the period: (party, id), ids for sellers and carriers."""
    rows = session.execute(
        select(ActionRow.responsible_party, OrderRow.seller_id, OrderRow.carrier)
        .join(OrderRow, ActionRow.order_id == OrderRow.id)
        .where(ActionRow.created_at >= since, ActionRow.created_at < until)
    )
    found: set[tuple[StatementParty, str | None]] = set()
    for responsible, seller_id, carrier in rows:
        party: StatementParty = responsible if responsible in PARTIES else "none"
        if party == "seller":
            found.add((party, seller_id))
        elif party == "carrier":
            found.add((party, carrier or UNKNOWN_CARRIER))
        else:
            found.add((party, None))
    return sorted(found, key=lambda p: (PARTIES.index(p[0]), p[1] or ""))
