"""Routing-policy experiments, per arm: exposures, automation, escalation, losses, CSAT and
fairness, each with a 95% interval, a test against control, and guardrail warnings.

The decision log is the whole source (`policies.experiments` logs the arm with every decision),
read from an analytics snapshot through Ibis, so the same expressions run on DuckDB and PySpark;
only aggregates (per arm, per arm and region, per buyer, per rating score) reach pandas and the
statistics (`bot.analytics.experiment_stats`). A ground-truth file of the simulator
(``var/simulate/<run>/truth.csv``) adds the realised loss.

Definitions (per case conversation, the unit the summary and the fairness slices count: the
conversation's latest decision taken under an experiment decides its arm; "cases" per arm count
case conversations; escalated and automated are `bot.analytics.metrics`' own definitions):

escalated
    a case of it went to the agent queue: a status only agents give (waiting for an agent,
    returned to the bot, closed), or a decision routed it ``human`` and it is not ``declined``
    (a refusal by the rules has route ``human`` too, but the bot explains it; no agent sees it).
automated
    not escalated, and the bot closed a case of it (resolved, or declined).
auto-approved
    the bot executed an action with an amount on the case (as in `bot.analytics.metrics`).
expected loss per case
    automated: the risk trace's p(abuse) x amount (``expected_loss``; 0 when no score was
    needed: facts on record, nothing to pay); escalated: the review cost (the trace's, else the
    arm's override, else the router's default); refused: 0. The router's own cost model.
realised loss per case (with a truth file)
    what the bot paid out on a claim the truth marks not genuine, plus the review cost of an
    escalated case. Agents are assumed to catch abuse (the router's assumption too).
CSAT
    mean rating (1-5) of the arm's rated cases; the bot asks only after it resolved a case, so
    the rated share is reported beside it (and a guardrail fires when it differs by arm).
fairness gap
    max - min over regions of the auto-approval rate, regions with at least
    ``MIN_REGION_CASES`` cases; the region is the buyer row's, else the truth file's.

``aftersales analytics experiment --snapshot DIR [--truth FILE] --out reports/experiments``
(also ``python -m bot.analytics.experiment_cli``) writes ``experiments.json``,
``experiments.md``, ``experiments.html`` (a fragment) and a PNG per metric
(`bot.analytics.experiment_render`); `report_section` plugs the same into
``aftersales analytics report``.

Modules, each importing only the ones before it: `experiment_stats` (intervals and tests),
`experiment_result` (the result's shape and the definitions), `experiment_render` (Markdown, HTML,
figures), `experiment_facts` (one row per case from the snapshot, aggregates per arm), this one
(the analysis, the guardrails, the report's section), `experiment_cli` (the command line).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from bot.analytics import experiment_stats as st
from bot.analytics.experiment_render import LABELS, fmt_diff, fmt_pct, fmt_value
from bot.analytics.experiment_stats import Test
from policies.experiments import Experiment, Experiments

if TYPE_CHECKING:
    from bot.analytics.tables import Tables, Window
from bot.analytics.experiment_facts import (
    Aggregates,
    TableLike,
    aggregate,
    case_facts,
    ibis_tables,
)
from bot.analytics.experiment_result import (
    CONTROL,
    FAIRNESS_LIMIT,
    KEY_METRICS,
    LOSS_COLUMNS,
    MIN_CASES,
    MIN_RATINGS,
    MIN_REGION_CASES,
    SRM_ALPHA,
    UNKNOWN,
    ArmResult,
    ExperimentReport,
    ExperimentResult,
    Guardrail,
)

# --- the analysis ---------------------------------------------------------------------------------


def analyse(
    tables: Tables | Mapping[str, TableLike],
    *,
    designs: Mapping[str, Experiment] | Sequence[Experiment] | None = None,
    truth: pd.DataFrame | None = None,
    alpha: float = st.ALPHA,
    power: float = st.POWER,
    n_boot: int = st.N_BOOT,
    seed: int = 0,
) -> ExperimentReport:
    """Every experiment in the decision log, per arm, against its control arm."""
    if designs is None:
        designs = {}
    elif not isinstance(designs, Mapping):
        designs = {e.name: e for e in designs}
    t = ibis_tables(tables)
    facts, has_risk = case_facts(t, designs, truth)
    agg = aggregate(facts, t["ratings"])
    notes = [
        "p-values are per comparison, not corrected for the several metrics compared per arm: "
        "with nine of them, an experiment without any effect shows at least one 'significant' "
        "difference up to a third of the time. A guardrail that fires alone, on a metric the "
        "arms cannot plausibly move, asks for more data before action."
    ]
    if not has_risk:
        notes.append(
            "The decisions carry no risk trace (score, amount, review_cost, expected_loss), "
            "so expected losses count review costs only."
        )
    rng = np.random.default_rng(seed)
    results = [
        _analyse_one(name, agg, designs.get(name), truth is not None, alpha, power, n_boot, rng)
        for name in sorted(agg.arms["experiment"].unique())
    ]
    return ExperimentReport(results, alpha, power, truth is not None, notes)


@dataclass
class _Arm:
    """One arm's aggregates and bootstrap replicates (internal)."""

    name: str
    row: pd.Series
    buyers: pd.DataFrame
    regions: pd.DataFrame
    scores: np.ndarray
    replicates: dict[str, np.ndarray] = field(default_factory=dict)


def _analyse_one(
    name: str,
    agg: Aggregates,
    design: Experiment | None,
    with_truth: bool,
    alpha: float,
    power: float,
    n_boot: int,
    rng: np.random.Generator,
) -> ExperimentResult:
    rows = agg.arms[agg.arms["experiment"] == name].set_index("arm")
    names = _arm_order(list(rows.index), design)
    control = CONTROL if CONTROL in names else names[0]
    weights = _weights(names, design)
    arms: dict[str, _Arm] = {}
    for arm in names:
        sel = lambda f, arm=arm: f[(f["experiment"] == name) & (f["arm"] == arm)]  # noqa: E731
        scores = sel(agg.scores)
        arms[arm] = _Arm(
            arm,
            rows.loc[arm] if arm in rows.index else _empty_row(),
            sel(agg.buyers),
            sel(agg.regions),
            st.scores_from_counts(dict(zip(scores["score"], scores["ratings"], strict=True))),
        )
    results = [
        _arm_result(arms[a], weights[a], design, with_truth, alpha, n_boot, rng) for a in names
    ]
    comparisons = {
        a: _compare(arms[a], arms[control], with_truth, alpha, power) for a in names if a != control
    }
    observed = [int(arms[a].row["buyers"]) for a in names]
    chi2, p = st.sample_ratio_mismatch(observed, [weights[a] for a in names])
    srm = {
        "unit": "buyers",
        "observed": dict(zip(names, observed, strict=True)),
        "weights": {a: weights[a] for a in names},
        "chi2": chi2,
        "p_value": p,
    }
    result = ExperimentResult(
        name=name,
        control=control,
        design="experiments file" if design else "not given: equal weights assumed",
        arms=results,
        comparisons=comparisons,
        srm=srm,
        guardrails=[],
    )
    result.guardrails.extend(guardrails(result, alpha))
    return result


def _arm_order(present: list[str], design: Experiment | None) -> list[str]:
    if design is not None:
        ordered = [a.name for a in design.arms]
        return ordered + sorted(set(present) - set(ordered))
    return sorted(present, key=lambda a: (a != CONTROL, a))


def _weights(names: list[str], design: Experiment | None) -> dict[str, float]:
    given = {a.name: float(a.weight) for a in design.arms} if design else {}
    return {a: given.get(a, 1.0) for a in names}


def _empty_row() -> pd.Series:
    keys = ("cases", "buyers", "automated", "escalated", "auto_approved", "triggered",
            "triggered_automated",
            "expected_loss", "realised_cases", "realised_loss")  # fmt: skip
    return pd.Series(dict.fromkeys(keys, 0))


def _arm_result(
    arm: _Arm,
    weight: float,
    design: Experiment | None,
    with_truth: bool,
    alpha: float,
    n_boot: int,
    rng: np.random.Generator,
) -> ArmResult:
    row, cases = arm.row, int(arm.row["cases"])
    metrics = {
        "automation_rate": st.wilson(int(row["automated"]), cases, alpha),
        "escalation_rate": st.wilson(int(row["escalated"]), cases, alpha),
        "auto_approval_rate": st.wilson(int(row["auto_approved"]), cases, alpha),
        "rating_coverage": st.wilson(len(arm.scores), cases, alpha),
        "band_automation_rate": st.wilson(
            int(row["triggered_automated"]), int(row["triggered"]), alpha
        ),
        "csat": st.mean_t(arm.scores, alpha, bounds=(1.0, 5.0)),
    }
    b = arm.buyers
    loss_columns = [("expected_loss_per_case", "expected_loss", "cases")]
    if with_truth:
        loss_columns.append(("realised_loss_per_case", "realised_loss", "realised_cases"))
    for metric, total, count in loss_columns:
        n = int(row[count])
        value = float(row[total]) / n if n else None
        reps = st.bootstrap_ratio(b[total].to_numpy(float), b[count].to_numpy(float), rng, n_boot)
        arm.replicates[metric] = reps
        metrics[metric] = st.percentile_interval(value, reps, n, alpha)
    counted = arm.regions[(arm.regions["region"] != UNKNOWN)
                          & (arm.regions["cases"] >= MIN_REGION_CASES)]  # fmt: skip
    counted = counted.sort_values("region")
    totals = counted["cases"].to_numpy(float)
    approved = counted["auto_approved"].to_numpy(float)
    rates = list(approved / totals) if len(totals) else []
    reps = st.bootstrap_gap(approved, totals, rng, n_boot)
    arm.replicates["fairness_gap"] = reps
    homogeneity = st.homogeneity(approved, totals)
    metrics["fairness_gap"] = st.percentile_interval(st.gap(rates), reps, int(totals.sum()), alpha)
    regions = [
        {"region": r["region"], "cases": int(r["cases"]), "auto_approved": int(r["auto_approved"]),
         "auto_approval_rate": r["auto_approved"] / r["cases"] if r["cases"] else None,
         "in_gap": r["region"] in set(counted["region"])}
        for _, r in arm.regions.sort_values("region").iterrows()
    ]  # fmt: skip
    overrides = {}
    if design is not None:
        spec = next((a for a in design.arms if a.name == arm.name), None)
        overrides = spec.overrides() if spec else {}
    return ArmResult(
        name=arm.name,
        weight=weight,
        overrides=overrides,
        buyers=int(row["buyers"]),
        cases=cases,
        triggered=int(row["triggered"]),
        metrics=metrics,
        regions=regions,
        regions_differ_p=homogeneity,
    )


def _compare(
    arm: _Arm, control: _Arm, with_truth: bool, alpha: float, power: float
) -> dict[str, Test]:
    tests: dict[str, Test] = {}
    count_of = {"automation_rate": "automated", "escalation_rate": "escalated",
                "auto_approval_rate": "auto_approved"}  # fmt: skip
    for metric, column in count_of.items():
        tests[metric] = st.compare_proportions(
            int(arm.row[column]), int(arm.row["cases"]),
            int(control.row[column]), int(control.row["cases"]), alpha, power,
        )  # fmt: skip
    tests["band_automation_rate"] = st.compare_proportions(
        int(arm.row["triggered_automated"]), int(arm.row["triggered"]),
        int(control.row["triggered_automated"]), int(control.row["triggered"]), alpha, power,
    )  # fmt: skip
    tests["rating_coverage"] = st.compare_proportions(
        len(arm.scores), int(arm.row["cases"]), len(control.scores), int(control.row["cases"]),
        alpha, power,
    )  # fmt: skip
    tests["csat"] = st.compare_means(arm.scores, control.scores, alpha, power)
    metrics = ["expected_loss_per_case", "fairness_gap"]
    if with_truth:
        metrics.append("realised_loss_per_case")
    for metric in metrics:
        a_value, c_value = _point(arm, metric), _point(control, metric)
        difference = None if a_value is None or c_value is None else a_value - c_value
        tests[metric] = st.compare_bootstrap(
            difference, arm.replicates[metric], control.replicates[metric], alpha, power
        )
    return tests


def _point(arm: _Arm, metric: str) -> float | None:
    if metric == "fairness_gap":
        r = arm.regions[(arm.regions["region"] != UNKNOWN)
                        & (arm.regions["cases"] >= MIN_REGION_CASES)]  # fmt: skip
        return st.gap(list(r["auto_approved"] / r["cases"]))
    total, count = LOSS_COLUMNS[metric]
    n = int(arm.row[count])
    return float(arm.row[total]) / n if n else None


# --- guardrails -----------------------------------------------------------------------------------


def guardrails(result: ExperimentResult, alpha: float = st.ALPHA) -> list[Guardrail]:
    """The warnings a reader must see before believing the comparison."""
    out: list[Guardrail] = []
    srm = result.srm
    if srm["p_value"] < SRM_ALPHA:
        out.append(Guardrail(
            "sample_ratio_mismatch",
            f"Buyers per arm {srm['observed']} do not match the weights {srm['weights']} "
            f"(chi-square p = {srm['p_value']:.2g} < {SRM_ALPHA}): the assignment or the logging "
            "is broken; no comparison of this experiment can be trusted.",
        ))  # fmt: skip
    for arm in result.arms:
        if arm.cases < MIN_CASES:
            out.append(Guardrail(
                "too_few_samples",
                f"Arm {arm.name} has {arm.cases} cases (< {MIN_CASES}): too few for a conclusion.",
                arm=arm.name,
            ))  # fmt: skip
        gap = arm.metrics["fairness_gap"]
        if gap.value is not None and gap.value > FAIRNESS_LIMIT:
            differ = arm.regions_differ_p
            verdict = (
                "the regions' rates differ significantly"
                if differ is not None and differ < alpha
                else "but the regions' rates do not differ significantly: small regions make "
                "a wide gap by chance, so this needs more cases before it means anything"
            )
            out.append(Guardrail(
                "fairness_gap",
                f"Arm {arm.name}: auto-approval rates differ by {gap.value:.1%} between regions "
                f"(95% CI {fmt_pct(gap.low)} to {fmt_pct(gap.high)}), above the "
                f"{FAIRNESS_LIMIT:.0%} limit; {verdict} (chi-square p = "
                f"{'–' if differ is None else f'{differ:.2g}'}).",
                metric="fairness_gap", arm=arm.name,
            ))  # fmt: skip
    for arm, tests in result.comparisons.items():
        esc = tests["escalation_rate"]
        if esc.significant(alpha) and (esc.difference or 0) > 0:
            out.append(Guardrail(
                "escalations_up",
                f"Arm {arm} escalates significantly more than {result.control}: "
                f"{fmt_diff('escalation_rate', esc)} (p = {esc.p_value:.2g}).",
                metric="escalation_rate", arm=arm,
            ))  # fmt: skip
        csat = tests["csat"]
        if csat.significant(alpha) and (csat.difference or 0) < 0:
            out.append(Guardrail(
                "csat_down",
                f"Arm {arm} is rated significantly lower than {result.control}: "
                f"{fmt_diff('csat', csat)} (Welch p = {csat.p_value:.2g}).",
                metric="csat", arm=arm,
            ))  # fmt: skip
        coverage = tests["rating_coverage"]
        if coverage.significant(alpha):
            out.append(Guardrail(
                "csat_selection",
                f"Arm {arm} has a different share of rated cases than {result.control} "
                f"({fmt_diff('rating_coverage', coverage)}): ratings are asked only after the "
                "bot resolves a case, so the CSAT of the two arms rates different cases.",
                metric="csat", arm=arm,
            ))  # fmt: skip
        if result.arm(arm).metrics["csat"].n < MIN_RATINGS:
            out.append(Guardrail(
                "too_few_samples",
                f"Arm {arm} has {result.arm(arm).metrics['csat'].n} ratings "
                f"(< {MIN_RATINGS}): CSAT cannot be compared.",
                metric="csat", arm=arm,
            ))  # fmt: skip
        for metric in KEY_METRICS:
            test = tests.get(metric)
            if test is None or test.p_value is None or test.significant(alpha):
                continue
            power_note = (
                "the sample is too small to say which difference it could detect"
                if test.mde is None
                else f"at this sample size only a difference of about "
                f"{fmt_value(metric, test.mde)} or more would be detected with 80% power"
            )
            out.append(Guardrail(
                "inconclusive",
                f"{LABELS[metric]}: no significant difference between {arm} and "
                f"{result.control} (observed {fmt_diff(metric, test)}, p = {test.p_value:.2g}); "
                f"{power_note}.",
                metric=metric, arm=arm,
            ))  # fmt: skip
    return out


# --- the analytics report's section, and the command line -----------------------------------------


def load_designs(path: Path | None) -> dict[str, Experiment]:
    """The experiments file's designs by name (empty without a file)."""
    if path is None:
        return {}
    return {e.name: e for e in Experiments.load(path).experiments}


def default_designs_path() -> Path | None:
    from bot.settings import get_settings

    return get_settings().experiments_file


def report_section(
    tables: Tables,
    window: Window,
    *,
    designs_path: Path | Literal["settings"] | None = "settings",
    with_figures: bool = True,
) -> dict[str, Any]:
    """The "Routing experiments" section of ``aftersales analytics report`` (see its
    `run_sections`): the window's cases, the designs of an experiments file (by default the
    settings'; the API passes its app's). The live dashboard draws its own charts, so it asks
    for no figures (matplotlib was half of its response time)."""
    from bot.analytics import charts
    from bot.analytics import metrics as m
    from bot.analytics.experiment_render import arm_rows, figures, metric_rows

    s = m.scope(tables, window)
    scoped = {"decisions": s.decisions, "cases": s.cases, "actions": s.actions,
              "ratings": s.ratings, "buyers": s.buyers}  # fmt: skip
    path = default_designs_path() if designs_path == "settings" else designs_path
    report = analyse(scoped, designs=load_designs(path))
    names = ", ".join(e.name for e in report.experiments) or "none"
    warnings = sum(len(e.guardrails) for e in report.experiments)
    return {
        "summary": f"Experiments in the window: {names}; {warnings} guardrail warning(s).",
        "figures": {name: charts.to_svg(fig) for name, fig in figures(report).items()}
        if with_figures
        else {},
        "tables": {
            **{f"{e.name}: arms": arm_rows(e) for e in report.experiments},
            **{f"{e.name}: metrics": metric_rows(e) for e in report.experiments},
            **{
                f"{e.name}: guardrails": [g.__dict__ for g in e.guardrails]
                for e in report.experiments
            },
        },
        "report": report.to_dict(),
    }
