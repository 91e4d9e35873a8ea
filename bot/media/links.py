"""A photo link pasted into a message's text is an attachment: the buyer meant "here is my
photo", and read as words the link only confuses the NLU ("Sorry, I didn't catch that")."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# What commonly ends a sentence around a link and is not part of it.
_TRAILING = ".,;:!?)]}>"
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif", ".avif")
# The contract's most attachments per message.
MAX_PHOTOS_PER_MESSAGE = 5


def is_image_link(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.path.lower().endswith(IMAGE_EXTENSIONS)


def take_image_links(text: str, room: int, *, any_link: bool = False) -> tuple[str, list[str]]:
    """The text without its photo links (at most ``room`` of them taken, in order) and the
    links. Other links stay in the text, unless ``any_link`` (the bot asked for a photo: a
    shared-album link names no file type, and is the answer all the same)."""
    taken: list[str] = []

    def take(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(_TRAILING)
        tail = match.group(0)[len(url) :]
        if len(taken) >= room or not (is_image_link(url) or (any_link and urlsplit(url).netloc)):
            return match.group(0)
        taken.append(url)
        return tail

    rest = _URL.sub(take, text)
    if not taken:
        return text, []
    return " ".join(rest.split()), taken
