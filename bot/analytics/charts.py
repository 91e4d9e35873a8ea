"""The report's charts: matplotlib figures rendered to inline SVG strings.

`matplotlib.figure.Figure` is used directly (no pyplot): no global figure registry, no GUI
backend, safe in a server thread. Text stays text in the SVG (``svg.fonttype: none``), which keeps
the files small and searchable; nothing is loaded from the internet.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

AUTO, HUMAN, NEUTRAL, WARN = "#2f7d6d", "#c0663a", "#8a94a6", "#b8404a"
_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "aftersales",  # stable element ids: the same data gives the same file
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_PROLOG = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def to_svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element (no XML prolog, so it can sit inside HTML)."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        # No RDF metadata block: it carries URLs and the render date (pages must not vary).
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=_NO_METADATA)
    return _PROLOG.sub("", buffer.getvalue(), count=1)


def _figure(width: float = 7.0, height: float = 2.8, columns: int = 1) -> tuple[Figure, Any]:
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = figure.subplots(1, columns)
    return figure, axes


def _empty(ax: Axes, title: str) -> None:
    ax.set_title(title)
    ax.text(0.5, 0.5, "no data in this window", ha="center", va="center", color=NEUTRAL)
    ax.set_axis_off()


def _barh(ax: Axes, labels: Sequence[str], values: Sequence[float], title: str, color: str) -> None:
    if not labels:
        _empty(ax, title)
        return
    positions = range(len(labels))
    ax.barh(list(positions), list(values), color=color)
    ax.set_yticks(list(positions), list(labels))
    ax.invert_yaxis()
    ax.set_title(title)
    for y, value in zip(positions, values, strict=True):
        ax.text(value, y, f" {value:g}", va="center", fontsize=8)


def volume(series: list[dict[str, Any]], grain: str) -> str:
    figure, ax = _figure(7.5, 2.6)
    title = f"Conversations per {grain}"
    if not series:
        _empty(ax, title)
        return to_svg(figure)
    labels = [row["bucket"][: 13 if grain == "hour" else 10] for row in series]
    values = [row["conversations"] for row in series]
    ax.bar(range(len(values)), values, color=AUTO, width=0.85)
    step = max(1, len(labels) // 12)
    ticks = list(range(0, len(labels), step))
    ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=30, ha="right")
    ax.set_title(title)
    return to_svg(figure)


def intents(messages: list[dict[str, Any]], cases: list[dict[str, Any]], top: int = 15) -> str:
    figure, (left, right) = _figure(9.0, 3.8, columns=2)
    _barh(
        left,
        [row["intent"] for row in messages[:top]],
        [row["messages"] for row in messages[:top]],
        "Buyer messages by intent",
        AUTO,
    )
    _barh(
        right,
        [row["intent"] for row in cases[:top]],
        [row["cases"] for row in cases[:top]],
        "Cases by intent",
        NEUTRAL,
    )
    return to_svg(figure)


def automation(outcomes: dict[str, Any], reasons: list[dict[str, Any]], top: int = 12) -> str:
    figure, (left, right) = _figure(9.0, 3.0, columns=2)
    total = outcomes.get("case_conversations") or 0
    if total:
        automated, escalated = outcomes["automated"], outcomes["escalated"]
        parts = [
            ("automated", automated, AUTO),
            ("escalated", escalated, HUMAN),
            ("still open", total - automated - escalated, NEUTRAL),
        ]
        start = 0.0
        for label, value, color in parts:
            share = value / total
            left.barh([0], [share], left=start, color=color, label=f"{label} ({value})")
            if share >= 0.08:
                left.text(start + share / 2, 0, f"{share:.0%}", ha="center", va="center",
                          color="white", fontweight="bold")  # fmt: skip
            start += share
        left.set_xlim(0, 1)
        left.set_yticks([])
        left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False)
        left.set_title(f"Case-bearing conversations ({total})")
    else:
        _empty(left, "Case-bearing conversations")
    _barh(
        right,
        [row["reason"] for row in reasons[:top]],
        [row["decisions"] for row in reasons[:top]],
        "Escalation reasons (human decisions)",
        HUMAN,
    )
    return to_svg(figure)


def fallback(reasons: list[dict[str, Any]]) -> str:
    figure, ax = _figure(6.0, 2.4)
    _barh(
        ax,
        [row["reason"] for row in reasons],
        [row["messages"] for row in reasons],
        "Messages the bot could not read confidently",
        WARN,
    )
    return to_svg(figure)


def resolution(histogram: list[dict[str, Any]], bins: Sequence[str]) -> str:
    figure, ax = _figure(7.5, 2.8)
    title = "Minutes to resolution"
    if not histogram:
        _empty(ax, title)
        return to_svg(figure)
    width = 0.4
    for offset, (kind, color) in enumerate((("bot", AUTO), ("human", HUMAN))):
        counts = {row["bin"]: row["cases"] for row in histogram if row["kind"] == kind}
        total = sum(counts.values())
        if not total:
            continue
        shares = [counts.get(label, 0) / total for label in bins]
        xs = [i + (offset - 0.5) * width for i in range(len(bins))]
        ax.bar(xs, shares, width=width, color=color, label=f"{kind}-resolved ({total})")
    ax.set_xticks(range(len(bins)), list(bins))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("share of cases")
    ax.legend(frameon=False)
    ax.set_title(title)
    return to_svg(figure)


def money(by_type: list[dict[str, Any]]) -> str:
    figure, (left, right) = _figure(9.0, 3.0, columns=2)
    types = sorted({row["type"] for row in by_type})
    if not types:
        _empty(left, "Actions by type")
        _empty(right, "Amount by currency")
        return to_svg(figure)
    width = 0.4
    currencies = sorted({row["currency"] for row in by_type})
    for offset, (by, color) in enumerate((("auto", AUTO), ("human", HUMAN))):
        counts = [
            sum(r["actions"] for r in by_type if r["by"] == by and r["type"] == t) for t in types
        ]
        amounts = [
            sum(r["amount"] or 0 for r in by_type if r["by"] == by and r["currency"] == c)
            for c in currencies
        ]
        shift = (offset - 0.5) * width
        left.bar([i + shift for i in range(len(types))], counts, width=width, color=color,
                 label="bot (auto)" if by == "auto" else "agents (human)")  # fmt: skip
        right.bar([i + shift for i in range(len(currencies))], amounts, width=width, color=color)
    left.set_xticks(range(len(types)), types)
    left.set_title("Actions by type")
    left.legend(frameon=False)
    right.set_xticks(range(len(currencies)), currencies)
    right.set_title("Amount moved, by currency")
    return to_svg(figure)


def csat(summary: dict[str, Any]) -> str:
    figure, ax = _figure(6.5, 2.6)
    title = "Satisfaction (1-5)"
    if not summary.get("count"):
        _empty(ax, title)
        return to_svg(figure)
    width = 0.4
    for offset, (route, color) in enumerate((("auto", AUTO), ("human", HUMAN))):
        part = summary["by_route"][route]
        if not part["count"]:
            continue
        shares = [part["distribution"][str(k)] / part["count"] for k in range(1, 6)]
        mean = part["mean"]
        ax.bar([k + (offset - 0.5) * width for k in range(1, 6)], shares, width=width,
               color=color, label=f"{route}: mean {mean:.2f} (n={part['count']})")  # fmt: skip
    ax.set_xticks(range(1, 6))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(frameon=False)
    ax.set_title(title)
    return to_svg(figure)


def fairness(groups: list[dict[str, Any]], slice_name: str) -> str:
    figure, ax = _figure(7.5, 2.8)
    title = f"By {slice_name.replace('_', ' ')}: auto-approval and escalation rates"
    if not groups:
        _empty(ax, title)
        return to_svg(figure)
    width = 0.4
    labels = [f"{row['group']}\nn={row['cases']}" for row in groups]
    for offset, (key, color, label) in enumerate(
        (("auto_approval_rate", AUTO, "auto-approved"), ("escalation_rate", HUMAN, "escalated"))
    ):
        values = [row[key] or 0.0 for row in groups]
        ax.bar([i + (offset - 0.5) * width for i in range(len(groups))], values, width=width,
               color=color, label=label)  # fmt: skip
    ax.set_xticks(range(len(groups)), labels)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(frameon=False)
    ax.set_title(title)
    return to_svg(figure)
