"""How an experiment report reads: values by metric (money, points, scores), the markdown and HTML
tables, and a chart per metric with each arm's interval (`bot.analytics.experiments` computes
the report, `bot.analytics.experiment_result` is its shape).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.analytics.experiment_result import ExperimentReport, ExperimentResult
from bot.analytics.experiment_stats import Interval, Test

if TYPE_CHECKING:
    from matplotlib.figure import Figure


LABELS = {
    "automation_rate": "automation rate",
    "escalation_rate": "escalation rate",
    "auto_approval_rate": "auto-approval rate",
    "band_automation_rate": "automation rate, cases between the limits",
    "expected_loss_per_case": "expected loss per case ($)",
    "realised_loss_per_case": "realised loss per case ($)",
    "csat": "CSAT (1-5)",
    "rating_coverage": "rated share of cases",
    "fairness_gap": "fairness gap (auto-approval, regions)",
}
MONEY = {"expected_loss_per_case", "realised_loss_per_case"}
METRIC_ORDER = (
    "expected_loss_per_case",
    "realised_loss_per_case",
    "automation_rate",
    "band_automation_rate",
    "escalation_rate",
    "auto_approval_rate",
    "csat",
    "rating_coverage",
    "fairness_gap",
)
CONTROL_COLOUR, ARM_COLOUR = "#8a94a6", "#2f7d6d"

# --- values ---------------------------------------------------------------------------------------


def fmt_pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def fmt_value(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric in MONEY:
        return f"${value:.2f}"
    if metric == "csat":
        return f"{value:.2f}"
    return f"{value * 100:.1f} pp"


def fmt_estimate(metric: str, e: Interval) -> str:
    if e.value is None:
        return "–"
    if metric in MONEY:
        point, low, high = (f"${v:.2f}" if v is not None else "–" for v in (e.value, e.low, e.high))
    elif metric == "csat":
        point, low, high = (f"{v:.2f}" if v is not None else "–" for v in (e.value, e.low, e.high))
    else:
        point, low, high = fmt_pct(e.value), fmt_pct(e.low), fmt_pct(e.high)
    return f"{point} [{low}, {high}]"


def fmt_diff(metric: str, t: Test) -> str:
    if t.difference is None:
        return "–"
    sign = "+" if t.difference >= 0 else "−"
    body = fmt_value(metric, abs(t.difference))
    if t.low is None or t.high is None:
        return f"{sign}{body}"
    return f"{sign}{body} [{signed(metric, t.low)}, {signed(metric, t.high)}]"


def signed(metric: str, value: float) -> str:
    return ("+" if value >= 0 else "−") + fmt_value(metric, abs(value))


def metric_rows(e: ExperimentResult) -> list[dict[str, str]]:
    """A row per metric: each arm's estimate [CI], then per arm the difference to control, its
    p-value and the minimum detectable effect."""
    rows = []
    for metric in METRIC_ORDER:
        if metric not in e.arms[0].metrics:
            continue
        row = {"metric": LABELS[metric]}
        for arm in e.arms:
            row[arm.name] = fmt_estimate(metric, arm.metrics[metric])
        for arm, tests in e.comparisons.items():
            t = tests.get(metric)
            row[f"{arm} − {e.control}"] = fmt_diff(metric, t) if t else "–"
            row[f"p ({arm})"] = "–" if t is None or t.p_value is None else f"{t.p_value:.3g}"
            row[f"MDE ({arm})"] = "–" if t is None else fmt_value(metric, t.mde)
        rows.append(row)
    return rows


def arm_rows(e: ExperimentResult) -> list[dict[str, Any]]:
    return [
        {"arm": a.name, "weight": a.weight, "overrides": json.dumps(a.overrides) or "{}",
         "buyers": a.buyers, "cases": a.cases, "cases between the limits": a.triggered,
         "ratings": a.metrics["csat"].n}
        for a in e.arms
    ]  # fmt: skip


def render_markdown(report: ExperimentReport) -> str:
    lines = ["# Routing experiments", ""]
    if not report.experiments:
        return "\n".join([*lines, "No decision in the log was taken under an experiment.", ""])
    for e in report.experiments:
        lines += [f"## {e.name}: {' vs '.join(a.name for a in e.arms)}", ""]
        srm = e.srm
        lines.append(
            f"Control: **{e.control}**; weights from the {e.design}. Buyers per arm: "
            f"{_counts(srm['observed'])} (sample-ratio check p = {srm['p_value']:.3g}). "
            "Estimates with "
            f"{1 - report.alpha:.0%} intervals; differences are arm − control; MDE is the "
            f"smallest difference detectable with {report.power:.0%} power at this n."
        )
        lines += ["", _md_table(arm_rows(e)), "", _md_table(metric_rows(e)), ""]
        if e.guardrails:
            lines += ["**Guardrails**", ""]
            lines += [f"- **{g.code}**: {g.message}" for g in e.guardrails]
            lines.append("")
    lines += [f"- {note}" for note in report.notes]
    lines += ["", "Definitions:", ""]
    lines += [f"- *{k}*: {v}" for k, v in report.definitions().items()]
    return "\n".join(lines) + "\n"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items())


def _md_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    head = list(rows[0])
    out = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    out += ["| " + " | ".join(str(r.get(h, "")) for h in head) + " |" for r in rows]
    return "\n".join(out)


def render_html(report: ExperimentReport) -> str:
    """An HTML fragment (no <html>/<body>): tables and guardrails, for the analytics report."""
    parts = []
    for e in report.experiments:
        parts.append(f"<h3>{html.escape(e.name)}</h3>")
        parts.append(
            f"<p>Control: <b>{html.escape(e.control)}</b>; sample-ratio check p = "
            f"{e.srm['p_value']:.3g}.</p>"
        )
        parts.append(_html_table(arm_rows(e)))
        parts.append(_html_table(metric_rows(e)))
        if e.guardrails:
            items = "".join(
                f"<li><b>{html.escape(g.code)}</b>: {html.escape(g.message)}</li>"
                for g in e.guardrails
            )
            parts.append(f"<ul class='guardrails'>{items}</ul>")
    if not report.experiments:
        parts.append("<p>No decision in the log was taken under an experiment.</p>")
    return "\n".join(parts)


def _html_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r.values()) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figures(report: ExperimentReport) -> dict[str, Figure]:
    """One chart per experiment and metric: each arm's estimate as a bar with its interval."""
    from matplotlib.figure import Figure

    out = {}
    for e in report.experiments:
        for metric in METRIC_ORDER:
            if metric not in e.arms[0].metrics:
                continue
            fig = Figure(figsize=(4.5, 2.6), layout="constrained")
            ax = fig.subplots()
            shown = [
                (a.name, a.metrics[metric]) for a in e.arms if a.metrics[metric].value is not None
            ]
            if shown:
                names = [name for name, _ in shown]
                values = [float(est.value) for _, est in shown]  # type: ignore[arg-type]
                # A percentile interval need not contain the estimate; the bar shows both.
                below = [max(0.0, v - (est.low if est.low is not None else v))
                         for v, (_, est) in zip(values, shown, strict=True)]  # fmt: skip
                above = [max(0.0, (est.high if est.high is not None else v) - v)
                         for v, (_, est) in zip(values, shown, strict=True)]  # fmt: skip
                colours = [CONTROL_COLOUR if n == e.control else ARM_COLOUR for n in names]
                ax.bar(names, values, color=colours)
                ax.errorbar(
                    names, values, yerr=[below, above], fmt="none", ecolor="black", capsize=4
                )
            else:
                ax.text(0.5, 0.5, "no data", ha="center", va="center")
            ax.set_title(f"{e.name}: {LABELS[metric]}, 95% CI", fontsize=9)
            ax.spines[["top", "right"]].set_visible(False)
            out[f"{e.name}-{metric}"] = fig
    return out


def write_report(report: ExperimentReport, out_dir: Path) -> list[Path]:
    """experiments.json, experiments.md, experiments.html and a PNG per metric."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "experiments.json", out_dir / "experiments.md", out_dir / "experiments.html"]
    paths[0].write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(render_markdown(report), encoding="utf-8")
    paths[2].write_text(render_html(report) + "\n", encoding="utf-8")
    for name, fig in figures(report).items():
        path = out_dir / f"{name}.png"
        fig.savefig(path, dpi=120)
        paths.append(path)
    return paths
