"""A seller's offer in a dispute (a partial refund or a replacement), put to the buyer in their
chat: the quick replies, reading the buyer's answer, and the interface through which the
dialogue hands the answer to the disputes' service (`bot.disputes.service.DisputeDesk`, wired
in `bot.main`: the dialogue never imports it, the disputes import the dialogue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from sqlalchemy.orm import Session

from bot.dialogue import replies
from bot.dialogue.state import Choice, DialogueState, normalise
from bot.dialogue.turn import typed
from bot.dialogue.wording import NO_LEAD, NO_WORDS, YES_LEAD, YES_WORDS
from bot.store.models import ConversationStatus

OfferAnswer = Literal["accept", "decline"]


@dataclass
class ChatNotes:
    """What a dispute's move tells the buyer's chat, applied by whoever holds the
    conversation's turn: the texts, an offer to put to the buyer, and whether the dispute is
    settled (the chat then goes back to the bot)."""

    texts: list[str] = field(default_factory=list)
    case_id: str | None = None
    offer_dispute_id: str | None = None
    settled: bool = False

    def post(self, text: str) -> None:
        self.texts.append(text)


class OfferAnswers(Protocol):
    def answer_offer_in(
        self, session: Session, buyer_id: str, dispute_id: str, answer: OfferAnswer
    ) -> ChatNotes:
        """Take the buyer's answer to the dispute's offer, in the conversation's turn."""
        ...


def ask(state: DialogueState, dispute_id: str) -> None:
    """Put the offer to the buyer: accept or decline, with quick replies in the conversation's
    language (the caller's `speaking`), matched when typed in it or in English."""
    state.offer_dispute_id = dispute_id
    state.expecting, state.choice = "choice", Choice.OFFER
    labels = {"accept": replies.label("accept_offer"), "decline": replies.label("decline_offer")}
    state.quick_replies = list(labels.values())
    state.options = {}
    for value, label in labels.items():
        state.options.update(typed(label, value))


def answer_of(state: DialogueState, text: str) -> OfferAnswer | None:
    """The buyer's answer to the open offer, if this message is one (a quick reply, yes/no)."""
    if state.offer_dispute_id is None or state.choice is not Choice.OFFER:
        return None
    said = normalise(text)
    option = state.options.get(said)
    if option in ("accept", "decline"):
        return option  # type: ignore[return-value]
    if said in YES_WORDS or YES_LEAD.match(said):
        return "accept"
    if said in NO_WORDS or NO_LEAD.match(said):
        return "decline"
    return None


def settle(state: DialogueState, status: ConversationStatus, case_id: str) -> ConversationStatus:
    """A decided dispute settles the case the chat was handed over for: the conversation goes
    back to the bot, so the buyer is no longer told that an agent will reply."""
    if state.choice is Choice.OFFER:
        state.clear_prompt()
    state.offer_dispute_id = None
    if status is not ConversationStatus.WAITING_FOR_AGENT or state.handoff_case_id != case_id:
        return status  # waiting for a person about something else
    state.handoff_case_id = None
    state.handoff_notice_sent = False
    return ConversationStatus.BOT


def apply(
    state: DialogueState, status: ConversationStatus, case_id: str, notes: ChatNotes
) -> ConversationStatus:
    """The chat's state after a dispute's move: an offer asked, or the case settled."""
    if notes.offer_dispute_id is not None:
        ask(state, notes.offer_dispute_id)
    elif state.choice is Choice.OFFER:  # answered, or decided meanwhile: no longer asked
        state.clear_prompt()
        state.offer_dispute_id = None
    if notes.settled:
        return settle(state, status, case_id)
    return status
