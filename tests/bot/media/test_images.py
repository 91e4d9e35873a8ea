"""Cleaning an upload: by its content, upright, with no EXIF (GPS) left, bombs refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.media.images import NotAPhoto, TooManyPixels, clean_photo
from tests.utils.photos import image_bytes, jpeg_with_gps, png_bomb

MAX = 40_000_000


def test_the_test_photo_really_carries_gps():
    # Otherwise the test below would prove nothing.
    exif = Image.open(io.BytesIO(jpeg_with_gps())).getexif()
    assert exif.get_ifd(0x8825)  # GPSInfo
    assert exif[0x010F] == "PhoneCam"


def test_exif_and_gps_are_stripped():
    clean = clean_photo(jpeg_with_gps(), max_pixels=MAX)
    for encoded in (clean.photo, clean.thumbnail):
        image = Image.open(io.BytesIO(encoded.data))
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info
        assert b"PhoneCam" not in encoded.data and b"Exif" not in encoded.data
    assert clean.photo.content_type == "image/jpeg"


def test_orientation_is_applied_before_stripping():
    # Orientation 6: the camera was turned; shown upright the 64x32 picture is 32x64.
    clean = clean_photo(jpeg_with_gps((64, 32), orientation=6), max_pixels=MAX)
    assert (clean.photo.width, clean.photo.height) == (32, 64)
    image = Image.open(io.BytesIO(clean.photo.data)).convert("RGB")
    # The blue left half is now on top.
    top, bottom = image.getpixel((16, 4)), image.getpixel((16, 60))
    assert top[2] > 150 > top[0] and bottom[0] > 150 > bottom[2]


@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_keep_their_format(fmt, content_type):
    clean = clean_photo(image_bytes(fmt, (50, 40)), max_pixels=MAX)
    assert clean.photo.content_type == clean.thumbnail.content_type == content_type
    assert (clean.photo.width, clean.photo.height) == (50, 40)


def test_the_thumbnail_is_at_most_320_pixels():
    clean = clean_photo(image_bytes("JPEG", (1000, 500)), max_pixels=MAX)
    assert (clean.thumbnail.width, clean.thumbnail.height) == (320, 160)
    assert (clean.photo.width, clean.photo.height) == (1000, 500)


@pytest.mark.parametrize(
    "raw",
    [
        b"%PDF-1.4 not a photo",
        b"GIF89a" + b"\x00" * 40,
        image_bytes("GIF"),  # a real GIF: not a format we take
        image_bytes("BMP"),
        image_bytes("JPEG")[:40],  # cut off
        b"",
    ],
    ids=["pdf", "gif-header", "gif", "bmp", "truncated-jpeg", "empty"],
)
def test_what_is_not_a_photo_is_refused_naming_file(raw):
    with pytest.raises(NotAPhoto) as caught:
        clean_photo(raw, max_pixels=MAX)
    assert caught.value.field == "file"
    assert caught.value.code == "unsupported_media_type"


def test_a_decompression_bomb_is_refused_from_its_header():
    with pytest.raises(TooManyPixels) as caught:
        clean_photo(png_bomb(50_000, 50_000), max_pixels=MAX)
    assert caught.value.field == "file"


def test_pillows_own_bomb_guard_is_turned_into_a_refusal(monkeypatch):
    # Above Pillow's MAX_IMAGE_PIXELS Pillow itself objects (a warning, an error at twice it).
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(TooManyPixels):
        clean_photo(image_bytes("PNG", (40, 30)), max_pixels=MAX)  # 1,200 pixels: a warning
    with pytest.raises(TooManyPixels):
        clean_photo(image_bytes("PNG", (60, 40)), max_pixels=MAX)  # 2,400: Pillow's error


def test_the_pixel_limit_is_ours_to_set():
    with pytest.raises(TooManyPixels):
        clean_photo(image_bytes("PNG", (200, 200)), max_pixels=10_000)
    assert clean_photo(image_bytes("PNG", (100, 100)), max_pixels=10_000).photo.width == 100


def test_a_multi_picture_jpeg_is_a_jpeg_of_its_first_picture():
    first, second = Image.new("RGB", (30, 20), "red"), Image.new("RGB", (30, 20), "blue")
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    clean = clean_photo(buffer.getvalue(), max_pixels=MAX)
    assert clean.photo.content_type == "image/jpeg"
    image = Image.open(io.BytesIO(clean.photo.data))
    assert image.format == "JPEG" and image.size == (30, 20)
    assert image.convert("RGB").getpixel((15, 10))[0] > 200  # red: the first picture
