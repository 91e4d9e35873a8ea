"""The `media` table: what each stored photo is and whose. The bytes are in a media store
(`bot.media.storage`); this repository never touches them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.db import StoreError, utcnow, write_session
from bot.store.models import MediaRow
from common.errors import NotFound


class MediaNotFound(StoreError, NotFound, what="photo"):
    """No such photo, or not the caller's (answered 404 either way)."""


@dataclass(frozen=True)
class Media:
    media_id: str
    key: str
    buyer_id: str
    conversation_id: str | None
    content_type: str
    size: int
    sha256: str
    width: int
    height: int
    thumbnail_size: int
    upload_sha256: str
    created_at: datetime
    owner_role: str = "buyer"  # or "seller": a dispute's evidence (issue 18)
    dispute_id: str | None = None


@dataclass(frozen=True)
class NewMedia:
    key: str
    buyer_id: str
    conversation_id: str | None
    content_type: str
    size: int
    sha256: str
    width: int
    height: int
    thumbnail_size: int
    upload_sha256: str
    owner_role: str = "buyer"
    dispute_id: str | None = None


def _media(row: MediaRow) -> Media:
    return Media(
        media_id=row.id,
        key=row.key,
        buyer_id=row.buyer_id,
        conversation_id=row.conversation_id,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        width=row.width,
        height=row.height,
        thumbnail_size=row.thumbnail_size,
        upload_sha256=row.upload_sha256,
        created_at=row.created_at,
        owner_role=row.owner_role,
        dispute_id=row.dispute_id,
    )


class MediaRepository:
    """Each public method is its own transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def add(self, media: NewMedia) -> Media:
        with write_session(self._sessions) as session:
            row = MediaRow(**vars(media), created_at=self._clock())
            session.add(row)
            session.flush()
            return _media(row)

    def by_key(self, key: str) -> Media:
        """Raises `MediaNotFound`."""
        with self._sessions() as session:
            row = session.scalar(select(MediaRow).where(MediaRow.key == key))
            if row is None:
                raise MediaNotFound(key)
            return _media(row)

    def count_in_conversation(self, conversation_id: str) -> int:
        with self._sessions() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(MediaRow)
                    .where(MediaRow.conversation_id == conversation_id)
                )
                or 0
            )

    def count_for_dispute(self, dispute_id: str, seller_id: str) -> int:
        with self._sessions() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(MediaRow)
                    .where(MediaRow.dispute_id == dispute_id, MediaRow.buyer_id == seller_id)
                )
                or 0
            )
