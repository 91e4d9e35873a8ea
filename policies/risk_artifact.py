"""The router settings a saved risk model prescribes (the `router` section of its metadata).

The risk model is trained offline (`lab.policies.train_router_model`, `make risk-model`), which
chooses the review cost and the fairness mitigation on the training window and saves them beside
the model; the bot reads them back here when it starts, so serving never imports the lab.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from policies.risk import METADATA_FILE
from policies.router import (
    DEFAULT_ESTABLISHED_ACCOUNT_DAYS,
    DEFAULT_REVIEW_CATCH_RATE,
    RegionThresholds,
    RouterConfig,
)


def load_router_config(directory: Path) -> RouterConfig:
    """The `RouterConfig` a saved model's metadata prescribes (review cost and mitigation)."""
    metadata = json.loads((directory / METADATA_FILE).read_text())
    router = metadata["router"]
    review_cost = Decimal(router["review_cost"])
    # The age the thresholds' scores were capped from (policies/router/account_age.py); a model
    # saved before the cap has none and gets the code's default (retrain: `make risk-model`).
    days = float(router.get("established_account_days", DEFAULT_ESTABLISHED_ACCOUNT_DAYS))
    # Replacements not shipped at once ship after the return (policies/router/config.py); a model
    # saved before that was fitted on their whole value and gets the code's default too.
    after_return = bool(router.get("replacement_after_return", True))
    # The share of abusive claims reviewers denied on the training window (policies/router/
    # config.py, "What a review saves"); a model saved before it was fitted on c = 1.
    catch = Decimal(str(router.get("review_catch_rate", DEFAULT_REVIEW_CATCH_RATE)))
    common = {
        "established_account_days": days,
        "replacement_after_return": after_return,
        "review_catch_rate": catch,
    }
    if router["mitigation"] == "threshold_optimizer":
        rules = {g: RegionThresholds.from_dict(r) for g, r in router["region_thresholds"].items()}
        return RouterConfig(review_cost, region_thresholds=rules, **common)
    index = {g: Decimal(str(v)) for g, v in router["price_index"].items()}
    return RouterConfig(review_cost, price_index=index, **common)
