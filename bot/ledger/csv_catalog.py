"""Masters and services named by CSV rows: found by name or id (an id within range), or
created with ``--create-missing``; each looked up once per import."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import InvalidInputError, NotFoundError
from bot.ledger.catalog import create_service, create_staff, find_service, find_staff
from bot.ledger.csv_rows import CsvRow
from db.models import Service, Staff

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
MAX_MINUTES = 24 * 60
_NUMBER = re.compile(r"[0-9]+")


class ImportCatalog:
    """Masters and services found so far in this import, so each name is looked up once.

    Rows roll back to their savepoint on error, so only records that existed before the import
    (or were created by a row that then succeeded) may be remembered: a record created by a
    failing row is forgotten with it.
    """

    def __init__(self) -> None:
        self._staff: dict[str, int] = {}
        self._services: dict[str, int] = {}

    async def staff(self, session: AsyncSession, row: CsvRow, *, create_missing: bool) -> Staff:
        ref = _ref(row, "staff", "master")
        key = ref.strip().lower()
        if key in self._staff and (found := await session.get(Staff, self._staff[key])):
            return found
        try:
            staff = await find_staff(session, ref=ref)
        except NotFoundError:
            if not create_missing or ref.isdigit():
                raise
            return await create_staff(session, name=ref)
        self._staff[key] = staff.id
        return staff

    async def service(
        self, session: AsyncSession, row: CsvRow, *, create_missing: bool
    ) -> Service:
        ref = _ref(row, "service", "service")
        key = ref.strip().lower()
        if key in self._services and (found := await session.get(Service, self._services[key])):
            return found
        try:
            service = await find_service(session, ref=ref)
        except NotFoundError:
            if not create_missing or ref.isdigit():
                raise
            duration = duration_minutes(row)
            minutes = duration if duration is not None and duration > 0 else 60
            return await create_service(
                session, name=ref, duration_minutes=minutes, price=Decimal(0)
            )
        self._services[key] = service.id
        return service


def duration_minutes(row: CsvRow) -> int | None:
    """The row's ``duration_minutes`` (None when empty); refused unless 0…1440."""
    text = row.get("duration_minutes")
    if not text:
        return None
    if not _NUMBER.fullmatch(text) or len(text) > 4 or int(text) > MAX_MINUTES:
        raise InvalidInputError(
            f"duration_minutes {text!r} is not a whole number of minutes up to {MAX_MINUTES}",
            code="csv_minutes",
            params={"text": text, "high": MAX_MINUTES},
        )
    return int(text)


def _ref(row: CsvRow, column: str, what: str) -> str:
    """The ``column`` cell naming a master or a service: a name, or an id within range."""
    ref = row.get(column)
    if not ref:
        raise InvalidInputError(
            f"{column} is empty: name the {what}", code="csv_empty_ref", params={"column": column}
        )
    if ref.isdigit() and (not _NUMBER.fullmatch(ref) or len(ref) > 10 or int(ref) > MAX_ID):
        raise InvalidInputError(
            f"{column} {ref!r} is not a {what} id ShowUp can have (ids go up to {MAX_ID})",
            code="csv_ref_range",
            params={"column": column, "text": ref, "high": MAX_ID},
        )
    return ref
