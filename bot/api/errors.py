"""How the REST API answers a refusal, and how the OpenAPI documents those answers.

Two shapes, both under ``detail``:

- a request that does not fit the schema (FastAPI's validation): ``422`` with
  ``{"detail": [{"loc": [...], "msg": ..., "type": ...}, ...]}``, one entry per wrong field;
- a refusal by the ledger: ``{"detail": "<sentence>", "field": "<name>"}`` (``field`` only when
  one field is to blame) with ``404`` (no such record), ``409`` (contradicts the data), ``422``
  (a value the rules refuse) or ``503`` (the database is not set up).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from bot.errors import (
    ConflictError,
    DatabaseNotReadyError,
    DomainError,
    InvalidInputError,
    NotFoundError,
)

logger = logging.getLogger(__name__)

#: refusals an integrator may branch on: booking sanity (see ``bot.ledger.booking_rules``)
PUBLIC_CODES = frozenset({"past", "busy", "time_off", "outside_hours", "buffer", "held"})

_STATUS = (
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (ConflictError, status.HTTP_409_CONFLICT),
    (InvalidInputError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (DatabaseNotReadyError, status.HTTP_503_SERVICE_UNAVAILABLE),
)


def _encodable(content: Any) -> Any:
    if isinstance(content, str):
        return content.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(content, dict):
        return {_encodable(key): _encodable(value) for key, value in content.items()}
    if isinstance(content, list | tuple):
        return [_encodable(item) for item in content]
    return content


class SafeJSONResponse(JSONResponse):
    """JSON whose encoding cannot fail: a lone surrogate (which UTF-8 cannot carry) that a
    refused request echoes back is written out as the text ``\\ud800`` instead of a 500."""

    def render(self, content: Any) -> bytes:
        return super().render(_encodable(content))


class ErrorOut(BaseModel):
    detail: str
    field: str | None = None
    code: str | None = None


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    detail: list[ValidationIssue]


def _documented(description: str, model: Any) -> dict[str, Any]:
    return {"description": description, "model": model}


#: the answers every /api/v1 operation may give besides its success
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("the body could not be read (not UTF-8 JSON)", ErrorOut),
    401: _documented("missing or wrong API token", ErrorOut),
    422: _documented(
        "a field is invalid: the schema's list of issues, or the ledger's sentence and field",
        ValidationErrorOut | ErrorOut,
    ),
    503: _documented("the database is not set up yet", ErrorOut),
}
#: the answers of operations that look records up or change them
RECORD_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: _documented("a record named in the path or the body does not exist", ErrorOut),
    409: _documented("the change contradicts the data (a taken slot, a duplicate…)", ErrorOut),
}


async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
    """A ``ShowUpError`` raised below the API, as its status and sentence."""
    code = next((c for kind, c in _STATUS if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
    body: dict[str, object] = {"detail": str(exc)}
    if isinstance(exc, InvalidInputError) and exc.field:
        body["field"] = exc.field
    if isinstance(exc, DomainError) and exc.code in PUBLIC_CODES:
        body["code"] = exc.code
    return SafeJSONResponse(status_code=code, content=body)


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own 422, rendered so that no input it echoes can make it fail."""
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for that type only
    return SafeJSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": jsonable_encoder(exc.errors())},
    )


def _broken_unique_constraint(exc: IntegrityError) -> str | None:
    """The unique constraint ``exc`` reports, or None for any other integrity error."""
    cause = exc.orig.__cause__ if exc.orig is not None else None
    if getattr(cause, "sqlstate", None) == "23505":  # asyncpg's unique_violation
        return str(getattr(cause, "constraint_name", None) or "unique")
    if getattr(exc.orig, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE":
        return str(exc.orig).removeprefix("UNIQUE constraint failed: ")
    return None


async def integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    """A unique value taken by a request that ran at the same time as this one: ``409``.

    The ledger checks uniqueness before writing; only a concurrent write gets past that check.
    Any other integrity error is a bug and stays a 500.
    """
    assert isinstance(exc, IntegrityError)  # noqa: S101 - registered for that type only
    constraint = _broken_unique_constraint(exc)
    if constraint is None:
        raise exc
    logger.warning("a concurrent write took a unique value first (%s)", constraint)
    return SafeJSONResponse(
        status_code=status.HTTP_409_CONFLICT,
        content={"detail": f"that value was just taken by another change ({constraint})"},
    )
