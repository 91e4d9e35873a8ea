"""The dispute state machine: every allowed move, every refused one, replays."""

from __future__ import annotations

import pytest

from bot.disputes.machine import (
    PAYS_BUYER,
    TERMINAL,
    TRANSITIONS,
    DisputeConflict,
    Move,
    is_replay,
    next_status,
)
from bot.store.models import DisputeStatus as S

ALLOWED = {
    (S.AWAITING_SELLER, Move.ACCEPT): S.SELLER_ACCEPTED,
    (S.AWAITING_SELLER, Move.CONTEST): S.SELLER_CONTESTED,
    (S.AWAITING_SELLER, Move.OFFER): S.SELLER_OFFERED,
    (S.AWAITING_SELLER, Move.TIMEOUT): S.DECIDED_FOR_BUYER,
    (S.SELLER_CONTESTED, Move.DECIDE_FOR_BUYER): S.DECIDED_FOR_BUYER,
    (S.SELLER_CONTESTED, Move.DECIDE_FOR_SELLER): S.DECIDED_FOR_SELLER,
    (S.SELLER_OFFERED, Move.DECIDE_FOR_BUYER): S.DECIDED_FOR_BUYER,
    (S.SELLER_OFFERED, Move.DECIDE_FOR_SELLER): S.DECIDED_FOR_SELLER,
    # The buyer takes the seller's offer in chat: settled for the buyer, no agent needed.
    (S.SELLER_OFFERED, Move.ACCEPT_OFFER): S.DECIDED_FOR_BUYER,
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("move", list(Move))
def test_every_status_and_move(status, move):
    expected = ALLOWED.get((status, move))
    if expected is None:
        with pytest.raises(DisputeConflict):
            next_status(status, move)
    else:
        assert next_status(status, move) is expected


def test_settled_disputes_accept_no_move_and_say_why():
    for status in TERMINAL:
        assert status not in TRANSITIONS
        with pytest.raises(DisputeConflict, match="already settled"):
            next_status(status, Move.CONTEST)


def test_an_agent_waits_for_the_sellers_answer():
    with pytest.raises(DisputeConflict, match="respond_by"):
        next_status(S.AWAITING_SELLER, Move.DECIDE_FOR_BUYER)


def test_a_move_already_made_is_a_replay_and_no_other_is():
    assert is_replay(S.SELLER_ACCEPTED, Move.ACCEPT)
    assert is_replay(S.SELLER_CONTESTED, Move.CONTEST)
    assert is_replay(S.DECIDED_FOR_SELLER, Move.DECIDE_FOR_SELLER)
    assert is_replay(S.DECIDED_FOR_BUYER, Move.TIMEOUT)
    assert not is_replay(S.SELLER_ACCEPTED, Move.CONTEST)
    assert not is_replay(S.AWAITING_SELLER, Move.ACCEPT)
    assert not is_replay(S.SELLER_OFFERED, Move.CONTEST)
    assert is_replay(S.DECIDED_FOR_BUYER, Move.ACCEPT_OFFER)
    assert not is_replay(S.SELLER_OFFERED, Move.ACCEPT_OFFER)


def test_the_buyer_is_paid_on_accept_timeout_a_taken_offer_and_a_decision_for_them_only():
    assert {Move.ACCEPT, Move.TIMEOUT, Move.DECIDE_FOR_BUYER, Move.ACCEPT_OFFER} == PAYS_BUYER
