"""Evaluate the risk model, the router and the fairness audit on a synthetic world.

    python -m policies.evaluate --seed 7 --cases 60000 --out reports

Generates the world, splits it by time (train on the first `--train-share` of the period, hold
out the rest), fits the calibrated GBT risk model and two baselines (logistic regression, the
REV-6.2 rules alone), routes every hold-out case, audits fairness, and writes:

- reports/risk/: metrics.json (primary metric: PR-AUC), report.md, calibration.png
- reports/router/: metrics.json, report.md, threshold_sweep.png
- reports/fairness/: metrics.json, report.md
- reports/evaluation.json: the configuration and the time each stage took
- artifacts/risk/: the model (skops) and its metadata, re-loaded once as a check.

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

from policies import fairness
from policies.features import FEATURE_NAMES, build_feature_frame, history_of
from policies.risk import (
    SCORED_CLAIM_TYPES,
    RiskModel,
    RulesBaseline,
    make_logistic_baseline,
)
from policies.router import Decision, Level, Route, RouterConfig, RoutingCase, route_many
from policies.types import ClaimType
from policies.world import World, generate_world

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
    cases: int = 60_000
    buyers: int = 40_000
    sellers: int = 2_000
    days: int = 730
    start: datetime = datetime(2025, 1, 1, tzinfo=UTC)
    train_share: float = 0.7
    review_cost: Decimal = Decimal("2.50")
    out: Path = Path("reports")
    artifacts: Path = Path("artifacts/risk")
    threads: int = 1


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

    decisions = route_many(
        _routing_cases(world, hold), risk_model=reloaded, config=RouterConfig(config.review_cost)
    )
    timer.lap("route_holdout")
    routed = _decision_frame(hold, decisions)
    in_scope = routed["level"].eq(Level.RISK.value) & routed["score"].notna()
    risk_metrics_routable = {
        name: _scores(
            routed.loc[in_scope, "is_abusive"].to_numpy(dtype=int),
            pd.Series(p, index=hold_s.index).reindex(routed.index[in_scope]).to_numpy(),
        )
        for name, p in p_hold.items()
    }
    router = _router_report(routed, in_scope, float(config.review_cost))
    timer.lap("router_metrics")

    fair = _fairness_report(world, train, train_s, routed, in_scope, config)
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
        "router": {k: router[k] for k in ("risk_router", "rules_only_router")},
        "fairness": {
            "eod_region_before": fair["before"]["region"]["equalized_odds_difference"],
            "eod_region_after": fair["after"]["region"]["equalized_odds_difference"],
        },
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


def _routing_cases(world: World, frame: pd.DataFrame) -> list[RoutingCase]:
    features = frame[list(FEATURE_NAMES)].astype(object).to_dict(orient="index")
    cases = []
    for case_id, row in frame.iterrows():
        now = row["opened_at"].to_pydatetime()
        claim = world.claim(case_id)
        cases.append(
            RoutingCase(
                now=now,
                nlu_intent=CLAIM_INTENT[claim.type],
                nlu_confidence=1.0,
                order=world.order_as_of(row["order_id"], now),
                claim=claim,
                history=history_of(frame, case_id),
                risk_features=features[case_id],
                case_id=str(case_id),
            )
        )
    return cases


def _decision_frame(hold: pd.DataFrame, decisions: Sequence[Decision]) -> pd.DataFrame:
    def amount(d: Decision) -> float:
        eligibility = d.trace["eligibility"]
        return float(eligibility["amount"]) if eligibility else 0.0  # type: ignore[index]

    return pd.DataFrame(
        {
            "route": [d.route.value for d in decisions],
            "level": [d.level.value for d in decisions],
            "reason": [d.reason_codes[0] for d in decisions],
            "score": [d.trace["score"] for d in decisions],
            "amount": [amount(d) for d in decisions],
            "is_abusive": hold["is_abusive"].to_numpy(),
            "region": hold["region"].to_numpy(),
            "age_band": hold["age_band"].to_numpy(),
            "opened_at": hold["opened_at"].to_numpy(),
        },
        index=hold.index,
    ).astype({"score": float})


def _costs(human: np.ndarray, abusive: np.ndarray, amount: np.ndarray, review_cost: float) -> dict:
    """Realised cost: each review costs review_cost, each automatic abusive claim its amount."""
    auto = ~human
    lost = float(np.sum(amount[auto & abusive]))
    reviews = float(np.sum(human)) * review_cost
    n = len(human)
    return {
        "cases": n,
        "automation_rate": round(float(np.mean(auto)), 4),
        "human_cases": int(np.sum(human)),
        "abusive_auto_approved": int(np.sum(auto & abusive)),
        "abusive_auto_approved_usd": round(lost, 2),
        "review_cost_usd": round(reviews, 2),
        "expected_loss_per_case_usd": round((lost + reviews) / n, 4) if n else None,
    }


def _router_report(routed: pd.DataFrame, in_scope: pd.Series, review_cost: float) -> dict:
    days = (routed["opened_at"].max() - routed["opened_at"].min()) / np.timedelta64(1, "D")
    abusive = routed["is_abusive"].to_numpy(dtype=bool)
    amount = routed["amount"].to_numpy()
    human = routed["route"].eq(Route.HUMAN.value).to_numpy()
    # Rules alone: everything that passes levels 1-3 is resolved automatically.
    rules_human = ~routed["level"].eq(Level.RISK.value).to_numpy()
    risk_router = _costs(human, abusive, amount, review_cost)
    rules_router = _costs(rules_human, abusive, amount, review_cost)
    for block, h in ((risk_router, human), (rules_router, rules_human)):
        block["human_cases_per_day"] = round(float(np.sum(h)) / days, 1)

    scope = in_scope.to_numpy()
    p = routed["score"].to_numpy()
    thresholds = review_cost / amount[scope]
    budgets = np.unique(np.concatenate([np.geomspace(0.05, 200, 80), [review_cost]]))
    taus = np.linspace(0.0, 1.0, 101)

    def sweep(human_in_scope: np.ndarray) -> dict:
        h = rules_human.copy()
        h[scope] = human_in_scope
        return _costs(h, abusive, amount, review_cost)

    by_budget = [
        {"budget_usd": round(float(b), 4), **sweep(p[scope] * amount[scope] >= b)} for b in budgets
    ]
    by_tau = [{"p_threshold": round(float(t), 2), **sweep(p[scope] >= t)} for t in taus]
    best_budget = min(by_budget, key=lambda r: r["expected_loss_per_case_usd"])
    best_tau = min(by_tau, key=lambda r: r["expected_loss_per_case_usd"])
    return {
        "review_cost_usd": review_cost,
        "decision_rule": "auto iff p_abuse * amount < review_cost (p < review_cost / amount)",
        "holdout_cases": len(routed),
        "holdout_days": round(float(days), 1),
        "model_scored_cases": int(scope.sum()),
        "risk_router": risk_router,
        "rules_only_router": rules_router,
        "model_scope_only": {
            "risk_router": _costs(human[scope], abusive[scope], amount[scope], review_cost),
            "rules_only_router": _costs(
                np.zeros(int(scope.sum()), dtype=bool), abusive[scope], amount[scope], review_cost
            ),
        },
        "chosen_threshold": {
            "rule": "per case p < review_cost / amount",
            "p_threshold_quantiles_in_scope": {
                q: round(float(np.quantile(thresholds, float(q))), 4)
                for q in ("0.1", "0.25", "0.5", "0.75", "0.9")
            }
            if scope.any()
            else {},
            "expected_loss_estimate_auto_usd": round(
                float(np.sum((p * amount)[scope & ~human])), 2
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
        ("sweep_by_budget", "budget_usd", "risk budget b: auto iff p * amount < b ($, log)"),
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
        "Hold-out routing versus the threshold (cost: amount of each automatic abusive claim"
        " + review cost per human case)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- fairness ------------------------------------------------------------------------------------


def _fairness_report(
    world: World,
    train: pd.DataFrame,
    train_s: pd.DataFrame,
    routed: pd.DataFrame,
    in_scope: pd.Series,
    config: EvaluationConfig,
) -> dict:
    scope = routed[in_scope]
    y = scope["is_abusive"].to_numpy(dtype=int)
    human = scope["route"].eq(Route.HUMAN.value).to_numpy(dtype=int)
    before = {
        "region": fairness.audit(y, human, scope["region"].rename("region")).to_dict(),
        "age_band": fairness.audit(y, human, scope["age_band"].rename("age_band")).to_dict(),
    }
    everything = {
        "region": fairness.audit(
            routed["is_abusive"],
            routed["route"].eq(Route.HUMAN.value),
            routed["region"].rename("region"),
        ).to_dict()
    }
    violated = before["region"]["equalized_odds_difference"] > fairness.EOD_LIMIT

    # Mitigation is fitted on the training window with out-of-fold scores (the hold-out stays
    # untouched), on the cases the model would decide there.
    train_decisions = route_many(
        _routing_cases(world, train), risk_model=None, config=RouterConfig(config.review_cost)
    )
    train_scope = pd.Series(
        [d.level is Level.RISK and d.reason_codes == ("no_risk_model",) for d in train_decisions],
        index=train.index,
    )
    train_amount = pd.Series(
        [
            float(d.trace["eligibility"]["amount"]) if d.trace["eligibility"] else 0.0
            for d in train_decisions
        ],  # type: ignore[index]
        index=train.index,
    )
    oof = cross_val_predict(
        RiskModel(random_state=config.seed),
        train_s,
        train_s["is_abusive"].to_numpy(dtype=int),
        cv=StratifiedKFold(3, shuffle=True, random_state=config.seed),
        method="predict_proba",
    )[:, 1]
    fit_ids = train_scope[train_scope].index
    fit_p = pd.Series(oof, index=train_s.index).reindex(fit_ids).to_numpy()
    review_cost = float(config.review_cost)
    # The score thresholded per region is the router's own: expected loss over review cost.
    fit_score = fit_p * train_amount.reindex(fit_ids).to_numpy() / review_cost
    score = scope["score"].to_numpy() * scope["amount"].to_numpy() / review_cost
    human_after = fairness.mitigate_equalized_odds(
        fit_score,
        train.loc[fit_ids, "is_abusive"].to_numpy(dtype=int),
        train.loc[fit_ids, "region"].to_numpy(),
        score,
        scope["region"].to_numpy(),
        random_state=config.seed,
    )
    after = {
        "region": fairness.audit(y, human_after, scope["region"].rename("region")).to_dict(),
        "age_band": fairness.audit(y, human_after, scope["age_band"].rename("age_band")).to_dict(),
    }
    amount = scope["amount"].to_numpy()
    abusive = y.astype(bool)
    return {
        "scope": "hold-out cases decided by the risk model (eligible, no review flag, scored "
        "claim type, amount > 0); y_pred = sent to a person, y_true = abusive",
        "constraint": {
            "metric": "equalized_odds_difference across regions",
            "limit": fairness.EOD_LIMIT,
        },
        "violated_before_mitigation": bool(violated),
        "mitigation": "fairlearn ThresholdOptimizer(constraints='equalized_odds', "
        "objective='balanced_accuracy_score') on p * amount / review_cost, fitted on "
        "out-of-fold scores of the training window, applied to the hold-out",
        "mitigation_fit_cases": len(fit_ids),
        "before": before,
        "after": after,
        "cost_in_scope": {
            "before": _costs(human.astype(bool), abusive, amount, review_cost),
            "after": _costs(human_after.astype(bool), abusive, amount, review_cost),
        },
        "whole_router_for_information": everything,
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
    )
    rows = {"risk router": r["risk_router"], "rules only": r["rules_only_router"]}
    best = r["best_on_holdout_for_information"]
    return (
        "# Router evaluation (hold-out)\n\n"
        f"Rule: {r['decision_rule']}, review cost ${r['review_cost_usd']}. "
        f"{r['holdout_cases']} hold-out cases over {r['holdout_days']} days, "
        f"{r['model_scored_cases']} of them decided by the risk model.\n\n"
        f"{_table(rows, columns)}\n\n"
        "Expected loss = (amount of every automatically resolved abusive claim + review cost "
        "of every case sent to a person) / cases.\n\n"
        f"Per-case p thresholds (review cost / amount) in scope, quantiles: "
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


def _fairness_markdown(f: dict) -> str:
    columns = ("count", "auto_approval_rate", "false_human_rate", "abusive_auto_rate")
    parts = [
        "# Fairness audit (hold-out)\n",
        f"Scope: {f['scope']}.\n",
        f"Constraint: {f['constraint']['metric']} <= {f['constraint']['limit']}; violated "
        f"before mitigation: {f['violated_before_mitigation']}. Mitigation: {f['mitigation']} "
        f"({f['mitigation_fit_cases']} training cases).\n",
    ]
    for stage in ("before", "after"):
        for feature in ("region", "age_band"):
            audit = f[stage][feature]
            parts.append(
                f"## {stage.capitalize()} mitigation, by {feature} "
                f"(equalized-odds difference {audit['equalized_odds_difference']})\n\n"
                + _table(audit["by_group"], columns)
                + "\n"
            )
    cost = f["cost_in_scope"]
    parts.append(
        "## Cost in scope\n\n"
        + _table(
            cost,
            (
                "automation_rate",
                "expected_loss_per_case_usd",
                "human_cases",
                "abusive_auto_approved_usd",
            ),
        )
        + "\n"
    )
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m policies.evaluate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cases", type=int, default=60_000)
    parser.add_argument("--buyers", type=int, default=40_000)
    parser.add_argument("--sellers", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--train-share", type=float, default=0.7)
    parser.add_argument("--review-cost", default="2.50", help="dollars per human review")
    parser.add_argument("--out", type=Path, default=Path("reports"))
    parser.add_argument("--artifacts", type=Path, default=Path("artifacts/risk"))
    parser.add_argument("--threads", type=int, default=1, help="OpenMP/BLAS threads")
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
            out=args.out,
            artifacts=args.artifacts,
            threads=args.threads,
        )
    )
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
