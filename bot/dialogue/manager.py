"""The dialogue manager: the one orchestrator of a buyer's turn.

A turn, in order:

1. the buyer's message is committed (`ConversationRepository.record_inbound`) before anything
   else happens; a retried request with the same idempotency key gets the first response;
2. turns of one conversation run one at a time: an asyncio lock per conversation in this
   process, and the conversation row's lock in the database across processes;
3. the NLU reads the message (Rasa down or slower than its timeout: a person takes over);
4. the flows decide, and the replies, state, cases, decisions, actions and the stored response
   commit in one transaction.

Why async routes with the database in a thread: the parser is an async httpx client bound to
the event loop, and the NLU wait (up to 2 s) must not hold a thread; the database work is
synchronous SQLAlchemy, so it runs in starlette's thread pool (`run_in_threadpool`), which
keeps it off the event loop without an async driver.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import structlog
from starlette.concurrency import run_in_threadpool

from bot.dialogue import offers, replies, several
from bot.dialogue.context import (
    DEFAULT_PROPOSAL_TTL,
    Engines,
    InLanguage,
    PreparedAnswerer,
    TurnContext,
)
from bot.dialogue.flows import TurnHandler, retrieval_situation
from bot.dialogue.offers import OfferAnswers
from bot.dialogue.state import DialogueState
from bot.dialogue.turn import BotMessage
from bot.dialogue.vocabulary import FLOW_INTENTS, TRACKING
from bot.dialogue.wording import question_sentences, rating_of, rule_question_sentences
from bot.language.catalogue import Voice, speaking
from bot.language.identify import Detection, identify, is_sure_english
from bot.media.links import MAX_PHOTOS_PER_MESSAGE, take_image_links
from bot.store.cases import CaseRepository
from bot.store.conversations import (
    Conversation,
    ConversationRepository,
    Inbound,
    Incoming,
    Language,
    Turn,
)
from bot.store.db import Database, utcnow
from bot.store.disputes import DisputeRepository, DisputeTiming
from bot.store.models import ConversationStatus, MessageRole
from common.errors import AftersalesError, Conflict
from nlu.client import Parser
from nlu.errors import NluError
from nlu.reconcile import SURE_QUESTION, SURE_REQUEST
from nlu.routing import LanguageRoutedParser
from nlu.types import IntentScore, ParseResult

log = structlog.get_logger(__name__)


class DialogueError(AftersalesError):
    """Base of the dialogue manager's errors."""


class ConversationClosed(DialogueError, Conflict):
    """The conversation was closed by an agent; the buyer starts a new one."""

    code = "conversation_closed"

    def __init__(self, conversation_id: str) -> None:
        super().__init__(
            f"conversation {conversation_id} is closed; start a new one with POST /v1/conversations"
        )
        self.conversation_id = conversation_id


class _Line:
    """A message's place in its conversation's line in this process (`DialogueManager._in_line`):
    one turn at a time per conversation (FIFO: asyncio.Lock is fair)."""

    def __init__(self, turns_run: dict[str, int], conversation_id: str, lock: asyncio.Lock):
        self._turns_run = turns_run
        self._conversation_id = conversation_id
        self._lock = lock
        # The turns run so far: one more when the turn starts means another turn ran between
        # this message's transaction and its turn.
        self._seen = turns_run.get(conversation_id, 0)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[bool]:
        """Hold the conversation's turn; yields whether no other turn of it ran in this
        process since this message was in line (what its transaction read still holds)."""
        async with self._lock:
            unchanged = self._turns_run.get(self._conversation_id, 0) == self._seen
            try:
                yield unchanged
            finally:
                self._turns_run[self._conversation_id] = (
                    self._turns_run.get(self._conversation_id, 0) + 1
                )


class DialogueManager:
    """Starts conversations, runs buyer turns, shows transcripts."""

    def __init__(
        self,
        database: Database,
        parser: Parser,
        engines: Engines,
        *,
        clock: Callable[[], datetime] = utcnow,
        proposal_ttl: timedelta = DEFAULT_PROPOSAL_TTL,
        dispute_timing: DisputeTiming | None = None,
        offer_answers: OfferAnswers | None = None,
    ) -> None:
        self.proposal_ttl = proposal_ttl
        # The disputes' service, for a buyer's answer to a seller's offer (wired in bot.main).
        self.offer_answers = offer_answers
        self.dispute_timing = dispute_timing or DisputeTiming()
        self.conversations = ConversationRepository(database.sessions, clock=clock)
        self.cases = CaseRepository(database.sessions, clock=clock)
        self.disputes = DisputeRepository(database.sessions, clock)
        self.parser = parser
        self.engines = engines
        self.clock = clock
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}
        # Turns run per conversation while a message of it is in line (`_in_line`).
        self._turns_run: dict[str, int] = {}

    async def start(self, buyer_id: str) -> str:
        conversation = await run_in_threadpool(
            self.conversations.create, buyer_id, DialogueState().dump()
        )
        return conversation.conversation_id

    async def post(
        self,
        conversation_id: str,
        buyer_id: str,
        text: str,
        attachments: list[dict[str, Any]],
        idempotency_key: str | None = None,
        locale: str | None = None,
    ) -> dict[str, Any]:
        """Run one buyer turn and return the contract's turn response. ``locale`` is the
        buyer's app locale, normalised ("ms_MY"): a hint to language ID and how amounts and
        dates are written.

        Raises `ConversationNotFound` (not the buyer's, or no such conversation) and
        `ConversationClosed`.
        """
        read: list[tuple[Incoming, Detection]] = []

        def prepare(conversation: Conversation) -> Incoming:
            """The message read against the conversation as `record_inbound` locked it (one
            read of the conversation before the turn's own, issue 17)."""
            if conversation.status is ConversationStatus.CLOSED:
                raise ConversationClosed(conversation_id)
            words, photos = text, attachments
            if (conversation.state or {}).get("expecting") == "evidence":
                # Asked for a photo, any link is the photo (the API already took those naming
                # an image file): read as words it would only be "Sorry, I didn't catch that".
                room = MAX_PHOTOS_PER_MESSAGE - len(photos)
                words, links = take_image_links(words, room, any_link=True)
                photos = [*photos, *({"type": "image", "url": link} for link in links)]
            detection = identify(words, locale=locale, conversation_language=conversation.language)
            incoming = Incoming(words, photos, Language(detection.language, locale))
            read[:] = [(incoming, detection)]
            return incoming

        async with self._in_line(conversation_id) as line:
            inbound = await run_in_threadpool(
                self.conversations.record_inbound,
                conversation_id,
                buyer_id,
                text,
                attachments,
                idempotency_key,
                prepare=prepare,
            )
            if inbound.response is not None:
                return inbound.response
            ((incoming, detection),) = read
            async with line.turn() as unchanged:
                return await self._turn(
                    conversation_id,
                    buyer_id,
                    inbound,
                    # As the message's transaction left it, unless a turn of this conversation
                    # ran in this process meanwhile (then read afresh).
                    inbound.conversation
                    if unchanged
                    else await run_in_threadpool(self.conversations.get, conversation_id),
                    incoming.text,
                    incoming.attachments,
                    detection,
                )

    async def _turn(
        self,
        conversation_id: str,
        buyer_id: str,
        inbound: Inbound,
        current: Conversation | None,
        text: str,
        attachments: list[dict[str, Any]],
        detection: Detection,
    ) -> dict[str, Any]:
        """Read the message (NLU, parts, a policy answer), then run the turn's transaction."""
        parse, nlu_failed, parts, asks_about = None, False, None, False
        reader = self._reader(detection)
        if current is not None and current.status is ConversationStatus.BOT:
            if _answers_rating(current.state, text):
                # "4" answering "how would you rate this chat?" needs no NLU (which would
                # read a bare digit as out_of_scope and count it as a fallback).
                parse = ParseResult(text=text, intent=IntentScore("inform", 1.0))
            else:
                parse, nlu_failed = await self._read(reader, text)
            if parse is not None and _may_hold_several(current.state, parse):
                parts = await self._read_parts(reader, text, parse)
                asks_about = await self._asks_about(reader, parse)
            elif parse is not None and _unread_opening(current.state, parse):
                # Not read in parts (its problem's own words start a claim, `TurnHandler`),
                # but its question sentence is read alone as for a request (dev7 j34).
                asks_about = await self._asks_about(reader, parse)
        # Policy answers in the conversation's language (the language ID just updated it).
        language = current.language if current is not None else detection.language
        engines = self._in_language(language)
        state = current.state if current is not None else None

        def answer_then_run() -> dict[str, Any]:
            # One thread hop for both (each hop costs a GIL hand-off under load): the policy
            # answer first, outside the turn's transaction, so the model call holds no lock. A
            # message read in parts asks its question in a part: answered in the turn.
            prepared = engines if parts else self._prepared(engines, parse, state, language)
            return self._process(
                conversation_id,
                buyer_id,
                inbound.message_id,
                text,
                attachments,
                parse,
                nlu_failed,
                prepared,
                parts,
                asks_about,
            )

        return await run_in_threadpool(answer_then_run)

    async def view(self, conversation_id: str, buyer_id: str) -> dict[str, Any]:
        """The transcript, status, what the bot waits for, every action and case so far."""
        conversation = await run_in_threadpool(
            self.conversations.get_for_buyer, conversation_id, buyer_id
        )
        messages = await run_in_threadpool(self.conversations.messages, conversation_id)
        actions, case_ids = await run_in_threadpool(self.cases.of_conversation, conversation_id)
        disputes = await run_in_threadpool(self.disputes.of_cases, case_ids)
        state = DialogueState.load(conversation.state)
        return {
            "conversation_id": conversation.conversation_id,
            "status": conversation.status.value,
            "messages": [transcript_entry(m) for m in messages],
            "expecting": state.expecting,
            "quick_replies": state.quick_replies,
            "actions": [a.to_dict() for a in actions],
            "case_ids": case_ids,
            "disputes": [d.to_dict("buyer") for d in disputes],
            "language": conversation.language,
            "created_at": conversation.created_at.isoformat(),
            "updated_at": conversation.updated_at.isoformat(),
        }

    async def of_buyer(self, buyer_id: str, limit: int) -> list[dict[str, Any]]:
        """The buyer's own conversations, most recently updated first, each with a preview of
        its last message (``PREVIEW_CHARS`` at most; None before anything was said)."""
        summaries = await run_in_threadpool(self.conversations.of_buyer, buyer_id, limit=limit)
        return [
            {
                "conversation_id": s.conversation.conversation_id,
                "status": s.conversation.status.value,
                "created_at": s.conversation.created_at.isoformat(),
                "updated_at": s.conversation.updated_at.isoformat(),
                "last_message": None
                if s.last_message is None
                else {
                    "role": s.last_message.role.value,
                    "text": preview(s.last_message.text),
                    "created_at": s.last_message.created_at.isoformat(),
                },
            }
            for s in summaries
        ]

    # --- internals ------------------------------------------------------------------------------

    @asynccontextmanager
    async def _in_line(self, conversation_id: str) -> AsyncIterator[_Line]:
        """This message's place among the conversation's turns in this process, from before
        its message is stored until its turn ends (`_Line.turn`)."""
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        self._users[conversation_id] = self._users.get(conversation_id, 0) + 1
        try:
            yield _Line(self._turns_run, conversation_id, lock)
        finally:
            self._users[conversation_id] -= 1
            if not self._users[conversation_id]:
                del self._users[conversation_id], self._locks[conversation_id]
                self._turns_run.pop(conversation_id, None)

    def _reader(self, detection: Detection) -> Parser:
        """The parser for this message: with two NLU models (issue 16), the one for its
        language, asking the other too when an unsure "English" reads as out of scope."""
        if isinstance(self.parser, LanguageRoutedParser):
            return self.parser.bound(detection.language, sure=is_sure_english(detection))
        return self.parser

    async def _read(self, reader: Parser, text: str) -> tuple[ParseResult | None, bool]:
        if not text.strip():
            # A photo without words answers whatever the bot asked; nothing to parse.
            return ParseResult(text="", intent=IntentScore("inform", 1.0)), False
        try:
            return await reader.parse(text), False
        except NluError as e:
            log.warning("nlu_failed_handing_over", error=str(e))
            return None, True

    def _in_language(self, language: str | None) -> Engines:
        answerer = self.engines.answerer
        if answerer is None:
            return self.engines
        return dataclasses.replace(self.engines, answerer=InLanguage(answerer, language))

    @staticmethod
    def _prepared(
        engines: Engines,
        parse: ParseResult | None,
        state: dict[str, Any] | None,
        language: str | None = None,
    ) -> Engines:
        """The engines for this turn: a message the flows may answer from the knowledge base is
        answered now, before the turn's transaction (the model call then holds no lock)."""
        answerer = engines.answerer
        if answerer is None or parse is None or not may_ask_policy(parse, state):
            return engines
        # The flows ask about the text the NLU read (`TurnHandler.text`).
        situation = retrieval_situation(parse, language)
        prepared = PreparedAnswerer.prepare(answerer, parse.text, situation)
        return dataclasses.replace(engines, answerer=prepared)

    async def _asks_about(self, reader: Parser, parse: ParseResult) -> bool:
        """Whether an opening read as a claim asks a policy question about it: its last
        question sentence ("... Need to post back the broken mug or not?"), read alone, is a
        question (the act reader calls the whole a request at 0.97, and the sentence
        joined to the one before it in `several.read_parts` reads as the claim). One more NLU
        call, only for a claim's opening with a question mark; the NLU failing on it leaves the
        claim as read (`several.run`)."""
        if parse.intent.name not in (FLOW_INTENTS - TRACKING - {"cancel_order"}) | UNREAD:
            # A cancellation is done, not offered: its question ("belum dikirim kan?", "hindi pa
            # na-ship diba?": it has not shipped, right?) is what the cancel flow checks, and
            # every turn spent offering is a turn in which the order may ship.
            return False
        sentences = question_sentences(parse.text)
        if not sentences or sentences[-1] == parse.text.strip():
            return False  # no question sentence, or the message is one: read already
        try:
            alone = await reader.parse(sentences[-1])
        except NluError as e:
            log.warning("nlu_failed_on_a_question", error=str(e))
            return False
        act = alone.dialogue_act
        # Read alone, the sentence is a policy question, or the act reader is sure it asks
        # (it reads requests worded as questions, "Can I get a refund?", as requests).
        return alone.intent.name == "ask_policy" or (
            act is not None and act.name == "question" and act.confidence >= SURE_QUESTION
        )

    async def _read_parts(
        self, reader: Parser, text: str, whole: ParseResult | None = None
    ) -> list[ParseResult] | None:
        """The parts of a message with several requests (`several.read_parts`); None when it
        has one, or when the NLU fails on a part (the whole reading then stands)."""
        try:
            return await several.read_parts(reader, text, whole)
        except NluError as e:
            log.warning("nlu_failed_on_a_part", error=str(e))
            return None

    def _process(
        self,
        conversation_id: str,
        buyer_id: str,
        message_id: str,
        text: str,
        attachments: list[dict[str, Any]],
        parse: ParseResult | None,
        nlu_failed: bool,
        engines: Engines | None = None,
        parts: list[ParseResult] | None = None,
        asks_about: bool = False,
    ) -> dict[str, Any]:
        with self.conversations.turn(conversation_id) as turn:
            stored = turn.response_of(message_id)
            if stored is not None:
                return stored  # processed meanwhile (a retry raced its first attempt)
            conversation = turn.conversation
            with speaking(conversation.language, conversation.locale) as voice:
                return self._run_turn(
                    turn,
                    conversation,
                    voice,
                    message_id,
                    text,
                    attachments,
                    parse,
                    nlu_failed,
                    engines,
                    parts,
                    asks_about,
                )

    def _run_turn(
        self,
        turn: Turn,
        conversation: Conversation,
        voice: Voice,
        message_id: str,
        text: str,
        attachments: list[dict[str, Any]],
        parse: ParseResult | None,
        nlu_failed: bool,
        engines: Engines | None,
        parts: list[ParseResult] | None,
        asks_about: bool = False,
    ) -> dict[str, Any]:
        """The turn in the conversation's language (`speaking`), its transaction open."""
        conversation_id, buyer_id = conversation.conversation_id, conversation.buyer_id
        state = DialogueState.load(conversation.state)
        if state.greeted():
            state.clear_prompt()  # answered by this message, an opening like any other
        status = conversation.status
        ctx = TurnContext(
            turn.session,
            conversation_id=conversation_id,
            buyer_id=buyer_id,
            now=self.clock(),
            engines=engines or self.engines,
            proposal_ttl=self.proposal_ttl,
            dispute_timing=self.dispute_timing,
        )
        messages: list[BotMessage] = []
        answer = offers.answer_of(state, text) if self.offer_answers else None
        if (
            answer is not None
            and state.offer_dispute_id
            and status is not ConversationStatus.CLOSED
        ):
            # "Accept the offer": the seller's offer in a dispute, answered even while the
            # chat waits for an agent (the dispute is what the agent is waiting on).
            assert self.offer_answers is not None
            notes = self.offer_answers.answer_offer_in(
                turn.session, buyer_id, state.offer_dispute_id, answer
            )
            status = offers.apply(state, status, notes.case_id or "", notes)
            messages = [BotMessage.of(t, ["REV-6.5"]) for t in notes.texts]
        elif status is ConversationStatus.WAITING_FOR_AGENT:
            # The agent answers now; the buyer hears once that the message reached them.
            if not state.handoff_notice_sent:
                messages.append(BotMessage.of(replies.text("still_waiting")))
                state.handoff_notice_sent = True
        elif status is ConversationStatus.CLOSED:
            messages.append(BotMessage.of(replies.text("closed")))
        else:
            reading = parse or ParseResult(text=text, intent=IntentScore("unknown", 0.0))
            if nlu_failed:
                outcome = TurnHandler(state, ctx, reading, attachments).nlu_unavailable()
            else:
                outcome = several.run(state, ctx, reading, attachments, parts, asks_about)
            messages = outcome.messages
            if outcome.handoff_case_id is not None:
                status = ConversationStatus.WAITING_FOR_AGENT
        for i, message in enumerate(messages):
            last = i == len(messages) - 1
            turn.add_message(
                MessageRole.BOT,
                message.text,
                citations=message.citations,
                quick_replies=state.quick_replies if last else None,
                expecting=state.expecting if last else None,
                language=voice.language,
                text_en=message.english,
            )
        nlu = nlu_of(parse)
        response = {
            "conversation_id": conversation_id,
            "status": status.value,
            "messages": [
                {"role": "bot", "text": m.text, "citations": m.citations} for m in messages
            ],
            "expecting": state.expecting,
            "quick_replies": state.quick_replies,
            "actions": [a.to_dict() for a in ctx.executed],
            "nlu": nlu,
            "language": conversation.language,
        }
        turn.finish(
            state=state.dump(),
            status=status,
            message_id=message_id,
            nlu=parse.to_dict() if parse is not None else None,
            response=response,
        )
        log.info(
            "turn",
            conversation_id=conversation_id,
            intent=nlu["intent"]["name"] if nlu else None,
            status=status.value,
            expecting=state.expecting,
            actions=len(ctx.executed),
        )
        return response


def may_ask_policy(parse: ParseResult, state: dict[str, Any] | None = None) -> bool:
    """Whether the flows may answer this message from the knowledge base: every path to
    `TurnHandler._answer_question` needs `ask_policy`, a question act at even odds or better,
    or a question mark (`bot.dialogue.reading`; anywhere in the message: a story ending in a
    question about the rule, `TurnHandler._asks_the_rule`, or an out-of-scope reading with a
    question in it), a rule question typed without its mark (`rule_question_sentences`), or,
    while an offer waits for its yes, an intent the reader is unsure of
    (`TurnHandler._confirmation`)."""
    act = parse.dialogue_act
    return (
        parse.intent.name == "ask_policy"
        or "?" in parse.text
        or bool(rule_question_sentences(parse.text))
        or (act is not None and act.name == "question" and act.confidence >= 0.5)
        or (
            parse.intent.confidence < SURE_REQUEST
            and DialogueState.load(state).proposal is not None
        )
    )


def _may_hold_several(state: dict[str, Any] | None, parse: ParseResult) -> bool:
    """Whether to look for several requests in the message: an opening (nothing open, nothing
    waiting) that the NLU read as a request or a question; answers to the bot's questions and
    small talk are read whole."""
    read = parse.intent.name in FLOW_INTENTS or parse.intent.name == "ask_policy"
    return read and _opening(state)


def _opening(state: dict[str, Any] | None) -> bool:
    """Nothing open and nothing waiting (a rating or the greeting's question may be)."""
    current = DialogueState.load(state)
    return (
        current.flow is None
        and current.proposal is None
        and not current.pending
        and (current.expecting in (None, "rating") or current.greeted())
    )


# Intents of an opening the intent reader could not read as a request (`_unread_opening`).
UNREAD = frozenset({"out_of_scope", "inform"})


def _unread_opening(state: dict[str, Any] | None, parse: ParseResult) -> bool:
    """An opening (as `_may_hold_several` says) read as out of scope or as information: the
    dialogue may still start the claim its words name ("My phone case from X came with a
    crack. Is it less hassle to get a replacement or just a refund?", out of scope at 0.51)."""
    return parse.intent.name in UNREAD and _opening(state)


def _answers_rating(state: dict[str, Any] | None, text: str) -> bool:
    return (state or {}).get("expecting") == "rating" and rating_of(text) is not None


def nlu_of(parse: ParseResult | None) -> dict[str, Any] | None:
    """The turn response's ``nlu``: the intent acted on and the entities."""
    if parse is None:
        return None
    data = parse.to_dict()
    return {"intent": data["intent"], "entities": data["entities"]}


PREVIEW_CHARS = 120


def preview(text: str) -> str:
    """A message's first ``PREVIEW_CHARS`` characters on one line, "…" when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1].rstrip() + "…"


def transcript_entry(message: Any) -> dict[str, Any]:
    entry = {
        "seq": message.seq,
        "role": message.role.value,
        "text": message.text,
        "citations": message.citations,
        "created_at": message.created_at.isoformat(),
    }
    if message.attachments:
        entry["attachments"] = message.attachments
    if message.quick_replies:
        entry["quick_replies"] = message.quick_replies
    return entry
