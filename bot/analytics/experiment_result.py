"""The result of the routing-experiment analysis: per-arm results, comparisons, guardrails,
their JSON form, and the metric definitions (`bot.analytics.experiments` computes it;
`bot.analytics.experiment_render` writes it as Markdown, HTML and figures)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.analytics.experiment_stats import Interval, Test
from bot.store.cases import CaseStatus

if TYPE_CHECKING:
    pass


CONTROL = "control"
BOT_ACTOR = "bot"
DECLINED = CaseStatus.DECLINED
# Statuses only the agent queue gives a case: it was escalated, whatever its route says.
AGENT_STATUSES = (CaseStatus.WAITING_FOR_AGENT, CaseStatus.RETURNED_TO_BOT, CaseStatus.CLOSED)
UNKNOWN = "unknown"
FAIRNESS_LIMIT = 0.05  # the largest tolerated gap in auto-approval rate between regions
SRM_ALPHA = 0.001  # a sample-ratio mismatch this unlikely means the assignment is broken
MIN_CASES = 30  # per arm, below which no comparison is worth reading
MIN_RATINGS = 10
MIN_REGION_CASES = 10
PRIMARY = "expected_loss_per_case"
# The metrics whose inconclusive comparison earns a warning with its minimum detectable effect.
KEY_METRICS = (PRIMARY, "realised_loss_per_case", "automation_rate", "escalation_rate", "csat")
# Loss metric -> (sum column, count column) of the per-arm and per-buyer aggregates.
LOSS_COLUMNS = {
    "expected_loss_per_case": ("expected_loss", "cases"),
    "realised_loss_per_case": ("realised_loss", "realised_cases"),
}
DEFINITIONS = {
    "unit": "A case conversation (as the summary and fairness count them): its arm is that of"
    " its latest decision under the experiment; 'cases' per arm count these.",
    "automated": "As in the summary: no case of it reached an agent and the bot closed one"
    " (resolved, or declined: a refusal the bot explained).",
    "escalated": "A case of it reached the agent queue (a refusal by the rules, routed 'human'"
    " too, does not).",
    "auto_approval_rate": "Cases on which the bot executed an action with an amount / cases.",
    "band_automation_rate": "Automation rate of the cases whose amount lies between the arms'"
    " automatic refund limits: the only cases a limit can route differently (the amount is"
    " fixed before routing, so the comparison stays randomised).",
    "expected_loss_per_case": "Automated: trace p(abuse) x amount (0 if unscored); escalated:"
    " review cost; refused: 0. Mean per case; bootstrap CI over buyers.",
    "realised_loss_per_case": "Bot payouts on claims the truth file marks not genuine, plus the"
    " review cost of escalated cases. Mean per case; bootstrap CI over buyers.",
    "csat": "Mean 1-5 rating of rated cases (asked after a bot resolution); t CI, Welch t-test"
    " and Mann-Whitney U against control.",
    "fairness_gap": f"max - min over regions (>= {MIN_REGION_CASES} cases) of the auto-approval"
    " rate; bootstrap CI resampling cases within regions.",
    "srm": f"Chi-square of buyers per arm against the design's weights; p < {SRM_ALPHA} warns.",
}

# --- the result -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Guardrail:
    """A warning about an experiment: what, about which metric and arm, and in words."""

    code: str
    message: str
    metric: str | None = None
    arm: str | None = None


@dataclass(frozen=True)
class ArmResult:
    name: str
    weight: float
    overrides: dict[str, str]
    buyers: int
    cases: int
    triggered: int  # cases whose amount lies between the arms' automatic refund limits
    metrics: dict[str, Interval]
    regions: list[dict[str, Any]]
    regions_differ_p: float | None = None  # chi-square: do the regions' rates differ at all


@dataclass(frozen=True)
class ExperimentResult:
    name: str
    control: str
    design: str  # where the weights came from
    arms: list[ArmResult]
    comparisons: dict[str, dict[str, Test]]  # arm -> metric -> test against control
    srm: dict[str, Any]
    guardrails: list[Guardrail]

    def arm(self, name: str) -> ArmResult:
        return next(a for a in self.arms if a.name == name)


@dataclass(frozen=True)
class ExperimentReport:
    experiments: list[ExperimentResult]
    alpha: float
    power: float
    truth: bool
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (no NaN, no Decimal): what `experiments.json` and the report hold."""
        return _json_safe(
            {
                "kind": "aftersales-experiment-report",
                "version": 1,
                "alpha": self.alpha,
                "power": self.power,
                "primary_metric": PRIMARY,
                "truth": self.truth,
                "definitions": DEFINITIONS,
                "notes": self.notes,
                "experiments": [_experiment_dict(e) for e in self.experiments],
            }
        )

    def definitions(self) -> dict[str, str]:
        return dict(DEFINITIONS)


def _experiment_dict(e: ExperimentResult) -> dict[str, Any]:
    return {
        "name": e.name,
        "control": e.control,
        "design": e.design,
        "srm": e.srm,
        "arms": [
            {
                "name": a.name,
                "weight": a.weight,
                "overrides": a.overrides,
                "buyers": a.buyers,
                "cases": a.cases,
                "triggered_cases": a.triggered,
                "metrics": {k: v.to_dict() for k, v in a.metrics.items()},
                "regions": a.regions,
                "regions_differ_p_value": a.regions_differ_p,
            }
            for a in e.arms
        ],
        "comparisons": {
            arm: {
                metric: test.to_dict() | {"significant": test.significant()}
                for metric, test in tests.items()
            }
            for arm, tests in e.comparisons.items()
        },
        "guardrails": [g.__dict__ for g in e.guardrails],
    }


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    return value
