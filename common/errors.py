"""The project's one exception tree: a root and a few kinds, by what went wrong.

Every error the project raises on purpose derives from one kind (a package may put its own
root in between, e.g. ``StoreError``), and each kind carries the stable ``code`` of the
contract's error envelope ``{"error": {"code", "message", "field"?}}`` (contract.md, section
3); an instance may name a more precise code (``override_required``, ``conversation_closed``).
What a kind means over HTTP (its status, headers) is decided in one place only,
``bot/api/errors.py``, so no route maps errors itself.

This module imports nothing of the project (nlu, retrieval and policies import it) and only
the standard library, and stays valid on the Rasa environment's Python too (``nlu`` is
imported there on the way to its components).
"""

from __future__ import annotations


class AftersalesError(Exception):
    """The root. Raised as such (or through a package root that adds no kind) it is the bot's
    own fault: a missing or broken artifact, a misconfiguration, a bug. Over HTTP that is a
    500 ``internal_error`` whose message is logged, never shown.

    ``code``: the envelope's code (the kind's by default). ``field``: the request field to fix,
    when there is one. ``public_message``: what a client is told instead of ``str(error)``,
    for errors whose text is for the logs (a dependency's address, a timeout's details).
    """

    code: str = "internal_error"
    field: str | None = None
    public_message: str | None = None

    def __init__(self, *args: object, code: str | None = None, field: str | None = None) -> None:
        super().__init__(*args)
        if code is not None:
            self.code = code
        if field is not None:
            self.field = field


class InvalidInput(AftersalesError):
    """A request value is wrong; ``field`` names it and the message starts with it."""

    code = "validation_error"


class Unauthorized(AftersalesError):
    """No credentials, or ones that do not prove who the caller is."""

    code = "unauthorized"


class Forbidden(AftersalesError):
    """The caller is known but may not do this (a buyer token on an agent endpoint)."""

    code = "forbidden"


class NotFound(AftersalesError, LookupError):
    """No such thing, or not the caller's: the same answer either way, so nothing leaks.

    Raised with the thing's id; the message reads "<what> <id> not found", ``what`` given by
    the subclass: ``class CaseNotFound(NotFound, what="case")``.
    """

    code = "not_found"
    what = "resource"

    def __init_subclass__(cls, what: str | None = None, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if what is not None:
            cls.what = what

    def __init__(self, key: object, *, code: str | None = None) -> None:
        super().__init__(f"{self.what} {key} not found", code=code)
        self.key = key


class Conflict(AftersalesError):
    """The thing exists but its state does not allow this (a closed case, a second cancel)."""

    code = "conflict"


class RateLimited(AftersalesError):
    """A per-caller limit is reached; ``retry_after_s`` says when to try again (at least 1)."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.message, self.retry_after_s = message, max(1, int(retry_after_s))


class TooLarge(AftersalesError):
    """The request is bigger than the bot accepts."""

    code = "payload_too_large"


class Unavailable(AftersalesError):
    """Something the request needs is down or not configured; trying later may work."""

    code = "service_unavailable"


class DependencyFailed(AftersalesError):
    """A service the bot depends on answered, but not with anything usable."""

    code = "dependency_failed"


__all__ = [
    "AftersalesError",
    "Conflict",
    "DependencyFailed",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "RateLimited",
    "TooLarge",
    "Unauthorized",
    "Unavailable",
]
