"""The reply battery (issue 14): how the dialogue reads a buyer's reply to its own question.

Each case of `reply_battery.yml` puts a conversation in a state by its ``setup`` messages (the
bot's question is then open), sends one buyer ``reply`` and checks what the bot made of it:
the status, what it waits for next, the action it took or offered, words its reply must (not)
hold. Every case runs through the real dialogue code (`bot.main.create_app`, a fresh SQLite
store with the battery's orders per case) with a fixed answerer (any policy answer is the same
marked sentence, so "read as a policy question" is visible) and a fixed risk model (P(abuse)
0.01: the router never decides a case here).

The NLU is either the unit tests' keyword stand-in (``--nlu scripted``, the default: fast, no
Rasa; a case may pin the reading the real NLU gave its reply with ``scripted``) or the real
English model (``--nlu rasa``: a Rasa server started on the current model, or ``--rasa-url``
and ``--rasa-token`` for one already running), read with the bot's own spelling correction.

The cases were written by the engineer who changed the code they test: they flatter. The dev
conversation sets (`lab.simulate.conversations`) are the real check.

    python -m lab.dialogue.battery [--nlu scripted|rasa] [--only CLASS] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

BATTERY = Path(__file__).with_name("reply_battery.yml")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
POLICY_ANSWER = "[policy answer]"
SECRET = "battery-secret-0123456789abcdef-xyz0"
PHOTO = "https://example.com/photo.jpg"


@dataclass
class Case:
    id: str
    kind: str
    buyer: str
    setup: list[Any]
    reply: Any
    expect: dict[str, Any]
    scripted: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    case: Case
    passed: bool
    problems: list[str]
    bot: str
    error: str | None = None


def load(path: Path = BATTERY) -> tuple[list[Any], list[Case]]:
    data = yaml.safe_load(path.read_text())
    cases = [
        Case(
            id=c["id"],
            kind=c["class"],
            buyer=c.get("buyer", data.get("buyer", "B1")),
            setup=list(c.get("setup", [])),
            reply=c["reply"],
            expect=dict(c.get("expect", {})),
            scripted=dict(c.get("scripted", {})),
        )
        for c in data["cases"]
    ]
    return data["orders"], cases


def _orders(rows: list[dict[str, Any]]) -> list[Any]:
    from policies.types import Category, Order, OrderItem, OrderStatus, PaymentMethod

    def ago(days: float | None) -> datetime | None:
        return None if days is None else NOW - timedelta(days=days)

    orders = []
    for row in rows:
        status = OrderStatus(row.get("status", "delivered"))
        placed = float(row.get("placed", 10))
        delivered = row.get("delivered")
        if status is OrderStatus.DELIVERED and delivered is None:
            delivered = max(placed - 3, 0)
        shipped = row.get("shipped")
        if status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) and shipped is None:
            shipped = placed - 1
        items = tuple(
            OrderItem(
                i.get("sku") or "SKU-" + i["title"].upper().replace(" ", "-")[:20],
                i["title"],
                Category(i.get("category", "home")),
                Decimal(str(i["price"])),
                1,
            )
            for i in row["items"]
        )
        orders.append(
            Order(
                order_id=row["id"],
                buyer_id=row.get("buyer", "B1"),
                seller_id="S3",
                status=status,
                currency="USD",
                items=items,
                placed_at=ago(placed),
                shipped_at=ago(shipped),
                promised_delivery_by=ago(row.get("promised")),
                delivered_at=ago(delivered),
                carrier="SPX" if shipped is not None else None,
                tracking_number="SPX0123456789SG" if shipped is not None else None,
                payment_method=PaymentMethod(row.get("payment", "card")),
                refunded_amount=Decimal("0"),
                refunded_at=None,
            )
        )
    return orders


class Battery:
    """Runs the cases, each on a fresh copy of one seeded store."""

    def __init__(self, orders: list[dict[str, Any]], parser_factory: Callable[[Case], Any]):
        from bot.store.db import Database
        from bot.store.migrate import upgrade
        from bot.store.orders import OrderRepository

        self.workdir = Path(tempfile.mkdtemp(prefix="reply-battery-"))
        self.template = self.workdir / "template.db"
        upgrade(f"sqlite:///{self.template}")
        database = Database(f"sqlite:///{self.template}")
        repository = OrderRepository(database.sessions)
        for order in _orders(orders):
            repository.upsert(order)
        database.dispose()
        self.parser_factory = parser_factory

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

    def run(self, case: Case, n: int) -> Result:
        from fastapi.testclient import TestClient

        from bot.auth import mint_token
        from bot.main import create_app
        from bot.services import Services
        from bot.settings import Settings
        from bot.store.db import Database
        from tests.utils.fakes import FakeAnswerer, FakeRiskModel

        path = self.workdir / f"case-{n}.db"
        shutil.copyfile(self.template, path)
        database = Database(f"sqlite:///{path}")
        parser = self.parser_factory(case)
        ticks = iter(range(10**9))
        services = Services(
            parser=parser,
            readiness={"rasa": parser.is_ready, "database": database.is_ready},
            database=database,
            answerer=FakeAnswerer(text=POLICY_ANSWER, citations=("RET-2.1",)),
            risk_model=FakeRiskModel(p_abuse=0.01),
            clock=lambda: NOW + timedelta(milliseconds=next(ticks)),
        )
        settings = Settings(
            env="test",
            jwt_secret=SECRET,
            media_dir=self.workdir / "media",
            log_level="WARNING",
            _env_file=None,
        )
        headers = {"Authorization": f"Bearer {mint_token(case.buyer, 'buyer', SECRET)}"}
        try:
            with TestClient(create_app(settings, services)) as client:
                response = client.post("/v1/conversations", headers=headers)
                conversation = response.json()["conversation_id"]

                def say(message: Any) -> dict[str, Any]:
                    text, photo = message, False
                    if isinstance(message, dict):
                        text, photo = message.get("text", ""), bool(message.get("photo"))
                    body: dict[str, Any] = {"text": text}
                    if photo:
                        body["attachments"] = [{"type": "image", "url": PHOTO}]
                    answer = client.post(
                        f"/v1/conversations/{conversation}/messages", json=body, headers=headers
                    )
                    answer.raise_for_status()
                    return answer.json()

                for message in case.setup:
                    say(message)
                turn = say(case.reply)
        except Exception as e:  # a case that errors is a failed case, the battery goes on
            return Result(case, False, [f"error: {e}"], "", error=str(e))
        finally:
            database.dispose()
            path.unlink(missing_ok=True)
        problems = check(case.expect, turn)
        bot = "\n".join(m["text"] for m in turn["messages"])
        return Result(case, not problems, problems, bot)


def check(expect: dict[str, Any], turn: dict[str, Any]) -> list[str]:
    """What of ``expect`` the turn does not do (empty: the case passes)."""
    problems = []
    bot = "\n".join(m["text"] for m in turn["messages"])
    lowered = bot.lower()
    actions = turn.get("actions", [])
    if "status" in expect and turn["status"] != expect["status"]:
        problems.append(f"status {turn['status']} (expected {expect['status']})")
    if "expecting" in expect and turn["expecting"] != expect["expecting"]:
        problems.append(f"expecting {turn['expecting']} (expected {expect['expecting']})")
    if expect.get("no_action") and actions:
        problems.append(f"acted: {[a['type'] for a in actions]}")
    if "not_expecting" in expect and turn["expecting"] == expect["not_expecting"]:
        problems.append(f"expecting {turn['expecting']} again")
    if "action" in expect:
        got = [a["type"] for a in actions]
        if expect["action"] not in got:
            problems.append(f"actions {got} (expected {expect['action']})")
    if "order" in expect:
        wanted = expect["order"]
        in_action = any(a.get("order_id") == wanted for a in actions)
        if not in_action and wanted not in bot:
            problems.append(f"order {wanted} not taken")
    for words in _list(expect.get("says")):
        if words.lower() not in lowered:
            problems.append(f"does not say {words!r}")
    for words in _list(expect.get("not_says")):
        if words.lower() in lowered:
            problems.append(f"says {words!r}")
    for label in _list(expect.get("quick_replies")):
        if label not in turn["quick_replies"]:
            problems.append(f"no quick reply {label!r} (has {turn['quick_replies']})")
    if expect.get("not_a_policy_question", True) and POLICY_ANSWER in bot:
        problems.append("read as a policy question")
    citations = {c for m in turn["messages"] for c in m["citations"]}
    for clause in _list(expect.get("cites")):
        if clause not in citations:
            problems.append(f"does not cite {clause}")
    return problems


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def scripted_factory(case: Case) -> Any:
    """The unit tests' keyword stand-in for Rasa, with the case's pinned readings."""
    from tests.utils.fakes import ScriptedParser

    parser = ScriptedParser()
    reply = case.reply["text"] if isinstance(case.reply, dict) else case.reply
    if "intent" in case.scripted:
        parser.script[reply] = case.scripted["intent"]
    for key, readings in (("reason", parser.reasons), ("act", parser.acts)):
        if key in case.scripted:  # a name, or [name, confidence]
            value = case.scripted[key]
            readings[reply] = tuple(value) if isinstance(value, list) else value
    return parser


def rasa_factory(url: str, token: str) -> Callable[[Case], Any]:
    """The real English NLU as the bot reads it (thresholds, spelling correction)."""
    from bot.settings import Settings
    from nlu.client import RasaHttpParser
    from nlu.spelling import SpellingParser, shared

    settings = Settings(_env_file=None)
    normaliser = shared() if settings.nlu_spelling else None

    def build(case: Case) -> Any:
        parser = RasaHttpParser(
            url, timeout_s=30.0, thresholds=settings.nlu_thresholds(), token=token
        )
        return SpellingParser(parser, normaliser) if normaliser is not None else parser

    return build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nlu", choices=("scripted", "rasa"), default="scripted")
    parser.add_argument("--rasa-url", help="a running Rasa server (else one is started)")
    parser.add_argument("--rasa-token", default="")
    parser.add_argument("--only", help="run one class of cases")
    parser.add_argument("--json", type=Path, help="write every case's result here")
    parser.add_argument("--battery", type=Path, default=BATTERY)
    args = parser.parse_args(argv)

    import logging

    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    orders, cases = load(args.battery)
    if args.only:
        cases = [c for c in cases if c.kind == args.only]
    server = None
    if args.nlu == "rasa":
        url, token = args.rasa_url, args.rasa_token
        if url is None:
            from nlu.model import require_model
            from nlu.server import RasaServer

            server = RasaServer(require_model())
            print(f"battery: starting Rasa on {server.url} ...", file=sys.stderr, flush=True)
            server.start(timeout_s=900)
            url, token = server.url, server.auth_token
        factory = rasa_factory(url, token)
    else:
        factory = scripted_factory
    battery = Battery(orders, factory)
    results: list[Result] = []
    try:
        for n, case in enumerate(cases):
            result = battery.run(case, n)
            results.append(result)
            mark = "ok  " if result.passed else "FAIL"
            print(f"{mark} {case.id:<28} {case.kind:<18} {'; '.join(result.problems)}")
    finally:
        battery.close()
        if server is not None:
            server.stop()
    passed = Counter(r.case.kind for r in results if r.passed)
    total = Counter(r.case.kind for r in results)
    print()
    for kind in sorted(total):
        print(f"{kind:<20} {passed[kind]:>3} / {total[kind]:<3}")
    n_passed = sum(passed.values())
    print(f"{'all':<20} {n_passed:>3} / {len(results):<3} ({n_passed / max(len(results), 1):.3f})")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "id": r.case.id,
                        "class": r.case.kind,
                        "passed": r.passed,
                        "problems": r.problems,
                        "bot": r.bot,
                    }
                    for r in results
                ],
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
