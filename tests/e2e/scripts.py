"""The end-to-end buyer scripts of issue 16 (`data/eval/multilingual/e2e_conversations.yml`:
one per language per main flow) and how a buyer plays one against the running bot.

A script gives the order the platform pushes, the buyer's opening messages and the buyer's
answer to each question the bot may ask; the player sends the openings in order, then answers
what the bot asks (by the turn's `expecting`) until the bot acts, hands over or stops asking.
What came out is checked against the script's expected outcome, which is the policy spec's
letter: the test never adapts it to what the bot does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.language.catalogue import catalogue
from tests.e2e.support import Chat, Shop, Turn, iso

SCRIPTS = Path(__file__).parents[2] / "data" / "eval" / "multilingual" / "e2e_conversations.yml"
# The bot asks at most a handful of questions in these flows (order, reason, photo, remedy,
# confirmation); more answers than this means it is going round in circles.
MAX_ANSWERS = 8
# A product title per category: the scripts name no title, and an id's digits, not a title,
# is what the buyer answers "which order?" with.
# The scripts' buyers are ordinary customers: an account two years old with no refunds (so
# REV-6.2 flags none), in the market of their app locale ("ms-MY" -> MY). A first-ever order
# from a new account is the risk model's to doubt, which is no part of the policy's letter.
ACCOUNT_AGE_DAYS = 730
# The scripts name the market's category "fashion"; the platform's list calls it "apparel".
CATEGORY = {"fashion": "apparel"}
TITLES = {"home": "Home item", "fashion": "Fashion item", "electronics": "Electronics item",
          "beauty": "Beauty item"}  # fmt: skip


@dataclass(frozen=True)
class Script:
    id: str
    language: str
    locale: str
    flow: str
    order: dict[str, Any] | None
    messages: list[str]
    answers: dict[str, str | None]
    expected: dict[str, Any]

    @property
    def order_id(self) -> str | None:
        """The platform's id: the script writes it as the buyer types it ("#1042")."""
        return None if self.order is None else str(self.order["id"]).lstrip("#")


def load_scripts(path: Path = SCRIPTS) -> list[Script]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Script(
            id=c["id"],
            language=c["language"],
            locale=c["locale"],
            flow=c["flow"],
            order=c["order"],
            messages=list(c["messages"]),
            answers=dict(c["answers"]),
            expected=dict(c["expected"]),
        )
        for c in data["conversations"]
    ]


def order_payload(script: Script, buyer_id: str, now: datetime) -> dict[str, Any]:
    """The script's order as the platform's webhook sends it, dated relative to ``now``."""
    order = script.order
    assert order is not None

    def ago(days: float | None) -> str | None:
        return iso(None if days is None else now - timedelta(days=days))

    status = order["status"]
    delivered = order.get("delivered_days_ago")
    promised = order.get("promised_days_ago")
    placed = max(delivered or 0, promised or 0) + 7
    shipped = None if status == "pending" else placed - 1
    return {
        "order_id": script.order_id,
        "buyer_id": buyer_id,
        "seller_id": f"SEL-{buyer_id}",
        "status": status,
        "currency": order["currency"],
        "items": [
            {
                "sku": f"SKU-{script.id}",
                "title": TITLES.get(order["category"], "Item"),
                "category": CATEGORY.get(order["category"], order["category"]),
                "unit_price": float(order["total"]),
                "quantity": 1,
            }
        ],
        "placed_at": ago(placed),
        "shipped_at": ago(shipped),
        # Not promised yet for a pending order: a week ahead.
        "promised_delivery_by": ago(promised if promised is not None else -7),
        "delivered_at": ago(delivered),
        "carrier": None if shipped is None else "SPX",
        "tracking_number": None if shipped is None else "SPX0123456789",
        "payment_method": order["payment"],
        "refunded_amount": 0,
        "refunded_at": None,
        "buyer_region": script.locale.rsplit("-", 1)[-1],
        "buyer_account_created_at": ago(ACCOUNT_AGE_DAYS),
    }


def push_order(shop: Shop, script: Script, buyer_id: str) -> None:
    if script.order is not None:
        shop.push(order_payload(script, buyer_id, datetime.now(UTC)))


def label(language: str, key: str) -> str:
    """A quick reply's label in the buyer's language (what the buyer taps)."""
    return catalogue(language)[key]


def answer_to(turn: Turn, script: Script) -> str | None:
    """What the buyer says to the bot's question, from the script; None: nothing to say."""
    said = script.answers
    match turn.expecting:
        case "order_id":
            return said["order"]
        case "reason":
            return said["reason"]
        case "evidence":
            return said["photo"]
        case "confirmation":
            return said["confirm_yes"]
        case "choice":
            # Refund or replacement: every script's buyer asked for their money back. Which
            # items: the order has one line. Any other choice is one the script cannot answer.
            for key in ("refund_choice", "all_items"):
                if label(script.language, key) in turn.quick_replies:
                    return label(script.language, key)
            return None
    return None


def finished(turn: Turn) -> bool:
    """The bot acted, handed over, or asks nothing more of the flow (a rating is not part)."""
    return bool(turn.actions) or turn.status != "bot" or turn.expecting in (None, "rating")


def play(chat: Chat, script: Script) -> Chat:
    """The buyer's openings in order, then the answers to the bot's questions."""
    for message in script.messages:
        chat.say(message, locale=script.locale)
    for _ in range(MAX_ANSWERS):
        turn = chat.turns[-1]
        if finished(turn):
            break
        answer = answer_to(turn, script)
        if answer is None:
            break
        chat.say(answer, locale=script.locale)
    return chat


def outcome_problems(chat: Chat, script: Script) -> list[str]:
    """How the conversation differs from the script's expected outcome (empty: it matches)."""
    expected = script.expected
    actions = [a for t in chat.turns for a in t.actions]
    cited = {c for t in chat.turns for c in t.citations}
    last = chat.turns[-1]
    problems: list[str] = []
    outcome = expected["outcome"]
    if outcome in ("cancel", "refund"):
        assert script.order is not None
        kind = "cancel" if outcome == "cancel" else "refund"
        if expected.get("return_first"):
            kind = "return"
        # A cancelled cash-on-delivery order has nothing to refund (CAN-1.3).
        nothing_paid = outcome == "cancel" and script.order["payment"] == "cod"
        amount = 0.0 if nothing_paid else float(script.order["total"])
        got = [(a["type"], a["order_id"], a["amount"]) for a in actions]
        if got != [(kind, script.order_id, amount)]:
            problems.append(f"actions {got}, expected [({kind!r}, {script.order_id!r}, {amount})]")
        if last.status != "bot":
            problems.append(f"status {last.status}, expected the bot to resolve it")
    elif outcome == "hand_off":
        if last.status != "waiting_for_agent":
            problems.append(f"status {last.status}, expected waiting_for_agent")
        if actions:
            problems.append(f"actions {actions}, expected none before an agent decides")
    elif outcome == "answer" and (actions or last.status != "bot"):
        problems.append(f"status {last.status} with actions {actions}, expected an answer")
    missing = set(expected["clauses"]) - cited
    if missing:
        problems.append(f"clauses {sorted(missing)} not cited (cited {sorted(cited)})")
    languages = [t.get("language") for t in chat.turns]
    if any(language != script.language for language in languages):
        problems.append(f"conversation language per turn {languages}, expected {script.language}")
    english = [m["text"][:60] for t in chat.turns for m in t["messages"] if written_in_english(
        m["text"], script.language)]  # fmt: skip
    if english:
        problems.append(f"replies in English in a {script.language} conversation: {english}")
    return problems


def _openings(language: str) -> set[str]:
    """The fixed start of each catalogue message of ``language`` (up to its first
    placeholder), long enough to tell one language's message from another's."""
    starts = {template.split("{")[0].strip()[:30] for template in catalogue(language).values()}
    return {start for start in starts if len(start) >= 12}


def written_in_english(text: str, language: str) -> bool:
    """A reply that opens like an English catalogue message none of ``language``'s opens like
    (a reply rendered in English where the buyer's language was due)."""
    if language == "en":
        return False
    english_only = _openings("en") - _openings(language)
    return any(text.startswith(start) for start in english_only)


def summary(chat: Chat) -> str:
    """The transcript with each turn's language, for a failure's message."""
    return "\n---\n".join(
        f"buyer: {json.dumps(sent, ensure_ascii=False)}\n"
        f"[{t.intent}] {t.status} expecting={t.expecting} language={t.get('language')} "
        f"actions={[(a['type'], a['order_id'], a['amount']) for a in t.actions]} "
        f"{t.quick_replies}\n{t.text}  {sorted(t.citations)}"
        for sent, t in zip(chat.sent, chat.turns, strict=True)
    )
