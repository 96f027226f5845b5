"""One exception hierarchy for the whole application.

Only the edges (the API, the CLI, the messenger handlers) turn these into a user message or an
HTTP status; everything below raises them with a message a person can act on.
"""

from __future__ import annotations


class ShowUpError(Exception):
    """Base of every error ShowUp raises on purpose."""


class ConfigError(ShowUpError):
    """The configuration is missing or wrong; the message names the variable."""


class DomainError(ShowUpError):
    """A business rule refused the operation; nothing was written."""


class NotFoundError(DomainError):
    """The referenced record does not exist."""


class ConflictError(DomainError):
    """The operation contradicts existing data (a taken slot, a duplicate phone...)."""


class IllegalTransitionError(ConflictError):
    """An appointment cannot go from its current state through the requested action."""


class InvalidInputError(DomainError):
    """A value is malformed; ``field`` names it when known."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class DatabaseNotReadyError(ShowUpError):
    """The database schema is missing or older than the code expects."""
