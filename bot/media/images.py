"""A buyer's upload made safe to keep and show: read by its content (never by its name or the
declared type), refused when it is not a photo format we accept or would decode to too many
pixels, turned upright by its EXIF orientation and re-encoded from the pixels alone, so no
EXIF (GPS position, camera serial, time) or other metadata survives; plus a thumbnail.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from common.errors import InvalidInput, TooLarge

# Pillow format name -> (content type, save options). HEIC needs a plugin (pillow-heif), so it
# is not read; phones' browsers send JPEG for a file input with accept="image/*" anyway.
ACCEPTED: dict[str, tuple[str, dict[str, object]]] = {
    "JPEG": ("image/jpeg", {"quality": 88, "optimize": True}),
    "PNG": ("image/png", {"optimize": True}),
    "WEBP": ("image/webp", {"quality": 85}),
}
THUMBNAIL_EDGE = 320


class NotAPhoto(InvalidInput):
    """The upload is not a JPEG, PNG or WebP image (or is damaged)."""

    code = "unsupported_media_type"


class TooManyPixels(TooLarge):
    """The image would decode to more pixels than allowed (a decompression bomb, or simply
    a huge image)."""


@dataclass(frozen=True)
class Encoded:
    data: bytes
    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class CleanPhoto:
    photo: Encoded
    thumbnail: Encoded


def clean_photo(raw: bytes, *, max_pixels: int, thumbnail_edge: int = THUMBNAIL_EDGE) -> CleanPhoto:
    """The photo re-encoded without metadata, upright, and its thumbnail (longest side at most
    ``thumbnail_edge``). Raises `NotAPhoto` (422, field ``file``) or `TooManyPixels` (413)."""
    image = _open(raw, max_pixels)
    # A multi-picture JPEG (MPO: some phones' and 3D cameras' photos) is a JPEG; its first
    # picture is the photo.
    fmt = "JPEG" if image.format == "MPO" else image.format or ""
    if fmt not in ACCEPTED:
        raise NotAPhoto(f"file: {fmt or 'this'} images are not accepted", field="file")
    content_type, options = ACCEPTED[fmt]
    try:
        with warnings.catch_warnings():
            # Pillow warns (not raises) between MAX_IMAGE_PIXELS and twice it: refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise TooManyPixels(f"file: the image has too many pixels ({e})", field="file") from e
    except (OSError, ValueError, SyntaxError, EOFError, KeyError, IndexError, TypeError) as e:
        # A damaged file, or EXIF Pillow cannot parse: the buyer's upload, not our fault.
        raise NotAPhoto(f"file: the image could not be decoded ({e})", field="file") from e
    pixels = _pixels_only(upright)
    icc = image.info.get("icc_profile")
    photo = _encode(pixels, fmt, content_type, options, icc)
    thumb = pixels.copy()
    thumb.thumbnail((thumbnail_edge, thumbnail_edge), Image.Resampling.LANCZOS)
    return CleanPhoto(photo, _encode(thumb, fmt, content_type, options, icc))


def _open(raw: bytes, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=list(ACCEPTED))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise TooManyPixels(f"file: the image has too many pixels ({e})", field="file") from e
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise NotAPhoto(
            "file: not a photo we can read; send a JPEG, PNG or WebP image", field="file"
        ) from e
    # The header alone says the size: refuse before decoding a single pixel.
    width, height = image.size
    if width * height > max_pixels:
        raise TooManyPixels(
            f"file: the image is {width}x{height} pixels; at most {max_pixels:,} pixels are "
            "accepted",
            field="file",
        )
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # an animated WebP or PNG: its first frame is the photo
    return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image from the pixels alone: nothing of the file's metadata (EXIF, XMP, text
    chunks, comments) comes along, whatever the encoder would have copied."""
    mode = image.mode
    if mode not in ("RGB", "RGBA", "L", "LA"):
        # Palette, CMYK, 16-bit...: what browsers show the same way.
        mode = "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
        image = image.convert(mode)
    return Image.frombytes(mode, image.size, image.tobytes())


def _encode(
    image: Image.Image,
    fmt: str,
    content_type: str,
    options: dict[str, object],
    icc_profile: bytes | None,
) -> Encoded:
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")  # JPEG has no alpha
    buffer = io.BytesIO()
    extra: dict[str, object] = {}
    if icc_profile:
        extra["icc_profile"] = icc_profile  # colours, not metadata about the buyer
    image.save(buffer, format=fmt, **options, **extra)
    return Encoded(buffer.getvalue(), content_type, image.width, image.height)
