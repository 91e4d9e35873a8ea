"""The router: resolve a case automatically or hand it to a person, and say why.

- `levels`: `route` / `route_many` and the precedence of the four levels (start here).
- `thresholds`: the level-4 cost rule and the per-region equalized-odds thresholds.
- `config`: `RouterConfig`, the exposure of a remedy and the regional price index.
- `account_age`: on a bounded exposure, a new account alone does not raise the score.
- `case`: what the router reads (`RoutingCase`, `RiskScorer`); `decision`: what it answers
  (`Decision`, `Route`, `Level`) and the trace.

This package re-exports only what code outside it imports.
"""

from policies.router.case import RiskScorer, RoutingCase
from policies.router.config import (
    DEFAULT_ESTABLISHED_ACCOUNT_DAYS,
    DEFAULT_RETURN_EXPOSURE_SHARE,
    DEFAULT_REVIEW_CATCH_RATE,
    DEFAULT_REVIEW_COST,
    RouterConfig,
)
from policies.router.decision import Decision, Level, Route
from policies.router.levels import route, route_many
from policies.router.thresholds import (
    RegionThresholds,
    auto_by_risk,
    case_uniform,
    p_abuse_threshold,
)

__all__ = [
    "DEFAULT_ESTABLISHED_ACCOUNT_DAYS",
    "DEFAULT_RETURN_EXPOSURE_SHARE",
    "DEFAULT_REVIEW_CATCH_RATE",
    "DEFAULT_REVIEW_COST",
    "Decision",
    "Level",
    "RegionThresholds",
    "RiskScorer",
    "Route",
    "RouterConfig",
    "RoutingCase",
    "auto_by_risk",
    "case_uniform",
    "p_abuse_threshold",
    "route",
    "route_many",
]
