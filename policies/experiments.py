"""A/B experiments on routing policies: variants in configuration, deterministic assignment.

An experiment names its arms and what each changes in the router's configuration (the automatic
refund limit, the review cost that sets the risk threshold). A buyer is assigned by a salted
hash of their id, so the same buyer always lands in the same arm (in every process, after every
restart, with no assignment table to keep), and a new salt reshuffles everyone for the next
experiment. The chosen arm is logged with every decision taken under it (the exposure), so the
analysis needs nothing but the decision log.

Arms may only tighten the after-sales policy, never loosen it: the spec's automatic refund limit
($100, REV-6.1) is an upper bound, so an arm can lower it (more cases to a person) but not raise
it. Loading refuses a file that tries.

The file (YAML), e.g. ``data/experiments/refund_limit.yml``::

    experiments:
      - name: refund-limit-2026-12
        salt: 3f1c9a
        arms:
          - {name: control, weight: 50}
          - {name: limit-50, weight: 50, auto_refund_limit: "50.00"}
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from policies.router import RouterConfig
from policies.rules import AUTO_REFUND_LIMIT

# Buckets per experiment: fine enough for 0.01% weights.
BUCKETS = 10_000


class Arm(BaseModel):
    """One variant: its share of buyers and what it changes (None: the default)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    weight: int = Field(gt=0)
    auto_refund_limit: Decimal | None = None
    review_cost: Decimal | None = None

    @field_validator("auto_refund_limit")
    @classmethod
    def _within_policy(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and not Decimal("0") < value <= AUTO_REFUND_LIMIT:
            raise ValueError(
                f"auto_refund_limit must be above 0 and at most the policy's {AUTO_REFUND_LIMIT} "
                "(an arm may tighten the policy, never loosen it)"
            )
        return value

    @field_validator("review_cost")
    @classmethod
    def _positive(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value <= 0:
            raise ValueError("review_cost must be positive")
        return value

    def overrides(self) -> dict[str, str]:
        """What this arm changes, JSON-safe (logged with each exposure)."""
        return {
            key: str(value)
            for key, value in (
                ("auto_refund_limit", self.auto_refund_limit),
                ("review_cost", self.review_cost),
            )
            if value is not None
        }

    def apply(self, config: RouterConfig) -> RouterConfig:
        changes: dict[str, Any] = {}
        if self.auto_refund_limit is not None:
            changes["auto_refund_limit"] = self.auto_refund_limit
        if self.review_cost is not None:
            changes["review_cost"] = self.review_cost
        return replace(config, **changes) if changes else config


class Experiment(BaseModel):
    """Arms and a salt; optionally a time window outside which nobody is exposed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    salt: str = Field(min_length=1)
    arms: tuple[Arm, ...] = Field(min_length=2)
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @model_validator(mode="after")
    def _distinct_arms(self) -> Experiment:
        names = [arm.name for arm in self.arms]
        if len(set(names)) != len(names):
            raise ValueError(f"arms: names must be distinct, got {names}")
        return self

    def bucket(self, buyer_id: str) -> int:
        """The buyer's bucket in [0, BUCKETS): sha256 of salt and id, the same everywhere."""
        digest = hashlib.sha256(f"{self.name}:{self.salt}:{buyer_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % BUCKETS

    def assign(self, buyer_id: str) -> Arm:
        """The buyer's arm: buckets split by weight, in the arms' order."""
        point = self.bucket(buyer_id) * sum(arm.weight for arm in self.arms)
        edge = 0
        for arm in self.arms:
            edge += arm.weight * BUCKETS
            if point < edge:
                return arm
        return self.arms[-1]  # unreachable: point < total * BUCKETS

    def running(self, now: datetime) -> bool:
        return (self.starts_at is None or now >= self.starts_at) and (
            self.ends_at is None or now < self.ends_at
        )


@dataclass(frozen=True)
class Exposure:
    """A buyer's arm in an experiment, as logged with a decision."""

    experiment: str
    arm: str
    bucket: int
    overrides: dict[str, str]

    def to_trace(self) -> dict[str, Any]:
        return {
            "name": self.experiment,
            "arm": self.arm,
            "bucket": self.bucket,
            "overrides": dict(self.overrides),
        }


class ExperimentsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    experiments: tuple[Experiment, ...] = ()

    @model_validator(mode="after")
    def _one_at_a_time(self) -> ExperimentsFile:
        names = [e.name for e in self.experiments]
        if len(set(names)) != len(names):
            raise ValueError(f"experiments: names must be distinct, got {names}")
        return self


class Experiments:
    """The experiments of a file. Routing policies don't compose, so at most one experiment may
    run at a time: the first one running at ``now`` wins."""

    def __init__(self, experiments: Sequence[Experiment] = ()) -> None:
        self.experiments = tuple(experiments)

    @classmethod
    def load(cls, path: Path) -> Experiments:
        """Read a YAML file; a ValueError names the file and the field when it is invalid."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return cls(ExperimentsFile.model_validate(data).experiments)
        except (OSError, yaml.YAMLError, ValueError) as e:
            raise ValueError(f"{path}: {e}") from e

    def route_config(
        self, buyer_id: str, now: datetime, base: RouterConfig
    ) -> tuple[RouterConfig, Exposure | None]:
        """The router configuration for this buyer now, and the exposure to log (None: no
        experiment is running)."""
        for experiment in self.experiments:
            if experiment.running(now):
                arm = experiment.assign(buyer_id)
                exposure = Exposure(
                    experiment.name, arm.name, experiment.bucket(buyer_id), arm.overrides()
                )
                return arm.apply(base), exposure
        return base, None
