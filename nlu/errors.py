"""Exceptions raised by the NLU client. Callers catch :class:`NluError` or a subclass."""


class NluError(Exception):
    """Base class of every NLU failure."""


class NluUnavailable(NluError):
    """Rasa could not be reached, timed out, or answered with a server error.

    The dialogue layer treats this as "a person must help": the message is kept and the case
    is handed over.
    """


class NluBadResponse(NluError):
    """Rasa answered, but not with a parse result this client understands."""


class NluModelNotFound(NluError):
    """No trained model exists for the current training data and pipeline."""
