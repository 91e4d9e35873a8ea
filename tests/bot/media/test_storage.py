"""The local media store: bytes and content type by key, atomic writes, keys kept inside."""

from __future__ import annotations

import pytest

from bot.media.storage import BadMediaKey, LocalMediaStore, MediaObjectMissing


def test_put_get_delete(tmp_path):
    store = LocalMediaStore(tmp_path / "media")
    store.put("abc_DEF-123", b"\xff\xd8photo", "image/jpeg")
    found = store.get("abc_DEF-123")
    assert (found.data, found.content_type) == (b"\xff\xd8photo", "image/jpeg")
    store.put("abc_DEF-123", b"again", "image/png")  # replaced whole
    assert store.get("abc_DEF-123").data == b"again"
    store.delete("abc_DEF-123")
    with pytest.raises(MediaObjectMissing):
        store.get("abc_DEF-123")
    store.delete("abc_DEF-123")  # deleting twice is fine
    assert [p.name for p in (tmp_path / "media").iterdir()] == []  # no temporary files left


@pytest.mark.parametrize("key", ["../escape", "a/b", "", ".hidden", "a..b", "x" * 200, "é"])
def test_keys_cannot_leave_the_folder(tmp_path, key):
    store = LocalMediaStore(tmp_path / "media")
    with pytest.raises(BadMediaKey):
        store.put(key, b"x", "image/png")
    with pytest.raises(BadMediaKey):
        store.get(key)
    assert not (tmp_path / "escape").exists()


def test_a_missing_key_is_not_found(tmp_path):
    with pytest.raises(MediaObjectMissing):
        LocalMediaStore(tmp_path / "nothing-yet").get("nope")
