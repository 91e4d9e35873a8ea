"""Synthetic conversation logs, generated directly as a snapshot (Parquet, `SCHEMAS`), vectorised.

For the scale benchmark (`lab.analytics.bench`) and for trying the report without a store. The
mixes are plausible for an after-sales marketplace, not fitted to anything: the opening intent
(`INTENT_MIX`), whether it opens a case, escalation odds by intent that rise for new accounts
(and, slightly, in one region: the fairness slices have something to show), reason codes, bot
and agent remedies with log-normal amounts, agent response times with a long tail, ratings that
are higher for remedies than for refusals, NLU fallbacks and the odd Rasa outage.

Conversations are generated in chunks (default 200,000), each appended to the Parquet files, so
memory stays flat whatever ``n`` is. Same ``seed``, same snapshot.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bot.analytics.tables import (
    MANIFEST,
    MONEY,
    SCHEMAS,
    TABLE_NAMES,
    TIMESTAMP,
    Window,
    make_manifest,
    write_manifest,
)

DEFAULT_CHUNK = 200_000
US = 1_000_000  # microseconds per second

# Opening intent of a conversation -> (share, P(opens a case), P(human | case), remedy).
INTENT_MIX: dict[str, tuple[float, float, float, str | None]] = {
    "request_refund": (0.16, 0.92, 0.22, "refund"),
    "item_not_received": (0.13, 0.90, 0.30, "refund"),
    "track_order": (0.14, 0.04, 0.30, None),
    "damaged_item": (0.10, 0.93, 0.35, "replacement"),
    "cancel_order": (0.09, 0.95, 0.08, "cancel"),
    "return_item": (0.08, 0.90, 0.12, "return"),
    "wrong_item": (0.07, 0.92, 0.28, "replacement"),
    "track_refund": (0.06, 0.05, 0.30, None),
    "ask_policy": (0.06, 0.03, 0.50, None),
    "payment_issue": (0.03, 1.00, 1.00, "refund"),
    "request_human": (0.03, 1.00, 1.00, None),
    "change_order": (0.02, 0.60, 0.50, None),
    "complaint": (0.02, 0.70, 0.80, "voucher"),
    "out_of_scope": (0.01, 0.00, 0.00, None),
    "greet": (0.01, 0.00, 0.00, None),
}
REGIONS = ("north", "south", "east", "west", "central")
REGION_SHARE = (0.27, 0.24, 0.20, 0.17, 0.12)
REGION_CURRENCY = {"north": "USD", "south": "USD", "east": "SGD", "west": "EUR", "central": "USD"}
HUMAN_REASONS = (
    "high_risk",
    "amount_over_limit",
    "evidence_needed",
    "delivered_scan_over_48h_investigate",
    "retrieval_not_confident",
    "low_nlu_confidence",
    "repeat_claimant",
)
HUMAN_REASON_SHARE = (0.28, 0.22, 0.16, 0.12, 0.08, 0.08, 0.06)
FOLLOW_UP = ("inform", "affirm", "deny", "thank", "goodbye", "ask_policy")
FOLLOW_UP_SHARE = (0.42, 0.30, 0.08, 0.10, 0.05, 0.05)
FALLBACK_REASONS = ("low_confidence", "ambiguous", "no_intent")
FALLBACK_REASON_SHARE = (0.7, 0.25, 0.05)
NLU_OUTAGE = 0.004  # conversations whose first message met a Rasa outage
FALLBACK = 0.07  # buyer messages read as out_of_scope by the thresholds
RATED = 0.4  # cases the buyer rates
BUYER_TEXT = {
    "request_refund": "I want my money back for order <ORDER_ID>",
    "item_not_received": "my parcel never arrived, it says delivered",
    "track_order": "where is my package <ORDER_ID>?",
    "damaged_item": "the screen was cracked when it arrived",
    "cancel_order": "please cancel order <ORDER_ID>",
    "return_item": "how do I return these shoes, they don't fit",
    "wrong_item": "you sent me the blue one, I ordered red",
    "track_refund": "still no refund on my card",
    "ask_policy": "how many days do I have to return something?",
    "payment_issue": "I was charged twice for <ORDER_ID>",
    "request_human": "let me talk to a real person",
    "change_order": "can I change the delivery address to <ADDRESS>",
    "complaint": "worst seller ever, really unhappy",
    "out_of_scope": "reset my password please",
    "greet": "hi there",
    "inform": "it's <ORDER_ID>, my name is <PERSON>",
    "affirm": "yes go ahead",
    "deny": "no, don't",
    "thank": "thanks a lot",
    "goodbye": "bye",
}
BOT_TEXT = "Thanks, <PERSON>. Here is what I found for order <ORDER_ID>."
AGENT_TEXT = "Hi <PERSON>, I've looked into order <ORDER_ID> for you."
_VOCAB = list(BUYER_TEXT)
# Indexed by an intent code; the extra last entry is what code -1 (no reading) picks.
_NAMES = np.array([*_VOCAB, None], dtype=object)
_TEXTS = np.array([*BUYER_TEXT.values(), "hello?"], dtype=object)
_OPENING_CODES = np.array([_VOCAB.index(i) for i in INTENT_MIX])
_FOLLOW_CODES = np.array([_VOCAB.index(i) for i in FOLLOW_UP])
_FALLBACK_NAMES = np.array(FALLBACK_REASONS, dtype=object)
_HAS_REMEDY = np.array([mix[3] is not None for mix in INTENT_MIX.values()])


@dataclass(frozen=True)
class Buyers:
    region: np.ndarray  # index into REGIONS, -1 for unknown
    created_us: np.ndarray
    first_order_us: np.ndarray  # -1: no order
    since_us: np.ndarray  # the earlier of the two: account age


def generate_snapshot(
    n: int,
    out_dir: str | Path,
    *,
    seed: int = 7,
    start: datetime = datetime(2026, 10, 1, tzinfo=UTC),
    days: int = 30,
    chunk: int = DEFAULT_CHUNK,
) -> dict[str, Any]:
    """Write ``n`` synthetic conversations (and everything attached) as a snapshot."""
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST).unlink(missing_ok=True)
    rng = np.random.default_rng(seed)
    window = Window(start, start + timedelta(days=days))
    start_us = int(start.timestamp() * US)
    buyers = _buyers(rng, max(1, n // 4), start_us)
    writers = {
        name: pq.ParquetWriter(directory / f"{name}.parquet", SCHEMAS[name]) for name in TABLE_NAMES
    }
    rows = dict.fromkeys(TABLE_NAMES, 0)
    try:
        writers["buyers"].write_table(_buyer_table(buyers))
        rows["buyers"] = len(buyers.region)
        for offset in range(0, n, chunk):
            size = min(chunk, n - offset)
            for name, table in _chunk(rng, offset, size, buyers, start_us, days).items():
                writers[name].write_table(table)
                rows[name] += table.num_rows
    finally:
        for writer in writers.values():
            writer.close()
    manifest = make_manifest(
        window, rows, source="synthetic", text="synthetic", extra={"seed": seed, "n": n}
    )
    write_manifest(directory, manifest)
    return manifest


# --- buyers ---------------------------------------------------------------------------------------


def _buyers(rng: np.random.Generator, count: int, start_us: int) -> Buyers:
    region = rng.choice(len(REGIONS), size=count, p=REGION_SHARE)
    region[rng.random(count) < 0.05] = -1
    # When the bot first heard of them: mostly recently (a first order, a first chat).
    created = start_us - (rng.exponential(200, count) * 86_400 * US).astype(np.int64)
    # Their oldest order: often long before the bot heard of them; none for a few.
    first = created - (rng.exponential(300, count) * 86_400 * US).astype(np.int64)
    first[rng.random(count) < 0.1] = -1
    since = np.where(first >= 0, np.minimum(created, first), created)
    return Buyers(region, created, first, since)


def _buyer_table(b: Buyers) -> pa.Table:
    ids = _ids("B", np.arange(len(b.region)))
    region = np.array([*REGIONS, None], dtype=object)[b.region]  # -1 (unknown) -> None
    return pa.table(
        {
            "buyer_id": ids,
            "region": pa.array(region, pa.string()),
            "created_at": _ts(b.created_us),
            "first_order_at": _ts(b.first_order_us, missing=b.first_order_us < 0),
        },
        schema=SCHEMAS["buyers"],
    )


# --- one chunk of conversations -------------------------------------------------------------------


def _chunk(
    rng: np.random.Generator,
    offset: int,
    n: int,
    buyers: Buyers,
    start_us: int,
    days: int,
) -> dict[str, pa.Table]:
    intents = np.array(list(INTENT_MIX), dtype=object)
    share, p_case, p_human, remedy = (
        np.array(column, dtype=object if i == 3 else float)
        for i, column in enumerate(zip(*INTENT_MIX.values(), strict=True))
    )
    conv = np.arange(offset, offset + n)
    buyer = rng.integers(0, len(buyers.region), n)
    opening = rng.choice(len(intents), size=n, p=share / share.sum())
    # Busier in the day than at night (UTC+8-ish marketplace): hour drawn from a daily profile.
    hour_weight = 0.4 + np.sin(np.linspace(0, np.pi, 24)) ** 2
    hour = rng.choice(24, size=n, p=hour_weight / hour_weight.sum())
    day = rng.integers(0, days, n)
    created = start_us + ((day * 24 + hour) * 3600 + rng.integers(0, 3600, n)) * US
    turns = 1 + np.minimum(rng.poisson(2.0, n), 11)
    outage = rng.random(n) < NLU_OUTAGE

    has_case = (rng.random(n) < p_case[opening]) | outage
    age_days = (created - buyers.since_us[buyer]) / (86_400 * US)
    tilt = np.where(age_days < 30, 1.6, np.where(age_days > 365, 0.7, 1.0))
    tilt = tilt * np.where(buyers.region[buyer] == REGIONS.index("east"), 1.15, 1.0)
    human = has_case & ((rng.random(n) < np.minimum(p_human[opening] * tilt, 1.0)) | outage)
    # The case opens at the buyer's second turn (when there is one): stating it, then the order.
    case_turn = np.minimum(turns, 2)
    case_at = created + (case_turn - 1) * 40 * US + 5 * US
    outcome = rng.random(n)
    resolved = has_case & ~human & (outcome < 0.78) & _HAS_REMEDY[opening]
    declined = has_case & ~human & ~resolved & (outcome < 0.95)
    agent_acts = human & (rng.random(n) < 0.65) & ~outage & _HAS_REMEDY[opening]
    bot_at = case_at + rng.integers(20, 200, n) * US
    agent_at = case_at + (rng.lognormal(np.log(40), 1.1, n) * 60 * US).astype(np.int64)
    amount = np.minimum(np.round(rng.lognormal(3.4, 0.8, n), 2), 2000.0)
    # Region -1 (unknown) picks the extra last entry: USD.
    currencies = np.array([*(REGION_CURRENCY[r] for r in REGIONS), "USD"], dtype=object)
    currency = currencies[buyers.region[buyer]]

    tables = {
        "conversations": _conversations(conv, buyer, created, human, has_case),
        "messages": _messages(rng, conv, created, turns, opening, outage, agent_at, agent_acts),
    }
    cases = np.flatnonzero(has_case)
    case_status = np.where(
        resolved, "resolved", np.where(declined, "declined", np.where(human, "closed", "bot"))
    )
    case_status = np.where(human & ~agent_acts, "waiting_for_agent", case_status)
    case_intent = np.where(outage, "unknown", intents[opening])
    updated = np.where(resolved, bot_at, np.where(agent_acts, agent_at, case_at + 60 * US))
    tables["cases"] = pa.table(
        {
            "case_id": _ids("K", conv[cases]),
            "conversation_id": _ids("C", conv[cases]),
            "buyer_id": _ids("B", buyer[cases]),
            "order_id": _ids("O", conv[cases]),
            "intent": pa.array(case_intent[cases], pa.string()),
            "status": pa.array(case_status[cases], pa.string()),
            "priority": pa.array(np.where(human[cases], 40, 0), pa.int32()),
            "created_at": _ts(case_at[cases]),
            "updated_at": _ts(updated[cases]),
        },
        schema=SCHEMAS["cases"],
    )
    tables["decisions"] = _decisions(rng, conv, cases, human, outage, intents, opening, case_at)
    tables["actions"] = _actions(
        conv, resolved, agent_acts, remedy[opening], amount, currency, bot_at, agent_at
    )
    tables["ratings"] = _ratings(
        rng, conv, buyer, cases, resolved, declined, human, agent_acts, updated
    )
    return tables


def _conversations(
    conv: np.ndarray, buyer: np.ndarray, created: np.ndarray, human: np.ndarray, has_case: Any
) -> pa.Table:
    status = np.where(human, "waiting_for_agent", np.where(has_case, "closed", "bot"))
    return pa.table(
        {
            "conversation_id": _ids("C", conv),
            "buyer_id": _ids("B", buyer),
            "status": pa.array(status, pa.string()),
            "created_at": _ts(created),
            "updated_at": _ts(created + 600 * US),
            # The synthetic buyers write English.
            "language": pa.array(np.full(len(conv), "en"), pa.string()),
        },
        schema=SCHEMAS["conversations"],
    )


def _messages(
    rng: np.random.Generator,
    conv: np.ndarray,
    created: np.ndarray,
    turns: np.ndarray,
    opening: np.ndarray,
    outage: np.ndarray,
    agent_at: np.ndarray,
    agent_acts: np.ndarray,
) -> pa.Table:
    """Buyer turn k (0-based) at +40 s * k, each answered by the bot 2 s later; an agent who
    acted wrote once, a minute before acting."""
    owner = np.repeat(np.arange(len(conv)), turns)
    k = np.arange(len(owner)) - np.repeat(np.cumsum(turns) - turns, turns)
    buyer_at = created[owner] + k * 40 * US
    # Intents as codes into _VOCAB (-1: no reading, Rasa was down): names and texts by indexing.
    follow = _FOLLOW_CODES[rng.choice(len(FOLLOW_UP), size=len(owner), p=FOLLOW_UP_SHARE)]
    code = np.where(k == 0, _OPENING_CODES[opening[owner]], follow)
    fallback = rng.random(len(owner)) < FALLBACK
    code = np.where(fallback, _VOCAB.index("out_of_scope"), code)
    down = outage[owner] & (k == 0)
    code = np.where(down, -1, code)
    reason = _FALLBACK_NAMES[
        rng.choice(len(FALLBACK_REASONS), size=len(owner), p=(0.7, 0.25, 0.05))
    ]
    reason = np.where(fallback, reason, None)
    confidence = np.where(fallback, rng.uniform(0.2, 0.5, len(owner)), rng.beta(9, 1.2, len(owner)))
    confidence = np.where(down, np.nan, confidence)

    agents = np.flatnonzero(agent_acts)
    n_buyer, n_agent = len(owner), len(agents)
    n_other = n_buyer + n_agent
    who = np.concatenate([owner, owner, agents])
    seq = np.concatenate([2 * k + 1, 2 * k + 2, 2 * turns[agents] + 1])
    role = np.concatenate(
        [np.full(n_buyer, "buyer", object), np.full(n_buyer, "bot", object),
         np.full(n_agent, "agent", object)]
    )  # fmt: skip
    text = np.concatenate(
        [_TEXTS[code], np.full(n_buyer, BOT_TEXT, object), np.full(n_agent, AGENT_TEXT, object)]
    )
    at = np.concatenate([buyer_at, buyer_at + 2 * US, agent_at[agents] - 60 * US])
    return pa.table(
        {
            "message_id": pc.binary_join_element_wise(
                _ids("M", conv[who]), pc.cast(pa.array(seq), pa.string()), "-"
            ),
            "conversation_id": _ids("C", conv[who]),
            "seq": pa.array(seq, pa.int32()),
            "role": pa.array(role, pa.string()),
            "text": pa.array(text, pa.string()),
            "attachments": pa.array(np.zeros(len(who), np.int32)),
            "intent": pa.array(np.concatenate([_NAMES[code], np.full(n_other, None)]), pa.string()),
            "intent_confidence": pa.array(
                np.concatenate([confidence, np.full(n_other, np.nan)]), from_pandas=True
            ),
            "fallback_reason": pa.array(
                np.concatenate([reason, np.full(n_other, None)]), pa.string()
            ),
            "expecting": pa.nulls(len(who), pa.string()),
            "author": pa.array(
                np.concatenate([np.full(2 * n_buyer, None), np.full(n_agent, "agent-1", object)]),
                pa.string(),
            ),
            "created_at": _ts(at),
        },
        schema=SCHEMAS["messages"],
    )


def _decisions(
    rng: np.random.Generator,
    conv: np.ndarray,
    cases: np.ndarray,
    human: np.ndarray,
    outage: np.ndarray,
    intents: np.ndarray,
    opening: np.ndarray,
    case_at: np.ndarray,
) -> pa.Table:
    n = len(cases)
    is_human = human[cases]
    opened = intents[opening[cases]]
    first = rng.choice(np.array(HUMAN_REASONS, dtype=object), size=n, p=HUMAN_REASON_SHARE)
    first = np.where(opened == "request_human", "human_requested", first)
    first = np.where(opened == "payment_issue", "payment_problem", first)
    first = np.where(outage[cases], "nlu_unavailable", first)
    second = rng.choice(np.array(HUMAN_REASONS, dtype=object), size=n, p=HUMAN_REASON_SHARE)
    two = is_human & (rng.random(n) < 0.1) & (second != first) & ~outage[cases]
    reasons = [
        [a, b] if both else [a] if h else ["eligible"]
        for a, b, both, h in zip(first, second, two, is_human, strict=True)
    ]
    arm = np.where(rng.random(n) < 0.5, "control", "treatment")
    return pa.table(
        {
            "decision_id": _ids("D", conv[cases]),
            "case_id": _ids("K", conv[cases]),
            "route": pa.array(np.where(is_human, "human", "auto"), pa.string()),
            "reasons": pa.array(reasons, pa.list_(pa.string())),
            "clauses": pa.array([[] for _ in range(n)], pa.list_(pa.string())),
            "model_version": pa.array(np.full(n, "risk-synthetic"), pa.string()),
            "experiment": pa.array(np.full(n, "refund_limit"), pa.string()),
            "arm": pa.array(arm, pa.string()),
            "created_at": _ts(case_at[cases]),
            **{  # no risk trace in the synthetic log
                name: pa.nulls(n, SCHEMAS["decisions"].field(name).type)
                for name in ("score", "amount", "review_cost", "expected_loss")
            },
        },
        schema=SCHEMAS["decisions"],
    )


def _actions(
    conv: np.ndarray,
    resolved: np.ndarray,
    agent_acts: np.ndarray,
    remedy: np.ndarray,
    amount: np.ndarray,
    currency: np.ndarray,
    bot_at: np.ndarray,
    agent_at: np.ndarray,
) -> pa.Table:
    bot = np.flatnonzero(resolved)
    agent = np.flatnonzero(agent_acts)
    who = np.concatenate([bot, agent])
    # A replacement moves no money; everything else moves the claimed amount.
    kind = remedy[who].astype(object)
    value = np.where(kind == "replacement", 0.0, amount[who])
    return pa.table(
        {
            "action_id": _ids("A", conv[who]),
            "case_id": _ids("K", conv[who]),
            "order_id": _ids("O", conv[who]),
            "type": pa.array(kind, pa.string()),
            "amount": pc.cast(pa.array(value), MONEY, safe=False),
            "currency": pa.array(currency[who], pa.string()),
            "status": pa.array(np.full(len(who), "approved"), pa.string()),
            "actor": pa.array(
                np.concatenate([np.full(len(bot), "bot"), np.full(len(agent), "agent-1")]),
                pa.string(),
            ),
            "created_at": _ts(np.concatenate([bot_at[bot], agent_at[agent]])),
            # The synthetic log attributes no cost and has no sellers or disputes.
            "responsible_party": pa.nulls(len(who), pa.string()),
            "seller_id": pa.nulls(len(who), pa.string()),
        },
        schema=SCHEMAS["actions"],
    )


def _ratings(
    rng: np.random.Generator,
    conv: np.ndarray,
    buyer: np.ndarray,
    cases: np.ndarray,
    resolved: np.ndarray,
    declined: np.ndarray,
    human: np.ndarray,
    agent_acts: np.ndarray,
    updated: np.ndarray,
) -> pa.Table:
    done = cases[(resolved | declined | agent_acts)[cases]]
    rated = done[rng.random(len(done)) < RATED]
    # Mean ~4.3 for a remedy by the bot, ~3.6 by an agent, ~2.6 for a refusal.
    mean = np.where(resolved[rated], 4.3, np.where(human[rated], 3.6, 2.6))
    score = np.clip(np.rint(rng.normal(mean, 0.9)), 1, 5).astype(np.int32)
    return pa.table(
        {
            "rating_id": _ids("R", conv[rated]),
            "conversation_id": _ids("C", conv[rated]),
            "case_id": _ids("K", conv[rated]),
            "buyer_id": _ids("B", buyer[rated]),
            "score": pa.array(score, pa.int32()),
            "created_at": _ts(updated[rated] + 30 * US),
        },
        schema=SCHEMAS["ratings"],
    )


# --- helpers --------------------------------------------------------------------------------------


def _ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def _ts(micros: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(micros.astype(np.int64), pa.int64(), mask=missing).cast(TIMESTAMP)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lab.analytics.synthetic", description="write a synthetic snapshot"
    )
    parser.add_argument("--conversations", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", default="2026-10-01", help="first day (UTC), YYYY-MM-DD")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args(argv)
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    manifest = generate_snapshot(
        args.conversations, args.out, seed=args.seed, start=start, days=args.days
    )
    print(json.dumps(manifest["rows"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
