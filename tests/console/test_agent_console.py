"""The agent console in a real browser, against the real app (SQLite store, scripted NLU, fake
risk model and answerer), served by uvicorn in a thread; the buyer uses the real chat page."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect

from bot.auth import mint_token
from bot.main import create_app
from bot.services import Services
from bot.settings import Settings
from bot.store.db import Database
from tests.console.conftest import JWT_SECRET
from tests.utils.builders import NOW, Chat, demo_orders, seed
from tests.utils.fakes import FakeAnswerer, FakeRiskModel, ScriptedParser

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1400, "height": 1000}


def moving_clock():
    """NOW, moving with real time: the demo orders are dated relative to NOW."""
    started = time.monotonic()
    return lambda: NOW + timedelta(seconds=time.monotonic() - started)


@pytest.fixture
def real_app(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "console.db"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    seed(database, demo_orders())
    parser = ScriptedParser()
    services = Services(
        parser=parser,
        readiness={"rasa": parser.is_ready, "database": database.is_ready},
        database=database,
        answerer=FakeAnswerer(),
        # High risk: S300's late-parcel refund goes to an agent instead of the bot.
        risk_model=FakeRiskModel(p_abuse=0.8),
        clock=moving_clock(),
    )
    settings = Settings(
        env="test", jwt_secret=JWT_SECRET, media_dir=tmp_path / "media", _env_file=None
    )
    app = create_app(settings, services)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        database.dispose()


def new_page(browser: Browser, base_url: str, problems: list[str]) -> Page:
    context = browser.new_context(viewport=DESKTOP, base_url=base_url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    return page


def test_agent_answers_with_a_suggestion_and_refunds_and_the_buyer_sees_both(
    browser: Browser, real_app: str, screenshot_dir: Path
) -> None:
    problems: list[str] = []
    buyer = new_page(browser, real_app, problems)
    buyer.goto(f"/chat?token={mint_token('B17', 'buyer', JWT_SECRET)}")
    buyer.get_by_label("Your message").fill("S300 never arrived")
    buyer.get_by_role("button", name="Send").click()
    expect(buyer.locator(".banner-agent")).to_be_visible()

    agent = new_page(browser, real_app, problems)
    agent.goto("/console")
    agent.get_by_label("Agent token").fill(mint_token("agent-1", "agent", JWT_SECRET))
    agent.get_by_role("button", name="Open the queue").click()
    queue = agent.get_by_role("list", name="Queue")
    expect(queue.get_by_role("button")).to_have_count(1)
    expect(queue).to_contain_text("item not received")
    expect(queue).to_contain_text("SLA")
    # Issue 15: the filters' options once threw on every new value ("Could not refresh: Cannot
    # set properties of undefined"), held the queue back a poll per value and kept the label as
    # the value, so filtering by intent emptied the queue.
    expect(agent.locator("#error")).to_be_hidden()
    agent.get_by_label("Intent").select_option("item_not_received")
    expect(queue.get_by_role("button")).to_have_count(1)
    expect(agent.locator("#error")).to_be_hidden()
    queue.get_by_role("button").first.click()

    suggestions = agent.get_by_role("list", name="Suggested replies")
    first = suggestions.get_by_role("listitem").first
    expect(first).to_contain_text("$60.00")
    # The clause is named by its title (its code in the tooltip), not inside the reply's text.
    expect(first.locator(".badge.clause").first).to_have_text(
        "Not delivered more than 3 days after the promised date: full refund"
    )
    expect(first.locator(".badge.clause").first).to_have_attribute("title", "INR-4.1")
    expect(first.locator(".text")).not_to_contain_text("INR-4.1")
    expect(agent.locator("#eligibility")).to_contain_text("eligible")
    expect(agent.get_by_role("table", name="Features that moved the risk score")).to_be_visible()
    expect(agent.get_by_role("list", name="Transcript")).to_contain_text("NLU: item_not_received")
    agent.screenshot(path=screenshot_dir / "console-01-case.png", full_page=True)

    reply_text = first.locator(".text").inner_text()
    agent.get_by_role("button", name="Send suggestion 1", exact=True).click()
    expect(agent.get_by_role("list", name="Transcript")).to_contain_text(reply_text)

    # The actions form comes prefilled with what the rules grant: a $60.00 refund.
    expect(agent.get_by_label("Action type")).to_have_value("refund")
    expect(agent.get_by_label("Amount", exact=True)).to_have_value("60.00")
    agent.get_by_role("button", name="Execute").click()
    expect(agent.locator("#action-result")).to_contain_text("Done: refund $60.00")
    expect(agent.get_by_role("list", name="Audit trail")).to_contain_text("refund")
    agent.screenshot(path=screenshot_dir / "console-02-refunded.png", full_page=True)

    # The buyer's page polls while an agent handles the case.
    messages = buyer.get_by_role("list", name="Conversation")
    expect(messages.locator(".msg-agent").filter(has_text=reply_text)).to_be_visible()
    expect(buyer.locator("body")).to_contain_text("$60.00")
    buyer.screenshot(path=screenshot_dir / "console-03-buyer.png", full_page=True)

    # Issue 15: the buyer coming back in a new tab (GET /v1/conversations of the real API) sees
    # the whole conversation with the agent's answer, not an empty chat.
    later = new_page(browser, real_app, problems)
    later.goto(f"/chat?token={mint_token('B17', 'buyer', JWT_SECRET)}")
    resumed = later.get_by_role("list", name="Conversation")
    expect(resumed.locator(".msg-buyer").filter(has_text="S300 never arrived")).to_be_visible()
    expect(resumed.locator(".msg-agent").filter(has_text=reply_text)).to_be_visible()
    expect(resumed.locator(".msg-welcome")).to_have_count(0)
    expect(resumed.locator(".msg-agent time")).to_have_count(1)
    assert not problems, problems


def test_a_refused_action_asks_for_override_and_reason(browser: Browser, real_app: str) -> None:
    problems: list[str] = []
    buyer = new_page(browser, real_app, problems)
    buyer.goto(f"/chat?token={mint_token('B17', 'buyer', JWT_SECRET)}")
    buyer.get_by_label("Your message").fill("S300 never arrived")
    buyer.get_by_role("button", name="Send").click()
    expect(buyer.locator(".banner-agent")).to_be_visible()

    agent = new_page(browser, real_app, problems)
    agent.goto(f"/console?token={mint_token('agent-1', 'agent', JWT_SECRET)}")
    agent.get_by_role("list", name="Queue").get_by_role("button").first.click()
    expect(agent.get_by_label("Action type")).to_have_value("refund")
    agent.get_by_label("Action type").select_option("voucher")
    agent.get_by_label("Amount", exact=True).fill("5")
    agent.get_by_role("button", name="Execute").click()
    result = agent.locator("#action-result")
    expect(result).to_contain_text("Override the eligibility rules")
    agent.get_by_label("Override the eligibility rules").check()
    agent.get_by_role("button", name="Execute").click()
    expect(result).to_contain_text("reason")
    agent.get_by_label("Reason (needed to deny, ask for evidence, or override)").fill("goodwill")
    agent.get_by_role("button", name="Execute").click()
    expect(result).to_contain_text("override recorded")
    expect(agent.get_by_role("list", name="Audit trail")).to_contain_text("OVERRIDE · goodwill")
    assert not problems, problems


def test_a_buyer_token_is_refused(browser: Browser, real_app: str) -> None:
    problems: list[str] = []
    agent = new_page(browser, real_app, problems)
    agent.goto(f"/console?token={mint_token('B17', 'buyer', JWT_SECRET)}")
    expect(agent.get_by_role("alert")).to_contain_text("agent token")
    expect(agent.get_by_label("Agent token")).to_be_visible()
    assert not problems, problems


def handed_over(base_url: str, buyer_id: str, *texts: str, photo: str | None = None) -> str:
    """A buyer conversation through the HTTP API that ends with a person: its id. The photo,
    if any, comes with the first message."""
    headers = {"Authorization": f"Bearer {mint_token(buyer_id, 'buyer', JWT_SECRET)}"}
    with httpx.Client(base_url=base_url, timeout=10) as client:
        chat = Chat(client, headers)  # type: ignore[arg-type]  # a TestClient is an httpx.Client
        turn: dict = {}
        for i, text in enumerate(texts):
            turn = chat.say(text, photo=photo if i == 0 else None)
        assert turn["status"] == "waiting_for_agent", turn
        return chat.id


def test_the_action_form_is_reset_from_each_case(browser: Browser, real_app: str) -> None:
    # Issue 15: a case without an order still showed the case before's amount and action.
    handed_over(real_app, "B17", "S300 never arrived")  # the rules grant a $60.00 refund
    handed_over(real_app, "B18", "I need a human")  # no order: no money action to offer
    problems: list[str] = []
    agent = new_page(browser, real_app, problems)
    agent.goto(f"/console?token={mint_token('agent-1', 'agent', JWT_SECRET)}")
    queue = agent.get_by_role("list", name="Queue")
    expect(queue.get_by_role("button")).to_have_count(2)
    kind, amount = agent.get_by_label("Action type"), agent.get_by_label("Amount", exact=True)
    reason = agent.get_by_label("Reason (needed to deny, ask for evidence, or override)")
    override = agent.get_by_label("Override the eligibility rules")

    queue.get_by_role("button", name=re.compile("item not received")).click()
    expect(kind).to_have_value("refund")
    expect(amount).to_have_value("60.00")
    # The agent starts something on case A and leaves it unfinished.
    kind.select_option("deny")
    amount.fill("79")
    reason.fill("not for this case")
    override.check()

    queue.get_by_role("button", name=re.compile("request human")).click()
    expect(agent.locator("#case-title")).to_contain_text("request human")
    expect(agent.locator("#order")).to_contain_text("No order on this case.")
    expect(kind).to_have_value("")
    expect(amount).to_have_value("")
    expect(reason).to_have_value("")
    expect(override).not_to_be_checked()
    # Nothing chosen, nothing sent: the browser asks for an action first.
    agent.get_by_role("button", name="Execute").click()
    expect(agent.locator("#action-result")).to_have_text("")
    expect(agent.get_by_role("list", name="Audit trail")).to_contain_text("Nothing yet.")
    # A poll later the form is still this case's.
    agent.wait_for_timeout(3000)
    expect(amount).to_have_value("")

    queue.get_by_role("button", name=re.compile("item not received")).click()
    expect(agent.locator("#case-title")).to_contain_text("order S300")
    expect(kind).to_have_value("refund")
    expect(amount).to_have_value("60.00")
    expect(reason).to_have_value("")
    expect(override).not_to_be_checked()
    assert not problems, problems


def test_close_case_asks_first(browser: Browser, real_app: str) -> None:
    conversation_id = handed_over(real_app, "B18", "I need a human")
    problems: list[str] = []
    agent = new_page(browser, real_app, problems)
    agent.goto(f"/console?token={mint_token('agent-1', 'agent', JWT_SECRET)}")
    queue = agent.get_by_role("list", name="Queue")
    queue.get_by_role("button").first.click()
    confirm = agent.get_by_role("alertdialog")
    expect(confirm).to_be_hidden()

    agent.get_by_role("button", name="Close case").click()
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Close this case?")
    expect(agent.get_by_role("button", name="Keep it open")).to_be_focused()
    agent.get_by_role("button", name="Keep it open").click()
    expect(confirm).to_be_hidden()
    expect(agent.locator("#case")).to_be_visible()
    agent.wait_for_timeout(3000)  # a poll: the case is still waiting, on the server too
    expect(queue.get_by_role("button")).to_have_count(1)
    assert conversation_status(real_app, "B18", conversation_id) == "waiting_for_agent"

    agent.get_by_role("button", name="Close case").click()
    agent.get_by_role("button", name="Yes, close it").click()
    expect(queue.get_by_role("button")).to_have_count(0)
    expect(agent.locator("#case")).to_be_hidden()
    expect(agent.locator("#no-case")).to_be_visible()
    assert conversation_status(real_app, "B18", conversation_id) == "closed"
    assert not problems, problems


def conversation_status(base_url: str, buyer_id: str, conversation_id: str) -> str:
    headers = {"Authorization": f"Bearer {mint_token(buyer_id, 'buyer', JWT_SECRET)}"}
    response = httpx.get(f"{base_url}/v1/conversations/{conversation_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["status"]


# --- issue 15: a console without traps ----------------------------------------------------------

CLAUSE_CODE = re.compile(r"\b[A-Z]{2,5}-\d+\.\d+")


def open_console(browser: Browser, base_url: str, problems: list[str]) -> Page:
    agent = new_page(browser, base_url, problems)
    agent.goto(f"/console?token={mint_token('agent-1', 'agent', JWT_SECRET)}")
    return agent


def test_suggestions_never_contradict_themselves_nor_ask_for_the_photo_sent(
    browser: Browser, real_app: str
) -> None:
    # A $12 mug, reported broken with a photo: the rules grant a refund; the (fake) risk model
    # sends it to a person.
    handed_over(
        real_app, "B17", "the mug D201 arrived broken", photo="https://img.example.com/m.jpg"
    )
    problems: list[str] = []
    agent = open_console(browser, real_app, problems)
    agent.get_by_role("list", name="Queue").get_by_role("button").first.click()
    suggestions = agent.get_by_role("list", name="Suggested replies").get_by_role("listitem")
    expect(suggestions.first).to_contain_text("$12.00")
    texts = suggestions.locator(".text").all_inner_texts()
    assert texts and not any(CLAUSE_CODE.search(t) for t in texts), texts
    assert not any("photo" in t.lower() for t in texts), texts
    badges = suggestions.locator(".badge").all_inner_texts()
    assert "ask for evidence" not in badges, badges
    for item in suggestions.all():
        if item.locator(".badge").first.inner_text() == "deny":
            assert "refund" not in item.locator(".text").inner_text().lower()
    assert not problems, problems


def test_a_refused_replacement_is_explained_in_words(browser: Browser, real_app: str) -> None:
    handed_over(
        real_app, "B17", "the mug D201 arrived broken", photo="https://img.example.com/m.jpg"
    )
    problems: list[str] = []
    agent = open_console(browser, real_app, problems)
    agent.get_by_role("list", name="Queue").get_by_role("button").first.click()
    expect(agent.get_by_label("Action type")).to_have_value("refund")
    agent.get_by_label("Action type").select_option("replacement")
    agent.get_by_role("button", name="Execute").click()
    result = agent.locator("#action-result")
    expect(result).to_contain_text("The policy does not allow a replacement on order D201")
    expect(result).to_contain_text('tick "Override the eligibility rules" and write your reason')
    assert '"override": true' not in result.inner_text() and not CLAUSE_CODE.search(
        result.inner_text()
    )
    assert not problems, problems


def test_the_queue_is_searched_by_order_buyer_and_words(browser: Browser, real_app: str) -> None:
    handed_over(real_app, "B17", "S300 never arrived")
    handed_over(real_app, "B18", "I need a human, my parcel box was soaked")
    handed_over(real_app, "B19", "I need a human")
    problems: list[str] = []
    agent = open_console(browser, real_app, problems)
    queue = agent.get_by_role("list", name="Queue")
    expect(queue.get_by_role("button")).to_have_count(3)
    search = agent.get_by_label("Search")

    search.fill("s300")
    expect(queue.get_by_role("button")).to_have_count(1)
    expect(queue).to_contain_text("S300 · B17")
    search.fill("B18")
    expect(queue.get_by_role("button")).to_have_count(1)
    expect(queue).to_contain_text("· B18")
    search.fill("box soaked")  # words from the chat, in any order
    expect(queue.get_by_role("button")).to_have_count(1)
    expect(queue.locator(".match")).to_contain_text("my parcel box was soaked")
    search.fill("umbrella")
    expect(queue.get_by_role("button")).to_have_count(0)
    expect(agent.get_by_text("No waiting case matches this search.")).to_be_visible()
    search.fill("")
    expect(queue.get_by_role("button")).to_have_count(3)
    # The search holds across polls, and an opened case stays open.
    search.fill("s300")
    search.press("Enter")
    queue.get_by_role("button").first.click()
    expect(agent.locator("#case-title")).to_contain_text("order S300")
    agent.wait_for_timeout(3000)
    expect(queue.get_by_role("button")).to_have_count(1)
    assert not problems, problems


def test_a_click_on_a_case_survives_a_queue_redraw(browser: Browser, real_app: str) -> None:
    """Issue 15: a press on a case while the queue redrew (a poll, a new handoff) did nothing:
    the row's button was replaced between the press and the release."""
    handed_over(real_app, "B18", "I need a human")
    problems: list[str] = []
    agent = open_console(browser, real_app, problems)
    queue = agent.get_by_role("list", name="Queue")
    expect(queue.get_by_role("button")).to_have_count(1)
    row = queue.get_by_role("button").first
    box = row.bounding_box()
    assert box is not None
    agent.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    agent.mouse.down()
    # A new, more urgent case arrives and a poll or two go by while the button is held.
    handed_over(real_app, "B17", "I was charged twice for P100")
    agent.wait_for_timeout(3500)
    agent.mouse.up()
    expect(agent.locator("#case-title")).to_have_text("request human")
    # The queue catches up after the release, the opened case marked.
    expect(queue.get_by_role("button")).to_have_count(2)
    expect(queue.locator("button[aria-current=true]")).to_contain_text("request human")
    # Rows are kept across polls: the same element before and after one.
    queue.locator("button[aria-current=true]").evaluate("b => { b.dataset.marker = 'kept'; }")
    agent.wait_for_timeout(3000)
    expect(queue.locator("button[data-marker=kept]")).to_have_count(1)
    assert not problems, problems


def test_a_person_asked_for_after_a_refusal_shows_the_order(
    browser: Browser, real_app: str
) -> None:
    handed_over(real_app, "B17", "I want to return D204, I changed my mind", "Talk to a person")
    problems: list[str] = []
    agent = open_console(browser, real_app, problems)
    queue = agent.get_by_role("list", name="Queue")
    expect(queue).to_contain_text("D204 · B17")
    queue.get_by_role("button").first.click()
    expect(agent.locator("#case-title")).to_contain_text("order D204")
    expect(agent.locator("#order")).to_contain_text("Desk lamp")
    assert not problems, problems
