"""Typed values that cross the NLU package boundary."""

from __future__ import annotations

from dataclasses import dataclass

OUT_OF_SCOPE = "out_of_scope"

# Extractors whose spans come from the project's regexes: for structured ids they are exact,
# so on an overlap they win over DIET's learned guess.
REGEX_EXTRACTOR = "RegexEntityExtractor"
STRUCTURED_ENTITIES = frozenset({"order_id", "tracking_number", "email", "amount"})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a parse is reported as ``out_of_scope`` instead of its best intent.

    ``confidence``: the best intent's confidence must be at least this.
    ``ambiguity``: the best intent must lead the second by at least this margin.

    The confidence default is the threshold that maximised macro-F1 (out_of_scope included) on
    the 5-fold out-of-fold predictions of the training data (`make cv-nlu`, thresholds.json).
    """

    confidence: float = 0.45
    ambiguity: float = 0.1

    def __post_init__(self) -> None:
        for name in ("confidence", "ambiguity"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"threshold {name}={value} must be between 0 and 1")


# The multilingual model's own (issue 16), picked on the dev split of data/nlu/multilingual
# (lab/nlu/calibrate_multilingual.py, README "NLU in six languages"); never on the blind sets.
# Re-chosen 2026-12-03 for the 15-epoch model trained with the added id/vi data (was 0.45/0.0).
MULTILINGUAL_THRESHOLDS = Thresholds(confidence=0.35, ambiguity=0.05)


@dataclass(frozen=True, slots=True)
class IntentScore:
    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Entity:
    entity: str
    value: str
    start: int
    end: int
    extractor: str | None = None
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class ParseResult:
    """One message as the NLU understood it.

    ``intent`` is what the bot acts on: the model's best intent, or ``out_of_scope`` when the
    thresholds rejected it (then ``fallback_reason`` says why). ``intent_ranking`` is the raw
    ranking of the model, always kept. ``read_by`` is ``"sentence"`` when a long message's
    intent came from one of its sentences (``nlu.long_text``), else ``"whole"``.
    """

    text: str
    intent: IntentScore
    intent_ranking: tuple[IntentScore, ...] = ()
    entities: tuple[Entity, ...] = ()
    fallback_reason: str | None = None
    read_by: str = "whole"
    # What the message does (question / request / inform) and what went wrong, as named in it
    # (damaged, wrong_item, not_received, late_delivery, change_of_mind, none): the
    # MessageLabels components' labels; None when the model has no such component.
    dialogue_act: IntentScore | None = None
    claim_reason: IntentScore | None = None
    # The rule of nlu.reconcile that settled the intent from the act and reason, if one did.
    reconciled: str | None = None
    # The buyer's own text when the NLU read it with misspelt words corrected (nlu.spelling):
    # ``text`` is then the corrected text, the one the entity offsets index. None otherwise.
    typed: str | None = None

    @property
    def top_intent(self) -> IntentScore:
        """The model's own best intent, before thresholds."""
        return self.intent_ranking[0] if self.intent_ranking else self.intent

    def entity_values(self, name: str) -> list[str]:
        return [e.value for e in self.entities if e.entity == name]

    @classmethod
    def from_dict(cls, data: dict) -> ParseResult:
        """The inverse of `to_dict` (the dialogue keeps a part of a message read but not yet
        handled in its state); the text is not in that shape, so it is stored beside it."""

        def label(key: str) -> IntentScore | None:
            value = data.get(key)
            return None if value is None else IntentScore(value["name"], value["confidence"])

        return cls(
            text=data.get("text", ""),
            intent=IntentScore(data["intent"]["name"], data["intent"]["confidence"]),
            intent_ranking=tuple(
                IntentScore(i["name"], i["confidence"]) for i in data.get("intent_ranking", ())
            ),
            entities=tuple(
                Entity(e["entity"], e["value"], e["start"], e["end"])
                for e in data.get("entities", ())
            ),
            fallback_reason=data.get("fallback_reason"),
            read_by=data.get("read_by", "whole"),
            dialogue_act=label("dialogue_act"),
            claim_reason=label("claim_reason"),
            reconciled=data.get("reconciled"),
        )

    def to_dict(self) -> dict:
        """The contract's JSON shape of ``POST /v1/nlu/parse``."""
        out: dict = {
            "intent": {"name": self.intent.name, "confidence": self.intent.confidence},
            "intent_ranking": [
                {"name": i.name, "confidence": i.confidence} for i in self.intent_ranking
            ],
            "entities": [
                {"entity": e.entity, "value": e.value, "start": e.start, "end": e.end}
                for e in self.entities
            ],
        }
        if self.fallback_reason:
            out["fallback_reason"] = self.fallback_reason
        if self.read_by != "whole":
            out["read_by"] = self.read_by
        if self.reconciled:
            out["reconciled"] = self.reconciled
        for key in ("dialogue_act", "claim_reason"):
            label = getattr(self, key)
            if label is not None:
                out[key] = {"name": label.name, "confidence": label.confidence}
        if self.typed is not None:
            # Stored with the turn beside the buyer's own text: what the NLU read instead
            # (nlu.spelling). Not in the contract's shapes (their response models drop it).
            out["read_as"] = self.text
        return out
