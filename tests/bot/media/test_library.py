"""The photo library over a real SQLite store and local folder: what is written where, and
what is left when the database refuses the row."""

from __future__ import annotations

import hashlib

import pytest

from bot.auth import Principal
from bot.media.library import Limits, PhotoLibrary
from bot.media.storage import LocalMediaStore
from bot.store.conversations import ConversationRepository
from bot.store.media import MediaNotFound
from tests.utils.photos import jpeg_with_gps

LIMITS = Limits(max_bytes=1_000_000, max_pixels=1_000_000, max_per_conversation=0)


@pytest.fixture
def library(sqlite_db, tmp_path) -> PhotoLibrary:
    return PhotoLibrary(sqlite_db, LocalMediaStore(tmp_path / "media"), LIMITS)


def test_an_upload_writes_the_row_the_photo_and_its_thumbnail(library, sqlite_db, tmp_path):
    conversation = ConversationRepository(sqlite_db.sessions).create("B1", {})
    raw = jpeg_with_gps()
    attachment = library.upload(conversation.conversation_id, "B1", raw)
    key = attachment["url"].rsplit("/", 1)[1]
    media = library.media.by_key(key)
    stored = (tmp_path / "media" / key).read_bytes()
    assert media.buyer_id == "B1" and media.conversation_id == conversation.conversation_id
    assert media.media_id == attachment["media_id"]
    assert media.sha256 == hashlib.sha256(stored).hexdigest() and media.size == len(stored)
    assert media.upload_sha256 == hashlib.sha256(raw).hexdigest() != media.sha256
    assert (tmp_path / "media" / f"{key}.thumb").stat().st_size == media.thumbnail_size
    # Readers: the owner and agents; for another buyer it does not exist.
    assert library.read(key, Principal("B1", "buyer")).data == stored
    assert library.read(key, Principal("agent-9", "agent"), thumbnail=True).data
    with pytest.raises(MediaNotFound):
        library.read(key, Principal("B2", "buyer"))


def test_no_bytes_are_left_behind_when_the_row_cannot_be_written(
    library, sqlite_db, tmp_path, monkeypatch
):
    conversation = ConversationRepository(sqlite_db.sessions).create("B1", {})

    def refuse(_):
        raise RuntimeError("database gone")

    monkeypatch.setattr(library.media, "add", refuse)
    with pytest.raises(RuntimeError):
        library.upload(conversation.conversation_id, "B1", jpeg_with_gps())
    assert [p.name for p in (tmp_path / "media").iterdir()] == []
