"""The agent console's dispute panel (issue 18) in a real browser, against the real app: a
buyer's dispute opened in chat, the seller's contest with a photo through the seller API, both
sides side by side in the console, and the agent's decision."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, expect

from bot.auth import mint_token
from tests.console.conftest import JWT_SECRET
from tests.console.test_agent_console import new_page, real_app  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

PACKING_PHOTO = "https://img.example.com/packed.jpg"


def _headers(subject: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(subject, role, JWT_SECRET)}"}  # type: ignore[arg-type]


def test_an_agent_reads_both_sides_and_decides(browser: Browser, real_app: str) -> None:  # noqa: F811
    with httpx.Client(base_url=real_app, timeout=10) as http:
        buyer = _headers("B17", "buyer")
        conversation = http.post("/v1/conversations", headers=buyer).json()["conversation_id"]
        for text in ("worst seller ever, D200 was a disaster", "Talk to a person"):
            said = http.post(
                f"/v1/conversations/{conversation}/messages", json={"text": text}, headers=buyer
            )
            assert said.status_code == 200, said.text
        seller = _headers("S3", "seller")
        [dispute] = http.get("/v1/seller/disputes", headers=seller).json()["disputes"]
        contested = http.post(
            f"/v1/seller/disputes/{dispute['dispute_id']}/contest",
            json={
                "statement": "Shipped in perfect condition, see the packing photo.",
                "attachments": [{"type": "image", "url": PACKING_PHOTO}],
            },
            headers=seller,
        )
        assert contested.status_code == 200, contested.text

    problems: list[str] = []
    agent = new_page(browser, real_app, problems)
    agent.goto("/console")
    agent.get_by_label("Agent token").fill(mint_token("agent-1", "agent", JWT_SECRET))
    agent.get_by_role("button", name="Open the queue").click()
    queue = agent.get_by_role("list", name="Queue")
    expect(queue.get_by_role("button")).to_have_count(1)
    queue.get_by_role("button").first.click()

    card = agent.locator("#dispute-card")
    expect(card).to_be_visible()
    expect(card).to_contain_text("seller contested")
    buyer_side = agent.get_by_role("list", name="The buyer's statements")
    seller_side = agent.get_by_role("list", name="The seller's statements")
    expect(buyer_side).to_contain_text("disputes how order D200 was handled")
    expect(seller_side).to_contain_text("perfect condition")
    expect(seller_side.get_by_role("link", name="evidence")).to_have_attribute(
        "href", PACKING_PHOTO
    )

    agent.get_by_label("Decide for").select_option("buyer")
    agent.get_by_label("Refund amount", exact=True).fill("20")
    agent.get_by_label("Who pays").select_option("carrier")
    agent.get_by_label("Reason (the buyer reads it)").fill(
        "The dress arrived torn; partial refund."
    )
    agent.get_by_role("button", name="Decide").click()
    expect(agent.locator("#decide-result")).to_contain_text("Decided: decided for buyer")
    expect(card).to_contain_text("decided for buyer")
    expect(agent.locator("#decide-form")).to_be_hidden()
    assert not problems, problems

    with httpx.Client(base_url=real_app, timeout=10) as http:
        view = http.get(f"/v1/conversations/{conversation}", headers=buyer).json()
    assert view["disputes"][0]["status"] == "decided_for_buyer"
    assert [a["amount"] for a in view["actions"]] == [20.0]
