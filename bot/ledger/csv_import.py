"""Importing appointments from a CSV export of another booking system.

Each good row is kept even when others are bad: every row runs in its own savepoint, and a bad
row is reported with its line number and reason. A file is another system's history: a row in
the past is imported as it is; a future row outside the master's hours, in their time off or
inside their buffer is imported with a warning on its line; an overlap with another
appointment of the master is refused (``bot.ledger.booking_rules.Sanity.WARN``).
Re-importing the same file changes nothing, because (source, external_id) identifies an
appointment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

from bot.domain.appointments import Action, Actor, AppointmentStatus, CancelledBy
from bot.domain.reminders import ReminderRules
from bot.domain.timeutil import localize
from bot.errors import InvalidInputError, ShowUpError
from bot.ledger.appointments import (
    BookingRequest,
    Who,
    book,
    cancel_appointment,
    find_by_external_id,
    mark_appointment,
)
from bot.ledger.attendance import AttendancePolicy
from bot.ledger.booking_rules import Sanity
from bot.ledger.clients import find_or_create_by_phone
from bot.ledger.csv_catalog import ImportCatalog, duration_minutes
from bot.ledger.csv_rows import (
    CsvFormatError,
    CsvRow,
    ParsedCsv,
    RejectedRow,
    decode_csv,
    read_rows,
)

__all__ = [
    "CsvFormatError",
    "CsvRow",
    "ImportAbortedError",
    "ImportOptions",
    "ImportReport",
    "ParsedCsv",
    "RejectedRow",
    "decode_csv",
    "import_rows",
    "parse_start",
    "read_rows",
]

logger = logging.getLogger(__name__)

STATUSES = ("booked", "confirmed", "cancelled", "cancelled_by_salon")
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S")
COMMIT_EVERY = 200
FIRST_YEAR, LAST_YEAR = 1900, 2999


class ImportAbortedError(ShowUpError):
    """The database connection failed mid-import: no later row could be written."""


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # rows imported although outside the master's hours, in their time off or inside their
    # buffer (only future rows: the past is history); the reason says which
    warnings: list[RejectedRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)


@dataclass(frozen=True, slots=True)
class ImportOptions:
    source: str
    zone: ZoneInfo
    phone_region: str | None
    late_window: timedelta
    rules: ReminderRules
    create_missing: bool = False
    policy: AttendancePolicy | None = None


def parse_start(text: str, zone: ZoneInfo) -> datetime:
    """``2026-11-23 14:00`` (salon time), ``23.11.2026 14:00``, or ISO 8601 with an offset."""
    value = text.strip()
    if not value:
        raise InvalidInputError("start is empty", field="start", code="start_empty")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = _parse_known_formats(value)
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise InvalidInputError(
            f"{value!r} is not between the years {FIRST_YEAR} and {LAST_YEAR}",
            field="start",
            code="year",
            params={"text": value, "first": FIRST_YEAR, "last": LAST_YEAR},
        )
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
    rejected: Sequence[RejectedRow] = (),
) -> ImportReport:
    """Import every row; commit in batches; report each rejected row with its reason.

    Whatever makes one row fail (a rule, a malformed value, the database refusing it) rolls back
    that row's savepoint only. ``rejected`` are the lines already refused while reading; the
    report lists them with the others, in line order.
    """
    report = ImportReport(rejected=list(rejected))
    catalog = ImportCatalog()
    for index, row in enumerate(rows, start=1):
        savepoint = await session.begin_nested()
        try:
            outcome = await _import_row(
                session, row=row, options=options, now=now, catalog=catalog, report=report
            )
            await savepoint.commit()
        except Exception as exc:  # any failure of one row is that row's error
            await _roll_back(savepoint, line=row.line)
            report.rejected.append(RejectedRow(line=row.line, reason=_reason(exc, row.line)))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
        if index % COMMIT_EVERY == 0:
            await session.commit()
        if on_row is not None:
            on_row()
    await session.commit()
    report.rejected.sort(key=lambda r: r.line)
    report.warnings.sort(key=lambda r: r.line)
    return report


async def _roll_back(savepoint: AsyncSessionTransaction, *, line: int) -> None:
    try:
        await savepoint.rollback()
    except SQLAlchemyError as exc:  # the connection itself is gone: no later row can succeed
        raise ImportAbortedError(
            f"the database stopped answering at line {line} ({_first_line(exc)}); rows before "
            f"the last {COMMIT_EVERY}-row batch are kept, import the file again for the rest"
        ) from exc


def _reason(exc: Exception, line: int) -> str:
    if isinstance(exc, ShowUpError):
        return str(exc)
    if isinstance(exc, DBAPIError):
        return f"the database refused the row: {_first_line(exc.orig or exc)}"
    # the message may quote the row's values: the traceback only at DEBUG
    logger.warning("csv line %s failed with %s", line, type(exc).__name__)
    logger.debug("csv line %s failed", line, exc_info=exc)
    return f"cannot be imported ({type(exc).__name__}: {_first_line(exc)})"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


async def _import_row(
    session: AsyncSession,
    *,
    row: CsvRow,
    options: ImportOptions,
    now: datetime,
    catalog: ImportCatalog,
    report: ImportReport,
) -> str:
    external_id = row.get("external_id")
    if not external_id:
        raise InvalidInputError(
            "external_id is empty: every row needs the id it has in your booking system",
            code="external_id_empty",
        )
    status = row.get("status").lower() or "booked"
    if status not in STATUSES:
        raise InvalidInputError(
            f"status {status!r} is not one of {', '.join(STATUSES)}",
            code="csv_status",
            params={"text": status, "names": ", ".join(STATUSES)},
        )
    starts_at = parse_start(row.get("start"), options.zone)
    staff = await catalog.staff(session, row, create_missing=options.create_missing)
    service = await catalog.service(session, row, create_missing=options.create_missing)
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
        sanity=Sanity.WARN,
    )
    if result.warnings:
        reason = "; ".join(problem.message for problem in result.warnings)
        report.warnings.append(RejectedRow(line=row.line, reason=f"imported, but {reason}"))
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


def _end(row: CsvRow, starts_at: datetime, zone: ZoneInfo) -> datetime | None:
    end_text = row.get("end")
    if end_text:
        if len(end_text) <= 5 and ":" in end_text:
            end_text = f"{starts_at.astimezone(zone):%Y-%m-%d} {end_text}"
        return parse_start(end_text, zone)
    minutes = duration_minutes(row)
    if minutes is not None:
        if minutes == 0:
            raise InvalidInputError(
                "duration_minutes is 0: write the length in minutes", code="zero_duration"
            )
        return starts_at + timedelta(minutes=minutes)
    return None
