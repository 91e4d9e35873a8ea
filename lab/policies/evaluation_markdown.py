"""The policy evaluation's reports as Markdown (and the JSON beside them)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

# --- writing -------------------------------------------------------------------------------------


def write_report(directory: Path, metrics: dict, markdown: str) -> None:
    (directory / "metrics.json").write_text(json.dumps(metrics, indent=2, default=str) + "\n")
    (directory / "report.md").write_text(markdown)


def _table(rows: dict[str, dict], columns: Sequence[str]) -> str:
    lines = ["| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, row in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(row.get(c)) for c in columns) + " |")
    return "\n".join(lines)


def risk_markdown(r: dict) -> str:
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


def router_markdown(r: dict) -> str:
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


def fairness_markdown(f: dict) -> str:
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
        "untouched for the choice between the two candidates, and `python -m lab.policies.evaluate "
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
