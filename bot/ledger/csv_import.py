"""Importing appointments from a CSV export of another booking system.

Each good row is kept even when others are bad: every row runs in its own savepoint, and a bad
row is reported with its line number and reason. Re-importing the same file changes nothing,
because (source, external_id) identifies an appointment.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import Action, Actor, AppointmentStatus, CancelledBy
from bot.domain.reminders import ReminderRules
from bot.domain.timeutil import localize
from bot.errors import InvalidInputError, NotFoundError, ShowUpError
from bot.ledger.appointments import (
    BookingRequest,
    Who,
    book,
    cancel_appointment,
    find_by_external_id,
    mark_appointment,
)
from bot.ledger.attendance import AttendancePolicy
from bot.ledger.catalog import create_service, create_staff, find_service, find_staff
from bot.ledger.clients import find_or_create_by_phone
from db.models import Service, Staff

REQUIRED_COLUMNS = ("external_id", "client_name", "client_phone", "service", "staff", "start")
OPTIONAL_COLUMNS = ("client_locale", "end", "duration_minutes", "status", "notes")
COLUMN_ALIASES = {
    "master": "staff",
    "phone": "client_phone",
    "name": "client_name",
    "id": "external_id",
}
STATUSES = ("booked", "confirmed", "cancelled", "cancelled_by_salon")
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S")
COMMIT_EVERY = 200


class CsvFormatError(ShowUpError):
    """The file as a whole cannot be imported (no header, a required column missing...)."""


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass(frozen=True, slots=True)
class ImportOptions:
    source: str
    zone: ZoneInfo
    phone_region: str | None
    late_window: timedelta
    rules: ReminderRules
    create_missing: bool = False
    policy: AttendancePolicy | None = None


def read_rows(text: str) -> tuple[list[CsvRow], list[str]]:
    """Parse CSV text (comma or semicolon separated) into rows keyed by canonical column names.

    Returns the rows and the header columns that ShowUp does not know (ignored).
    """
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFormatError("the file is empty: expected a header row") from None
    columns = [_canonical(name) for name in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CsvFormatError(
            f"line 1: missing column(s) {', '.join(missing)}; the header must name "
            f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})"
        )
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    ignored = [name for name, col in zip(header, columns, strict=True) if col not in known]
    rows: list[CsvRow] = []
    line = reader.line_num + 1
    for record in reader:
        if any(cell.strip() for cell in record):
            values = dict(zip(columns, record, strict=False))
            if len(record) > len(columns):
                values["__extra__"] = str(len(record) - len(columns))
            rows.append(CsvRow(line=line, values=values))
        line = reader.line_num + 1
    return rows, ignored


def _canonical(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return COLUMN_ALIASES.get(key, key)


def parse_start(text: str, zone: ZoneInfo) -> datetime:
    """``2026-11-23 14:00`` (salon time), ``23.11.2026 14:00``, or ISO 8601 with an offset."""
    value = text.strip()
    if not value:
        raise InvalidInputError("start is empty", field="start")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = _parse_known_formats(value)
    return localize(parsed, zone)


def _parse_known_formats(value: str) -> datetime:
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt)  # noqa: DTZ007 - naive on purpose: salon time
        except ValueError:
            continue
    raise InvalidInputError(
        f"cannot read {value!r} as a date and time; write it like 2026-11-23 14:00",
        field="start",
        code="when",
        params={"text": value},
    )


async def import_rows(
    session: AsyncSession,
    *,
    rows: list[CsvRow],
    options: ImportOptions,
    now: datetime,
    on_row: Callable[[], None] | None = None,
) -> ImportReport:
    """Import every row; commit in batches; report each rejected row with its reason."""
    report = ImportReport()
    catalog = _Catalog()
    for index, row in enumerate(rows, start=1):
        savepoint = await session.begin_nested()
        try:
            outcome = await _import_row(
                session, row=row, options=options, now=now, catalog=catalog
            )
        except ShowUpError as exc:
            await savepoint.rollback()
            report.rejected.append(RejectedRow(line=row.line, reason=str(exc)))
        else:
            await savepoint.commit()
            setattr(report, outcome, getattr(report, outcome) + 1)
        if index % COMMIT_EVERY == 0:
            await session.commit()
        if on_row is not None:
            on_row()
    await session.commit()
    return report


async def _import_row(
    session: AsyncSession, *, row: CsvRow, options: ImportOptions, now: datetime, catalog: _Catalog
) -> str:
    if "__extra__" in row.values:
        raise InvalidInputError(
            f"the row has {row.values['__extra__']} more cells than the header"
        )
    external_id = row.get("external_id")
    if not external_id:
        raise InvalidInputError(
            "external_id is empty: every row needs the id it has in your booking system"
        )
    status = row.get("status").lower() or "booked"
    if status not in STATUSES:
        raise InvalidInputError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    starts_at = parse_start(row.get("start"), options.zone)
    staff = await catalog.staff(session, row.get("staff"), options)
    service = await catalog.service(session, row, options)
    ends_at = _end(row, starts_at, options.zone)
    client, _ = await find_or_create_by_phone(
        session,
        phone=row.get("client_phone"),
        name=row.get("client_name") or row.get("client_phone"),
        phone_region=options.phone_region,
        locale=row.get("client_locale") or None,
    )
    who = Who(actor=Actor.API, channel="csv")
    if status.startswith("cancelled") and not await find_by_external_id(
        session, source=options.source, external_id=external_id
    ):
        return "unchanged"  # cancelled before ShowUp ever knew it: nothing to remind about
    result = await book(
        session,
        request=BookingRequest(
            client_id=client.id,
            staff_id=staff.id,
            service_id=service.id,
            starts_at=starts_at,
            ends_at=ends_at,
            source=options.source,
            external_id=external_id,
            notes=row.get("notes") or None,
        ),
        who=who,
        now=now,
        rules=options.rules,
        policy=options.policy,
    )
    appointment = result.appointment
    changed = result.changed
    if status == "confirmed" and appointment.status is AppointmentStatus.BOOKED:
        await mark_appointment(
            session, appointment_id=appointment.id, action=Action.CONFIRM, who=who, now=now
        )
        changed = True
    elif status.startswith("cancelled") and appointment.status is not AppointmentStatus.CANCELLED:
        by = CancelledBy.SALON if status == "cancelled_by_salon" else CancelledBy.CLIENT
        await cancel_appointment(
            session,
            appointment_id=appointment.id,
            cancelled_by=by,
            late_window=options.late_window,
            who=who,
            now=now,
            reason="cancelled in the source system",
            policy=options.policy,
        )
        changed = True
    if result.created:
        return "created"
    return "updated" if changed else "unchanged"


class _Catalog:
    """Masters and services found so far in this import, so each name is looked up once.

    Rows roll back to their savepoint on error, so only records that existed before the import
    (or were created by a row that then succeeded) may be remembered: a record created by a
    failing row is forgotten with it.
    """

    def __init__(self) -> None:
        self._staff: dict[str, int] = {}
        self._services: dict[str, int] = {}

    async def staff(self, session: AsyncSession, ref: str, options: ImportOptions) -> Staff:
        if not ref:
            raise InvalidInputError("staff is empty: name the master")
        key = ref.strip().lower()
        if key in self._staff and (found := await session.get(Staff, self._staff[key])):
            return found
        try:
            staff = await find_staff(session, ref=ref)
        except NotFoundError:
            if not options.create_missing or ref.isdigit():
                raise
            return await create_staff(session, name=ref)
        self._staff[key] = staff.id
        return staff

    async def service(self, session: AsyncSession, row: CsvRow, options: ImportOptions) -> Service:
        ref = row.get("service")
        if not ref:
            raise InvalidInputError("service is empty: name the service")
        key = ref.strip().lower()
        if key in self._services and (found := await session.get(Service, self._services[key])):
            return found
        try:
            service = await find_service(session, ref=ref)
        except NotFoundError:
            if not options.create_missing or ref.isdigit():
                raise
            duration = row.get("duration_minutes")
            minutes = int(duration) if duration.isdigit() and int(duration) > 0 else 60
            return await create_service(
                session, name=ref, duration_minutes=minutes, price=Decimal(0)
            )
        self._services[key] = service.id
        return service


def _end(row: CsvRow, starts_at: datetime, zone: ZoneInfo) -> datetime | None:
    end_text, duration_text = row.get("end"), row.get("duration_minutes")
    if end_text:
        if len(end_text) <= 5 and ":" in end_text:
            end_text = f"{starts_at.astimezone(zone):%Y-%m-%d} {end_text}"
        return parse_start(end_text, zone)
    if duration_text:
        if not duration_text.isdigit() or int(duration_text) == 0:
            raise InvalidInputError(f"duration_minutes {duration_text!r} is not a whole number")
        return starts_at + timedelta(minutes=int(duration_text))
    return None
