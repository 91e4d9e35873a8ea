"""Where photo bytes live: a small interface (`MediaStore`: put, get, delete by key) and its
local-folder implementation. The database holds what a photo is and whose (`bot.store.media`);
the store holds only bytes under keys the library makes (random, not guessable).

An S3-compatible store would implement the same three methods over a bucket
(``put_object``/``get_object``/``delete_object``, the content type as the object's
``ContentType``); it is not written yet (README, "Photos").
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from common.errors import InvalidInput, NotFound

# What a key may look like: letters, digits, "-", "_" and "." (no "/" nor ".."): a key can
# never name a file outside the store's folder.
_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$")


class MediaObjectMissing(NotFound, what="media object"):
    """No bytes under that key."""


class BadMediaKey(InvalidInput):
    """A key with characters a store key never has."""


@dataclass(frozen=True)
class MediaObject:
    data: bytes
    content_type: str


class MediaStore(Protocol):
    """Bytes by key. Implementations are called from worker threads (blocking I/O is fine)."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> MediaObject:
        """Raises `MediaObjectMissing`."""
        ...

    def delete(self, key: str) -> None:
        """Removes the key; a missing key is not an error."""
        ...


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key:
        raise BadMediaKey(f"not a media key: {key!r}", field="key")
    return key


class LocalMediaStore:
    """A folder: one file per key, with its content type in a ``.type`` file beside it. Writes
    go to a temporary file first and are renamed into place, so a reader never sees half a
    photo."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        _write_atomically(path.with_name(path.name + ".type"), content_type.encode())
        _write_atomically(path, data)

    def get(self, key: str) -> MediaObject:
        path = self._path(key)
        try:
            data = path.read_bytes()
            content_type = path.with_name(path.name + ".type").read_text().strip()
        except FileNotFoundError as e:
            raise MediaObjectMissing(key) from e
        return MediaObject(data, content_type)

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".type").unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
