"""A buyer uploads a photo from a file in the chat page and the agent console shows it in the
case, in a real browser against the real app (tests/console/test_agent_console.py's stack)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.auth import mint_token
from tests.console.conftest import JWT_SECRET
from tests.console.test_agent_console import new_page, real_app  # noqa: F401  (the fixture)
from tests.utils.photos import jpeg_with_gps

pytestmark = pytest.mark.browser


def loaded(page: Page, selector: str) -> None:
    """Wait until the image at ``selector`` has really been drawn (its bytes arrived)."""
    page.wait_for_function(
        "(s) => { const i = document.querySelector(s);"
        " return i && i.complete && i.naturalWidth > 0; }",
        arg=selector,
    )


def natural_size(page: Page, selector: str) -> tuple[int, int]:
    return tuple(page.eval_on_selector(selector, "i => [i.naturalWidth, i.naturalHeight]"))  # type: ignore[return-value]


def test_a_buyer_uploads_a_photo_and_the_agent_sees_it(
    browser: Browser,
    real_app: str,  # noqa: F811
    tmp_path: Path,
    screenshot_dir: Path,
) -> None:
    photo = tmp_path / "broken-mug.jpg"
    photo.write_bytes(jpeg_with_gps((640, 480)))
    not_a_photo = tmp_path / "receipt.txt"
    not_a_photo.write_text("not a picture")

    problems: list[str] = []
    buyer = new_page(browser, real_app, problems)
    buyer.goto(f"/chat?token={mint_token('B17', 'buyer', JWT_SECRET)}")
    buyer.get_by_label("Your message").fill("D201 arrived damaged")
    buyer.get_by_role("button", name="Send").click()
    messages = buyer.get_by_role("list", name="Conversation")
    expect(messages.locator(".msg-bot").last).to_contain_text("photo")
    pending = buyer.get_by_role("list", name="Photos to send")

    # The camera button opens the file picker; a file that is not a photo is refused, saying why.
    with buyer.expect_file_chooser() as chooser:
        buyer.get_by_role("button", name="Attach a photo").click()
    chooser.value.set_files(not_a_photo)
    expect(pending).to_contain_text("Not uploaded")
    expect(buyer.get_by_role("alert")).to_contain_text("file")
    pending.get_by_role("button", name="Remove").click()
    expect(pending).to_be_hidden()

    with buyer.expect_file_chooser() as chooser:
        buyer.get_by_role("button", name="Attach a photo").click()
    chooser.value.set_files(photo)
    expect(pending.get_by_role("img", name="Attached photo")).to_be_visible()
    buyer.screenshot(path=screenshot_dir / "photo-00-composer.png")
    buyer.get_by_label("Your message").fill("here it is")
    buyer.get_by_role("button", name="Send").click()
    sent = messages.locator(".msg-buyer").filter(has_text="here it is")
    expect(sent.get_by_role("img", name="Attached photo")).to_be_visible()
    loaded(buyer, ".msg-buyer .photo-thumb img")
    expect(pending).to_be_hidden()
    # The risk model of this stack is cautious: the claim goes to a person.
    expect(buyer.locator(".banner-agent")).to_be_visible()
    buyer.screenshot(path=screenshot_dir / "photo-01-buyer.png", full_page=True)

    # Reloaded, the transcript shows the stored thumbnail, fetched with the buyer's token.
    buyer.reload()
    loaded(buyer, ".msg-buyer .photo-thumb img")
    assert natural_size(buyer, ".msg-buyer .photo-thumb img") == (320, 240)

    agent = new_page(browser, real_app, problems)
    agent.goto(f"/console?token={mint_token('agent-1', 'agent', JWT_SECRET)}")
    agent.get_by_role("list", name="Queue").get_by_role("button").first.click()
    photos = agent.get_by_role("list", name="Buyer's photos")
    expect(photos.get_by_role("img", name="Buyer's photo 1")).to_be_visible()
    loaded(agent, "#transcript .photo-thumb img")
    assert natural_size(agent, "#transcript .photo-thumb img") == (320, 240)

    photos.get_by_role("button").first.click()
    viewer = agent.get_by_role("dialog", name="Photo, full size")
    expect(viewer).to_be_visible()
    loaded(agent, ".photo-viewer img")
    assert natural_size(agent, ".photo-viewer img") == (640, 480)
    agent.screenshot(path=screenshot_dir / "photo-02-agent.png", full_page=True)
    viewer.get_by_role("button", name="Close").click()
    expect(viewer).to_be_hidden()
    assert not problems, problems
