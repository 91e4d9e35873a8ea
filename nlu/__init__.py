"""Natural-language understanding: a typed client for the Rasa NLU server.

Rasa runs as its own service (its own virtual environment, ``rasa run --enable-api``); this
package owns its project config (``config.yml``), the training entry point and the HTTP client
that turns Rasa's parse dict into a frozen :class:`ParseResult`.
"""

from nlu.client import Parser, RasaHttpParser
from nlu.errors import NluError, NluUnavailable
from nlu.types import Entity, IntentScore, ParseResult, Thresholds

__all__ = [
    "Entity",
    "IntentScore",
    "NluError",
    "NluUnavailable",
    "ParseResult",
    "Parser",
    "RasaHttpParser",
    "Thresholds",
]
