"""Conversations and their messages: stored before they are processed, processed one at a time.

Two transactions per buyer message:

1. `ConversationRepository.record_inbound` commits the buyer's message (and nothing else), so a
   crash, a failing dependency or a bug later in the turn loses nothing. It also hands back the
   conversation as it found it (locked), so the turn needs no other read before its own.
2. `ConversationRepository.turn` opens the turn's transaction and locks the conversation row
   (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` takes the database's
   write lock), so two bot processes never run turns of one conversation at the same time. The
   replies, the new state, the actions and the stored response commit together, or not at all,
   in one flush at the end (issue 17: statements per turn).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.store.db import StoreError, utcnow, write_session
from bot.store.models import (
    ConversationRow,
    ConversationStatus,
    MessageRole,
    MessageRow,
    new_id,
)
from common.errors import NotFound


class ConversationNotFound(StoreError, NotFound, what="conversation"):
    """No conversation with that id belongs to that buyer."""


@dataclass(frozen=True)
class Conversation:
    conversation_id: str
    buyer_id: str
    status: ConversationStatus
    state: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    language: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class Message:
    message_id: str
    seq: int
    role: MessageRole
    text: str
    attachments: list[dict[str, Any]]
    citations: list[str]
    quick_replies: list[str]
    expecting: str | None
    nlu: dict[str, Any] | None
    author: str | None
    created_at: datetime
    language: str | None = None
    text_en: str | None = None


@dataclass(frozen=True)
class Language:
    """A buyer message's language and the app locale the client sent with it (if any)."""

    language: str
    locale: str | None = None


@dataclass(frozen=True)
class ConversationSummary:
    """One of a buyer's conversations as their list shows it: no transcript, its last message."""

    conversation: Conversation
    last_message: Message | None


@dataclass(frozen=True)
class Inbound:
    """A stored buyer message. ``response`` is set when it was already processed (a retry).
    ``conversation`` is the conversation as the message's transaction left it (its language
    updated), read under the conversation's lock."""

    message_id: str
    seq: int
    response: dict[str, Any] | None
    conversation: Conversation | None = None


@dataclass(frozen=True)
class Incoming:
    """What `record_inbound` stores: the message as read against the conversation."""

    text: str
    attachments: list[dict[str, Any]]
    language: Language | None


# Reads the buyer's message against the conversation as its lock finds it (the dialogue
# manager's: a closed conversation refuses it, a photo link answers "send a photo", the
# language is identified with the conversation's); may raise to store nothing.
Prepare = Callable[[Conversation], Incoming]


def _conversation(row: ConversationRow) -> Conversation:
    return Conversation(
        row.id,
        row.buyer_id,
        row.status,
        dict(row.state),
        row.created_at,
        row.updated_at,
        row.language,
        row.locale,
    )


def _message(row: MessageRow) -> Message:
    return Message(
        message_id=row.id,
        seq=row.seq,
        role=row.role,
        text=row.text,
        attachments=list(row.attachments),
        citations=list(row.citations),
        quick_replies=list(row.quick_replies),
        expecting=row.expecting,
        nlu=row.nlu,
        author=row.author,
        created_at=row.created_at,
        language=row.language,
        text_en=row.text_en,
    )


class Turn:
    """The open transaction of one turn, with the conversation row locked."""

    def __init__(self, session: Session, row: ConversationRow, clock: Callable[[], datetime]):
        self.session = session
        self._row = row
        self._clock = clock
        self._last_seq: int | None = None

    @property
    def conversation(self) -> Conversation:
        return _conversation(self._row)

    def response_of(self, message_id: str) -> dict[str, Any] | None:
        """The stored response of a buyer message, if it was processed already. The same
        statement reads the conversation's last ``seq``, for the turn's replies."""
        last = (
            select(func.max(MessageRow.seq))
            .where(MessageRow.conversation_id == self._row.id)
            .scalar_subquery()
        )
        found = self.session.execute(
            select(MessageRow.response, last).where(MessageRow.id == message_id)
        ).first()
        if found is None:
            return None
        response, last_seq = found
        if self._last_seq is None:
            self._last_seq = last_seq or 0
        return response

    def add_message(
        self,
        role: MessageRole,
        text: str,
        *,
        citations: list[str] | None = None,
        quick_replies: list[str] | None = None,
        expecting: str | None = None,
        author: str | None = None,
        language: str | None = None,
        text_en: str | None = None,
    ) -> Message:
        # Inserted when the turn flushes (all its messages in one statement where the driver
        # batches), or before the session's next query (autoflush): the id is set here, so the
        # message is complete without a flush.
        row = MessageRow(
            id=new_id(),
            conversation_id=self._row.id,
            seq=self._next_seq(),
            role=role,
            text=text,
            attachments=[],
            citations=citations or [],
            quick_replies=quick_replies or [],
            expecting=expecting,
            author=author,
            language=language,
            text_en=text_en,
            created_at=self._clock(),
        )
        self.session.add(row)
        return _message(row)

    def _next_seq(self) -> int:
        # The turn holds the conversation's lock, so no other writer adds a message meanwhile:
        # the database is asked once, the turn's later messages counted on from there.
        if self._last_seq is None:
            self._last_seq = _next_seq(self.session, self._row.id) - 1
        self._last_seq += 1
        return self._last_seq

    def finish(
        self,
        *,
        state: dict[str, Any],
        status: ConversationStatus,
        message_id: str | None = None,
        nlu: dict[str, Any] | None = None,
        response: dict[str, Any] | None = None,
    ) -> None:
        """Save the new state and status, and the buyer message's reading and response."""
        self._row.state = state
        self._row.status = status
        self._row.updated_at = self._clock()
        if message_id is not None:
            # By id, without loading the row first.
            self.session.execute(
                update(MessageRow)
                .where(MessageRow.id == message_id)
                .values(nlu=nlu, response=response)
                .execution_options(synchronize_session=False)
            )
        self.session.flush()


def _next_seq(session: Session, conversation_id: str) -> int:
    # Safe without a sequence: every writer holds the conversation's lock (see `_lock`).
    current = session.scalar(
        select(func.max(MessageRow.seq)).where(MessageRow.conversation_id == conversation_id)
    )
    return (current or 0) + 1


def _lock(session: Session, conversation_id: str) -> ConversationRow | None:
    return session.scalar(
        select(ConversationRow).where(ConversationRow.id == conversation_id).with_for_update()
    )


class ConversationRepository:
    """Conversations, messages and turns. Each public method is its own transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def create(self, buyer_id: str, state: dict[str, Any]) -> Conversation:
        now = self._clock()
        with write_session(self._sessions) as session:
            row = ConversationRow(
                buyer_id=buyer_id,
                status=ConversationStatus.BOT,
                state=state,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            return _conversation(row)

    def get(self, conversation_id: str) -> Conversation | None:
        with self._sessions() as session:
            row = session.get(ConversationRow, conversation_id)
            return None if row is None else _conversation(row)

    def get_for_buyer(self, conversation_id: str, buyer_id: str) -> Conversation:
        """The conversation if it is ``buyer_id``'s; `ConversationNotFound` otherwise (the
        caller answers 404 either way, so nobody learns that it exists)."""
        conversation = self.get(conversation_id)
        if conversation is None or conversation.buyer_id != buyer_id:
            raise ConversationNotFound(conversation_id)
        return conversation

    def of_buyer(self, buyer_id: str, *, limit: int) -> list[ConversationSummary]:
        """The buyer's conversations, most recently updated first (then newest), at most
        ``limit``, each with its last message (None for one nothing was said in yet)."""
        with self._sessions() as session:
            rows = list(
                session.scalars(
                    select(ConversationRow)
                    .where(ConversationRow.buyer_id == buyer_id)
                    .order_by(
                        ConversationRow.updated_at.desc(),
                        ConversationRow.created_at.desc(),
                        ConversationRow.id,
                    )
                    .limit(limit)
                )
            )
            ids = [row.id for row in rows]
            last_seq = (
                select(MessageRow.conversation_id, func.max(MessageRow.seq).label("seq"))
                .where(MessageRow.conversation_id.in_(ids))
                .group_by(MessageRow.conversation_id)
                .subquery()
            )
            last = (
                {
                    message.conversation_id: _message(message)
                    for message in session.scalars(
                        select(MessageRow).join(
                            last_seq,
                            (MessageRow.conversation_id == last_seq.c.conversation_id)
                            & (MessageRow.seq == last_seq.c.seq),
                        )
                    )
                }
                if ids
                else {}
            )
            return [ConversationSummary(_conversation(row), last.get(row.id)) for row in rows]

    def languages(self, conversation_ids: Iterable[str]) -> dict[str, str]:
        """Each conversation's language, for those that have one (the agent queue's badge)."""
        ids = sorted(set(conversation_ids))
        if not ids:
            return {}
        with self._sessions() as session:
            rows = session.execute(
                select(ConversationRow.id, ConversationRow.language).where(
                    ConversationRow.id.in_(ids), ConversationRow.language.is_not(None)
                )
            )
            return {conversation_id: language for conversation_id, language in rows}

    def texts_containing(
        self, conversation_ids: Iterable[str], terms: Sequence[str]
    ) -> dict[str, list[str]]:
        """Per conversation, its messages' texts that contain any of `terms` (case-insensitive,
        `%` and `_` taken literally), in order: the agent queue's search."""
        ids = sorted(set(conversation_ids))
        if not ids or not terms:
            return {}
        found: dict[str, list[str]] = {}
        with self._sessions() as session:
            rows = session.execute(
                select(MessageRow.conversation_id, MessageRow.text)
                .where(
                    MessageRow.conversation_id.in_(ids),
                    or_(*(MessageRow.text.icontains(term, autoescape=True) for term in terms)),
                )
                .order_by(MessageRow.conversation_id, MessageRow.seq)
            )
            for conversation_id, text in rows:
                found.setdefault(conversation_id, []).append(text)
        return found

    def messages(self, conversation_id: str) -> list[Message]:
        with self._sessions() as session:
            rows = session.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == conversation_id)
                .order_by(MessageRow.seq)
            )
            return [_message(row) for row in rows]

    def record_inbound(
        self,
        conversation_id: str,
        buyer_id: str,
        text: str,
        attachments: list[dict[str, Any]],
        idempotency_key: str | None = None,
        language: Language | None = None,
        *,
        prepare: Prepare | None = None,
    ) -> Inbound:
        """Commit the buyer's message before anything processes it, with its language, which
        becomes the conversation's (with the app locale, when the client sent one).

        With ``prepare``, the text, attachments and language stored are those it reads from
        the conversation as locked here (``text``, ``attachments`` and ``language`` are then
        ignored); what it raises stores nothing.

        With an ``idempotency_key`` already used in this conversation, nothing is stored and
        the first message is returned (with its response, once it has one).
        """
        if prepare is None:
            incoming = Incoming(text, attachments, language)

            def prepare(_conversation: Conversation) -> Incoming:
                return incoming

        args = (conversation_id, buyer_id, idempotency_key, prepare)
        try:
            return self._record_inbound(*args)
        except IntegrityError:
            # The same key raced in from another process: the winner's message is the one.
            return self._record_inbound(*args)

    def _record_inbound(
        self,
        conversation_id: str,
        buyer_id: str,
        idempotency_key: str | None,
        prepare: Prepare,
    ) -> Inbound:
        with write_session(self._sessions) as session:
            conversation = _lock(session, conversation_id)
            if conversation is None or conversation.buyer_id != buyer_id:
                raise ConversationNotFound(conversation_id)
            incoming = prepare(_conversation(conversation))
            text, attachments, language = incoming.text, incoming.attachments, incoming.language
            if idempotency_key is not None:
                first = session.scalar(
                    select(MessageRow).where(
                        MessageRow.conversation_id == conversation_id,
                        MessageRow.idempotency_key == idempotency_key,
                    )
                )
                if first is not None:
                    return Inbound(first.id, first.seq, first.response, _conversation(conversation))
            row = MessageRow(
                conversation_id=conversation_id,
                seq=_next_seq(session, conversation_id),
                role=MessageRole.BUYER,
                text=text,
                attachments=attachments,
                citations=[],
                quick_replies=[],
                idempotency_key=idempotency_key,
                language=language.language if language else None,
                created_at=self._clock(),
            )
            if language is not None:
                conversation.language = language.language
                conversation.locale = language.locale or conversation.locale
            session.add(row)
            session.flush()
            return Inbound(row.id, row.seq, None, _conversation(conversation))

    @contextmanager
    def turn(self, conversation_id: str) -> Iterator[Turn]:
        """A transaction holding the conversation's lock; committed when the block ends."""
        with write_session(self._sessions) as session:
            row = _lock(session, conversation_id)
            if row is None:
                raise ConversationNotFound(conversation_id)
            yield Turn(session, row, self._clock)
