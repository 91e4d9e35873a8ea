"""Buyers' photos end to end: an upload is checked and cleaned (`images`), its bytes and
thumbnail put in the media store, its row written; a read is allowed to the buyer who owns the
photo and to agents, and looks to everyone else exactly like a photo that does not exist; an
attachment naming one of our photos is checked to be the buyer's, in that conversation.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from bot.auth import Principal
from bot.media.images import CleanPhoto, clean_photo
from bot.media.storage import MediaObject, MediaStore
from bot.store.conversations import ConversationRepository
from bot.store.db import Database
from bot.store.media import Media, MediaNotFound, MediaRepository, NewMedia
from bot.store.models import ConversationStatus
from common.errors import Conflict, InvalidInput, TooLarge

log = structlog.get_logger(__name__)

MEDIA_PATH = "/v1/media/"
THUMBNAIL_SUFFIX = ".thumb"
# token_urlsafe(24): 32 characters, 192 random bits.
_KEY_BYTES = 24
MEDIA_KEY = re.compile(r"^[A-Za-z0-9_-]{32}$")
# Cleaning a 12-megapixel photo holds ~200 MB for about a second (README, "Photos"): a few at a
# time per process, the others wait, so a burst of uploads cannot exhaust memory.
CONCURRENT_CLEANINGS = 2


class PhotoLimitReached(Conflict):
    code = "too_many_photos"


class ConversationClosedForPhotos(Conflict):
    code = "conversation_closed"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    max_per_conversation: int


def media_url(key: str) -> str:
    return f"{MEDIA_PATH}{key}"


def thumbnail_url(key: str) -> str:
    return f"{MEDIA_PATH}{key}/thumbnail"


def attachment_of(media: Media) -> dict[str, Any]:
    """The contract's attachment for one of our photos (what a message carries)."""
    return {
        "type": "image",
        "url": media_url(media.key),
        "media_id": media.media_id,
        "thumbnail_url": thumbnail_url(media.key),
    }


def key_of_url(url: str) -> str | None:
    """The key of a ``/v1/media/<key>`` URL; None for any other URL."""
    if not url.startswith(MEDIA_PATH):
        return None
    key = url[len(MEDIA_PATH) :]
    return key if MEDIA_KEY.fullmatch(key) else ""


class PhotoLibrary:
    def __init__(self, database: Database, store: MediaStore, limits: Limits) -> None:
        self.store = store
        self.limits = limits
        self.media = MediaRepository(database.sessions)
        self.conversations = ConversationRepository(database.sessions)
        self._cleaning = threading.BoundedSemaphore(CONCURRENT_CLEANINGS)

    # --- upload ----------------------------------------------------------------------------

    def upload(self, conversation_id: str, buyer_id: str, raw: bytes) -> dict[str, Any]:
        """Store a buyer's photo in their conversation; the attachment plus what was stored.

        Raises `ConversationNotFound` (404: not theirs either), `ConversationClosedForPhotos`,
        `PhotoLimitReached` (409), `TooLarge` (413), `NotAPhoto` (422)."""
        conversation = self.conversations.get_for_buyer(conversation_id, buyer_id)
        if conversation.status is ConversationStatus.CLOSED:
            raise ConversationClosedForPhotos(
                f"conversation {conversation_id} is closed; start a new one to send photos"
            )
        cap = self.limits.max_per_conversation
        if cap and self.media.count_in_conversation(conversation_id) >= cap:
            raise PhotoLimitReached(f"at most {cap} photos per conversation")
        clean = self._clean(raw)
        media = self._keep(conversation_id, buyer_id, raw, clean)
        log.info(
            "photo_stored",
            conversation_id=conversation_id,
            media_id=media.media_id,
            size=media.size,
            content_type=media.content_type,
        )
        return self._stored(media)

    def upload_evidence(self, dispute_id: str, seller_id: str, raw: bytes) -> dict[str, Any]:
        """Store a seller's photo for their dispute (the caller checked the dispute is theirs),
        cleaned like a buyer's; only that seller and agents can read it."""
        cap = self.limits.max_per_conversation
        if cap and self.media.count_for_dispute(dispute_id, seller_id) >= cap:
            raise PhotoLimitReached(f"at most {cap} photos per dispute")
        clean = self._clean(raw)
        media = self._keep(None, seller_id, raw, clean, owner_role="seller", dispute_id=dispute_id)
        log.info("evidence_stored", dispute_id=dispute_id, media_id=media.media_id)
        return self._stored(media)

    def _clean(self, raw: bytes) -> CleanPhoto:
        if len(raw) > self.limits.max_bytes:
            raise TooLarge(self.too_big_message(), field="file")
        if not raw:
            raise InvalidInput("file: the file is empty", field="file")
        with self._cleaning:
            return clean_photo(raw, max_pixels=self.limits.max_pixels)

    @staticmethod
    def _stored(media: Media) -> dict[str, Any]:
        return {
            **attachment_of(media),
            "content_type": media.content_type,
            "size": media.size,
            "width": media.width,
            "height": media.height,
        }

    def too_big_message(self) -> str:
        return f"file: the photo is larger than {self.limits.max_bytes:,} bytes"

    def _keep(
        self,
        conversation_id: str | None,
        buyer_id: str,
        raw: bytes,
        clean: CleanPhoto,
        *,
        owner_role: str = "buyer",
        dispute_id: str | None = None,
    ) -> Media:
        key = secrets.token_urlsafe(_KEY_BYTES)
        photo, thumb = clean.photo, clean.thumbnail
        self.store.put(key, photo.data, photo.content_type)
        self.store.put(key + THUMBNAIL_SUFFIX, thumb.data, thumb.content_type)
        try:
            return self.media.add(
                NewMedia(
                    key=key,
                    buyer_id=buyer_id,
                    conversation_id=conversation_id,
                    content_type=photo.content_type,
                    size=len(photo.data),
                    sha256=hashlib.sha256(photo.data).hexdigest(),
                    width=photo.width,
                    height=photo.height,
                    thumbnail_size=len(thumb.data),
                    upload_sha256=hashlib.sha256(raw).hexdigest(),
                    owner_role=owner_role,
                    dispute_id=dispute_id,
                )
            )
        except BaseException:
            # No row, no bytes: nothing would ever serve or clean them up.
            self.store.delete(key)
            self.store.delete(key + THUMBNAIL_SUFFIX)
            raise

    # --- read -------------------------------------------------------------------------------

    def read(self, key: str, reader: Principal, *, thumbnail: bool = False) -> MediaObject:
        """The photo (or its thumbnail) for its owner or an agent. Raises `MediaNotFound` for
        everyone else, exactly as for a key that does not exist."""
        if not MEDIA_KEY.fullmatch(key):
            raise MediaNotFound(key)
        media = self.media.by_key(key)
        # The owner is a role and an id: a seller whose id happened to equal a buyer's must not
        # read that buyer's photos, nor a buyer a seller's evidence.
        owner = reader.role == media.owner_role and media.buyer_id == reader.subject
        if reader.role != "agent" and not owner:
            raise MediaNotFound(key)
        return self.store.get(key + THUMBNAIL_SUFFIX if thumbnail else key)

    # --- attachments ------------------------------------------------------------------------

    def resolve(
        self, conversation_id: str, buyer_id: str, attachments: Sequence[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The message's attachments as stored: a link elsewhere as sent; one of our photos
        checked to be this buyer's in this conversation, and written out in full (media id and
        thumbnail from the row, not from the client)."""
        resolved = []
        for i, attachment in enumerate(attachments):
            key = key_of_url(attachment["url"])
            if key is None:
                resolved.append({"type": attachment["type"], "url": attachment["url"]})
                continue
            media = self._own(key, conversation_id, buyer_id)
            given = attachment.get("media_id")
            if media is None or (given is not None and given != media.media_id):
                raise InvalidInput(
                    f"attachments.{i}.url: not a photo uploaded to this conversation; upload "
                    f"it with POST /v1/conversations/{conversation_id}/photos first",
                    field=f"attachments.{i}.url",
                )
            resolved.append(attachment_of(media))
        return resolved

    def resolve_evidence(
        self, dispute_id: str, seller_id: str, attachments: Sequence[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """A seller's contest attachments as stored: a link elsewhere as sent; one of our photos
        checked to be this seller's for this dispute, written out in full."""
        resolved = []
        for i, attachment in enumerate(attachments):
            key = key_of_url(attachment["url"])
            if key is None:
                resolved.append({"type": attachment["type"], "url": attachment["url"]})
                continue
            try:
                media = self.media.by_key(key) if key else None
            except MediaNotFound:
                media = None
            given = attachment.get("media_id")
            if (
                media is None
                or (media.owner_role, media.buyer_id, media.dispute_id)
                != ("seller", seller_id, dispute_id)
                or (given is not None and given != media.media_id)
            ):
                raise InvalidInput(
                    f"attachments.{i}.url: not a photo uploaded for this dispute; upload it "
                    f"with POST /v1/seller/disputes/{dispute_id}/photos first",
                    field=f"attachments.{i}.url",
                )
            resolved.append(attachment_of(media))
        return resolved

    def _own(self, key: str, conversation_id: str, buyer_id: str) -> Media | None:
        if not key:
            return None
        try:
            media = self.media.by_key(key)
        except MediaNotFound:
            return None
        if (
            media.owner_role != "buyer"
            or media.buyer_id != buyer_id
            or media.conversation_id != conversation_id
        ):
            return None
        return media
