"""A seller's photos as evidence for a contest (issue 18): uploaded for their own dispute
only, cleaned like a buyer's, readable by that seller and agents only (a buyer and another
seller get 404), and referenced in the contest's attachments."""

from __future__ import annotations

import pytest

from tests.bot.disputes.conftest import agent_case, open_dispute
from tests.utils.photos import image_bytes, jpeg_with_gps


@pytest.fixture
def dispute(app_client, buyer_chat, agent_headers) -> dict:
    case = agent_case(app_client, buyer_chat, agent_headers)
    return open_dispute(app_client, case["case_id"], agent_headers, amount=300)


def _upload(client, dispute_id: str, headers, data: bytes, status: int = 201) -> dict:
    response = client.post(
        f"/v1/seller/disputes/{dispute_id}/photos",
        files={"file": ("packed.jpg", data, "image/jpeg")},
        headers=headers,
    )
    assert response.status_code == status, response.text
    return response.json()


def test_a_seller_contests_with_their_photo_and_only_they_and_agents_read_it(
    app_client, dispute, seller_headers, other_seller_headers, buyer_headers, agent_headers
):
    dispute_id = dispute["dispute_id"]
    photo = _upload(app_client, dispute_id, seller_headers, jpeg_with_gps())
    assert photo["url"].startswith("/v1/media/") and photo["content_type"] == "image/jpeg"
    stored = app_client.get(photo["url"], headers=seller_headers)
    assert stored.status_code == 200 and b"GPS" not in stored.content
    assert app_client.get(photo["url"], headers=agent_headers).status_code == 200
    assert app_client.get(photo["thumbnail_url"], headers=agent_headers).status_code == 200
    # Neither the buyer nor another seller can read it: 404, as for a missing photo.
    assert app_client.get(photo["url"], headers=buyer_headers).status_code == 404
    assert app_client.get(photo["url"], headers=other_seller_headers).status_code == 404

    contested = app_client.post(
        f"/v1/seller/disputes/{dispute_id}/contest",
        json={"statement": "Packed intact, see the photo.",
              "attachments": [{"type": "image", "url": photo["url"]}]},
        headers=seller_headers,
    )  # fmt: skip
    assert contested.status_code == 200, contested.text
    both = app_client.get(f"/v1/agent/disputes/{dispute_id}", headers=agent_headers).json()
    [evidence] = both["statements"]["seller"][0]["attachments"]
    assert (evidence["url"], evidence["media_id"]) == (photo["url"], photo["media_id"])
    assert evidence["thumbnail_url"] == photo["thumbnail_url"]


def test_another_seller_cannot_upload_to_or_cite_a_dispute(
    app_client, dispute, seller_headers, other_seller_headers, buyer_chat
):
    dispute_id = dispute["dispute_id"]
    refused = _upload(app_client, dispute_id, other_seller_headers, image_bytes(), status=404)
    assert refused["error"]["code"] == "not_found"
    # A photo that is not this seller's for this dispute (here: the buyer's own) is refused,
    # naming the attachment.
    buyer_photo = app_client.post(
        f"/v1/conversations/{buyer_chat.id}/photos",
        files={"file": ("mine.png", image_bytes(), "image/png")},
        headers=buyer_chat.headers,
    ).json()
    cited = app_client.post(
        f"/v1/seller/disputes/{dispute_id}/contest",
        json={
            "statement": "See this.",
            "attachments": [{"type": "image", "url": buyer_photo["url"]}],
        },
        headers=seller_headers,
    )
    assert cited.status_code == 422, cited.text
    assert cited.json()["error"]["field"] == "attachments.0.url"


def test_a_seller_photo_must_be_a_photo(app_client, dispute, seller_headers):
    bad = _upload(app_client, dispute["dispute_id"], seller_headers, b"not an image", status=422)
    assert bad["error"]["field"] == "file"
