"""One buyer turn's shared parts: what a turn produces (`Outcome`), the state it reads and
changes, and how it writes replies and quick replies. The turn's steps are split by
responsibility over the mixins built on `TurnBase`: reading the message (`reading`), filling
the slot the bot asked for (`slots`), deciding a claim (`decision`) and the turn loop
(`flows.TurnHandler`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.dialogue import replies
from bot.dialogue.context import TurnContext
from bot.dialogue.state import Choice, DialogueState, normalise
from bot.language.catalogue import Said, english_of
from nlu.types import ParseResult


@dataclass
class BotMessage:
    text: str
    citations: list[str] = field(default_factory=list)
    # The English of the catalogue text the buyer read (None when it is the same), for agents.
    english: str | None = None

    @classmethod
    def of(cls, text: str, citations: list[str] | None = None) -> BotMessage:
        english = english_of(text)
        return cls(str(text), list(citations or []), None if english == str(text) else english)


@dataclass
class Outcome:
    messages: list[BotMessage] = field(default_factory=list)
    # Set when this turn handed the conversation to a person.
    handoff_case_id: str | None = None


class TurnBase:
    """The turn's inputs and output; the steps live in the mixins (see the module docstring)."""

    def __init__(
        self,
        state: DialogueState,
        ctx: TurnContext,
        parse: ParseResult,
        attachments: list[dict],
    ) -> None:
        self.state = state
        self.ctx = ctx
        self.parse = parse
        self.intent = parse.intent.name
        self.text = parse.text
        self.said = normalise(parse.text)
        self.photos = [a["url"] for a in attachments if a.get("type") == "image"]
        self.option = state.options.get(self.said)
        if self.option is None:
            # "the first one", "the latest one": a quick reply picked by its place (`reading`).
            self.option = self._picked_by_place()
        self.out = Outcome()
        # Whether this turn moved the open request on (a slot filled or handled, a decision
        # made), or was a side turn (a policy question answered, a greeting or thanks).
        self._progressed = False
        self._side_turn = False
        # Whether an answer to a question naming a situation offers to check the order; not
        # when a request of the same message comes next (`bot.dialogue.several`).
        self.offers_check = True
        # Whether this turn closed an optional "Shall I check order X?" the message did not
        # answer (`flows.TurnHandler._answer_check_offer`).
        self._offer_closed = False
        # Whether the message, read in parts, asks a policy question about the one problem it
        # tells, naming no order (`several._asks_about_its_problem`).
        self.asks_about = False
        # The opening's last question sentence, read alone, is a policy question
        # (`DialogueManager._asks_about`), whether or not the message names an order: a request
        # naming its order answers that sentence before it goes on (`_asks_in_a_named_request`).
        self.question_read = False
        # The message's parts, each read alone, when it is read whole all the same
        # (`bot.dialogue.several.run`): a part that tells its problem gives the request its
        # reason (`reading.MessageReading._reason_of_parts`).
        self.parts: list[ParseResult] = []
        # The whole message this turn reads a part of (`bot.dialogue.several`): the item a
        # question's check offer is about may be named in another part.
        self.message_text = parse.text
        # ... as the buyer typed it, before the English spelling corrector (`nlu.spelling`)
        # changed words it did not know ("tag dh sy buang" read as "... huang": dev12 q50).
        self.message_typed = parse.typed or parse.text

    def _picked_by_place(self) -> str | None:
        """The option a reply picks by its place in the list (`MessageReading`)."""
        return None

    def _advance(self) -> Outcome:
        """Move the open flow on (the turn loop's: `flows.TurnHandler._advance`)."""
        raise NotImplementedError

    def _reply(self, text: str, citations: list[str] | None = None) -> None:
        self.out.messages.append(BotMessage.of(text, citations))

    def _say(
        self, text: str, citations: list[str] | None = None, *, prompt_keep: bool = False
    ) -> Outcome:
        if not prompt_keep:
            self.state.clear_prompt()
        self._reply(text, citations)
        return self.out

    def _prompt(
        self,
        expecting: str,
        labels: list[Said],
        *,
        choice: Choice | None = None,
    ) -> None:
        meaning = {str(replies.label(value)): value for value in replies.QUICK_REPLIES}
        self.state.expecting = expecting  # type: ignore[assignment]
        self.state.choice = choice
        self.state.quick_replies = list(labels)
        self.state.options = {}
        for label in labels:
            self.state.options.update(typed(label, meaning[label]))


def typed(label: str, value: str) -> dict[str, str]:
    """The ways a buyer may type a quick reply: its label in their language and in English
    (a Malay buyer may well type "yes")."""
    return {normalise(label): value, normalise(english_of(label)): value}
