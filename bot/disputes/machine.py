"""A dispute's state machine (REV-6.5), as pure data: which move takes a dispute from which
status to which, and which of them move money to the buyer.

    awaiting_seller --accept--> seller_accepted        (the buyer is refunded)
                    --contest-> seller_contested --decide--> decided_for_buyer | _for_seller
                    --offer---> seller_offered   --decide--> decided_for_buyer | _for_seller
                                                 --accept_offer (the buyer)--> decided_for_buyer
                    --timeout-> decided_for_buyer          (no answer by respond_by)

An agent decides only once the seller has answered (contested or offered): the seller's 48
hours are theirs. A move repeated on a dispute already where that move leads is a replay
(`is_replay`): the caller answers with the dispute as it is and changes nothing.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

from bot.store.models import DisputeStatus
from common.errors import Conflict


class Move(StrEnum):
    ACCEPT = "accept"
    CONTEST = "contest"
    OFFER = "offer"
    TIMEOUT = "timeout"
    DECIDE_FOR_BUYER = "decide_for_buyer"
    DECIDE_FOR_SELLER = "decide_for_seller"
    ACCEPT_OFFER = "accept_offer"  # the buyer takes the seller's offer in chat


S = DisputeStatus
_DECIDE = {Move.DECIDE_FOR_BUYER: S.DECIDED_FOR_BUYER, Move.DECIDE_FOR_SELLER: S.DECIDED_FOR_SELLER}
TRANSITIONS = MappingProxyType(
    {
        S.AWAITING_SELLER: MappingProxyType(
            {
                Move.ACCEPT: S.SELLER_ACCEPTED,
                Move.CONTEST: S.SELLER_CONTESTED,
                Move.OFFER: S.SELLER_OFFERED,
                Move.TIMEOUT: S.DECIDED_FOR_BUYER,
            }
        ),
        S.SELLER_CONTESTED: MappingProxyType(_DECIDE),
        S.SELLER_OFFERED: MappingProxyType({**_DECIDE, Move.ACCEPT_OFFER: S.DECIDED_FOR_BUYER}),
    }
)
TERMINAL = frozenset({S.SELLER_ACCEPTED, S.DECIDED_FOR_BUYER, S.DECIDED_FOR_SELLER})
# Moves after which the buyer gets money (or goods) back through the ledger.
PAYS_BUYER = frozenset({Move.ACCEPT, Move.TIMEOUT, Move.DECIDE_FOR_BUYER, Move.ACCEPT_OFFER})
# Moves that answer for the seller: only the seller of the order may make them.
SELLER_MOVES = frozenset({Move.ACCEPT, Move.CONTEST, Move.OFFER})


class DisputeConflict(Conflict):
    """The move is not allowed from the dispute's status (409)."""


def is_replay(status: DisputeStatus, move: Move) -> bool:
    """The move was already made: the dispute stands where that move leads."""
    if move in _DECIDE:
        return status is _DECIDE[move]
    if move is Move.ACCEPT_OFFER:
        return status is S.DECIDED_FOR_BUYER
    return status is TRANSITIONS[S.AWAITING_SELLER][move]


def next_status(status: DisputeStatus, move: Move) -> DisputeStatus:
    """Where ``move`` takes a dispute in ``status``; `DisputeConflict` when it cannot."""
    target = TRANSITIONS.get(status, {}).get(move)
    if target is None:
        if status in TERMINAL:
            raise DisputeConflict(f"the dispute is already settled ({status.value})")
        if move in _DECIDE and status is S.AWAITING_SELLER:
            raise DisputeConflict(
                "the seller has until respond_by to answer; an agent decides after that"
            )
        raise DisputeConflict(f"cannot {move.value} a dispute that is {status.value}")
    return target
