"""Photo links pasted into a message's text become attachments."""

from __future__ import annotations

import pytest

from bot.media.links import take_image_links


@pytest.mark.parametrize(
    ("text", "rest", "links"),
    [
        ("https://img.example.com/a/mug.JPG", "", ["https://img.example.com/a/mug.JPG"]),
        (
            "here it is: https://cdn.example.com/x.png?size=large. broken on arrival",
            "here it is: . broken on arrival",
            ["https://cdn.example.com/x.png?size=large"],
        ),
        ("(http://a.example/1.webp)", "()", ["http://a.example/1.webp"]),
        # Not a photo: the link stays words.
        (
            "tracking https://carrier.example/track?id=9",
            "tracking https://carrier.example/track?id=9",
            [],
        ),
        ("no link at all", "no link at all", []),
    ],
)
def test_photo_links_are_taken_out(text, rest, links):
    assert take_image_links(text, room=5) == (rest, links)


def test_no_more_than_there_is_room_for():
    text = "https://a.example/1.jpg https://a.example/2.jpg https://a.example/3.jpg"
    rest, links = take_image_links(text, room=2)
    assert links == ["https://a.example/1.jpg", "https://a.example/2.jpg"]
    assert rest == "https://a.example/3.jpg"


def test_asked_for_a_photo_any_link_is_the_photo():
    text = "https://photos.example.com/share/AbC123"
    assert take_image_links(text, room=5) == (text, [])
    assert take_image_links(text, room=5, any_link=True) == ("", [text])
