"""The router's and the fairness audit's figures on the hold-out, for `lab.policies.evaluate`.

Nothing here is fitted: each function summarises decisions already made (cost, automation,
threshold sweep, equalized-odds gaps per candidate mitigation).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lab.policies import fairness
from lab.policies.mitigation import costs, draws
from policies.router import Level, Route


def router_report(
    routed: pd.DataFrame,
    in_scope: pd.Series,
    review_cost: float,
    routed_before: pd.DataFrame,
    index: dict[str, float],
    review_catch_rate: float = 1.0,
) -> dict:
    """`routed`: the deployed, price-indexed router; `routed_before`: one review cost for all.
    Every cost counts the share of a reviewed abusive claim reviewers approve (1 -
    `review_catch_rate`, policies/router/config.py)."""
    catch = review_catch_rate
    days = (routed["opened_at"].max() - routed["opened_at"].min()) / np.timedelta64(1, "D")
    abusive = routed["is_abusive"].to_numpy(dtype=bool)
    exposure = routed["exposure"].to_numpy()
    level = routed["price_level"].to_numpy()
    human = routed["route"].eq(Route.HUMAN.value).to_numpy()
    human_uniform = routed_before["route"].eq(Route.HUMAN.value).to_numpy()
    # Rules alone: everything that passes levels 1-3 is resolved automatically.
    rules_human = ~routed["level"].eq(Level.RISK.value).to_numpy()
    risk_router = costs(human, abusive, exposure, review_cost, level, catch)
    uniform_router = costs(human_uniform, abusive, exposure, review_cost, level, catch)
    rules_router = costs(rules_human, abusive, exposure, review_cost, level, catch)
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
        return costs(h, abusive, exposure, review_cost, review_catch_rate=catch)

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
        "risk_router_uniform_review_cost: auto iff p_abuse * review_catch_rate * exposure < "
        "review_cost; every loss counts the reviewed abusive claims reviewers approve",
        "review_catch_rate": catch,
        "price_index": index,
        "holdout_cases": len(routed),
        "holdout_days": round(float(days), 1),
        "model_scored_cases": int(scope.sum()),
        "risk_router": risk_router,
        "risk_router_uniform_review_cost": uniform_router,
        "rules_only_router": rules_router,
        "model_scope_only": {
            "risk_router": costs(
                human[scope], abusive[scope], exposure[scope], review_cost, review_catch_rate=catch
            ),
            "risk_router_uniform_review_cost": costs(
                human_uniform[scope],
                abusive[scope],
                exposure[scope],
                review_cost,
                review_catch_rate=catch,
            ),
            "rules_only_router": costs(
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


def sweep_plot(router: dict, path: Path, review_cost: float) -> None:
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


def fairness_report(
    routed_before: pd.DataFrame,
    routed: pd.DataFrame,
    in_scope: pd.Series,
    config: Any,
    index: dict[str, float],
    mitigation: dict,
    reviewers_catch: float = 1.0,
) -> dict:
    """Every candidate on the hold-out cases the risk model decides; nothing fitted on them.

    The deployed candidate's figures are the router's own decisions (`routed`); the others are
    computed from the same scores with the same rules, vectorised. Costs count the share of
    reviewed abusive claims reviewers approve (1 - `reviewers_catch`).
    """
    scope = routed_before[in_scope]
    y = scope["is_abusive"].to_numpy(dtype=int)
    review_cost = float(config.review_cost)
    p, exposure = scope["score"].to_numpy(), scope["exposure"].to_numpy()
    # The rules weigh what a review saves (policies/router/config.py), c x the exposure.
    catch = float(mitigation["review_catch_rate"])
    saves = exposure * catch
    regions = scope["region"].to_numpy().astype(str)
    level = scope["price_level"].to_numpy()
    human = {
        "before": scope["route"].eq(Route.HUMAN.value).to_numpy(dtype=int),
        "price_index": (p * saves >= review_cost * level).astype(int),
        "threshold_optimizer": fairness.apply_thresholds(
            mitigation["rules"], p * saves / review_cost, regions, draws=draws(scope.index)
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
            "cost_in_scope": costs(
                h.astype(bool), abusive, exposure, review_cost, level, reviewers_catch
            ),
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
