"""The buyer chat page in a real browser, against the scripted fake conversation API."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.console.conftest import Buyer, LiveServer
from tests.console.fake_api import GREETING, HANDOFF, PHOTO_REQUEST, REFUND_DONE, REFUND_QUESTION

pytestmark = pytest.mark.browser

CONVERSATION_KEY = "aftersales.chat.conversation"
TOKEN_KEY = "aftersales.chat.token"


def open_chat(page: Page, buyer: Buyer) -> None:
    page.goto(f"/chat?token={buyer.token}")
    expect(page.get_by_label("Your message")).to_be_visible()
    # Loaded: the tab's or the buyer's open conversation, else the greeting.
    expect(messages(page)).not_to_have_attribute("aria-busy", "true")


def send(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def messages(page: Page):
    return page.get_by_role("list", name="Conversation")


def bubble(page: Page, role: str, text: str):
    return messages(page).locator(f".msg-{role}").filter(has_text=text)


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        " && document.body.scrollWidth <= document.documentElement.clientWidth"
    )


def test_page_fits_a_phone_without_horizontal_scroll(
    page: Page, buyer: Buyer, live_server: LiveServer, screenshot_dir: Path
) -> None:
    open_chat(page, buyer)
    page.screenshot(path=screenshot_dir / "01-empty-phone.png")
    for name in ("Send", "Attach a photo"):
        expect(page.get_by_role("button", name=name)).to_be_visible()
    assert no_horizontal_scroll(page)

    long_word = "x" * 300
    page.get_by_role("button", name="Attach a photo").click()
    page.get_by_label("Photo URL").fill(f"{live_server.base_url}/fake/photo.png?{'q' * 200}")
    page.get_by_role("button", name="Add", exact=True).click()
    send(page, f"broken {long_word}")
    expect(bubble(page, "bot", PHOTO_REQUEST)).to_be_visible()
    assert no_horizontal_scroll(page)
    # Nothing inside the message list overflows sideways either.
    assert page.evaluate(
        "() => { const l = document.getElementById('messages');"
        " return l.scrollWidth <= l.clientWidth; }"
    )


def test_desktop_layout_is_a_centred_column(page: Page, buyer: Buyer, screenshot_dir: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_chat(page, buyer)
    send(page, "I want a refund for order A1001")
    expect(bubble(page, "bot", REFUND_QUESTION)).to_be_visible()
    box = page.locator(".app").bounding_box()
    assert box is not None and box["width"] <= 760 and box["x"] > 200
    assert no_horizontal_scroll(page)
    page.screenshot(path=screenshot_dir / "02-desktop-confirmation.png")


def test_sending_shows_the_buyer_bubble_and_the_bot_reply(
    page: Page, buyer: Buyer, live_server: LiveServer
) -> None:
    open_chat(page, buyer)
    expect(messages(page)).to_have_attribute("aria-live", "polite")
    box = page.get_by_label("Your message")
    box.fill("hello there")
    box.press("Enter")  # Enter sends
    expect(bubble(page, "buyer", "hello there")).to_be_visible()
    reply = bubble(page, "bot", GREETING)
    expect(reply).to_be_visible()
    expect(reply.locator(".msg-label")).to_have_text("Assistant")
    expect(box).to_have_value("")

    conv = live_server.api.only_conversation_of(buyer.buyer_id)
    assert conv.received == [{"text": "hello there"}]
    session_id = page.evaluate(f"() => sessionStorage.getItem('{CONVERSATION_KEY}')")
    assert session_id == conv.conversation_id

    # The buyer bubble sits on the right, the bot's on the left.
    buyer_box = bubble(page, "buyer", "hello there").bounding_box()
    bot_box = reply.bounding_box()
    assert buyer_box and bot_box and buyer_box["x"] > bot_box["x"]


def test_quick_replies_are_buttons_and_clicking_one_sends_it(
    page: Page, buyer: Buyer, live_server: LiveServer, screenshot_dir: Path
) -> None:
    open_chat(page, buyer)
    send(page, "I want a refund for order A1001")
    replies = page.get_by_role("group", name="Suggested replies")
    expect(replies.get_by_role("button")).to_have_text(["Yes", "No"])
    expect(page.get_by_label("Your message")).to_have_attribute("placeholder", "Yes or No…")
    page.screenshot(path=screenshot_dir / "03-confirmation-phone.png")

    replies.get_by_role("button", name="No").click()
    expect(bubble(page, "buyer", "No")).to_be_visible()
    expect(bubble(page, "bot", "nothing was changed")).to_be_visible()
    expect(replies).to_be_hidden()
    conv = live_server.api.only_conversation_of(buyer.buyer_id)
    assert [body["text"] for body in conv.received] == ["I want a refund for order A1001", "No"]


def test_citations_are_shown_by_their_titles_with_the_clause_on_a_tap(
    page: Page, buyer: Buyer, live_server: LiveServer
) -> None:
    """Issue 15: a citation reads as the policy's own title, never as a code; a tap shows the
    clause's text (fetched once), a second tap hides it."""
    open_chat(page, buyer)
    send(page, "I want a refund for order A1001")
    reply = bubble(page, "bot", REFUND_QUESTION)
    chips = reply.get_by_role("list", name="Policy clauses").locator("summary")
    expect(chips).to_have_text([
        "Return window: 30 days, or 15 days for electronics",
        "Refunds go to the original payment method and take 5–10 business days",
    ])  # fmt: skip
    expect(reply).not_to_contain_text("RET-2.1")
    expect(reply).not_to_contain_text("REF-5.1")
    chips.first.click()
    clause = reply.locator(".clause-text").first
    expect(clause).to_be_visible()
    expect(clause).to_contain_text("within 30 days")
    chips.first.click()
    expect(clause).to_be_hidden()
    chips.first.click()
    expect(clause).to_be_visible()
    assert live_server.api.clause_reads.count("RET-2.1") == 1


def test_an_action_card_appears_after_confirming(
    page: Page, buyer: Buyer, live_server: LiveServer, screenshot_dir: Path
) -> None:
    open_chat(page, buyer)
    send(page, "I want a refund for order A1001")
    page.get_by_role("button", name="Yes").click()
    expect(bubble(page, "bot", REFUND_DONE)).to_be_visible()
    card = messages(page).locator(".action-card")
    expect(card).to_have_count(1)
    expect(card.locator(".action-title")).to_contain_text("Refund")
    expect(card.locator(".action-status")).to_have_text("approved")
    expect(card.locator("dl")).to_contain_text("refund")
    expect(card.locator("dl")).to_contain_text("$39.99")
    expect(card.locator("dl")).to_contain_text("A1001")
    page.screenshot(path=screenshot_dir / "04-action-card-phone.png")
    action_id = live_server.api.only_conversation_of(buyer.buyer_id).actions[0]["action_id"]
    expect(card).to_have_attribute("data-action-id", action_id)


def test_a_photo_url_is_sent_as_an_image_attachment(
    page: Page, buyer: Buyer, live_server: LiveServer, screenshot_dir: Path
) -> None:
    open_chat(page, buyer)
    send(page, "My blender arrived broken")
    expect(bubble(page, "bot", PHOTO_REQUEST)).to_be_visible()

    photo_url = f"{live_server.base_url}/fake/photo.png"
    page.get_by_role("button", name="Attach a photo").click()
    page.get_by_label("Photo URL").fill("not a url")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("https://")
    page.get_by_label("Photo URL").fill(photo_url)
    page.get_by_label("Photo URL").press("Enter")
    expect(page.get_by_role("list", name="Photos to send")).to_contain_text(photo_url)
    send(page, "here is the photo")

    sent = bubble(page, "buyer", "here is the photo")
    thumbnail = sent.get_by_role("img", name="Attached photo")
    expect(thumbnail).to_have_attribute("src", photo_url)
    expect(sent.get_by_role("link")).to_have_attribute("href", photo_url)
    page.wait_for_function(
        "() => { const i = document.querySelector('.msg-buyer img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    expect(bubble(page, "bot", REFUND_QUESTION)).to_be_visible()
    expect(page.get_by_role("list", name="Photos to send")).to_be_hidden()
    page.screenshot(path=screenshot_dir / "05-photo-phone.png")

    conv = live_server.api.only_conversation_of(buyer.buyer_id)
    assert conv.received[-1] == {
        "text": "here is the photo",
        "attachments": [{"type": "image", "url": photo_url}],
    }


def test_handoff_shows_a_banner_and_agent_replies_arrive_by_polling(
    page: Page, buyer: Buyer, live_server: LiveServer, screenshot_dir: Path
) -> None:
    open_chat(page, buyer)
    send(page, "let me talk to a person")
    expect(bubble(page, "bot", HANDOFF)).to_be_visible()
    banner = page.get_by_role("status")
    expect(banner).to_have_text(
        "A customer-service agent is handling your case. Their replies will appear here."
    )

    conv = live_server.api.only_conversation_of(buyer.buyer_id)
    live_server.api.agent_reply(conv.conversation_id, "Hi, I'm Dana. I'm looking at your order.")
    agent = bubble(page, "agent", "I'm looking at your order")
    expect(agent).to_be_visible()  # the page polls every 2 s
    expect(agent.locator(".msg-label")).to_have_text("Agent · Dana")
    assert conv.transcript_reads >= 1
    page.screenshot(path=screenshot_dir / "06-agent-phone.png")

    # The buyer can still write while a person handles the case.
    send(page, "thanks, the order is A1001")
    expect(bubble(page, "buyer", "thanks, the order is A1001")).to_be_visible()
    expect(messages(page).locator(".msg-agent")).to_have_count(1)

    live_server.api.close(conv.conversation_id)
    expect(banner).to_contain_text("This conversation is closed.")
    expect(page.get_by_label("Your message")).to_be_disabled()
    reads = conv.transcript_reads
    page.wait_for_timeout(2500)
    assert conv.transcript_reads == reads, "polling goes on after the conversation closed"
    page.screenshot(path=screenshot_dir / "07-closed-phone.png")

    page.get_by_role("button", name="Start a new conversation").click()
    expect(page.get_by_label("Your message")).to_be_enabled()
    expect(messages(page).locator(".msg")).to_have_count(1)  # the greeting, nothing else
    expect(messages(page).locator(".msg-welcome")).to_have_count(1)
    assert page.evaluate(f"() => sessionStorage.getItem('{CONVERSATION_KEY}')") is None


def test_an_api_error_is_shown_and_the_message_is_kept(
    page: Page, buyer: Buyer, screenshot_dir: Path
) -> None:
    open_chat(page, buyer)
    send(page, "[422] look at this")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Your message was not sent")
    expect(alert).to_contain_text("the photo URL must start with http:// or https://")
    expect(alert).to_contain_text("attachments.0.url")
    expect(alert).to_contain_text("422")
    page.screenshot(path=screenshot_dir / "08-error-phone.png")
    # Nothing is lost: the text is back in the box, and no bubble pretends it was sent.
    expect(page.get_by_label("Your message")).to_have_value("[422] look at this")
    expect(messages(page).locator(".msg-buyer")).to_have_count(0)

    page.get_by_role("button", name="Dismiss error").click()
    expect(alert).to_be_hidden()


def test_an_unreachable_server_is_shown(page: Page, buyer: Buyer) -> None:
    open_chat(page, buyer)
    page.route("**/v1/conversations", lambda route: route.abort())
    send(page, "hello")
    expect(page.get_by_role("alert")).to_contain_text("Could not reach the server")
    expect(page.get_by_label("Your message")).to_have_value("hello")


def test_a_lost_answer_is_retried_with_the_same_idempotency_key(
    page: Page, buyer: Buyer, live_server: LiveServer
) -> None:
    open_chat(page, buyer)
    send(page, "hello")
    expect(bubble(page, "bot", GREETING)).to_be_visible()

    def lose_the_answer(route) -> None:
        route.fetch()  # the server runs the turn...
        route.abort()  # ...but the answer never reaches the page

    page.route("**/v1/conversations/*/messages", lose_the_answer, times=1)
    send(page, "I want a refund for order A1001")
    expect(page.get_by_role("alert")).to_contain_text("Could not reach the server")
    page.get_by_role("button", name="Send").click()  # the text is still in the box
    expect(bubble(page, "bot", REFUND_QUESTION)).to_have_count(1)

    conv = live_server.api.only_conversation_of(buyer.buyer_id)
    first, lost, retried = conv.idempotency_keys
    assert first and lost and first != lost
    assert retried == lost
    buyer_turns = [m["text"] for m in conv.messages if m["role"] == "buyer"]
    assert buyer_turns == ["hello", "I want a refund for order A1001"]


def test_a_refused_token_asks_for_a_new_one(page: Page, buyer: Buyer) -> None:
    page.goto("/chat?token=not-a-jwt")
    # Refused on opening already: the page asks for the buyer's open conversation.
    expect(page.get_by_role("alert")).to_contain_text("Your token was refused")
    token_box = page.get_by_label("Buyer token")
    expect(token_box).to_be_visible()
    token_box.fill(buyer.token)
    page.get_by_role("button", name="Start chatting").click()
    send(page, "hello")
    expect(bubble(page, "bot", GREETING)).to_be_visible()


def test_token_can_be_pasted_and_is_kept_out_of_the_address_bar(
    page: Page, buyer: Buyer, screenshot_dir: Path
) -> None:
    page.goto("/chat")
    page.screenshot(path=screenshot_dir / "00-login-phone.png")
    page.get_by_label("Buyer token").fill(buyer.token)
    page.get_by_role("button", name="Start chatting").click()
    expect(page.get_by_text(f"Signed in as {buyer.buyer_id}")).to_be_visible()
    assert page.evaluate(f"() => sessionStorage.getItem('{TOKEN_KEY}')") == buyer.token

    page.goto(f"/chat?token={buyer.token}&lang=en")
    expect(page.get_by_label("Your message")).to_be_visible()
    assert "token=" not in page.url
    assert page.url.endswith("/chat?lang=en")


def test_a_reload_continues_the_conversation(
    page: Page, buyer: Buyer, live_server: LiveServer
) -> None:
    open_chat(page, buyer)
    send(page, "I want a refund for order A1001")
    expect(bubble(page, "bot", REFUND_QUESTION)).to_be_visible()

    page.reload()
    expect(bubble(page, "buyer", "I want a refund for order A1001")).to_be_visible()
    reply = bubble(page, "bot", REFUND_QUESTION)
    expect(reply).to_be_visible()
    expect(reply.locator(".chip")).to_have_count(2)
    expect(reply.locator(".chip").first).to_have_text(
        "Return window: 30 days, or 15 days for electronics"
    )
    expect(page.get_by_role("button", name="Yes")).to_be_visible()

    page.get_by_role("button", name="Yes").click()
    expect(messages(page).locator(".action-card")).to_contain_text("$39.99")
    conv = live_server.api.only_conversation_of(buyer.buyer_id)  # still one conversation
    assert [body["text"] for body in conv.received][-1] == "Yes"


def test_server_text_is_shown_as_text_not_markup(page: Page, buyer: Buyer) -> None:
    open_chat(page, buyer)
    hostile = '<img src=x onerror="window.pwned=1">hello'
    send(page, hostile)
    expect(bubble(page, "buyer", hostile)).to_be_visible()
    expect(bubble(page, "bot", GREETING)).to_be_visible()
    assert messages(page).locator(".msg-buyer img").count() == 0
    assert page.evaluate("() => window.pwned") is None
