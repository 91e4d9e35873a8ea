"""The one place where Rasa's parse dict becomes a :class:`ParseResult`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nlu.errors import NluBadResponse
from nlu.reconcile import reconcile
from nlu.types import (
    OUT_OF_SCOPE,
    REGEX_EXTRACTOR,
    STRUCTURED_ENTITIES,
    Entity,
    IntentScore,
    ParseResult,
    Thresholds,
)

# Rasa's FallbackClassifier injects this pseudo-intent; the client applies its own thresholds
# (settings) on the real ranking instead, so it is dropped here.
RASA_FALLBACK_INTENT = "nlu_fallback"
# The parse keys the MessageLabels components add (nlu/config.yml), each {"name", "confidence"}.
MESSAGE_LABELS = ("dialogue_act", "claim_reason")


def parse_result_from_rasa(
    payload: Mapping[str, Any], text: str, thresholds: Thresholds
) -> ParseResult:
    """Convert a ``POST /model/parse`` answer, applying the out-of-scope thresholds."""
    try:
        ranking = tuple(
            IntentScore(name=str(item["name"]), confidence=float(item["confidence"]))
            for item in payload.get("intent_ranking") or ()
            if item.get("name") != RASA_FALLBACK_INTENT
        )
        if not ranking and payload.get("intent"):
            top = payload["intent"]
            if top.get("name") and top["name"] != RASA_FALLBACK_INTENT:
                ranking = (IntentScore(str(top["name"]), float(top["confidence"])),)
        entities = tuple(
            Entity(
                entity=str(e["entity"]),
                value=str(e["value"]),
                start=int(e["start"]),
                end=int(e["end"]),
                extractor=e.get("extractor"),
                confidence=_float_or_none(e.get("confidence_entity")),
            )
            for e in payload.get("entities") or ()
        )
        labels = {key: _label(payload.get(key)) for key in MESSAGE_LABELS}
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise NluBadResponse(f"unexpected parse payload from Rasa: {e!r}") from e

    ranking = tuple(sorted(ranking, key=lambda i: i.confidence, reverse=True))
    intent, reason = _apply_thresholds(ranking, thresholds)
    return reconcile(
        ParseResult(
            text=text,
            intent=intent,
            intent_ranking=ranking,
            entities=resolve_overlaps(tuple(e for e in entities if plausible(e))),
            fallback_reason=reason,
            **labels,
        )
    )


def _apply_thresholds(
    ranking: tuple[IntentScore, ...], thresholds: Thresholds
) -> tuple[IntentScore, str | None]:
    if not ranking:
        return IntentScore(OUT_OF_SCOPE, 0.0), "no_intent"
    top = ranking[0]
    if top.name == OUT_OF_SCOPE:
        return top, None
    if top.confidence < thresholds.confidence:
        return IntentScore(OUT_OF_SCOPE, top.confidence), "low_confidence"
    second = ranking[1].confidence if len(ranking) > 1 else 0.0
    # A tolerance so that a margin equal to the threshold (0.5 - 0.4) is not lost to rounding.
    if top.confidence - second < thresholds.ambiguity - 1e-9:
        return IntentScore(OUT_OF_SCOPE, top.confidence), "ambiguous"
    return top, None


# Order and tracking numbers are typed with several digits (the contract's shortest form is
# "#1042"); a number DIET tags as one from its context alone ("6 days after the date") is not.
_MIN_DIGITS = {"order_id": 3, "tracking_number": 6}


def plausible(entity: Entity) -> bool:
    """False for an id DIET guessed that cannot be one (too few digits); the regex extractor's
    ids are plausible by construction."""
    least = _MIN_DIGITS.get(entity.entity)
    if least is None or entity.extractor == REGEX_EXTRACTOR:
        return True
    return sum(ch.isdigit() for ch in entity.value) >= least


def resolve_overlaps(entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
    """Keep one entity per overlapping span.

    Rasa's DIET and the regex extractor often both tag an order number. For structured
    entities the regex span is exact, so it wins; otherwise the longer span wins.
    """

    def rank(e: Entity) -> tuple[int, int, float]:
        structured_regex = e.extractor == REGEX_EXTRACTOR and e.entity in STRUCTURED_ENTITIES
        return (int(structured_regex), e.end - e.start, e.confidence or 0.0)

    kept: list[Entity] = []
    for candidate in sorted(entities, key=rank, reverse=True):
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return tuple(sorted(kept, key=lambda e: (e.start, e.end)))


def _label(value: Any) -> IntentScore | None:
    if value is None:
        return None
    return IntentScore(name=str(value["name"]), confidence=float(value["confidence"]))


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)
