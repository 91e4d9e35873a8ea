"""The dialogue state of one conversation: typed here, stored as JSON in ``conversations.state``.

Everything the next turn needs lives in this value (nothing in process memory), so a restarted
bot, or another bot process, continues the conversation where it stood.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from policies.types import ClaimType

STATE_VERSION = 1

Expecting = Literal["order_id", "reason", "evidence", "confirmation", "choice", "rating"]


class Choice(StrEnum):
    """Which question an ``expecting: "choice"`` is about."""

    ITEMS = "items"  # which item of a multi-item order
    OPENED = "opened"  # was the beauty item opened (RET-2.2)
    REMEDY = "remedy"  # refund or replacement (DMG-3.3)
    PERSON = "person"  # would you like a person (complaints, unsure answers)
    CHECK_ORDER = "check_order"  # shall I check the order a policy question's situation names
    OFFER = "offer"  # accept or decline a seller's offer in a dispute (REV-6.5)
    REASON_GUESS = "reason_guess"  # "is it this: <reason>?" after an unread "what went wrong?"


class Flow(BaseModel):
    """One after-sales request in progress: what is known so far."""

    intent: str
    confidence: float = 1.0
    claim_type: ClaimType | None = None
    order_id: str | None = None
    # Item skus the claim is about; None: not asked yet, []: the whole order.
    skus: list[str] | None = None
    # The buyer said the item is fake: an agent checks every counterfeit report (DMG-3.7).
    counterfeit: bool = False
    # How many of the one item named the claim covers ("one of the two arrived broken");
    # None: every unit.
    units: int | None = None
    photos: list[str] = Field(default_factory=list)
    no_photo: bool = False
    opened: bool | None = None
    # The buyer said the item is worn, washed or without its tags (RET-2.3).
    not_as_new: bool = False
    prefers_replacement: bool | None = None
    # The problem the reason reader named in the message that opened the flow (none: None).
    reason_read: str | None = None
    # The reason reader named a parcel not come or late in that message, even unsurely: what
    # an order not delivered and overdue bears out (`TurnHandler._advance`).
    parcel_missing_read: bool = False
    # The item is said not to work, and not to have come broken: a defect (RESP-7.1).
    defect: bool = False
    # Who bears the cost asked or disputed ("whose fault is this?", "I'm not paying for the
    # return"): the claim's reply says who section 7 makes responsible.
    asks_who_pays: bool = False
    # "...if you can't, I want to talk to a person": asked with the request, for a refusal.
    person_if_refused: bool = False
    # The request was asked as a question ("change address? not shipped yet").
    asked: bool = False
    # The reason asked about, yes or no, after an answer to "What went wrong?" was not read
    # (asked once per flow).
    reason_guess: str | None = None
    # Order ids the buyer gave that are not on their account (upper case, without "#").
    unknown_orders: list[str] = Field(default_factory=list)
    # The bot offered this request, the buyer did not ask for it: a check of an order after an
    # answer, a return in place of a delivered order's cancellation (an "ok thanks" to its
    # offer accepts nothing: `MessageReading._acknowledges`).
    offered: bool = False
    # The message that opened the flow: what it said of the items ("one of the two cups came
    # broken") still counts once the order is asked for and given in a later message.
    told: str = ""

    def reset_order_details(self) -> None:
        """A different order: what was said about the old one's items no longer holds."""
        self.skus = None
        self.units = None
        self.photos = []
        self.no_photo = False
        self.opened = None
        self.not_as_new = False
        self.prefers_replacement = None


class Refusal(BaseModel):
    """A claim the rules refused, kept after the refusal ends the flow: the buyer may still
    dispute that decision (REV-6.5) on the refusal's own case and order."""

    case_id: str
    order_id: str


class ProposedAction(BaseModel):
    type: str
    amount: Decimal
    currency: str


class Proposal(BaseModel):
    """A money-moving remedy the buyer was asked to confirm. ``proposal_id`` makes the
    actions' idempotency keys, so one proposal moves money at most once."""

    proposal_id: str
    case_id: str
    order_id: str
    remedy: str
    actions: list[ProposedAction]
    clauses: list[str]
    # When a replacement ships, as the router decided (its trace's `replacement_ships`:
    # "at_once" or "after_return_received"); None for other remedies.
    replacement_ships: str | None = None


class DialogueState(BaseModel):
    version: int = STATE_VERSION
    flow: Flow | None = None
    proposal: Proposal | None = None
    expecting: Expecting | None = None
    choice: Choice | None = None
    quick_replies: list[str] = Field(default_factory=list)
    # What each offered quick reply means: normalised label -> "order:A1001", "sku:S1", ...
    options: dict[str, str] = Field(default_factory=dict)
    # The order of the latest request: offered first when the next request names no order
    # ("it was damaged too" right after a refused return is about the same order).
    last_order_id: str | None = None
    # The latest refused claim, until a new request starts or it is disputed.
    refusal: Refusal | None = None
    # The dispute whose seller's offer the buyer is asked to accept or decline.
    offer_dispute_id: str | None = None
    # The open handoff case, and whether the buyer was already told an agent will reply.
    handoff_case_id: str | None = None
    handoff_notice_sent: bool = False
    # The case the bot just resolved, while it asks the buyer for a 1-5 rating of the chat.
    rating_case_id: str | None = None
    # How many turns in a row ended on the question the turn began with, unanswered.
    asked_again: int = 0
    # The buyer's previous message, normalised: the same message twice is a loop sign.
    last_said: str | None = None
    # The parts of a message with several requests not handled yet (`bot.dialogue.several`):
    # each the NLU's reading of its part (`ParseResult.to_dict` plus its "text").
    pending: list[dict[str, Any]] = Field(default_factory=list)

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> DialogueState:
        return cls.model_validate(data or {})

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def question(self) -> str | None:
        """The open question, as a key: what the bot is expecting (and which choice)."""
        if self.expecting is None:
            return None
        return f"{self.expecting}:{self.choice or ''}"

    def greeted(self) -> bool:
        """The open question is the greeting's "What can I help you with today?" (`expecting`
        "reason", no request open): the buyer's next message is an opening, read as one."""
        return (
            self.expecting == "reason"
            and self.flow is None
            and self.proposal is None
            and not self.pending
        )

    def clear_prompt(self) -> None:
        self.expecting, self.choice = None, None
        self.quick_replies, self.options = [], {}
        self.rating_case_id = None

    def end_flow(self) -> None:
        """The request is finished (or dropped): the next message starts afresh."""
        self.flow, self.proposal = None, None
        self.clear_prompt()


def normalise(text: str) -> str:
    """A quick reply's key: lower case, single spaces, no trailing punctuation."""
    return " ".join(text.lower().split()).strip(" .!?")
