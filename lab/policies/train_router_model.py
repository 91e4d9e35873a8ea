"""Train the product's risk model on a generated world and save it, only when its inputs changed.

    python -m lab.policies.train_router_model --out artifacts/risk [--seed 7] [--force]

Generates the synthetic world (`lab.world`, default 60,000 cases; ~25 s of CPU on one
core in all, ~4 s when up to date), fits `policies.risk.RiskModel` on the cases of the first
`--train-share` of the period, scores the rest as a hold-out check, and writes `model.skops`
and `metadata.json` with `RiskModel.save`. The metadata also carries:

- `inputs`: what the model was made from (world arguments, the sha256 of the code that generates
  and learns: this module and every project module it imports, transitively (`code_files`);
  not the evaluation's reports), the library versions) and their combined `sha256`. When the saved
  model's `inputs.sha256` equals the current one and the model loads, nothing is done: the
  command is cheap to call from `make run` / `make test` set-up.
- `router`: the review cost and the fairness mitigation chosen on the training window by the
  evaluation's own rule (`lab.policies.mitigation.fit_mitigation`), the share of abusive claims
  the log's reviewers denied (what a review saves), the regional price index and,
  when the index alone does not meet the constraint there, the per-region equalized-odds
  thresholds. `policies.risk_artifact.load_router_config(out)` turns it into the
  `policies.router.RouterConfig` the bot routes with (reports/fairness/ has the audit).

Exit status 0 whether trained or up to date; the one-line JSON printed says which.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib.util
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from threadpoolctl import threadpool_limits

from lab.policies import fairness
from lab.policies.mitigation import fit_mitigation
from lab.world.generate import generate_world
from policies.features import build_feature_frame
from policies.risk import (
    METADATA_FILE,
    SCORED_CLAIM_TYPES,
    RiskModel,
    RiskModelError,
    _versions,
)
from policies.router import DEFAULT_ESTABLISHED_ACCOUNT_DAYS, DEFAULT_RETURN_EXPOSURE_SHARE

# The project's top-level packages: imports of anything else (numpy, sklearn...) are covered by
# the library versions in `inputs`.
_PROJECT_PACKAGES = ("lab", "policies", "nlu", "retrieval", "bot")
# This module by name: under `python -m` its __name__ is "__main__".
_TRAINING_MODULE = "lab.policies.train_router_model"


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 7
    cases: int = 60_000
    buyers: int = 40_000
    sellers: int = 2_000
    days: int = 730
    start: str = "2025-01-01"
    train_share: float = 0.7
    review_cost: str = "2.50"


def code_files(root: str = _TRAINING_MODULE) -> tuple[Path, ...]:
    """The source files whose code decides the saved model: `root`'s and those of every project
    module it imports, transitively, read from the source (so the answer does not depend on
    what the process happens to have imported). The evaluation's report writers are not among
    them, so rewording a report does not retrain the product's model; a package's
    `__init__.py` counts only when it is imported by name."""
    return tuple(sorted(_code_modules(root).values()))


def _code_modules(root: str) -> dict[str, Path]:
    seen: dict[str, Path] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        spec = importlib.util.find_spec(name)
        if name in seen or spec is None or spec.origin is None:
            continue
        path = Path(spec.origin)
        seen[name] = path
        for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
            if isinstance(node, ast.Import):
                pending += [alias.name for alias in node.names if _in_project(alias.name)]
            elif isinstance(node, ast.ImportFrom) and node.module and _in_project(node.module):
                # `from a.b import c` imports the module a.b.c when there is one, else a.b.
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    pending.append(child if _is_module(child) else node.module)
    return seen


def _in_project(module: str) -> bool:
    return module.split(".")[0] in _PROJECT_PACKAGES


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def code_hash() -> str:
    """sha256 over the modules of `code_files()` (their dotted names and contents)."""
    digest = hashlib.sha256()
    for name, path in sorted(_code_modules(_TRAINING_MODULE).items()):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_of(config: TrainConfig) -> dict:
    """Everything the model depends on, and its combined hash."""
    versions = _versions()
    inputs = {
        "world": asdict(config),
        "code_sha256": code_hash(),
        "versions": {k: versions[k] for k in ("sklearn", "skops", "numpy", "pandas")},
    }
    document = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    return {**inputs, "sha256": hashlib.sha256(document.encode()).hexdigest()}


def is_up_to_date(out: Path, inputs: dict) -> bool:
    """True if `out` holds a loadable model made from exactly `inputs`."""
    try:
        metadata = json.loads((out / METADATA_FILE).read_text())
    except (OSError, json.JSONDecodeError):
        return False
    if metadata.get("inputs", {}).get("sha256") != inputs["sha256"]:
        return False
    try:
        RiskModel.load(out)  # hash, versions, features, allow-listed types
    except RiskModelError:
        return False
    return True


def train(config: TrainConfig, out: Path, *, force: bool = False) -> dict:
    """Train and save unless up to date; returns a summary (`status`: trained / up_to_date)."""
    inputs = inputs_of(config)
    if not force and is_up_to_date(out, inputs):
        return {"status": "up_to_date", "out": str(out), "inputs_sha256": inputs["sha256"]}
    t0 = time.perf_counter()
    with threadpool_limits(limits=1):  # see lab.policies.evaluate: one thread is faster here
        start = datetime.fromisoformat(config.start).replace(tzinfo=UTC)
        world = generate_world(
            config.seed, config.buyers, config.sellers, config.cases, start, config.days
        )
        frame = build_feature_frame(world)
        opened = frame["opened_at"]
        cutoff = opened.min() + (opened.max() - opened.min()) * config.train_share
        scored = frame[frame["claim_type"].isin([t.value for t in SCORED_CLAIM_TYPES])]
        train_s = scored[scored["opened_at"] < cutoff]
        hold_s = scored[scored["opened_at"] >= cutoff]
        model = RiskModel(random_state=config.seed).fit(
            train_s, train_s["is_abusive"].to_numpy(dtype=int)
        )
        y = hold_s["is_abusive"].to_numpy(dtype=int)
        p = model.predict_proba(hold_s)[:, 1] if len(hold_s) else np.array([])
        orders = world.orders[world.orders["placed_at"] < cutoff]
        index = fairness.price_index(
            orders["total"].to_numpy(),
            world.buyers["region"].reindex(orders["buyer_id"]).to_numpy(),
        )
        mitigation = fit_mitigation(
            world,
            frame[frame["opened_at"] < cutoff],
            train_s,
            SimpleNamespace(
                review_cost=Decimal(config.review_cost),
                return_exposure_share=DEFAULT_RETURN_EXPOSURE_SHARE,
                established_account_days=DEFAULT_ESTABLISHED_ACCOUNT_DAYS,
                replacement_after_return=True,
                replacement_fit="at_once",
                review_catch_rate=None,  # measured on the training window's log
                objective=None,
                seed=config.seed,
                mitigation_fit="out_of_time",
                calibration_share=0.3,
            ),
            index,
        )
    metrics = (
        {
            "roc_auc": round(float(roc_auc_score(y, p)), 4),
            "pr_auc": round(float(average_precision_score(y, p)), 4),
            "brier": round(float(brier_score_loss(y, p)), 4),
            "n": len(y),
        }
        if len(np.unique(y)) == 2
        else {"n": len(y)}
    )
    window = {
        "train_start": opened.min().isoformat(),
        "train_end": cutoff.isoformat(),
        "train_cases": len(train_s),
        "world_seed": config.seed,
    }
    metadata = model.save(
        out,
        training_window=window,
        metrics=metrics,
        extra={
            "inputs": inputs,
            "router": {
                "review_cost": config.review_cost,
                # The thresholds were fitted on scores capped from this age (account_age.py).
                "established_account_days": DEFAULT_ESTABLISHED_ACCOUNT_DAYS,
                # A replacement not shipped at once ships after the return (config.py).
                "replacement_after_return": True,
                # The share of abusive claims the log's reviewers denied: the rule weighs what a
                # review saves (policies/router/config.py), and the thresholds were fitted so.
                "review_catch_rate": str(mitigation["review_catch_rate"]),
                "mitigation": mitigation["chosen"],
                "selection_rule": mitigation["rule"],
                "training_window_fairness": mitigation["training_window"],
                "price_index": index,
                "region_thresholds": mitigation["region_thresholds"],
            },
        },
    )
    return {
        "status": "trained",
        "out": str(out),
        "model_version": metadata["model_version"],
        "holdout": metrics,
        "mitigation": mitigation["chosen"],
        "seconds": round(time.perf_counter() - t0, 1),
        "inputs_sha256": inputs["sha256"],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lab.policies.train_router_model", description=__doc__.split("\n\n")[0]
    )
    defaults = TrainConfig()
    parser.add_argument("--out", type=Path, default=Path("artifacts/risk"))
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--cases", type=int, default=defaults.cases)
    parser.add_argument("--buyers", type=int, default=defaults.buyers)
    parser.add_argument("--sellers", type=int, default=defaults.sellers)
    parser.add_argument("--days", type=int, default=defaults.days)
    parser.add_argument("--start", default=defaults.start, help="first day (UTC), YYYY-MM-DD")
    parser.add_argument("--train-share", type=float, default=defaults.train_share)
    parser.add_argument("--force", action="store_true", help="train even if up to date")
    args = parser.parse_args(argv)
    config = TrainConfig(
        seed=args.seed,
        cases=args.cases,
        buyers=args.buyers,
        sellers=args.sellers,
        days=args.days,
        start=args.start,
        train_share=args.train_share,
    )
    print(json.dumps(train(config, args.out, force=args.force)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
