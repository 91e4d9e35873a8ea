"""Buyers' photos over HTTP (contract extension): upload into a conversation, then read.

``POST /v1/conversations/{id}/photos`` (buyer token, multipart field ``file``) answers 201 with
the attachment the chat then sends with its message. ``GET /v1/media/{key}`` and
``/v1/media/{key}/thumbnail`` serve a photo to the buyer who uploaded it and to agents; to
anyone else (another buyer) it does not exist: 404.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.api.deps import BuyerDep, PrincipalDep
from bot.api.schemas import AUTH_ERRORS, error_responses
from bot.media.images import ACCEPTED
from bot.media.library import PhotoLibrary
from common.errors import TooLarge, Unavailable

router = APIRouter(tags=["photos"])

# Room for the multipart framing around the file (boundaries, part headers); the body-size
# middleware lets an upload through up to the photo limit plus this (bot.main).
MULTIPART_OVERHEAD_BYTES = 64 * 1024
PHOTO_UPLOAD_PATH = r"^/v1/(conversations|seller/disputes)/[^/]+/photos$"
_CHUNK = 256 * 1024
# A photo never changes under its key; it is the reader's own (never in a shared cache).
_IMAGE_HEADERS = {
    "Cache-Control": "private, max-age=86400",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "inline",
}
_IMAGE_CONTENT = {
    content_type: {"schema": {"type": "string", "format": "binary"}}
    for content_type, _ in ACCEPTED.values()
}


async def get_photos(request: Request) -> PhotoLibrary:
    photos = getattr(request.app.state, "photos", None)
    if photos is None:
        raise Unavailable("the photo store is not configured")
    return photos


PhotosDep = Annotated[PhotoLibrary, Depends(get_photos)]


class PhotoAttachment(BaseModel):
    """The attachment to send with a message (``attachments`` of POST .../messages), and what
    was stored."""

    type: Literal["image"]
    url: str = Field(description="`/v1/media/<key>`: the photo, for its owner and agents.")
    media_id: str
    thumbnail_url: str = Field(description="`/v1/media/<key>/thumbnail`: at most 320 px.")
    content_type: str = Field(description="Of the stored photo: image/jpeg, png or webp.")
    size: int = Field(description="Bytes of the stored photo (re-encoded without metadata).")
    width: int
    height: int


@router.post(
    "/v1/conversations/{conversation_id}/photos",
    status_code=201,
    response_model=PhotoAttachment,
    responses=error_responses(*AUTH_ERRORS, 404, 409, 413, 422, 503),
)
async def upload_photo(
    conversation_id: str,
    buyer: BuyerDep,
    photos: PhotosDep,
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP photo.")],
) -> dict:
    """Upload a photo into the buyer's conversation. It is checked by its content (JPEG, PNG or
    WebP), turned upright and re-encoded without EXIF or any other metadata (a phone's GPS
    position does not survive), and a thumbnail is made. Send the returned attachment with
    the next message."""
    raw = await _read_at_most(file, photos.limits.max_bytes, photos.too_big_message())
    return await run_in_threadpool(photos.upload, conversation_id, buyer.subject, raw)


async def read_upload(file: UploadFile, photos: PhotoLibrary) -> bytes:
    """The uploaded file's bytes, refused (413 naming ``file``) past the photo limit."""
    return await _read_at_most(file, photos.limits.max_bytes, photos.too_big_message())


async def _read_at_most(file: UploadFile, limit: int, message: str) -> bytes:
    chunks, size = [], 0
    while chunk := await file.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise TooLarge(message, field="file")
        chunks.append(chunk)
    return b"".join(chunks)


_READ_DOC = {
    "responses": {200: {"content": _IMAGE_CONTENT, "description": "The image bytes."}}
    | error_responses(401, 404, 422, 503),
    "response_class": Response,
}


@router.get("/v1/media/{key}", **_READ_DOC)
async def get_photo(key: str, reader: PrincipalDep, photos: PhotosDep) -> Response:
    """A photo: to the buyer (or, for a dispute's evidence, the seller) who uploaded it, or to
    an agent. Anyone else gets 404."""
    found = await run_in_threadpool(photos.read, key, reader)
    return Response(found.data, media_type=found.content_type, headers=_IMAGE_HEADERS)


@router.get("/v1/media/{key}/thumbnail", **_READ_DOC)
async def get_thumbnail(key: str, reader: PrincipalDep, photos: PhotosDep) -> Response:
    """A photo's thumbnail (longest side at most 320 px), to the same readers as the photo."""
    found = await run_in_threadpool(photos.read, key, reader, thumbnail=True)
    return Response(found.data, media_type=found.content_type, headers=_IMAGE_HEADERS)
