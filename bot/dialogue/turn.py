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
from nlu.types import ParseResult


@dataclass
class BotMessage:
    text: str
    citations: list[str] = field(default_factory=list)


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
        self.out = Outcome()
        # Whether this turn moved the open request on (a slot filled or handled, a decision
        # made), or was a side turn (a policy question answered, a greeting or thanks).
        self._progressed = False
        self._side_turn = False
        # Whether an answer to a question naming a situation offers to check the order; not
        # when a request of the same message comes next (`bot.dialogue.several`).
        self.offers_check = True

    def _advance(self) -> Outcome:
        """Move the open flow on (the turn loop's: `flows.TurnHandler._advance`)."""
        raise NotImplementedError

    def _reply(self, text: str, citations: list[str] | None = None) -> None:
        self.out.messages.append(BotMessage(text, list(citations or [])))

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
        labels: list[str],
        *,
        choice: Choice | None = None,
    ) -> None:
        meaning = {
            replies.YES: "yes",
            replies.NO: "no",
            replies.PERSON: "person",
            replies.NO_THANKS: "no_thanks",
            replies.DISPUTE: "dispute",
            replies.PHOTO_LATER: "later",
            replies.NO_PHOTO: "no_photo",
            replies.OPENED: "opened",
            replies.SEALED: "sealed",
            replies.REFUND_CHOICE: "refund",
            replies.REPLACEMENT_CHOICE: "replacement",
        }
        self.state.expecting = expecting  # type: ignore[assignment]
        self.state.choice = choice
        self.state.quick_replies = labels
        self.state.options = {normalise(label): meaning[label] for label in labels}
