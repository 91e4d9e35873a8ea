"""``make eval-conversations``: scripted buyers against the real stack, judged by their outcome.

The set (``data/eval/conversations_blind.yml``) was written from the policy spec, the contract
and a brief only: each conversation is a buyer (orders, account history), an opening message,
the answers this buyer gives when asked (by what the bot is ``expecting``), and the outcome a
correct bot reaches. :class:`Player` pushes the orders through the signed webhook, opens a
conversation and answers the bot until it stops asking (at most ``MAX_BUYER_TURNS`` messages);
:func:`judge` compares what happened with the expectation. Reported: task success, buyer turns
(and whether a fully specified opening took at most the expected number), the redundant-question
rate (the bot asked for what the opening already gave), policy questions answered with the right
clause and number, and dead ends (the bot asked something this buyer has no answer for, or the
turns ran out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import yaml

from bot.api.orders import sign
from bot.auth import mint_token
from bot.dialogue import replies
from bot.dialogue.agent_hours import CLAUSE as AGENT_HOURS_CLAUSE
from bot.language.catalogue import speaking
from lab.simulate.runner import Endpoint

DEFAULT_SET = Path(__file__).resolve().parents[2] / "data" / "eval" / "conversations_blind.yml"
MAX_BUYER_TURNS = 8
PHOTO_URL = "https://img.example.com/eval/photo.jpg"
# What an opening can already give, and the bot question that asks for it again.
ASKS_FOR = {"order_id": "order_id", "reason": "reason", "photo": "evidence", "opened": "opened"}


@dataclass
class Played:
    """What one conversation did: the bot's turns, in order, and how the buyer ran out."""

    id: str
    kind: str
    turns: list[dict[str, Any]] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # what the bot was expecting, turn by turn
    dead_end: str | None = None
    error: str | None = None


@dataclass
class Verdict:
    id: str
    kind: str
    success: bool
    outcome: str
    buyer_turns: int
    within_turns: bool
    redundant: list[str]
    dead_end: str | None
    problems: list[str]
    # The clauses the hand-off message cited when a person took a case the script expected the
    # bot to settle (REV-6.1 amount, REV-6.2 risk, REV-6.4 not understood, ...): where such
    # failures come from, countable on a set no one reads.
    handoff_clauses: list[str] = field(default_factory=list)


def load(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    conversations = data.get("conversations")
    if not isinstance(conversations, list):
        raise ValueError(f"{path}: expected a top-level 'conversations' list")
    return conversations


def platform_id(scripted: Any) -> str:
    """The platform's id of a scripted order. A script writes an order number as buyers type it
    (the contract's "#1042"); the platform's own id has no "#" (the webhook's ids are letters,
    digits, ".", "_" and "-"), and pushed as is, "#58213" made the push URL
    ``/v1/orders/#58213``, whose "#" starts a URL fragment: a PUT to ``/v1/orders/`` and a 404
    before the buyer said a word (dev3 f06)."""
    return str(scripted).strip().lstrip("#").strip()


def order_payload(order: dict[str, Any], buyer_id: str, now: datetime) -> dict[str, Any]:
    """The webhook body of one scripted order (days relative to ``now``)."""

    def ago(days: Any) -> str | None:
        if days is None:
            return None
        return (now - timedelta(days=float(days))).isoformat().replace("+00:00", "Z")

    def by_end_of(days: Any) -> str:
        # A promised delivery date is a day, kept until its end (a platform sends the day's
        # last moment): "promised 3 days ago" is exactly 3 days late today, not yet "more than
        # 3 days" (INR-4.1). Taken as the clock time 3 days ago, it turned late seconds into
        # the conversation (dev27 t33: a refund where the policy says wait).
        day = (now - timedelta(days=float(days))).replace(hour=23, minute=59, second=59)
        return day.replace(microsecond=0).isoformat().replace("+00:00", "Z")

    placed = float(order.get("placed_days_ago", 10))
    status = order.get("status", "delivered")
    delivered = order.get("delivered_days_ago")
    shipped = order.get("shipped_days_ago")
    if shipped is None and status in ("shipped", "delivered", "refunded"):
        # Half a day after placing, and never after the delivery.
        shipped = max(placed - 0.5, float(delivered)) if delivered is not None else placed - 0.5
    refunded = float(order.get("refunded_amount") or 0)
    return {
        "order_id": platform_id(order["id"]),
        "buyer_id": buyer_id,
        "seller_id": f"SEL-{buyer_id}",
        "status": status,
        # The order's currency when the script gives one (the policy's limits apply in it,
        # HELP-8.5), else USD.
        "currency": order.get("currency", "USD"),
        "items": [
            {
                "sku": f"SKU-{i}",
                "title": it["title"],
                "category": it.get("category", "home"),
                "unit_price": float(it["price"]),
                "quantity": int(it.get("quantity", 1)),
            }
            for i, it in enumerate(order["items"])
        ],
        "placed_at": ago(placed),
        "shipped_at": ago(shipped),
        "promised_delivery_by": by_end_of(order.get("promised_days_ago", placed - 7)),
        "delivered_at": ago(delivered),
        "carrier": "SPX" if shipped is not None else None,
        "tracking_number": "SPX0123456789SG" if shipped is not None else None,
        "payment_method": order.get("payment", "card"),
        "refunded_amount": refunded,
        "refunded_at": ago(max(placed - 4, 0)) if refunded or status == "refunded" else None,
    }


def history_orders(kind: str, buyer_id: str) -> list[dict[str, Any]]:
    """Past orders that make the account loyal (a year of orders, no refunds) or a frequent
    refunder (3 refunds in the last 90 days); a new account has none."""
    lamp = {"title": "Desk lamp", "category": "home", "price": 30}
    if kind == "loyal":
        return [
            {"id": f"{buyer_id}-H{i}", "items": [lamp], "status": "delivered",
             "placed_days_ago": days, "delivered_days_ago": days - 3}
            for i, days in enumerate((400, 300, 200, 120))
        ]  # fmt: skip
    if kind == "frequent_refunder":
        return [
            {"id": f"{buyer_id}-H{i}", "items": [lamp], "status": "refunded",
             "placed_days_ago": days, "delivered_days_ago": days - 3, "refunded_amount": 30}
            for i, days in enumerate((80, 50, 30))
        ]  # fmt: skip
    return []


class Player:
    """Plays scripted buyers against one bot (``endpoint``), one conversation at a time."""

    def __init__(self, endpoint: Endpoint, run_id: str, timeout_s: float = 30.0) -> None:
        self.endpoint, self.run_id = endpoint, run_id
        self.client = httpx.AsyncClient(base_url=endpoint.url, timeout=timeout_s)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def play(self, conversation: dict[str, Any]) -> Played:
        played = Played(id=str(conversation["id"]), kind=str(conversation.get("kind", "")))
        buyer_id = f"EVAL-{self.run_id}-{played.id}"
        now = datetime.now(UTC)
        orders = [*history_orders(conversation.get("history", "new"), buyer_id)]
        orders += [{**o, "id": f"{o['id']}"} for o in conversation.get("orders") or ()]
        try:
            for order in orders:
                await self._push(order_payload(order, buyer_id, now))
            headers = {
                "Authorization": f"Bearer {mint_token(buyer_id, 'buyer', self.endpoint.jwt)}"
            }
            response = await self.client.post("/v1/conversations", headers=headers)
            response.raise_for_status()
            conversation_id = response.json()["conversation_id"]
            answers = {k: list(v) if isinstance(v, list) else [v]
                       for k, v in (conversation.get("answers") or {}).items()}  # fmt: skip
            message = {"text": conversation["opening"]}
            if conversation.get("photo_with_opening"):
                message["attachments"] = [{"type": "image", "url": PHOTO_URL}]
            for _ in range(MAX_BUYER_TURNS):
                response = await self.client.post(
                    f"/v1/conversations/{conversation_id}/messages", json=message, headers=headers
                )
                response.raise_for_status()
                turn = response.json()
                played.turns.append({"buyer": message, **turn})
                asked = what_is_asked(turn)
                played.asked.append(asked or "")
                if asked is None:
                    return played
                message = next_message(asked, answers) or default_answer(
                    asked, conversation, turn, played.asked
                )
                if message is None:
                    played.dead_end = f"no answer for '{asked}'"
                    return played
            played.dead_end = f"still asking after {MAX_BUYER_TURNS} buyer messages"
        except (httpx.HTTPError, KeyError, ValueError) as e:
            played.error = repr(e)[:300]
        return played

    async def _push(self, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **sign(self.endpoint.webhook_secret, body)}
        response = await self.client.put(
            f"/v1/orders/{quote(payload['order_id'], safe='')}", content=body, headers=headers
        )
        response.raise_for_status()


def what_is_asked(turn: dict[str, Any]) -> str | None:
    """The bot's open question, by the answer it needs; None when it asks nothing (a rating
    request ends the conversation: the case is settled)."""
    if turn.get("status") != "bot":
        return None
    expecting = turn.get("expecting")
    if expecting == "rating":
        return None
    if expecting != "choice":
        return expecting
    labels = set(turn.get("quick_replies") or ())
    # The quick replies are in the conversation's language: "Ya" is the Indonesian "Shall I
    # check order X?"'s yes (read as a list of items, the buyer said its opening again until a
    # person took over: dev6 h25).
    with speaking(turn.get("language")):
        if replies.label("opened") in labels:
            return "opened"
        if replies.label("refund") in labels:
            return "remedy"
        if replies.label("yes") in labels:  # "Shall I check order X?"
            return "confirm"
        if replies.label("person") in labels:
            return "person"
    return "items"


def next_message(asked: str, answers: dict[str, list[Any]]) -> dict[str, Any] | None:
    key = {"confirmation": "confirm", "evidence": "evidence"}.get(asked, asked)
    if key == "person":  # "would you like a person?": the scripted buyer declines
        return {"text": "no thanks"}
    queue = answers.get(key)
    if not queue:
        return None
    answer = queue.pop(0) if len(queue) > 1 else queue[0]
    if key == "evidence" and str(answer).strip().lower() == "photo":
        return {"text": "", "attachments": [{"type": "image", "url": PHOTO_URL}]}
    return {"text": str(answer)}


def default_answer(
    asked: str, conversation: dict[str, Any], turn: dict[str, Any], history: list[str]
) -> dict[str, Any] | None:
    """What the buyer says to a question their script did not foresee, as a buyer would: taps
    their order, wants the remedy they came for, confirms what they came for, or says again
    what their first message said; asked for an order that is not among those offered, they
    tap "A different order" when the bot offers it. The same question a third time is a dead
    end."""
    if history.count(asked) >= 3:
        return None
    with speaking(turn.get("language")):  # the quick replies' language
        return _unforeseen_answer(asked, conversation, turn)


def _unforeseen_answer(
    asked: str, conversation: dict[str, Any], turn: dict[str, Any]
) -> dict[str, Any] | None:
    expect = conversation.get("expect") or {}
    wanted = (expect.get("action") or {}).get("type")
    if asked == "order_id":
        ids = [platform_id((expect.get("action") or {}).get("order_id") or "")]
        ids += [platform_id(o["id"]) for o in conversation.get("orders") or ()]
        labels = turn.get("quick_replies") or ()
        for label in labels:
            if any(i and label.startswith(i) for i in ids):
                return {"text": label}
        # Their order is not among those offered: they tap "A different order", as the chat
        # offers it (issue 14: it lists the other orders), rather than give up.
        if replies.label("other_order") in labels:
            return {"text": replies.label("other_order")}
        return None
    if asked == "remedy":
        return {
            "text": replies.label("replacement")
            if wanted == "replacement"
            else replies.label("refund")
        }
    if asked == "confirm":
        return {"text": "yes" if expect.get("outcome") == "action" else "no thanks"}
    if asked == "evidence":
        if conversation.get("photo_with_opening") or "photo" in (conversation.get("gives") or ()):
            return {"text": "", "attachments": [{"type": "image", "url": PHOTO_URL}]}
        return {"text": "I don't have a photo"}
    return {"text": str(conversation["opening"])}


def _stated(figure: str, texts: str) -> bool:
    """Whether the bot's messages state ``figure``, also in the buyer's notation: the bot
    writes amounts in the buyer's locale (`bot.language.formatting`, Babel), so "$34.00" reads
    "US$34,00" to an Indonesian buyer and "34,00 US$" to a Vietnamese one, and "16.5" reads
    "16,50" (its other digits must not touch it: "134.00" does not state "34.00")."""
    amount = re.fullmatch(r"\$?(\d+)[.,](\d+)", figure)
    if amount is None:
        return figure in texts
    # "16.5" is stated as "16,50" too (dev16 x25: an Indonesian buyer's US$16,50).
    whole, cents = amount.groups()
    return re.search(rf"(?<![\d.,]){whole}[.,]{cents}0*(?!\d)", texts) is not None


def _numbers(expected: str) -> list[str]:
    """The figures of an expected string ("15 days" -> 15, "$40.00" -> $40.00): the answer must
    state the number, in whatever words ("15-day window")."""
    return re.findall(r"\$?\d+(?:[.,]\d+)?%?", expected) or [expected]


def given(conversation: dict[str, Any]) -> set[str]:
    """What the opening gave, of what the script's ``gives`` lists. Writers also listed there
    what the buyer has and gives when asked (dev5 g48 "gives: [photo]", its photo sent when
    asked; dev6 h51 "gives: [photo, order_id]", an opening naming no order): a photo is given
    only when it comes with the opening (``photo_with_opening``), an order only when the
    opening types something like an id (three digits or more: misspelt ids count)."""
    gives = set(conversation.get("gives") or ())
    if not conversation.get("photo_with_opening"):
        gives.discard("photo")
    if not re.search(r"\d{3}", str(conversation.get("opening") or "")):
        gives.discard("order_id")
    return gives


def judge(conversation: dict[str, Any], played: Played) -> Verdict:
    expect = conversation.get("expect") or {}
    wanted = expect.get("outcome", "")
    problems: list[str] = []
    actions = [a for t in played.turns for a in t.get("actions") or ()]
    texts = " ".join(m["text"] for t in played.turns for m in t.get("messages") or ())
    cited = {c for t in played.turns for m in t.get("messages") or () for c in m.get("citations")}
    last = played.turns[-1] if played.turns else {}
    if played.error:
        outcome = "error"
        problems.append(played.error)
    elif actions:
        outcome = "action"
    elif last.get("status") == "waiting_for_agent":
        outcome = "handoff"
    else:
        outcome = wanted if wanted in ("answer", "refusal", "waiting") else "no_action"
    handoff_clauses: list[str] = []
    if outcome != wanted:
        problems.append(f"outcome {outcome}, expected {wanted}")
        if outcome == "handoff":
            handoff_clauses = sorted(
                {c for m in last.get("messages") or () for c in m.get("citations") or ()}
            )
    if wanted == "action" and actions:
        want = expect.get("action") or {}
        got = actions[-1]
        if got.get("type") != want.get("type") or str(got.get("order_id")) != platform_id(
            want.get("order_id")
        ):
            problems.append(f"action {got.get('type')} on {got.get('order_id')}, expected {want}")
        elif (
            want.get("amount") is not None
            and abs(float(got["amount"]) - float(want["amount"])) > 0.005
        ):
            problems.append(f"amount {got['amount']}, expected {want['amount']}")
    missing = set(expect.get("clauses") or ()) - cited
    if missing:
        problems.append(f"clauses not cited: {sorted(missing)}")
    absent = [
        n
        for n in expect.get("numbers") or ()
        if not all(_stated(f, texts) for f in _numbers(str(n)))
    ]
    if absent:
        problems.append(f"numbers not stated: {absent}")
    if played.dead_end:
        problems.append(played.dead_end)
    gives = given(conversation)
    redundant = [asked for g, asked in ASKS_FOR.items() if g in gives and asked in played.asked]
    turns = len(played.turns)
    limit = int(expect.get("max_buyer_turns") or MAX_BUYER_TURNS)
    return Verdict(
        id=played.id,
        kind=played.kind,
        success=not problems,
        outcome=outcome,
        buyer_turns=turns,
        within_turns=turns <= limit,
        redundant=redundant,
        dead_end=played.dead_end,
        problems=problems,
        handoff_clauses=handoff_clauses,
    )


def _problem_kind(problem: str) -> str:
    """A judge's problem without its particulars ("clauses not cited: ['RET-2.1']" -> "clauses
    not cited"; "outcome handoff, expected action" stays whole: which outcomes is the kind)."""
    if problem.startswith("action "):
        return "wrong action"
    if problem.startswith("amount "):
        return "wrong amount"
    return problem.split(":")[0]


def _handoff_kind(verdict: Verdict) -> str:
    """The clauses an unexpected hand-off cited, without HELP-8.1 (every hand-off says when a
    person answers): "REV-6.3+RESP-7.4" is a payment problem, "DMG-3.1" a missing photo."""
    return "+".join(c for c in verdict.handoff_clauses if c != AGENT_HOURS_CLAUSE) or "none"


def summarise(conversations: list[dict[str, Any]], verdicts: list[Verdict]) -> dict[str, Any]:
    by_id = {str(c["id"]): c for c in conversations}
    full = [v for v in verdicts if {"order_id", "reason"} <= given(by_id[v.id])
            or {"product", "reason"} <= given(by_id[v.id])]  # fmt: skip
    questions = [v for v in verdicts if v.kind == "question"]
    n = len(verdicts) or 1
    return {
        "conversations": len(verdicts),
        "task_success": sum(v.success for v in verdicts) / n,
        "task_success_by_kind": {
            kind: sum(v.success for v in vs) / len(vs)
            for kind in sorted({v.kind for v in verdicts})
            if (vs := [v for v in verdicts if v.kind == kind])
        },
        "median_buyer_turns_fully_specified": (
            statistics.median(v.buyer_turns for v in full) if full else None
        ),
        "within_expected_turns": sum(v.within_turns for v in verdicts) / n,
        "redundant_question_rate": sum(bool(v.redundant) for v in verdicts) / n,
        # What was asked again (the README's "reason 5, order id 1"), and what the failures
        # lacked: counts a held-out run may report without anyone reading its conversations.
        "redundant_by_question": dict(Counter(q for v in verdicts for q in v.redundant)),
        "failures_by_problem": dict(
            Counter(_problem_kind(p) for v in verdicts if not v.success for p in v.problems)
        ),
        "unexpected_handoffs_by_clause": dict(
            Counter(
                _handoff_kind(v)
                for v in verdicts
                if any(p.startswith("outcome handoff") for p in v.problems)
            )
        ),
        "policy_questions_right": (
            sum(v.success for v in questions) / len(questions) if questions else None
        ),
        "dead_ends": sum(v.dead_end is not None for v in verdicts),
        "outcomes": dict(Counter(v.outcome for v in verdicts)),
    }


async def evaluate(endpoint: Endpoint, conversations: list[dict[str, Any]], run_id: str) -> list:
    player = Player(endpoint, run_id)
    try:
        results = []
        for conversation in conversations:
            played = await player.play(conversation)
            results.append((played, judge(conversation, played)))
        return results
    finally:
        await player.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--out", type=Path, default=Path("reports/conversations"))
    parser.add_argument("--limit", type=int, help="only the first N conversations")
    parser.add_argument("--only", nargs="+", metavar="ID", help="only these conversations")
    parser.add_argument(
        "--nlu-model",
        type=Path,
        help="the English NLU model to serve (default: the one trained for the current data)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the stack's folder (bot.log, rasa.log, the SQLite store with each turn's NLU "
        "reading and each case's routing decision) to trace failures",
    )
    args = parser.parse_args(argv)
    from lab.loadtest.stack import OwnStack

    conversations = load(args.set)[: args.limit]
    if args.only:
        conversations = [c for c in conversations if str(c["id"]) in set(args.only)]
    run_id = datetime.now(UTC).strftime("%H%M%S")
    with OwnStack(keep=args.keep, nlu_model=args.nlu_model) as stack:
        target = stack.start()
        endpoint = Endpoint(target.url, target.jwt, target.webhook_secret)
        results = asyncio.run(evaluate(endpoint, conversations, run_id))
    verdicts = [v for _, v in results]
    summary = summarise(conversations, verdicts)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    (args.out / "verdicts.json").write_text(
        json.dumps([asdict(v) for v in verdicts], indent=2, ensure_ascii=False)
    )
    (args.out / "transcripts.json").write_text(
        json.dumps([asdict(p) for p, _ in results], indent=2, ensure_ascii=False)
    )
    print(json.dumps(summary, indent=2))
    if args.keep:
        print(f"kept: {stack.workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
