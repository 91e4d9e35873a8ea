"""Running the metrics: the scope's facts materialised once (`cached`), results as plain Python
values, and the contract's summary (`GET /v1/analytics/summary`)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from bot.analytics.metrics_cases import (
    automation,
    case_facts,
    fallback,
    message_intents,
)
from bot.analytics.metrics_outcomes import (
    csat,
    money,
    resolutions,
)
from bot.analytics.metrics_scope import (
    REFUND,
    SCORES,
    Scope,
    scope,
)
from bot.analytics.tables import Tables, Window


@contextmanager
def cached(s: Scope) -> Iterator[Scope]:
    """The scope with its case facts and resolutions materialised once (a DuckDB temporary
    table in memory, a persisted Spark DataFrame), released on exit. Most report queries
    start from them; without this each would join the decisions and actions (and, for
    resolutions, the messages) again. The definitions do not change."""
    facts = case_facts(s).cache()
    try:
        with_facts = replace(s, facts=facts)
        resolved = resolutions(with_facts).cache()
        try:
            yield replace(with_facts, resolved=resolved)
        finally:
            resolved.release()
    finally:
        facts.release()


# --- materialising --------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A materialised value as plain JSON-able Python: NaN/NaT -> None, numpy -> int/float
    (six decimals), Decimal -> float (cents), timestamps -> ISO 8601 UTC."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, Decimal):
        return round(float(value), 2)
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        # Six decimals: enough for any rate, and no 2.8000000000000003 in the JSON.
        return None if math.isnan(value) else round(float(value), 6)
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
        return stamp.isoformat().replace("+00:00", "Z")
    return value


def records(expr: ir.Table) -> list[dict[str, Any]]:
    """The rows of a result table as plain dicts (column order kept)."""
    frame = expr.execute()
    return [
        {column: plain(value) for column, value in zip(frame.columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def one_row(expr: ir.Table) -> dict[str, Any]:
    rows = records(expr)
    if len(rows) != 1:
        raise ValueError(f"expected one row, got {len(rows)}")
    return rows[0]


def count(expr: ir.Table) -> int:
    return int(expr.count().execute())


# --- the contract's summary -----------------------------------------------------------------------


def measure_summary(s: Scope) -> dict[str, Any]:
    """What the summary needs, materialised (the report reuses it)."""
    return {
        "conversations": count(s.conversations),
        "automation": one_row(automation(s)),
        "fallback": one_row(fallback(s)),
        "message_intents": records(message_intents(s)),
        "money": records(money(s)),
        "csat": records(csat(s)),
    }


def summary(tables: Tables, since: datetime, until: datetime) -> dict[str, Any]:
    """``GET /v1/analytics/summary``: the contract's keys, extended (never renamed)."""
    window = Window(since, until)
    return summary_from(window, measure_summary(scope(tables, window)))


def summary_from(window: Window, measured: dict[str, Any]) -> dict[str, Any]:
    auto, fb = measured["automation"], measured["fallback"]
    return {
        "window": window.to_dict(),
        "conversations": measured["conversations"],
        "case_conversations": auto["case_conversations"],
        "automation_rate": auto["automation_rate"],
        "escalation_rate": auto["escalation_rate"],
        "fallback_rate": fb["rate"],
        "automation": {"numerator": auto["automated"], "denominator": auto["case_conversations"]},
        "escalation": {"numerator": auto["escalated"], "denominator": auto["case_conversations"]},
        "fallback": {"numerator": fb["numerator"], "denominator": fb["denominator"]},
        "intents": {row["intent"]: row["messages"] for row in measured["message_intents"]},
        "refunds": refunds_from(measured["money"], REFUND),
        "money": refunds_from(measured["money"], None),
        "csat": csat_from(measured["csat"]),
    }


def refunds_from(rows: list[dict[str, Any]], type_: str | None) -> dict[str, Any]:
    """``{"auto": {"count", "amount": {currency: sum}}, "human": {...}}`` for one action type
    (``None``: every type)."""
    out: dict[str, Any] = {by: {"count": 0, "amount": {}} for by in ("auto", "human")}
    for row in rows:
        if type_ is not None and row["type"] != type_:
            continue
        side = out[row["by"]]
        side["count"] += row["actions"]
        amount = side["amount"]
        amount[row["currency"]] = round(amount.get(row["currency"], 0.0) + row["amount"], 2)
    return out


def csat_from(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"mean", "count", "distribution": {"1".."5"}, "by_route": {"auto", "human"}}``."""

    def shaped(row: dict[str, Any] | None) -> dict[str, Any]:
        row = row or {}
        mean = row.get("mean")
        return {
            "mean": None if mean is None else round(mean, 3),
            "count": row.get("ratings", 0),
            "distribution": {str(k): row.get(f"score_{k}", 0) for k in SCORES},
        }

    by_route = {row["route"]: row for row in rows}
    overall = shaped(by_route.get("all"))
    overall["by_route"] = {route: shaped(by_route.get(route)) for route in ("auto", "human")}
    return overall
