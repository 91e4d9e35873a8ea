"""One case's risk scoring, timed as a turn pays for it (issue 17).

    python -m lab.policies.bench_risk [--artifacts artifacts/risk] [--cases 300] [--rounds 3]

Loads the saved model as the bot does (`bot.services.load_risk_model`: one OpenMP thread) and
times, per case, `RiskModel.score_one` and the router's scoring of a bounded claim (the case and
its established-account copy, `policies.router.account_age`), on seeded cases of the features'
ranges. Prints p50 / p95 microseconds of each (the first 20 calls are a warm-up, not counted).
Works on code before the compiled model too (it then times the DataFrame path), so the same
command measures before and after.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from policies.features import CATEGORICAL_FEATURES, feature_frame
from policies.router import account_age

WARM_UP = 20


def seeded_cases(n: int, seed: int = 3) -> list[dict[str, object]]:
    """`case_features`-shaped dicts over the features' ranges (some windows and deliveries
    missing, every category and carrier)."""
    rng = np.random.default_rng(seed)
    claims = ("damaged", "defective", "wrong_item", "not_received", "not_as_described")
    return [
        {
            "buyer_refunds_90d": float(rng.integers(0, 3)),
            "buyer_refund_rate_365d": float(rng.random() * 0.3),
            "buyer_orders_365d": float(rng.integers(0, 40)),
            "account_age_days": float(rng.random() * 2000),
            "order_value": float(rng.random() * 300),
            "days_since_delivery": float(rng.integers(0, 20)) if i % 3 else float("nan"),
            "days_left_in_window": float(rng.integers(0, 30)) if i % 4 else float("nan"),
            "has_photo": float(i % 2),
            "seller_defect_rate": float(rng.random() * 0.1),
            "category": CATEGORICAL_FEATURES["category"][i % len(CATEGORICAL_FEATURES["category"])],
            "claim_type": claims[i % len(claims)],
            "carrier": CATEGORICAL_FEATURES["carrier"][i % len(CATEGORICAL_FEATURES["carrier"])],
        }
        for i in range(n)
    ]


def timed(
    call: Callable[[Mapping[str, object]], object], cases: Sequence[Mapping[str, object]]
) -> np.ndarray:
    """Microseconds per call, after the warm-up."""
    spent = []
    for k in range(WARM_UP + len(cases)):
        case = cases[k % len(cases)]
        started = time.perf_counter()
        call(case)
        spent.append((time.perf_counter() - started) * 1e6)
    return np.array(spent[WARM_UP:])


def router_scoring(model: object, days: float) -> Callable[[Mapping[str, object]], object]:
    rows_of = getattr(account_age, "capped_scores_of_rows", None)
    if rows_of is not None:
        return lambda case: rows_of(model, [case], [True], days)
    return lambda case: account_age.capped_scores(model, feature_frame([case]), [True], days)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--artifacts", type=Path, default=Path("artifacts/risk"))
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    from bot.services import load_risk_model

    scorer = load_risk_model(args.artifacts)
    model = scorer.model
    cases = seeded_cases(args.cases)
    with scorer._controller.limit(limits=1, user_api="openmp"):
        for name, call in (
            ("score_one", model.score_one),
            ("router scoring, bounded claim", router_scoring(scorer, 365.0)),
        ):
            for round_ in range(args.rounds):
                spent = timed(call, cases)
                print(
                    f"{name}, round {round_ + 1}: p50 {np.percentile(spent, 50):,.0f} us, "
                    f"p95 {np.percentile(spent, 95):,.0f} us ({len(spent)} cases)"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
