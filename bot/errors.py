"""One exception hierarchy for the whole application.

Only the edges (the API, the CLI, the messenger handlers) turn these into a user message or an
HTTP status; everything below raises them with a message a person can act on.
"""

from __future__ import annotations

from collections.abc import Mapping


class ShowUpError(Exception):
    """Base of every error ShowUp raises on purpose."""


class ConfigError(ShowUpError):
    """The configuration is missing or wrong; the message names the variable."""


class DomainError(ShowUpError):
    """A business rule refused the operation; nothing was written.

    ``str(error)`` is the full English wording. ``code`` and ``params``, when given, let an edge
    word it in its reader's language instead (the admin texts do: ``error.<code>``).
    """

    def __init__(
        self, message: str, *, code: str | None = None, params: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params: dict[str, object] = dict(params or {})


class NotFoundError(DomainError):
    """The referenced record does not exist."""


class ConflictError(DomainError):
    """The operation contradicts existing data (a taken slot, a duplicate phone...)."""


class IllegalTransitionError(ConflictError):
    """An appointment cannot go from its current state through the requested action."""


class InvalidInputError(DomainError):
    """A value is malformed; ``field`` names it when known."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, code=code, params=params)
        self.field = field


class DatabaseNotReadyError(ShowUpError):
    """The database schema is missing or older than the code expects."""
