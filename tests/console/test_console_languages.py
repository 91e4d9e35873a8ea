"""The console shows the buyer's language (a badge in the queue and on the case) and the English
of each bot message the buyer read in their own language (issue 16), in a real browser."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, expect

from bot.auth import mint_token
from tests.console.conftest import JWT_SECRET
from tests.console.test_agent_console import new_page, real_app  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def test_the_language_badge_and_the_english_of_the_replies(browser: Browser, real_app: str):  # noqa: F811
    buyer = {"Authorization": f"Bearer {mint_token('B17', 'buyer', JWT_SECRET)}"}
    with httpx.Client(base_url=real_app, headers=buyer) as api:
        conversation = api.post("/v1/conversations").json()["conversation_id"]
        # Code-mixed, as buyers write: the scripted NLU reads "agent" as asking for a person.
        turn = api.post(
            f"/v1/conversations/{conversation}/messages",
            json={"text": "cho mình gặp agent hỗ trợ với, đơn hàng bị lỗi"},
        ).json()
    assert turn["language"] == "vi" and turn["status"] == "waiting_for_agent"

    problems: list[str] = []
    agent = new_page(browser, real_app, problems)
    agent.goto("/console")
    agent.get_by_label("Agent token").fill(mint_token("agent-1", "agent", JWT_SECRET))
    agent.get_by_role("button", name="Open the queue").click()
    queue = agent.get_by_role("list", name="Queue")
    badge = queue.locator(".badge.lang")
    expect(badge).to_have_text("VI")
    expect(badge).to_have_attribute("title", "Buyer writes in Vietnamese")
    queue.get_by_role("button").first.click()

    transcript = agent.get_by_role("list", name="Transcript")
    expect(transcript).to_contain_text("cho mình gặp agent")
    english = transcript.locator(".english")  # the hand-off, then when an agent will answer
    expect(english.first).to_contain_text(
        "EN: Of course. I've passed this to a person on our customer-service team"
    )
    expect(english.last).to_contain_text("EN: Our agents")
    expect(agent.locator("#case-subtitle .badge.lang")).to_have_text("VI")
    assert problems == []
