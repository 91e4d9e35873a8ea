"""A simulated buyer in a conversation: what they say first, and how they answer the bot.

The buyer reads each turn response the way a person reads the chat: ``expecting`` says what the
bot waits for and ``quick_replies`` what it offers. They tap a quick reply or type their own
words (typed answers exercise the bot's NLU and its typed-answer rules; taps its buttons), and
they answer from what they know about their case (the order, the photo they have or not, an
opened beauty item, refund or replacement). The latent type sets the register and the choices
under pressure: a genuine buyer accepts a refusal more often, sends the photo they have, and
rarely pushes back; an abusive buyer demands, says no to evidence, asks for a person when
refused or repeats the claim.

Every choice draws from the `random.Random` the persona is given, so a conversation is
repeatable from the run's seed as long as the bot answers the same way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from lab.simulate import phrases
from lab.simulate.phrases import pick, roughen
from lab.simulate.population import SimCase

# The claims whose evidence is a photo (DMG-3.1): a buyer who has one may attach it at once.
PHOTO_CLAIMS = {"damaged", "defective", "wrong_item", "not_as_described"}
# Keywords that find a quick reply among the bot's labels (the buyer reads, not parses).
REASON_KEYWORD = {
    "damaged": "damag",
    "wrong_item": "wrong",
    "not_received": "never",
    "late_delivery": "late",
    "change_of_mind_return": "mind",
}
# P(score = 1..5) by outcome and latent type. Satisfaction follows what happened far more than
# who the buyer is, but an abuser refused is angrier and one paid is a little less effusive.
RATING_WEIGHTS: dict[tuple[str, str], tuple[float, ...]] = {
    ("resolved", "genuine"): (0.02, 0.03, 0.10, 0.30, 0.55),
    ("resolved", "abusive"): (0.05, 0.05, 0.15, 0.30, 0.45),
    ("escalated", "genuine"): (0.05, 0.25, 0.40, 0.25, 0.05),
    ("escalated", "abusive"): (0.15, 0.35, 0.35, 0.10, 0.05),
    ("refused", "genuine"): (0.30, 0.40, 0.25, 0.05, 0.00),
    ("refused", "abusive"): (0.60, 0.35, 0.05, 0.00, 0.00),
}
OTHER_RATING = (0.15, 0.25, 0.30, 0.20, 0.10)  # answered, declined, unfinished...
LONG_CHAT_TURNS = 7  # a chat this long costs a point now and then


@dataclass(frozen=True)
class BotTurn:
    """What the buyer sees of one turn response (contract section 3, "Conversations")."""

    status: str
    expecting: str | None
    quick_replies: tuple[str, ...]
    texts: tuple[str, ...]
    citations: tuple[str, ...] = ()
    actions: tuple[dict[str, Any], ...] = ()
    intent: str | None = None

    @classmethod
    def from_response(cls, payload: dict[str, Any]) -> BotTurn:
        messages = payload.get("messages") or []
        nlu = payload.get("nlu") or {}
        return cls(
            status=str(payload.get("status", "bot")),
            expecting=payload.get("expecting"),
            quick_replies=tuple(payload.get("quick_replies") or ()),
            texts=tuple(str(m.get("text", "")) for m in messages),
            citations=tuple(c for m in messages for c in m.get("citations") or ()),
            actions=tuple(payload.get("actions") or ()),
            intent=(nlu.get("intent") or {}).get("name"),
        )


@dataclass(frozen=True)
class Message:
    """One buyer message: text, and the URL of a photo when they attach one."""

    text: str
    photo: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text}
        if self.photo:
            body["attachments"] = [{"type": "image", "url": self.photo}]
        return body


@dataclass
class Persona:
    """One buyer holding one conversation about `case`."""

    case: SimCase
    rng: random.Random
    photo_url: str = "https://img.example.com/simulate/photo.jpg"
    max_turns: int = 14
    # What happened, as the buyer saw it (truth.csv's outcome and rating).
    outcome: str = field(default="open", init=False)  # resolved | escalated | refused | ...
    rating: int | None = field(default=None, init=False)
    turns: int = field(default=0, init=False)
    register: str = field(init=False)  # how they talk: their latent type
    _queue: list[Message] = field(default_factory=list, init=False)  # planned opening lines
    _photos_sent: int = field(default=0, init=False)
    _pushbacks: int = field(default=0, init=False)
    _fallbacks: int = field(default=0, init=False)
    _follow_ups: int = field(default=0, init=False)
    _finished: bool = field(default=False, init=False)
    _greeted_only: bool = field(default=False, init=False)  # said hello, nothing else yet

    def __post_init__(self) -> None:
        self.register = self.case.latent_type
        self._queue = self._opening()

    # --- what they say ------------------------------------------------------------------------

    def say(self, bank: list[str], *, typo_rate: float = 0.03, **fields: Any) -> str:
        template = roughen(self.rng, pick(self.rng, bank), self.register, typo_rate=typo_rate)
        values = {"order": self.case.order_id or "", "item": self.case.item or "my order"}
        values["days"] = str(self.rng.randint(2, 9))
        return template.format(**{**values, **fields}).strip()

    def _openers(self) -> list[str]:
        key = phrases.opener_key(self.case.claim, self.case.category)
        return phrases.OPENERS[key][self.register]

    def _opening(self) -> list[Message]:
        case, rng = self.case, self.rng
        opening: list[Message] = []
        if rng.random() < (0.35 if self.register == "genuine" else 0.15):
            opening.append(Message(self.say(phrases.GREETINGS[self.register], typo_rate=0.0)))
            self._greeted_only = True
        if case.claim == "policy":
            for question in rng.sample(phrases.POLICY_QUESTIONS, rng.choice((1, 1, 2))):
                opening.append(Message(self.say([question], typo_rate=0.04)))
            return opening
        if self.register == "genuine" and case.claim in PHOTO_CLAIMS and rng.random() < 0.1:
            opening.append(Message(self.say(phrases.POLICY_QUESTIONS[7:8])))
        text = self.say(self._openers(), typo_rate=0.05)
        photo = None
        if case.has_photo and case.claim in PHOTO_CLAIMS and rng.random() < 0.5:
            photo, self._photos_sent = self.photo_url, 1
        opening.append(Message(text, photo))
        return opening

    def first(self) -> Message:
        """The conversation's first message."""
        self.turns += 1
        return self._queue.pop(0)

    def reply(self, turn: BotTurn) -> Message | None:
        """The buyer's answer to a bot turn; None when they have nothing more to say."""
        self._observe(turn)
        if self._finished or turn.status == "closed" or self.turns >= self.max_turns:
            return None
        message = self._answer(turn)
        if message is not None:
            self.turns += 1
        return message

    # --- reading the bot ------------------------------------------------------------------------

    def _observe(self, turn: BotTurn) -> None:
        if turn.actions:
            self.outcome = "resolved"
        elif turn.status == "waiting_for_agent" and self.outcome != "resolved":
            self.outcome = "escalated"
        elif self.case.claim == "policy" and turn.citations and self.outcome == "open":
            self.outcome = "answered"

    def _answer(self, turn: BotTurn) -> Message | None:
        if self._greeted_only:
            # "What can I help you with today?" after their hello (the bot then expects
            # "reason"): they say what they came for, the next line they had planned.
            self._greeted_only = False
            if self._queue:
                return self._queue.pop(0)
        if turn.expecting == "rating":
            return self._rate(turn)
        if turn.status == "waiting_for_agent":
            return self._wait()
        handler = {
            "order_id": self._order,
            "reason": self._reason,
            "evidence": self._evidence,
            "confirmation": self._confirm,
            "choice": self._choice,
        }.get(turn.expecting or "")
        if handler is not None:
            return handler(turn)
        if self._queue:
            return self._queue.pop(0)
        return self._after(turn)

    # --- answers --------------------------------------------------------------------------------

    def _tap(self, label: str) -> Message:
        return Message(label)

    def _find(self, turn: BotTurn, *keywords: str) -> str | None:
        for label in turn.quick_replies:
            low = label.lower()
            if any(k in low for k in keywords):
                return label
        return None

    def _order(self, turn: BotTurn) -> Message:
        order_id = self.case.order_id
        if order_id is None:
            return Message("never mind")
        mine = [label for label in turn.quick_replies if order_id in label]
        if mine and self.rng.random() < 0.75:
            return self._tap(mine[0])
        return Message(self.say(phrases.ORDER_TYPED, typo_rate=0.0))

    def _reason(self, turn: BotTurn) -> Message:
        reason = self.case.reason
        if reason is None:  # the bot took them for a claim they are not making
            return self._not_that()
        label = self._find(turn, REASON_KEYWORD[reason])
        if label is not None and self.rng.random() < 0.7:
            return self._tap(label)
        return Message(self.say(phrases.REASON_TYPED[reason], typo_rate=0.0))

    def _not_that(self) -> Message:
        """Asked something that does not fit what they came for: they say what they want."""
        claim = self.case.claim
        if claim in ("dispute", "human"):
            return Message(self.say(phrases.OPENERS["human"][self.register], typo_rate=0.0))
        if claim in ("payment_problem", "cancel"):
            return Message(self.say(phrases.OPENERS[claim][self.register], typo_rate=0.0))
        self._finished = True
        return Message("never mind")

    def _evidence(self, turn: BotTurn) -> Message:
        later = self._find(turn, "later")
        if later is not None:  # asked again after "no photo": a person, later, or push back
            person = self._find(turn, "person")
            if self.register == "abusive" and self._pushbacks < 1 and self.rng.random() < 0.4:
                return self._push_back()
            if person is not None and (self.register == "abusive" or self.rng.random() < 0.5):
                return self._tap(person)
            self._finished = True  # they will send it another day: the chat ends here
            return (
                self._tap(later)
                if self.rng.random() < 0.6
                else Message(self.say(phrases.PHOTO_LATER, typo_rate=0.0))
            )
        if self.case.has_photo and self._photos_sent < 2:
            # Asked for a photo they have (perhaps again: the bot may have lost the first one).
            self._photos_sent += 1
            return Message(self.say(phrases.PHOTO_TEXT[self.register]), self.photo_url)
        no_photo = self._find(turn, "photo")
        if no_photo is not None and self.rng.random() < 0.5:
            return self._tap(no_photo)
        return Message(self.say(phrases.NO_PHOTO[self.register], typo_rate=0.0))

    def _confirm(self, turn: BotTurn) -> Message:
        yes = self.register == "abusive" or self.rng.random() < 0.93
        if not yes:
            self.outcome = "declined"
            label = self._find(turn, "no")
            return self._tap(label) if label else Message(self.say(phrases.NO, typo_rate=0.0))
        label = self._find(turn, "yes")
        if label is not None and self.rng.random() < 0.6:
            return self._tap(label)
        return Message(self.say(phrases.YES[self.register], typo_rate=0.0))

    def _choice(self, turn: BotTurn) -> Message:
        person, no_thanks = self._find(turn, "person"), self._find(turn, "no, thanks", "no thanks")
        if person is not None and no_thanks is not None:
            return self._refused_or_offered(person, no_thanks)
        opened, sealed = self._find(turn, "opened"), self._find(turn, "sealed")
        if opened is not None and sealed is not None:
            return self._tap(opened if self.case.opened else sealed)
        refund, replacement = self._find(turn, "refund"), self._find(turn, "replacement")
        if refund is not None and replacement is not None:
            return self._tap(replacement if self.case.prefers_replacement else refund)
        item = self._find(turn, (self.case.item or "").lower() or "\0")
        if item is not None:
            return self._tap(item)
        return self._tap(turn.quick_replies[0]) if turn.quick_replies else Message("ok")

    def _refused_or_offered(self, person: str, no_thanks: str) -> Message:
        if self._queue:  # an offer after a side question: they go on with what they came for
            return self._queue.pop(0)
        if self.case.claim in ("dispute", "human"):  # the offer of a person is what they want
            return self._tap(person)
        if self.case.claim == "policy":  # no confident answer: a person, or they leave it
            if self.rng.random() < 0.3:
                return self._tap(person)
            self._finished = True
            return self._tap(no_thanks)
        if self.outcome != "resolved":
            # Refused after a remedy was done (the buyer said their claim again and the bot
            # found it settled): still a resolved buyer, not a refused one.
            self.outcome = "refused"
        roll = self.rng.random()
        if self.register == "abusive":
            if roll < 0.25 and self._pushbacks < 1:
                return self._push_back()
            if roll < 0.8:
                return (
                    self._tap(person)
                    if self.rng.random() < 0.6
                    else Message(self.say(phrases.PERSON["abusive"]))
                )
        elif roll < 0.35:
            return self._tap(person)
        self._finished = True
        return (
            self._tap(no_thanks)
            if self.rng.random() < 0.7
            else Message(self.say(phrases.NO_THANKS, typo_rate=0.0))
        )

    def _push_back(self) -> Message:
        self._pushbacks += 1
        return Message(self.say(phrases.PUSHBACK, typo_rate=0.05))

    def _wait(self) -> Message | None:
        """Handed to a person: perhaps one line while waiting, then silence."""
        chance = 0.5 if self.register == "abusive" else 0.3
        if self._follow_ups == 0 and self.rng.random() < chance:
            self._follow_ups += 1
            return Message(self.say(phrases.WAITING[self.register], typo_rate=0.0))
        return None

    def _after(self, turn: BotTurn) -> Message | None:
        """Nothing asked and nothing planned: done, or the bot did not get what they want."""
        if self.outcome != "open" or self.case.claim == "policy":
            self._finished = True
            if self.rng.random() < 0.25:
                return Message(self.say(phrases.GOODBYES, typo_rate=0.0))
            return None
        self._fallbacks += 1
        if self._fallbacks == 1:
            # Say it again in other words (a new template), as people do when misunderstood.
            prefix = pick(self.rng, phrases.REPHRASE_PREFIX)
            text = self.say(self._openers(), typo_rate=0.02)
            return Message(f"{prefix} {text}")
        if self._fallbacks <= 2 and (self.register == "abusive" or self.rng.random() < 0.5):
            return Message(self.say(phrases.OPENERS["human"][self.register], typo_rate=0.0))
        return None

    def _rate(self, turn: BotTurn) -> Message | None:
        if self.rating is not None or self.rng.random() < 0.08:  # some never answer surveys
            self._finished = True
            return None
        self.rating = rating_score(self.outcome, self.register, self.turns, self.rng)
        return Message(rating_text(self.rating, self.rng))


def rating_score(outcome: str, register: str, turns: int, rng: random.Random) -> int:
    """A 1-5 score: drawn by outcome and type, a point lost now and then in a long chat."""
    weights = RATING_WEIGHTS.get((outcome, register), OTHER_RATING)
    score = rng.choices(range(1, 6), weights)[0]
    if turns >= LONG_CHAT_TURNS and score > 1 and rng.random() < 0.3:
        score -= 1
    return score


def rating_text(score: int, rng: random.Random) -> str:
    """How people type a rating: the bare digit (a tap), "4/5", "5 stars", stars, a phrase."""
    forms = [
        str(score),
        str(score),
        f"{score}/5",
        f"{score} star" + ("s" if score > 1 else ""),
        "⭐" * score,
        f"i'd give it {score}",
        f"{score} out of 5",
    ]
    return pick(rng, forms)
