"""Photo upload and reading over HTTP: POST /v1/conversations/{id}/photos, GET /v1/media/{key}
(+ /thumbnail), and uploaded photos (or pasted photo links) as a message's attachments."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from bot.settings import Settings
from tests.bot.conftest import SECRET, token_headers
from tests.utils.builders import Chat
from tests.utils.photos import image_bytes, jpeg_with_gps, png_bomb

MAX_BYTES = 100_000


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        env="test",
        jwt_secret=SECRET,
        media_dir=tmp_path / "media",
        media_max_bytes=MAX_BYTES,
        media_max_per_conversation=3,
        _env_file=None,
    )


def upload(client, chat: Chat, data: bytes, *, headers=None, name="photo.jpg", status=201):
    response = client.post(
        f"/v1/conversations/{chat.id}/photos",
        files={"file": (name, data, "image/jpeg")},
        headers=headers or chat.headers,
    )
    assert response.status_code == status, response.text
    return response.json()


def noise_png(edge: int) -> bytes:
    """A PNG that does not compress: about 3 * edge² bytes."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (edge, edge), os.urandom(3 * edge * edge)).save(buffer, "PNG")
    return buffer.getvalue()


def test_upload_answers_the_attachment_and_the_owner_reads_it_clean(bot_client, chat, tmp_path):
    attachment = upload(bot_client, chat, jpeg_with_gps((640, 480)))
    key = attachment["url"].removeprefix("/v1/media/")
    assert attachment["type"] == "image" and len(key) == 32
    assert attachment["thumbnail_url"] == f"/v1/media/{key}/thumbnail"
    assert attachment["media_id"] and attachment["content_type"] == "image/jpeg"
    assert (attachment["width"], attachment["height"]) == (640, 480)

    photo = bot_client.get(attachment["url"], headers=chat.headers)
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["cache-control"].startswith("private")
    assert len(photo.content) == attachment["size"]
    image = Image.open(io.BytesIO(photo.content))
    assert image.size == (640, 480) and not image.getexif()
    assert b"PhoneCam" not in photo.content

    thumbnail = bot_client.get(attachment["thumbnail_url"], headers=chat.headers)
    assert Image.open(io.BytesIO(thumbnail.content)).size == (320, 240)
    # In the configured folder, nowhere else.
    assert (tmp_path / "media" / key).read_bytes() == photo.content


def test_another_buyer_gets_404_an_agent_reads_it(bot_client, chat, agent_headers):
    attachment = upload(bot_client, chat, image_bytes("PNG"))
    stranger = token_headers("B18")
    for url in (attachment["url"], attachment["thumbnail_url"]):
        assert bot_client.get(url, headers=stranger).status_code == 404
        assert bot_client.get(url).status_code == 401
        agent = bot_client.get(url, headers=agent_headers)
        assert agent.status_code == 200 and agent.headers["content-type"] == "image/png"
    # A key that does not exist looks the same as someone else's.
    missing = bot_client.get("/v1/media/" + "A" * 32, headers=stranger)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_seller_token_with_the_buyers_id_reads_nothing(bot_client, chat):
    attachment = upload(bot_client, chat, image_bytes("PNG"))  # the chat's buyer is B17
    assert bot_client.get(attachment["url"], headers=chat.headers).status_code == 200
    seller = token_headers("B17", "seller")
    for url in (attachment["url"], attachment["thumbnail_url"]):
        assert bot_client.get(url, headers=seller).status_code == 404


def test_nobody_uploads_into_someone_elses_conversation(bot_client, chat, agent_headers):
    upload(bot_client, chat, image_bytes(), headers=token_headers("B18"), status=404)
    upload(bot_client, chat, image_bytes(), headers=agent_headers, status=403)


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"%PDF-1.4 a document", 422, "unsupported_media_type"),
        (image_bytes("GIF"), 422, "unsupported_media_type"),
        (b"", 422, "validation_error"),
        (png_bomb(), 413, "payload_too_large"),
    ],
    ids=["pdf", "gif", "empty", "bomb"],
)
def test_what_is_not_an_acceptable_photo_is_refused_naming_file(
    bot_client, chat, data, status, code
):
    error = upload(bot_client, chat, data, status=status)["error"]
    assert (error["code"], error["field"]) == (code, "file")


def test_a_photo_over_the_size_limit_is_413_naming_file(bot_client, chat):
    data = noise_png(200)  # ~120 kB: over the 100 kB limit, inside the multipart allowance
    assert MAX_BYTES < len(data) < MAX_BYTES + 64 * 1024
    error = upload(bot_client, chat, data, status=413)["error"]
    assert (error["code"], error["field"]) == ("payload_too_large", "file")
    # Far over it, the body is refused before it is read.
    error = upload(bot_client, chat, noise_png(400), status=413)["error"]
    assert error["code"] == "payload_too_large"


def test_the_file_field_is_required(bot_client, chat):
    response = bot_client.post(
        f"/v1/conversations/{chat.id}/photos", data={"other": "x"}, headers=chat.headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "file"


def test_photos_per_conversation_are_limited(bot_client, chat):
    for _ in range(3):
        upload(bot_client, chat, image_bytes())
    assert upload(bot_client, chat, image_bytes(), status=409)["error"]["code"] == "too_many_photos"


def test_an_uploaded_photo_is_the_evidence_a_damage_claim_asks_for(bot_client, chat):
    assert chat.say("D201 arrived damaged")["expecting"] == "evidence"
    attachment = upload(bot_client, chat, jpeg_with_gps())
    sent = {k: attachment[k] for k in ("type", "url", "media_id", "thumbnail_url")}
    turn = chat_say(bot_client, chat, {"text": "", "attachments": [sent]})
    assert turn["expecting"] == "confirmation"
    [photo_message] = [m for m in chat.view()["messages"] if m.get("attachments")]
    assert photo_message["attachments"] == [sent]


def test_a_pasted_photo_link_is_taken_as_the_photo(bot_client, chat):
    assert chat.say("D201 arrived damaged")["expecting"] == "evidence"
    turn = chat.say("https://img.example.com/broken-mug.jpg")
    assert turn["expecting"] == "confirmation"
    [message] = [m for m in chat.view()["messages"] if m.get("attachments")]
    assert message["text"] == ""
    assert message["attachments"] == [
        {"type": "image", "url": "https://img.example.com/broken-mug.jpg"}
    ]


def test_links_to_photos_elsewhere_still_work(chat):
    chat.say("D201 arrived damaged")
    assert chat.say("", photo="https://img.example.com/x.jpg")["expecting"] == "confirmation"


def test_an_attachment_must_be_a_photo_of_this_conversation(bot_client, chat):
    other_chat = Chat(bot_client, chat.headers)
    theirs = upload(bot_client, other_chat, image_bytes())
    stranger_chat = Chat(bot_client, token_headers("B18"))
    strangers = upload(bot_client, stranger_chat, image_bytes())
    for url in (theirs["url"], strangers["url"], "/v1/media/" + "A" * 32, "/v1/media/../x"):
        response = bot_client.post(
            f"/v1/conversations/{chat.id}/messages",
            json={"text": "look", "attachments": [{"type": "image", "url": url}]},
            headers=chat.headers,
        )
        assert response.status_code == 422, url
        assert response.json()["error"]["field"] == "attachments.0.url"
    # A media id that is not the url's photo.
    own = upload(bot_client, chat, image_bytes())
    response = bot_client.post(
        f"/v1/conversations/{chat.id}/messages",
        json={"text": "", "attachments": [{**_sent(own), "media_id": theirs["media_id"]}]},
        headers=chat.headers,
    )
    assert response.status_code == 422


def test_the_agent_sees_the_photo_in_the_case(bot_client, chat, agent_headers):
    chat.say("D201 arrived damaged")
    attachment = upload(bot_client, chat, jpeg_with_gps())
    chat_say(bot_client, chat, {"text": "", "attachments": [_sent(attachment)]})
    chat.say("I need a human")
    [case] = bot_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    view = bot_client.get(f"/v1/agent/cases/{case['case_id']}", headers=agent_headers).json()
    shown = [a for m in view["transcript"] for a in m.get("attachments") or []]
    assert shown == [_sent(attachment)]
    assert bot_client.get(shown[0]["url"], headers=agent_headers).status_code == 200


def test_a_closed_conversation_takes_no_photos(bot_client, chat, agent_headers):
    chat.say("I need a human")
    [case] = bot_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    bot_client.post(
        f"/v1/agent/cases/{case['case_id']}/release", json={"to": "closed"}, headers=agent_headers
    )
    assert upload(bot_client, chat, image_bytes(), status=409)["error"]["code"] == (
        "conversation_closed"
    )


def _sent(attachment: dict) -> dict:
    return {k: attachment[k] for k in ("type", "url", "media_id", "thumbnail_url")}


def chat_say(client, chat: Chat, body: dict) -> dict:
    response = client.post(f"/v1/conversations/{chat.id}/messages", json=body, headers=chat.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_asked_for_a_photo_a_shared_album_link_answers(chat):
    assert chat.say("D201 arrived damaged")["expecting"] == "evidence"
    turn = chat.say("https://photos.example.com/share/AbC123")
    assert turn["expecting"] == "confirmation"
    [message] = [m for m in chat.view()["messages"] if m.get("attachments")]
    assert message["attachments"] == [
        {"type": "image", "url": "https://photos.example.com/share/AbC123"}
    ]
