"""The value types every request of the REST API is read with.

Each one refuses, with a 422 naming the field, what the database or the date arithmetic behind
the API could not hold, so bad input never reaches a layer that would fail with a 500:

- ``Id``: every record id in a path, a query or a body (1 … 2**31 - 1);
- ``PlainText``: a string in a query: no NUL character, no lone UTF-16 surrogate (every string
  of every body is held to the same by ``schemas.Body``);
- ``When`` / ``Day``: every datetime and date (years 1900 … 2999);
- ``Omittable[T]``: a PATCH field that may be left out (kept as it is) but is never ``null``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, TypeVar

import annotated_types
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

#: the largest id the schema can hold on every backend: ids are PostgreSQL ``integer`` columns
ID_MAX = 2**31 - 1
#: dates the ledger accepts: far from the limits of ``datetime`` (years 1 … 9999), so a day added
#: to a date or a zone offset applied to a time never overflows
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)

Id = Annotated[int, annotated_types.Ge(1), annotated_types.Le(ID_MAX)]


def storable_text(value: str) -> str:
    """``value`` unless it holds a character no database column can store."""
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "text must not contain the NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError(
            "lone_surrogate",
            "text must not contain a lone UTF-16 surrogate (\\ud800-\\udfff); "
            "send valid UTF-8 or a complete surrogate pair",
        ) from None
    return value


PlainText = Annotated[str, AfterValidator(storable_text)]


def _in_calendar(day: date, shown: str) -> None:
    if not EARLIEST <= day <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            "{value} is outside the dates ShowUp keeps ({earliest} to {latest})",
            {"value": shown, "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )


def _check_datetime(value: datetime) -> datetime:
    _in_calendar(value.date(), value.isoformat())
    return value


def _check_date(value: date) -> date:
    _in_calendar(value, value.isoformat())
    return value


_CALENDAR = f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}"
When = Annotated[datetime, AfterValidator(_check_datetime), Field(description=_CALENDAR)]
Day = Annotated[date, AfterValidator(_check_date), Field(description=_CALENDAR)]


def _not_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError(
            "null_not_allowed", "must not be null: leave the field out to keep its value"
        )
    return value


T = TypeVar("T")
#: optional in a PATCH body, never null: the schema shows only ``T``, an explicit null is a 422
Omittable = Annotated[T | SkipJsonSchema[None], BeforeValidator(_not_null)]
