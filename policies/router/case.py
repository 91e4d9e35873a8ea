"""What the router reads: one case (`RoutingCase`) and, for level 4, a risk model (`RiskScorer`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
import pandas as pd

from policies.types import BuyerHistory, Claim, Order, require_aware


class RiskScorer(Protocol):
    """What the router needs from a risk model (`policies.risk.RiskModel` is one)."""

    @property
    def version(self) -> str: ...

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray: ...


@dataclass(frozen=True)
class RoutingCase:
    """Everything the router looks at for one case.

    `order`, `claim` and `history` go together (a claim needs its order and the buyer's
    REV-6.2 counts); they are None for a message that makes no claim (a policy question, "where
    is my parcel"). `risk_features` is a `policies.features.case_features` dict.
    """

    now: datetime
    nlu_intent: str
    nlu_confidence: float
    nlu_fallback_reason: str | None = None
    order: Order | None = None
    claim: Claim | None = None
    history: BuyerHistory | None = None
    retrieval_confident: bool | None = None
    risk_features: Mapping[str, object] | None = None
    voucher_already_given: bool = False
    case_id: str | None = None
    # The buyer's market (e.g. "SG"); only read when RouterConfig.price_index is set.
    region: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.now, "now")
        if self.claim is not None and (self.order is None or self.history is None):
            raise ValueError(
                "a RoutingCase with a claim needs its order and the buyer's history "
                "(BuyerHistory.from_orders) for the REV-6.2 review flags"
            )
