"""Disputes (issue 18) in a real browser, against the real app: a buyer's dispute opened in
chat, the seller's contest with a photo through the seller API, both sides side by side in the
console and the agent's decision; and a seller who never answers, whose 48 hours (the clock
moved) end with the buyer winning, which the buyer's chat page shows."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, expect

from bot.auth import mint_token
from bot.main import create_app
from bot.services import Services
from bot.settings import Settings
from bot.store.db import Database
from tests.console.conftest import JWT_SECRET
from tests.console.test_agent_console import new_page, real_app  # noqa: F401 (fixture)
from tests.utils.builders import NOW, demo_orders, seed
from tests.utils.fakes import FakeAnswerer, FakeRiskModel, ScriptedParser

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


class ShiftableClock:
    """NOW, moving with real time, plus whatever the test jumps ahead (the seller's 48 hours
    pass in an instant)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shift = timedelta(0)

    def __call__(self) -> datetime:
        return NOW + timedelta(seconds=time.monotonic() - self.started) + self.shift


@pytest.fixture
def clocked_app(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[str, ShiftableClock]]:
    """The real app over the demo world with a clock the test moves and the job runner polling
    every 0.2 s, as a deployment's would every few seconds."""
    path = tmp_path / "disputes.db"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    seed(database, demo_orders())
    parser = ScriptedParser()
    clock = ShiftableClock()
    services = Services(
        parser=parser,
        readiness={"rasa": parser.is_ready, "database": database.is_ready},
        database=database,
        answerer=FakeAnswerer(),
        risk_model=FakeRiskModel(p_abuse=0.01),
        clock=clock,
    )
    settings = Settings(
        env="test",
        jwt_secret=JWT_SECRET,
        media_dir=tmp_path / "media",
        scheduler_poll_s=0.2,
        _env_file=None,
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, services), log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", clock
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        database.dispose()


def test_a_seller_who_ignores_a_dispute_loses_it_and_the_buyer_sees_it_in_chat(
    browser: Browser, clocked_app: tuple[str, ShiftableClock]
) -> None:
    base_url, clock = clocked_app
    problems: list[str] = []
    page = new_page(browser, base_url, problems)
    page.goto(f"/chat?token={mint_token('B17', 'buyer', JWT_SECRET)}")
    box = page.get_by_label("Your message")
    box.fill("I want to return D204, I changed my mind")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("button", name="Dispute this decision").click()
    log = page.locator("#messages")
    expect(log).to_contain_text("Your dispute about order D204 is open")

    seller = _headers("S3", "seller")
    with httpx.Client(base_url=base_url, timeout=10) as http:
        [dispute] = http.get("/v1/seller/disputes", headers=seller).json()["disputes"]
        assert dispute["status"] == "awaiting_seller"
        clock.shift = timedelta(hours=48, minutes=1)  # the seller never answers
        # The runner decides within its poll; the chat shows it at its next poll.
        expect(log).to_contain_text(
            "The seller did not respond to your dispute about order D204 in time",
            timeout=15_000,
        )
        final = http.get(f"/v1/seller/disputes/{dispute['dispute_id']}", headers=seller).json()
    assert final["status"] == "decided_for_buyer"
    assert [e["kind"] for e in final["events"]] == ["opened", "reminder", "timeout"]
    assert not problems, problems


def test_the_buyer_takes_the_sellers_offer_from_the_chat_page(
    browser: Browser, clocked_app: tuple[str, ShiftableClock]
) -> None:
    base_url, _clock = clocked_app
    problems: list[str] = []
    page = new_page(browser, base_url, problems)
    page.goto(f"/chat?token={mint_token('B17', 'buyer', JWT_SECRET)}")
    page.get_by_label("Your message").fill("I want to return D204, I changed my mind")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("button", name="Dispute this decision").click()
    log = page.locator("#messages")
    expect(log).to_contain_text("Your dispute about order D204 is open")

    seller = _headers("S3", "seller")
    with httpx.Client(base_url=base_url, timeout=10) as http:
        [dispute] = http.get("/v1/seller/disputes", headers=seller).json()["disputes"]
        offered = http.post(
            f"/v1/seller/disputes/{dispute['dispute_id']}/offer",
            json={"type": "refund", "amount": 12},
            headers=seller,
        )
        assert offered.status_code == 200, offered.text
    # The page, polling while the chat waits, shows the offer and its quick replies.
    expect(log).to_contain_text("offers a partial refund of 12.00 USD", timeout=15_000)
    page.get_by_role("button", name="Accept the offer").click()
    expect(log).to_contain_text("You accepted the seller's offer")
    expect(page.get_by_role("button", name="Accept the offer")).to_have_count(0)
    with httpx.Client(base_url=base_url, timeout=10) as http:
        final = http.get(f"/v1/seller/disputes/{dispute['dispute_id']}", headers=seller).json()
    assert final["status"] == "decided_for_buyer"
    assert final["events"][-1]["kind"] == "accept_offer"
    assert not problems, problems
