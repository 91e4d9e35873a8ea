"""Past resolutions from the synthetic world: what a human agent decided on each case, and the
reply they wrote, as the corpus the suggestions retrieve from:
``python -m lab.assist.corpus --out var/assist/corpus.json`` (then
``python -m bot.agent.suggestions.build --corpus var/assist/corpus.json``; `make assist-index`
runs both).

The world (`lab.world`) records each historical case's policy outcome and the agent's
approve / deny. That becomes a decision in the console's vocabulary (`agent_decision`), and the
reply is one of the templated wordings of that decision (`bot.agent.suggestions.replies`), drawn
per case with a seeded generator so the corpus varies the way several agents would.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from bot.agent.facts import INVESTIGATED, CaseFacts, evaluate_facts, situation_text
from bot.agent.suggestions.build import write_corpus
from bot.agent.suggestions.precedents import Resolution
from bot.agent.suggestions.replies import TEMPLATES, fill
from lab.world import World, generate_world
from policies.features import build_feature_frame, history_of
from policies.types import Reason, Remedy

# The corpus's world: big enough for a few thousand precedents, built in seconds. Pinned so the
# artifact (and the evaluation's split) is reproducible.
WORLD_SEED = 20261129
WORLD_BUYERS = 4_000
WORLD_SELLERS = 400
WORLD_CASES = 6_000
WORLD_START = datetime(2025, 1, 1, tzinfo=UTC)
WORLD_DAYS = 365


def agent_decision(facts: CaseFacts, approved: bool) -> str:
    """The console decision a historical agent's approve / deny amounts to.

    Approving what the rules grant executes it; approving a delivered-but-missing claim after
    the investigation refunds it (as the world records); a missing photo or a fresh delivery
    scan means asking the buyer for more; approving a claim the rules refuse moves nothing,
    which is a refusal in effect. Charges, disputes and requests for a person are investigated.
    """
    e = facts.eligibility
    if facts.claim_type in INVESTIGATED or e is None:
        return "investigate"
    if not approved:
        return "deny"
    action = facts.policy_action
    if action is not None:
        return action
    reasons = set(e.reasons)
    if Reason.DELIVERED_SCAN_OVER_48H_INVESTIGATE in reasons:
        return "refund"
    if Reason.NO_PHOTO in reasons or e.remedy is Remedy.WAIT_AND_CHECK:
        return "request_evidence"
    return "deny"


def default_world() -> World:
    return generate_world(
        WORLD_SEED, WORLD_BUYERS, WORLD_SELLERS, WORLD_CASES, WORLD_START, WORLD_DAYS
    )


def world_cases(world: World) -> Iterator[tuple[str, CaseFacts, bool]]:
    """Every case of the world as (case id, facts as of its opening, agent approved)."""
    frame = build_feature_frame(world)
    for case_id, row in world.cases.iterrows():
        now = row["opened_at"].to_pydatetime()
        order = world.order_as_of(row["order_id"], now)
        features = frame.loc[case_id]
        facts = evaluate_facts(
            _intent_of(row["claim_type"]),
            world.claim(case_id),
            order,
            history_of(frame, case_id),
            now,
            account_age_days=float(features["account_age_days"]),
        )
        yield str(case_id), facts, row["agent_decision"] == "approve"


def _intent_of(claim_type: str) -> str:
    return {
        "cancel": "cancel_order",
        "change_of_mind_return": "return_item",
        "not_received": "item_not_received",
        "late_delivery": "item_not_received",
        "payment_problem": "payment_issue",
        "human_requested": "request_human",
        "dispute": "complaint",
        "wrong_item": "wrong_item",
        "not_as_described": "wrong_item",
    }.get(claim_type, "damaged_item")


def build_corpus(world: World, seed: int = 0) -> list[Resolution]:
    """The world's cases as resolutions, oldest first."""
    rng = np.random.default_rng(seed)
    out = []
    for case_id, facts, approved in world_cases(world):
        decision = agent_decision(facts, approved)
        variant = int(rng.integers(len(TEMPLATES[decision])))
        reply = fill(decision, facts, variant)
        out.append(
            Resolution(
                case_id=case_id,
                claim_type=facts.claim_type.value if facts.claim_type else "",
                decision=decision,
                situation=situation_text(facts),
                reply=reply.text,
                citations=reply.citations,
                variant=variant,
                opened_at=pd.Timestamp(facts.now).isoformat(),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.assist.corpus")
    parser.add_argument("--out", type=Path, default=Path("var/assist/corpus.json"))
    args = parser.parse_args(argv)
    resolutions = build_corpus(default_world())
    write_corpus(args.out, resolutions, {"world_seed": WORLD_SEED, "world_cases": WORLD_CASES})
    print(f"wrote {len(resolutions)} past resolutions of the synthetic world to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
