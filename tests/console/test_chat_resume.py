"""The chat page resumes the buyer's open conversation (not the tab's), greets a buyer who has
none, and shows times in the buyer's time zone: browser tests against the fake API."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.console.conftest import PHONE, Buyer, LiveServer
from tests.console.fake_api import GREETING, HANDOFF
from tests.console.test_chat_page import CONVERSATION_KEY, bubble, messages, open_chat, send

pytestmark = pytest.mark.browser

SINGAPORE = ZoneInfo("Asia/Singapore")
WELCOME_START = "Hello! I'm the after-sales assistant."
AGENT_ANSWER = "Hi, I'm Dana. The carrier confirms the parcel is lost: your refund is on its way."


@pytest.fixture
def new_tab(browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """Opens pages in fresh browser contexts (no sessionStorage: a new tab, another day),
    optionally in a given time zone. Fails the test on a script error in any of them."""
    contexts = []
    problems: list[str] = []

    def open_page(timezone_id: str | None = None) -> Page:
        options = {"viewport": PHONE, "base_url": live_server.base_url}
        if timezone_id:
            options["timezone_id"] = timezone_id
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()
    assert not problems, problems


def test_a_returning_buyer_sees_the_history_and_the_agents_answer(
    page: Page, new_tab, buyer: Buyer, live_server: LiveServer, screenshot_dir: Path
) -> None:
    open_chat(page, buyer)
    send(page, "My parcel never came, let me talk to a person")
    expect(bubble(page, "bot", HANDOFF)).to_be_visible()
    conv = live_server.api.only_conversation_of(buyer.buyer_id)
    page.context.close()  # the buyer leaves; the agent answers later
    live_server.api.agent_reply(conv.conversation_id, AGENT_ANSWER)
    # An older closed conversation is not the one resumed.
    live_server.api.seed(
        buyer.buyer_id,
        [
            {
                "role": "buyer",
                "text": "where is order P7?",
                "created_at": "2026-10-01T09:00:00+00:00",
            }
        ],
        status="closed",
    )

    later = new_tab()
    open_chat(later, buyer)
    expect(bubble(later, "buyer", "My parcel never came")).to_be_visible()
    expect(bubble(later, "bot", HANDOFF)).to_be_visible()
    expect(bubble(later, "agent", AGENT_ANSWER)).to_be_visible()
    expect(messages(later).locator(".msg")).to_have_count(3)  # no greeting, nothing else
    expect(later.get_by_role("status")).to_contain_text("A customer-service agent is handling")
    assert later.evaluate(f"() => sessionStorage.getItem('{CONVERSATION_KEY}')") == (
        conv.conversation_id
    )
    later.screenshot(path=screenshot_dir / "09-resumed-phone.png")

    # The page keeps polling for the agent, and a new message goes to the same conversation.
    live_server.api.agent_reply(conv.conversation_id, "Anything else I can do?")
    expect(bubble(later, "agent", "Anything else I can do?")).to_be_visible()
    send(later, "No, thank you")
    expect(bubble(later, "buyer", "No, thank you")).to_be_visible()
    expect(later.locator(".msg-buyer.pending")).to_have_count(0)
    assert [c.conversation_id for c in live_server.api.conversations_of(buyer.buyer_id)
            if c.status != "closed"] == [conv.conversation_id]  # fmt: skip
    assert conv.received[-1] == {"text": "No, thank you"}


def test_an_open_conversation_resumes_with_its_quick_replies(
    new_tab, buyer: Buyer, live_server: LiveServer
) -> None:
    conv = live_server.api.seed(
        buyer.buyer_id,
        [
            {"role": "buyer", "text": "refund A1001", "created_at": "2026-11-13T07:00:00+00:00"},
            {"role": "bot", "text": "Shall I refund 39.99 USD?", "citations": ["RFT-5.1"],
             "created_at": "2026-11-13T07:00:02+00:00"},
        ],
    )  # fmt: skip
    conv.expecting, conv.quick_replies = "confirmation", ["Yes", "No"]
    page = new_tab()
    open_chat(page, buyer)
    expect(bubble(page, "bot", "Shall I refund 39.99 USD?")).to_be_visible()
    expect(page.get_by_role("group", name="Suggested replies").get_by_role("button")).to_have_text(
        ["Yes", "No"]
    )
    expect(page.get_by_label("Your message")).to_have_attribute("placeholder", "Yes or No…")


def test_first_open_greets_and_the_first_send_starts_a_conversation(
    page: Page, buyer: Buyer, live_server: LiveServer, screenshot_dir: Path
) -> None:
    # Only a closed conversation: nothing to resume.
    live_server.api.seed(
        buyer.buyer_id,
        [{"role": "buyer", "text": "old question", "created_at": "2026-10-01T09:00:00+00:00"}],
        status="closed",
    )
    open_chat(page, buyer)
    welcome = messages(page).locator(".msg-welcome")
    expect(welcome).to_have_count(1)
    expect(welcome).to_contain_text(WELCOME_START)
    expect(welcome.locator(".msg-label")).to_have_text("Assistant")
    expect(bubble(page, "buyer", "old question")).to_have_count(0)
    expect(page.get_by_role("status")).to_be_hidden()
    assert len(live_server.api.conversations_of(buyer.buyer_id)) == 1  # opening created none
    page.screenshot(path=screenshot_dir / "00-welcome-phone.png")

    send(page, "hello")
    expect(bubble(page, "bot", GREETING)).to_be_visible()
    assert len(live_server.api.conversations_of(buyer.buyer_id)) == 2
    # The greeting stays first, above the conversation it led to.
    expect(messages(page).locator(".msg").first).to_contain_text(WELCOME_START)


def test_times_are_shown_in_the_buyers_time_zone(
    new_tab, buyer: Buyer, live_server: LiveServer
) -> None:
    live_server.api.seed(
        buyer.buyer_id,
        [
            {"role": "buyer", "text": "it never came, I want a person",
             "created_at": "2026-11-13T06:58:00+00:00"},
            {"role": "bot", "text": HANDOFF, "created_at": "2026-11-13T06:58:01+00:00"},
            {"role": "agent", "text": AGENT_ANSWER, "created_at": "2026-11-13T23:04:00+00:00"},
        ],
        status="waiting_for_agent",
    )  # fmt: skip
    page = new_tab(timezone_id="Asia/Singapore")  # UTC+8, no daylight saving
    open_chat(page, buyer)
    agent_time = bubble(page, "agent", AGENT_ANSWER).locator("time")
    # 23:04 UTC is 07:04 the next day in Singapore.
    expect(agent_time).to_have_text("14 Nov 2026 07:04")
    expect(agent_time).to_have_attribute("datetime", "2026-11-13T23:04:00.000Z")
    expect(agent_time).to_have_attribute("title", re.compile(r"\(Asia/Singapore\)$"))
    expect(bubble(page, "buyer", "it never came").locator("time")).to_have_text("13 Nov 2026 14:58")
    # A message written now shows the clock alone (today), in Singapore time too.
    before = datetime.now(SINGAPORE)
    send(page, "thanks")
    now_time = bubble(page, "buyer", "thanks").locator("time")
    expect(now_time).to_have_text(re.compile(r"^\d\d:\d\d$"))
    after = datetime.now(SINGAPORE)
    minutes = {(before + timedelta(minutes=m)).strftime("%H:%M") for m in range(3)}
    assert now_time.text_content() in minutes | {after.strftime("%H:%M")}
