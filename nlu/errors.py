"""Exceptions raised by the NLU client. Callers catch :class:`NluError` or a subclass.

They are kinds of the project's tree (`common.errors`): Rasa down or too slow is a dependency
``Unavailable``; any other failure is a ``DependencyFailed``. Their text names Rasa's address
and the cause, for the logs; a client is told only ``public_message``.
"""

from __future__ import annotations

from common.errors import DependencyFailed, Unavailable


class NluError(DependencyFailed):
    """Base class of every NLU failure."""

    code = "nlu_bad_response"
    public_message = "the language-understanding service failed"


class NluUnavailable(Unavailable, NluError):
    """Rasa could not be reached, timed out, or answered with a server error.

    The dialogue layer treats this as "a person must help": the message is kept and the case
    is handed over.
    """

    code = "nlu_unavailable"
    public_message = "the language-understanding service is unavailable"


class NluBadResponse(NluError):
    """Rasa answered, but not with a parse result this client understands."""


class NluModelNotFound(NluError):
    """No trained model exists for the current training data and pipeline."""
