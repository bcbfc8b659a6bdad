"""Domain errors: what services raise when a rule refuses a request.

Services never speak HTTP. :mod:`portal.errors` maps these errors to responses in one place, for
pages and the JSON API alike: :class:`NotFound` 404, :class:`Forbidden` 403, :class:`Conflict`
409, :class:`Invalid` 422. The messages of :class:`Conflict` and :class:`Invalid` are shown to
the user; :class:`NotFound` and :class:`Forbidden` show the standard text (they must not tell
what exists).
"""

from __future__ import annotations


class DomainError(Exception):
    """A request that the portal's rules refuse."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError, LookupError):
    """The object does not exist, or the user may not know that it exists."""


class Forbidden(DomainError):
    """The user may see the object but not do this to it."""


class Conflict(DomainError, ValueError):
    """The request contradicts the current state (a duplicate, an answered invitation...)."""


class Invalid(DomainError, ValueError):
    """The request's input breaks a rule (a range, a choice, an order of times...)."""
