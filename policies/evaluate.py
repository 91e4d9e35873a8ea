"""Evaluate the risk model, the router and the fairness audit on a synthetic world.

    python -m policies.evaluate --seed 7 --out reports      (300,000 cases, ~3 min on one core)

Generates the world, splits it by time (train on the first `--train-share` of the period, hold
out the rest), fits the calibrated GBT risk model and two baselines (logistic regression, the
REV-6.2 rules alone), routes every hold-out case, audits fairness, and writes:

- reports/risk/: metrics.json (primary metric: PR-AUC), report.md, calibration.png
- reports/router/: metrics.json, report.md, threshold_sweep.png
- reports/fairness/: metrics.json, report.md
- reports/evaluation.json: the configuration and the time each stage took
- artifacts/risk-eval/: the evaluated model (skops) and its metadata, re-loaded once as a
  check. The product's model is `python -m policies.train_router_model` (artifacts/risk).

World size. The fairness constraint is a worst case over six regions of the larger of two rate
gaps; its noise is set by the smallest region's abusive claims. On a 60,000-case world the
hold-out holds ~150 abusive in-scope claims from Singapore, and a router with *exactly* equal
rates everywhere would still measure 0.08 on average (above the 0.05 limit 88% of the time):
the test had no power. 300,000 cases (5x, noise ~1/sqrt(5)) is the largest world that runs in
about five minutes; `fairness.parity_noise_floor` reports the floor at the size actually run.

The NLU is taken as perfect here (each claim's intent at confidence 1.0): this evaluation is about
the risk level; the NLU and retrieval levels have their own evaluations.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits

from lab.world import World, claim_of, generate_world, order_as_of
from policies import fairness
from policies.features import FEATURE_NAMES, build_feature_frame
from policies.risk import (
    SCORED_CLAIM_TYPES,
    RiskModel,
    RulesBaseline,
    make_logistic_baseline,
)
from policies.router import (
    DEFAULT_RETURN_EXPOSURE_SHARE,
    Decision,
    Level,
    Route,
    RouterConfig,
    RoutingCase,
    case_uniform,
    route_many,
)
from policies.types import BuyerHistory, ClaimType

# The price index is deployed only if the training window shows no gap beyond noise at this level.
NO_GAP_P_VALUE = 0.05
PRIMARY_METRIC = "pr_auc"  # abuse is the minority class; ranking quality where it matters
# The intent the NLU reports for each claim type (contract.md section 1).
CLAIM_INTENT = {
    ClaimType.CANCEL: "cancel_order",
    ClaimType.CHANGE_OF_MIND_RETURN: "return_item",
    ClaimType.DAMAGED: "damaged_item",
    ClaimType.DEFECTIVE: "damaged_item",
    ClaimType.WRONG_ITEM: "wrong_item",
    ClaimType.NOT_AS_DESCRIBED: "wrong_item",
    ClaimType.NOT_RECEIVED: "item_not_received",
    ClaimType.LATE_DELIVERY: "item_not_received",
    ClaimType.PAYMENT_PROBLEM: "payment_issue",
    ClaimType.HUMAN_REQUESTED: "request_human",
    ClaimType.DISPUTE: "complaint",
}


@dataclass(frozen=True)
class EvaluationConfig:
    seed: int = 7
    cases: int = 300_000
    buyers: int = 200_000
    sellers: int = 10_000
    days: int = 730
    start: datetime = datetime(2025, 1, 1, tzinfo=UTC)
    train_share: float = 0.7
    review_cost: Decimal = Decimal("2.50")
    # The share of a return-then-refund an abusive buyer still takes (policies.router, "Exposure").
    return_exposure_share: Decimal = DEFAULT_RETURN_EXPOSURE_SHARE
    out: Path = Path("reports")
    artifacts: Path = Path("artifacts/risk-eval")
    threads: int = 1
    # How the mitigation's scores on the training window are made: "out_of_time" (a model
    # trained on the window's first part scores its last `calibration_share`, as the deployed
    # model will score the future) or "out_of_fold" (3-fold cross-validation over the window).
    mitigation_fit: str = "out_of_time"
    calibration_share: float = 0.3


class _Timer:
    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._t = time.perf_counter()
        self._t0 = self._t

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = round(now - self._t, 2)
        self._t = now
        print(f"[evaluate] {name}: {self.stages[name]:.1f} s", flush=True)

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self._t0, 2)


def run(config: EvaluationConfig) -> dict:
    """Run the whole evaluation; write reports and the model; return the headline figures."""
    # HistGradientBoosting's OpenMP threads busy-wait; on a shared 2-core machine two threads
    # measured ~9x slower than one, so the thread count is an explicit knob (default 1).
    with threadpool_limits(limits=config.threads):
        return _run(config)


def _run(config: EvaluationConfig) -> dict:
    timer = _Timer()
    world = generate_world(
        config.seed, config.buyers, config.sellers, config.cases, config.start, config.days
    )
    timer.lap("generate_world")
    frame = build_feature_frame(world)
    timer.lap("features")

    opened = frame["opened_at"]
    cutoff = opened.min() + (opened.max() - opened.min()) * config.train_share
    train, hold = frame[opened < cutoff], frame[opened >= cutoff]
    scored_types = [t.value for t in SCORED_CLAIM_TYPES]
    train_s = train[train["claim_type"].isin(scored_types)]
    hold_s = hold[hold["claim_type"].isin(scored_types)]
    y_train = train_s["is_abusive"].to_numpy(dtype=int)
    y_hold = hold_s["is_abusive"].to_numpy(dtype=int)

    model = RiskModel(random_state=config.seed).fit(train_s, y_train)
    timer.lap("fit_risk_model")
    logistic = make_logistic_baseline(random_state=config.seed).fit(
        train_s[list(FEATURE_NAMES)], y_train
    )
    rules = RulesBaseline().fit(train_s, y_train)
    timer.lap("fit_baselines")
    p_hold = {
        "gbt_calibrated": model.predict_proba(hold_s)[:, 1],
        "logistic": logistic.predict_proba(hold_s[list(FEATURE_NAMES)])[:, 1],
        "rules_only": rules.predict_proba(hold_s)[:, 1],
    }
    risk_metrics = {name: _scores(y_hold, p) for name, p in p_hold.items()}

    window = {
        "train_start": opened.min().isoformat(),
        "train_end": cutoff.isoformat(),
        "holdout_end": opened.max().isoformat(),
        "train_cases": len(train_s),
        "world_seed": config.seed,
    }
    metadata = model.save(
        config.artifacts, training_window=window, metrics=risk_metrics["gbt_calibrated"]
    )
    reloaded = RiskModel.load(config.artifacts)
    round_trip = bool(np.allclose(reloaded.predict_proba(hold_s)[:, 1], p_hold["gbt_calibrated"]))
    timer.lap("save_and_reload")

    # The fairness mitigation is chosen and fitted on the training window only.
    index = training_price_index(world, cutoff)
    mitigation = fit_mitigation(world, train, train_s, config, index)
    timer.lap("fit_mitigation")
    hold_cases = _routing_cases(world, hold)
    uniform = RouterConfig(config.review_cost, return_exposure_share=config.return_exposure_share)
    routed_before = _decision_frame(
        hold, route_many(hold_cases, risk_model=reloaded, config=uniform), index
    )
    routed = _decision_frame(
        hold,
        route_many(hold_cases, risk_model=reloaded, config=mitigation["router_config"]),
        index,
    )
    timer.lap("route_holdout")
    in_scope = routed["level"].eq(Level.RISK.value) & routed["score"].notna()
    risk_metrics_routable = {
        name: _scores(
            routed.loc[in_scope, "is_abusive"].to_numpy(dtype=int),
            pd.Series(p, index=hold_s.index).reindex(routed.index[in_scope]).to_numpy(),
        )
        for name, p in p_hold.items()
    }
    router = _router_report(routed, in_scope, float(config.review_cost), routed_before, index)
    timer.lap("router_metrics")

    fair = _fairness_report(routed_before, routed, in_scope, config, index, mitigation)
    timer.lap("fairness")

    risk_out = config.out / "risk"
    risk_out.mkdir(parents=True, exist_ok=True)
    _calibration_plot(y_hold, p_hold, risk_out / "calibration.png")
    risk_report = {
        "primary_metric": PRIMARY_METRIC,
        "label": "is_abusive (ground truth of the synthetic world)",
        "scored_claim_types": sorted(scored_types),
        "holdout": risk_metrics,
        "holdout_routable_cases": risk_metrics_routable,
        "training_window": window,
        "model_version": metadata["model_version"],
        "calibration": model.calibration,
        "save_load_round_trip_identical": round_trip,
        "world": world.summary(),
    }
    _write(risk_out, risk_report, _risk_markdown(risk_report))
    router_out = config.out / "router"
    router_out.mkdir(parents=True, exist_ok=True)
    _sweep_plot(router, router_out / "threshold_sweep.png", float(config.review_cost))
    _write(router_out, router, _router_markdown(router))
    fair_out = config.out / "fairness"
    fair_out.mkdir(parents=True, exist_ok=True)
    _write(fair_out, fair, _fairness_markdown(fair))
    timer.lap("reports")

    summary = {
        "config": {k: str(v) for k, v in config.__dict__.items()},
        "runtime_s": {"total": timer.total, **timer.stages},
        "risk": {k: v for k, v in risk_metrics.items()},
        "router": {
            k: router[k]
            for k in ("risk_router", "risk_router_uniform_review_cost", "rules_only_router")
        },
        "price_index": index,
        "deployed_mitigation": fair["deployed"],
        "fairness": {
            stage: {
                "eod_region": fair["stages"][stage]["region"]["equalized_odds_difference"],
                "eod_region_ci95": [
                    fair["stages"][stage]["region_bootstrap"]["ci_low"],
                    fair["stages"][stage]["region_bootstrap"]["ci_high"],
                ],
                "eod_age_band": fair["stages"][stage]["age_band"]["equalized_odds_difference"],
            }
            for stage in fair["stages"]
        },
        "fairness_constraint_met": fair["constraint_met"],
    }
    (config.out / "evaluation.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


# --- risk ----------------------------------------------------------------------------------------


def _scores(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    return {
        "roc_auc": round(float(roc_auc_score(y, p)), 4),
        "pr_auc": round(float(average_precision_score(y, p)), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
        "log_loss": round(float(log_loss(y, np.clip(p, 1e-6, 1 - 1e-6))), 4),
        "base_rate": round(float(np.mean(y)), 4),
        "n": len(y),
    }


def _calibration_plot(y: np.ndarray, p_by_model: dict[str, np.ndarray], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfectly calibrated")
    for name, p in p_by_model.items():
        bins = 3 if name == "rules_only" else 10
        prob_true, prob_pred = calibration_curve(y, p, n_bins=bins, strategy="quantile")
        ax.plot(prob_pred, prob_true, marker="o", label=name)
    ax.set_xlabel("predicted P(abusive)")
    ax.set_ylabel("observed share abusive")
    ax.set_title("Calibration on the hold-out (quantile bins)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# --- router --------------------------------------------------------------------------------------


_CLAIM_COLUMNS = ("claim_type", "has_photo", "opened", "prefers_replacement", "seller_has_stock")


def _routing_cases(world: World, frame: pd.DataFrame) -> list[RoutingCase]:
    """One `RoutingCase` per row of `frame` (perfect NLU), with the buyer's region.

    Built from `to_dict` records: a pandas `.loc` per case cost ~1 ms, 90% of the routing time.
    """
    features = frame[list(FEATURE_NAMES)].astype(object).to_dict(orient="index")
    orders = world.orders.loc[frame["order_id"].unique()].to_dict(orient="index")
    claims = world.cases.loc[frame.index, list(_CLAIM_COLUMNS)].to_dict(orient="index")
    counts = zip(
        frame["buyer_refunds_90d"].to_numpy(dtype=int),
        frame["buyer_orders_365d"].to_numpy(dtype=int),
        frame["buyer_refunded_orders_365d"].to_numpy(dtype=int),
        strict=True,
    )
    cases = []
    for case_id, order_id, opened, region, (refunds, orders_365, refunded_365) in zip(
        frame.index, frame["order_id"], frame["opened_at"], frame["region"], counts, strict=True
    ):
        now = opened.to_pydatetime()
        claim = claim_of(claims[case_id])
        cases.append(
            RoutingCase(
                now=now,
                nlu_intent=CLAIM_INTENT[claim.type],
                nlu_confidence=1.0,
                order=order_as_of(orders[order_id], now, order_id=order_id),
                claim=claim,
                history=BuyerHistory(int(refunds), int(orders_365), int(refunded_365)),
                risk_features=features[case_id],
                case_id=str(case_id),
                region=str(region),
            )
        )
    return cases


def training_price_index(world: World, cutoff: pd.Timestamp) -> dict[str, float]:
    """Each region's price level from the orders placed before `cutoff` (the training window)."""
    orders = world.orders[world.orders["placed_at"] < cutoff]
    regions = world.buyers["region"].reindex(orders["buyer_id"]).to_numpy()
    return fairness.price_index(orders["total"].to_numpy(), regions)


def _decimal_index(index: dict[str, float]) -> dict[str, Decimal]:
    return {region: Decimal(str(level)) for region, level in index.items()}


def exposure_of(d: Decision) -> float:
    """The money an abusive claim takes if this decision's remedy is granted automatically: the
    router's exposure on scored cases (a return-then-refund's share the seller's check on
    receipt misses, `policies.router`), the amount the rules grant otherwise."""
    if d.trace.get("exposure") is not None:
        return float(d.trace["exposure"])  # type: ignore[arg-type]
    eligibility = d.trace["eligibility"]
    return float(eligibility["amount"]) if eligibility else 0.0  # type: ignore[index]


def _decision_frame(
    hold: pd.DataFrame, decisions: Sequence[Decision], index: dict[str, float] | None
) -> pd.DataFrame:

    return pd.DataFrame(
        {
            "route": [d.route.value for d in decisions],
            "level": [d.level.value for d in decisions],
            "reason": [d.reason_codes[0] for d in decisions],
            "score": [d.trace["score"] for d in decisions],
            "exposure": [exposure_of(d) for d in decisions],
            "is_abusive": hold["is_abusive"].to_numpy(),
            "region": hold["region"].to_numpy(),
            "price_level": hold["region"].map(index or {}).fillna(1.0).to_numpy(dtype=float),
            "age_band": hold["age_band"].to_numpy(),
            "opened_at": hold["opened_at"].to_numpy(),
        },
        index=hold.index,
    ).astype({"score": float})


def _costs(
    human: np.ndarray,
    abusive: np.ndarray,
    exposure: np.ndarray,
    review_cost: float,
    price_level: np.ndarray | None = None,
) -> dict:
    """Realised cost: each review costs review_cost, each automatic abusive claim its exposure.

    With `price_level`, also the loss if each review cost review_cost at the case's market's
    price level (the assumption under which the price-indexed rule is the cost-optimal one).
    """
    auto = ~human
    lost = float(np.sum(exposure[auto & abusive]))
    reviews = float(np.sum(human)) * review_cost
    regional = None
    if price_level is not None and len(human):
        regional = round((lost + float(np.sum(human * price_level)) * review_cost) / len(human), 4)
    n = len(human)
    return {
        "cases": n,
        "automation_rate": round(float(np.mean(auto)), 4),
        "human_cases": int(np.sum(human)),
        "abusive_auto_approved": int(np.sum(auto & abusive)),
        "abusive_auto_approved_usd": round(lost, 2),
        "review_cost_usd": round(reviews, 2),
        "expected_loss_per_case_usd": round((lost + reviews) / n, 4) if n else None,
        **({} if regional is None else {"loss_per_case_regional_review_cost_usd": regional}),
    }


def _router_report(
    routed: pd.DataFrame,
    in_scope: pd.Series,
    review_cost: float,
    routed_before: pd.DataFrame,
    index: dict[str, float],
) -> dict:
    """`routed`: the deployed, price-indexed router; `routed_before`: one review cost for all."""
    days = (routed["opened_at"].max() - routed["opened_at"].min()) / np.timedelta64(1, "D")
    abusive = routed["is_abusive"].to_numpy(dtype=bool)
    exposure = routed["exposure"].to_numpy()
    level = routed["price_level"].to_numpy()
    human = routed["route"].eq(Route.HUMAN.value).to_numpy()
    human_uniform = routed_before["route"].eq(Route.HUMAN.value).to_numpy()
    # Rules alone: everything that passes levels 1-3 is resolved automatically.
    rules_human = ~routed["level"].eq(Level.RISK.value).to_numpy()
    risk_router = _costs(human, abusive, exposure, review_cost, level)
    uniform_router = _costs(human_uniform, abusive, exposure, review_cost, level)
    rules_router = _costs(rules_human, abusive, exposure, review_cost, level)
    for block, h in (
        (risk_router, human),
        (uniform_router, human_uniform),
        (rules_router, rules_human),
    ):
        block["human_cases_per_day"] = round(float(np.sum(h)) / days, 1)
        block["human_cases_vs_rules_only"] = round(float(np.sum(h) / np.sum(rules_human)), 4)

    scope = in_scope.to_numpy()
    p = routed["score"].to_numpy()
    thresholds = review_cost / exposure[scope]
    budgets = np.unique(np.concatenate([np.geomspace(0.05, 200, 80), [review_cost]]))
    taus = np.linspace(0.0, 1.0, 101)

    def sweep(human_in_scope: np.ndarray) -> dict:
        h = rules_human.copy()
        h[scope] = human_in_scope
        return _costs(h, abusive, exposure, review_cost)

    by_budget = [
        {"budget_usd": round(float(b), 4), **sweep(p[scope] * exposure[scope] >= b)}
        for b in budgets
    ]
    by_tau = [{"p_threshold": round(float(t), 2), **sweep(p[scope] >= t)} for t in taus]
    best_budget = min(by_budget, key=lambda r: r["expected_loss_per_case_usd"])
    best_tau = min(by_tau, key=lambda r: r["expected_loss_per_case_usd"])
    return {
        "review_cost_usd": review_cost,
        "decision_rule": "risk_router: the deployed fairness mitigation (reports/fairness); "
        "risk_router_uniform_review_cost: auto iff p_abuse * exposure < review_cost",
        "price_index": index,
        "holdout_cases": len(routed),
        "holdout_days": round(float(days), 1),
        "model_scored_cases": int(scope.sum()),
        "risk_router": risk_router,
        "risk_router_uniform_review_cost": uniform_router,
        "rules_only_router": rules_router,
        "model_scope_only": {
            "risk_router": _costs(human[scope], abusive[scope], exposure[scope], review_cost),
            "risk_router_uniform_review_cost": _costs(
                human_uniform[scope], abusive[scope], exposure[scope], review_cost
            ),
            "rules_only_router": _costs(
                np.zeros(int(scope.sum()), dtype=bool), abusive[scope], exposure[scope], review_cost
            ),
        },
        "chosen_threshold": {
            "rule": "uniform rule: per case p < review_cost / exposure",
            "p_threshold_quantiles_in_scope": {
                q: round(float(np.quantile(thresholds, float(q))), 4)
                for q in ("0.1", "0.25", "0.5", "0.75", "0.9")
            }
            if scope.any()
            else {},
            "expected_loss_estimate_auto_usd": round(
                float(np.sum((p * exposure)[scope & ~human])), 2
            ),
            "realised_loss_auto_usd": risk_router["abusive_auto_approved_usd"],
        },
        "best_on_holdout_for_information": {
            "budget_usd": best_budget["budget_usd"],
            "budget_expected_loss_per_case_usd": best_budget["expected_loss_per_case_usd"],
            "global_p_threshold": best_tau["p_threshold"],
            "global_p_threshold_expected_loss_per_case_usd": best_tau["expected_loss_per_case_usd"],
        },
        "reasons": routed["reason"].value_counts().to_dict(),
        "sweep_by_budget": by_budget,
        "sweep_by_global_p_threshold": by_tau,
    }


def _sweep_plot(router: dict, path: Path, review_cost: float) -> None:
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    rules = router["rules_only_router"]
    rows = (
        ("sweep_by_budget", "budget_usd", "risk budget b: auto iff p * exposure < b ($, log)"),
        ("sweep_by_global_p_threshold", "p_threshold", "global threshold t: auto iff p < t"),
    )
    panels = (
        ("automation_rate", "automation rate"),
        ("expected_loss_per_case_usd", "expected loss per case ($)"),
        ("human_cases", "human workload (hold-out cases)"),
    )
    for r, (key, x_key, x_label) in enumerate(rows):
        x = [row[x_key] for row in router[key]]
        for c, (metric, label) in enumerate(panels):
            ax = axes[r, c]
            ax.plot(x, [row[metric] for row in router[key]], label="risk router")
            ax.axhline(rules[metric], color="grey", linestyle="--", label="rules only")
            if r == 0:
                ax.set_xscale("log")
                ax.axvline(
                    review_cost, color="red", linestyle=":", label=f"b = review cost ${review_cost}"
                )
            ax.set_xlabel(x_label)
            ax.set_ylabel(label)
            ax.legend(fontsize=7)
    fig.suptitle(
        "Hold-out routing versus the threshold (cost: exposure of each automatic abusive claim"
        " + review cost per human case)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- fairness ------------------------------------------------------------------------------------


def fit_mitigation(
    world: World,
    train: pd.DataFrame,
    train_s: pd.DataFrame,
    config: EvaluationConfig | Any,
    index: dict[str, float],
) -> dict:
    """Choose and fit the fairness mitigation on the training window (the hold-out is not read).

    The rule: the price-indexed review cost fits nothing on labels, so its equalized-odds
    difference on training-window scores from a model that did not see those cases
    (`_mitigation_scores`) is an honest estimate; it is
    deployed only if that is within the limit *and* shows no residual gap beyond noise (parity
    p-value >= `NO_GAP_P_VALUE`), because the hold-out adds noise of the same order as the
    limit. Otherwise the deployed mitigation is fairlearn's ThresholdOptimizer per-region
    thresholds, fitted on the same scores (on the training window they meet the
    constraint by construction). The p-value condition was added after the first 300,000-case
    run, where the index measured 0.0485 on the training window (p 0.028) and 0.092 on the
    hold-out (reports/fairness/report.md says so). `config` needs `review_cost`, `seed`,
    `mitigation_fit` and `calibration_share`.
    """
    review_cost = float(config.review_cost)
    decisions = route_many(
        _routing_cases(world, train),
        risk_model=None,
        config=RouterConfig(config.review_cost, return_exposure_share=config.return_exposure_share),
    )
    in_scope = np.array(
        [d.level is Level.RISK and d.reason_codes == ("no_risk_model",) for d in decisions]
    )
    exposure = np.array([exposure_of(d) for d in decisions])
    method = config.mitigation_fit
    scores = _mitigation_scores(train_s, config, method)
    fitted = in_scope & train.index.isin(scores.index)
    if method == "out_of_time" and _degenerate(train.loc[fitted]):
        # A small world leaves some region of the late slice with one class only, where no
        # threshold can equalise anything: fall back to out-of-fold scores over the window.
        method = "out_of_fold"
        scores = _mitigation_scores(train_s, config, method)
        fitted = in_scope & train.index.isin(scores.index)
    fit_ids = train.index[fitted]
    p = scores.reindex(fit_ids).to_numpy()
    a = exposure[fitted]
    y = train.loc[fit_ids, "is_abusive"].to_numpy(dtype=int)
    regions = train.loc[fit_ids, "region"].to_numpy().astype(str)
    level = np.array([index.get(r, 1.0) for r in regions])
    human_indexed = (p * a >= review_cost * level).astype(int)
    # Both objectives fairlearn allows under equalized odds are fitted (balanced accuracy weighs
    # a missed abuser as much as all the honest buyers reviewed per abuser; accuracy weighs one
    # as one), and `_cheaper_objective` keeps one by its cost on the training window.
    objectives = {}
    for objective in fairness.EQUALIZED_ODDS_OBJECTIVES:
        candidate = fairness.fit_equalized_odds_thresholds(
            p * a / review_cost, y, regions, objective=objective
        )
        decided = fairness.apply_thresholds(
            candidate, p * a / review_cost, regions, draws=_draws(fit_ids)
        )
        objectives[objective] = (candidate, decided.astype(bool))
    objective, comparison = _cheaper_objective(
        {o: human for o, (_, human) in objectives.items()}, y.astype(bool), a, review_cost
    )
    rules, human_thresholds = objectives[objective][0], objectives[objective][1].astype(int)
    training = {
        "scores": "out-of-fold scores (3-fold)"
        if method == "out_of_fold"
        else f"out-of-time scores: the last {config.calibration_share:.0%} of the window, scored "
        "by a model trained on the part before",
        "in_scope_cases": len(fit_ids),
        "price_index": {
            "eod_region": round(equalized_odds_gap(y, human_indexed, regions), 4),
            "parity_noise_floor": fairness.parity_noise_floor(
                y, human_indexed, regions, random_state=config.seed
            ),
        },
        "threshold_optimizer_in_sample": {
            "eod_region": round(equalized_odds_gap(y, human_thresholds, regions), 4),
            "objective": objective,
            "objective_comparison": comparison,
        },
    }
    indexed = training["price_index"]
    chosen = (
        "price_index"
        if indexed["eod_region"] <= fairness.EOD_LIMIT
        and indexed["parity_noise_floor"]["p_value"] >= NO_GAP_P_VALUE
        else "threshold_optimizer"
    )
    router_config = RouterConfig(
        config.review_cost,
        return_exposure_share=config.return_exposure_share,
        price_index=_decimal_index(index) if chosen == "price_index" else None,
        region_thresholds=rules if chosen == "threshold_optimizer" else None,
    )
    return {
        "chosen": chosen,
        "rule": "deploy price_index if its training-window EOD (scores from a model that did "
        "not see those cases) <= "
        f"{fairness.EOD_LIMIT} and its parity p-value there >= {NO_GAP_P_VALUE} (no residual "
        "gap beyond noise), else threshold_optimizer",
        "training_window": training,
        "price_index": index,
        "region_thresholds": {g: r.to_dict() for g, r in rules.items()},
        "rules": rules,
        "router_config": router_config,
    }


# How many standard errors a cost difference must span to count as measured.
MEASURED_DIFFERENCE_SE = 2.0


def _cheaper_objective(
    human_by_objective: dict[str, np.ndarray],
    abusive: np.ndarray,
    exposure: np.ndarray,
    review_cost: float,
) -> tuple[str, dict]:
    """The objective whose decisions cost less per case (each automatic abusive claim loses its
    exposure, each review costs review_cost), unless the difference is within
    MEASURED_DIFFERENCE_SE standard errors of the paired per-case difference: then the one that
    sends fewer buyers to a person. The cost model counts nothing for an honest buyer's wait
    for a person; a saving the data cannot tell from noise does not justify that wait."""
    per_case = {
        o: np.where(human, review_cost, np.where(abusive, exposure, 0.0))
        for o, human in human_by_objective.items()
    }
    cheapest = min(per_case, key=lambda o: per_case[o].mean())
    fewest_reviews = min(human_by_objective, key=lambda o: human_by_objective[o].mean())
    diff = per_case[fewest_reviews] - per_case[cheapest]
    se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
    measured = float(diff.mean()) > MEASURED_DIFFERENCE_SE * se
    chosen = cheapest if measured else fewest_reviews
    return chosen, {
        "rule": "the cheaper objective per case on the training window, unless the difference is "
        f"within {MEASURED_DIFFERENCE_SE} standard errors: then the one with fewer reviews",
        "cost_by_objective": {
            o: _costs(h, abusive, exposure, review_cost) for o, h in human_by_objective.items()
        },
        "extra_cost_per_case_usd": round(float(diff.mean()), 4),
        "standard_error_usd": round(se, 4),
        "chosen": chosen,
    }


def _degenerate(cases: pd.DataFrame) -> bool:
    """True when some region has only genuine or only abusive claims (or none)."""
    classes = cases.groupby("region")["is_abusive"].nunique()
    return bool(len(classes) == 0 or (classes < 2).any())


def _mitigation_scores(
    train_s: pd.DataFrame, config: EvaluationConfig | Any, method: str
) -> pd.Series:
    """P(abusive) for training-window cases from a model that did not see them.

    Out of time (the default): a model trained on the window's first part scores its last
    `calibration_share`. The per-region thresholds are then fitted where the scores look like
    the deployed model's on the future: the same model type, scoring cases later than any it
    learned from, with the buyers' histories and account ages of that later time. Out-of-fold
    scores (the first design) mix past and future within the window; on a fresh world (seed 8)
    thresholds fitted on them met the constraint in sample (0.013) and missed it on the
    hold-out (0.071), SG's abusive claims being caught more often than the thresholds expected.
    """
    y = train_s["is_abusive"].to_numpy(dtype=int)
    if method == "out_of_fold":
        oof = cross_val_predict(
            RiskModel(random_state=config.seed),
            train_s,
            y,
            cv=StratifiedKFold(3, shuffle=True, random_state=config.seed),
            method="predict_proba",
        )[:, 1]
        return pd.Series(oof, index=train_s.index)
    if method != "out_of_time":
        raise ValueError(f"mitigation_fit must be out_of_time or out_of_fold, not {method!r}")
    opened = train_s["opened_at"]
    split = opened.min() + (opened.max() - opened.min()) * (1 - config.calibration_share)
    early = (opened < split).to_numpy()
    model = RiskModel(random_state=config.seed).fit(train_s[early], y[early])
    late = train_s[~early]
    return pd.Series(model.predict_proba(late)[:, 1], index=late.index)


def equalized_odds_gap(y: np.ndarray, human: np.ndarray, groups: np.ndarray) -> float:
    return fairness.equalized_odds_gap(y, human, pd.Series(groups))


def _draws(case_ids: Sequence[object]) -> np.ndarray:
    """The router's per-case draws (`case_uniform(case_id)`)."""
    return np.array([case_uniform(str(case_id)) for case_id in case_ids])


def _fairness_report(
    routed_before: pd.DataFrame,
    routed: pd.DataFrame,
    in_scope: pd.Series,
    config: EvaluationConfig,
    index: dict[str, float],
    mitigation: dict,
) -> dict:
    """Every candidate on the hold-out cases the risk model decides; nothing fitted on them.

    The deployed candidate's figures are the router's own decisions (`routed`); the others are
    computed from the same scores with the same rules, vectorised.
    """
    scope = routed_before[in_scope]
    y = scope["is_abusive"].to_numpy(dtype=int)
    review_cost = float(config.review_cost)
    p, exposure = scope["score"].to_numpy(), scope["exposure"].to_numpy()
    regions = scope["region"].to_numpy().astype(str)
    level = scope["price_level"].to_numpy()
    human = {
        "before": scope["route"].eq(Route.HUMAN.value).to_numpy(dtype=int),
        "price_index": (p * exposure >= review_cost * level).astype(int),
        "threshold_optimizer": fairness.apply_thresholds(
            mitigation["rules"], p * exposure / review_cost, regions, draws=_draws(scope.index)
        ),
    }
    deployed = mitigation["chosen"]
    routed_human = routed.loc[in_scope, "route"].eq(Route.HUMAN.value).to_numpy(dtype=int)
    matches = bool(np.array_equal(routed_human, human[deployed]))
    human[deployed] = routed_human
    abusive = y.astype(bool)
    stages = {}
    for stage, h in human.items():
        stages[stage] = {
            "region": fairness.audit(y, h, scope["region"].rename("region")).to_dict(),
            "age_band": fairness.audit(y, h, scope["age_band"].rename("age_band")).to_dict(),
            "region_bootstrap": fairness.bootstrap_eod(
                y, h, scope["region"], random_state=config.seed
            ),
            "region_parity_noise_floor": fairness.parity_noise_floor(
                y, h, scope["region"], random_state=config.seed
            ),
            "age_band_bootstrap": fairness.bootstrap_eod(
                y, h, scope["age_band"], random_state=config.seed
            ),
            "cost_in_scope": _costs(h.astype(bool), abusive, exposure, review_cost, level),
        }
    after = stages[deployed]["region"]["equalized_odds_difference"]
    everything = {
        stage: fairness.audit(
            frame["is_abusive"], frame["route"].eq(Route.HUMAN.value), frame["region"]
        ).to_dict()["equalized_odds_difference"]
        for stage, frame in (("before", routed_before), ("deployed", routed))
    }
    return {
        "scope": "hold-out cases decided by the risk model (eligible, no review flag, scored "
        "claim type, exposure > 0); y_pred = sent to a person, y_true = abusive (ground truth)",
        "constraint": {
            "metric": "equalized_odds_difference across regions (fairlearn, between groups, "
            "worst case)",
            "limit": fairness.EOD_LIMIT,
        },
        "violated_before_mitigation": stages["before"]["region"]["equalized_odds_difference"]
        > fairness.EOD_LIMIT,
        "deployed": deployed,
        "constraint_met": bool(after <= fairness.EOD_LIMIT),
        "selection": {k: mitigation[k] for k in ("rule", "training_window")},
        "candidates": {
            "price_index": "auto iff p * exposure < review_cost * price_level[region]; price "
            "level = the region's median order value / the marketplace's, from orders placed in "
            "the training window",
            "threshold_optimizer": "fairlearn ThresholdOptimizer(constraints='equalized_odds', "
            "objective=balanced accuracy or accuracy, whichever costs less on the training "
            "window, prefit) on the cost ratio p * exposure / review_cost, fitted on the "
            "training window's in-scope cases with scores from a model that did not see them "
            "(see selection.training_window.scores); "
            "randomised per-region thresholds, drawn per case by a hash of the case id",
        },
        "price_index": index,
        "region_thresholds": mitigation["region_thresholds"],
        "router_matches_vectorised_candidate": matches,
        "stages": stages,
        "whole_router_eod_region_for_information": everything,
    }


# --- writing -------------------------------------------------------------------------------------


def _write(directory: Path, metrics: dict, markdown: str) -> None:
    (directory / "metrics.json").write_text(json.dumps(metrics, indent=2, default=str) + "\n")
    (directory / "report.md").write_text(markdown)


def _table(rows: dict[str, dict], columns: Sequence[str]) -> str:
    lines = ["| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, row in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(row.get(c)) for c in columns) + " |")
    return "\n".join(lines)


def _risk_markdown(r: dict) -> str:
    columns = ("roc_auc", "pr_auc", "brier", "log_loss", "base_rate", "n")
    return (
        "# Risk model evaluation\n\n"
        f"Label: {r['label']}. Primary metric: {r['primary_metric']}. Model "
        f"`{r['model_version']}` ({r['calibration']} calibration); training window "
        f"{r['training_window']['train_start']} to {r['training_window']['train_end']} "
        f"({r['training_window']['train_cases']} cases), hold-out after that.\n\n"
        "## Hold-out, all scored claim types\n\n"
        f"{_table(r['holdout'], columns)}\n\n"
        "## Hold-out, only the cases the router asks the model about\n\n"
        f"{_table(r['holdout_routable_cases'], columns)}\n\n"
        "Calibration: `calibration.png`. Saved model re-loaded with identical predictions: "
        f"{r['save_load_round_trip_identical']}.\n"
    )


def _router_markdown(r: dict) -> str:
    columns = (
        "automation_rate",
        "expected_loss_per_case_usd",
        "human_cases",
        "human_cases_per_day",
        "abusive_auto_approved",
        "abusive_auto_approved_usd",
        "human_cases_vs_rules_only",
    )
    rows = {
        "risk router (fairness-mitigated, deployed)": r["risk_router"],
        "risk router, one review cost (before fairness mitigation)": r[
            "risk_router_uniform_review_cost"
        ],
        "rules only": r["rules_only_router"],
    }
    best = r["best_on_holdout_for_information"]
    return (
        "# Router evaluation (hold-out)\n\n"
        f"Rule: {r['decision_rule']}, review cost ${r['review_cost_usd']}. "
        f"{r['holdout_cases']} hold-out cases over {r['holdout_days']} days, "
        f"{r['model_scored_cases']} of them decided by the risk model.\n\n"
        f"{_table(rows, columns)}\n\n"
        "Expected loss = (exposure of every automatically resolved abusive claim + review cost "
        "of every case sent to a person) / cases.\n\n"
        f"Per-case p thresholds (review cost / exposure) in scope, quantiles: "
        f"{r['chosen_threshold']['p_threshold_quantiles_in_scope']}. Model-estimated loss on "
        f"automatic cases ${r['chosen_threshold']['expected_loss_estimate_auto_usd']} vs "
        f"realised ${r['chosen_threshold']['realised_loss_auto_usd']}.\n\n"
        f"For information only (chosen on the hold-out itself, so not used): the best risk "
        f"budget is ${best['budget_usd']} "
        f"(loss/case ${best['budget_expected_loss_per_case_usd']}); "
        f"the best single p threshold is {best['global_p_threshold']} (loss/case "
        f"${best['global_p_threshold_expected_loss_per_case_usd']}).\n\n"
        "Sweeps: `threshold_sweep.png` and `metrics.json`.\n"
    )


_STAGE_NAMES = {
    "before": "before: auto iff p * exposure < review cost",
    "price_index": "price-indexed review cost",
    "threshold_optimizer": "ThresholdOptimizer per-region thresholds",
}


def _fairness_markdown(f: dict) -> str:
    columns = ("count", "auto_approval_rate", "false_human_rate", "abusive_auto_rate")
    deployed = f["deployed"]

    def name(stage: str) -> str:
        return _STAGE_NAMES[stage] + (" (**deployed**)" if stage == deployed else "")

    summary = {}
    for stage, block in f["stages"].items():
        boot, noise, cost = (
            block["region_bootstrap"],
            block["region_parity_noise_floor"],
            block["cost_in_scope"],
        )
        summary[name(stage)] = {
            "EOD region": boot["estimate"],
            "95% CI": f"[{boot['ci_low']}, {boot['ci_high']}]",
            "parity p-value": noise["p_value"],
            "EOD age band": block["age_band"]["equalized_odds_difference"],
            "automation": cost["automation_rate"],
            "loss/case ($2.50 review)": cost["expected_loss_per_case_usd"],
            "loss/case (regional review)": cost["loss_per_case_regional_review_cost_usd"],
            "human cases": cost["human_cases"],
            "abuse auto-approved $": cost["abusive_auto_approved_usd"],
        }
    noise = f["stages"]["before"]["region_parity_noise_floor"]
    training = f["selection"]["training_window"]
    parts = [
        "# Fairness audit (hold-out)\n",
        f"Scope: {f['scope']}.\n",
        f"Constraint: {f['constraint']['metric']} <= {f['constraint']['limit']}. Violated "
        f"before mitigation: {f['violated_before_mitigation']}. Deployed mitigation: "
        f"`{deployed}`. **Constraint met on the hold-out: {f['constraint_met']}.**\n",
        "## How the mitigation was chosen (training window only)\n",
        f"Rule: {f['selection']['rule']}. On the training "
        f"window's {training['in_scope_cases']} in-scope cases ({training['scores']}), the "
        f"price-indexed rule measures EOD {training['price_index']['eod_region']} (parity "
        f"p-value {training['price_index']['parity_noise_floor']['p_value']}); the "
        "ThresholdOptimizer thresholds measure "
        f"{training['threshold_optimizer_in_sample']['eod_region']} there (in sample).\n",
        "History of the rule (stated, since it was revised after a hold-out was seen): it first "
        "read 'price_index if its training-window EOD <= 0.05'. On seed 7 that chose the "
        "price index (training 0.0485, parity p 0.028), which measured 0.092 on the hold-out "
        "(p 0.0005): a real residual gap that the training p-value had already shown. The "
        "p-value condition was added then; the hold-out of seed 7 is therefore no longer "
        "untouched for the choice between the two candidates, and `python -m policies.evaluate "
        "--seed 8` (a fresh world and hold-out, same procedure) is the clean check.\n",
        "Candidates:\n",
        *[f"- `{k}`: {v}" for k, v in f["candidates"].items()],
        "",
        f"Price index: {f['price_index']}. Either candidate uses the buyer's region (market) at "
        "decision time, and only to equalise error rates across markets; region is not a model "
        "feature. The deployed decisions are the router's own "
        f"(matches the vectorised candidate: {f['router_matches_vectorised_candidate']}).\n",
        "## Summary (in-scope hold-out cases)\n",
        _table(summary, tuple(next(iter(summary.values())))),
        "",
        "95% CI: percentile bootstrap (1000 Poisson resamples of the hold-out cases; the "
        "bootstrap of a worst-case gap is biased upwards, so the interval sits above the "
        "estimate). Parity p-value: share of simulated hold-outs with *identical* true rates in "
        "every region (same group sizes) that measure at least the observed gap; large means "
        "the remaining gap is within noise. At these group sizes (smallest region: "
        f"{noise['smallest_group_abusive']} abusive, {noise['smallest_group_genuine']} genuine "
        f"claims) a perfectly fair router measures about {noise['parity_mean']} (95th "
        f"percentile {noise['parity_p95']}).\n",
        "Loss/case (regional review): the same outcomes costed with a review at $2.50 x the "
        "market's price level.\n",
        "Age bands are reported, not constrained: account age is a model feature and the main "
        "real driver of abuse in this world, so error rates differ by age by design.\n",
    ]
    for stage, block in f["stages"].items():
        for feature in ("region", "age_band"):
            audit = block[feature]
            parts.append(
                f"## {name(stage)}, by {feature} "
                f"(equalized-odds difference {audit['equalized_odds_difference']})\n\n"
                + _table(audit["by_group"], columns)
                + "\n"
            )
    whole = f["whole_router_eod_region_for_information"]
    parts.append(
        "For information, the whole router (every hold-out case, including those sent to a "
        f"person by the rules): region EOD {whole['before']} before, {whole['deployed']} "
        "deployed.\n"
    )
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m policies.evaluate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--buyers", type=int, default=200_000)
    parser.add_argument("--sellers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--train-share", type=float, default=0.7)
    parser.add_argument("--review-cost", default="2.50", help="dollars per human review")
    parser.add_argument("--out", type=Path, default=Path("reports"))
    parser.add_argument("--artifacts", type=Path, default=Path("artifacts/risk-eval"))
    parser.add_argument("--threads", type=int, default=1, help="OpenMP/BLAS threads")
    parser.add_argument(
        "--mitigation-fit", choices=("out_of_time", "out_of_fold"), default="out_of_time"
    )
    parser.add_argument("--calibration-share", type=float, default=0.3)
    parser.add_argument(
        "--return-exposure-share",
        default=str(DEFAULT_RETURN_EXPOSURE_SHARE),
        help="share of a return-then-refund an abusive buyer still takes (the check on receipt "
        "misses it); 1 weighs the whole amount as before",
    )
    args = parser.parse_args(argv)
    summary = run(
        EvaluationConfig(
            seed=args.seed,
            cases=args.cases,
            buyers=args.buyers,
            sellers=args.sellers,
            days=args.days,
            train_share=args.train_share,
            review_cost=Decimal(args.review_cost),
            return_exposure_share=Decimal(args.return_exposure_share),
            out=args.out,
            artifacts=args.artifacts,
            threads=args.threads,
            mitigation_fit=args.mitigation_fit,
            calibration_share=args.calibration_share,
        )
    )
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
