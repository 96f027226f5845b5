from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.appointments import AppointmentStatus
from bot.ledger.csv_import import (
    CsvFormatError,
    ImportOptions,
    decode_csv,
    import_rows,
    read_rows,
)
from bot.ledger.csv_rows import COLUMN_LIMITS
from db.models import Appointment, Client, ScheduledMessage, Service, Staff
from tests.conftest import START
from tests.factories import RULES, make_service, make_staff

MADRID = ZoneInfo("Europe/Madrid")
OPTIONS = ImportOptions(
    source="csv", zone=MADRID, phone_region="ES", late_window=timedelta(hours=24), rules=RULES
)
HEADER = "external_id,client_name,client_phone,service,staff,start,status,notes\n"


async def _catalog(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await make_staff(session)
        await make_service(session)
        await session.commit()


async def _import(
    sessions: async_sessionmaker[AsyncSession], text: str, options: ImportOptions = OPTIONS
) -> tuple[int, int, int, list[tuple[int, str]]]:
    parsed = read_rows(text)
    async with sessions() as session:
        report = await import_rows(
            session, rows=parsed.rows, rejected=parsed.rejected, options=options, now=START
        )
    return (
        report.created,
        report.updated,
        report.unchanged,
        [(r.line, r.reason) for r in report.rejected],
    )


async def test_good_rows_are_kept_next_to_bad_ones(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _catalog(sessions)
    text = HEADER + (
        "1,Anna,600111222,Haircut,Vitaly,2026-11-24 11:00,,\n"
        "2,Boris,+34600333444,Haircut,Vitaly,2026-11-24 11:30,,overlaps Anna\n"
        "3,Carla,not-a-phone,Haircut,Vitaly,2026-11-24 13:00,,\n"
        "4,Dmitri,+34600555666,Massage,Vitaly,2026-11-24 14:00,,\n"
        ",Eva,+34600777888,Haircut,Vitaly,2026-11-24 15:00,,\n"
        "6,Fatma,+905321234567,haircut,VITALY,24.11.2026 16:00,confirmed,\n"
        "7,Gosha,+34600999000,Haircut,Vitaly,2026-11-24 99:00,,\n"
    )
    created, updated, unchanged, rejected = await _import(sessions, text)
    assert (created, updated, unchanged) == (2, 0, 0)
    assert [line for line, _ in rejected] == [3, 4, 5, 6, 8]
    reasons = dict(rejected)
    assert "Anna, 2026-11-24 11:00 (Europe/Madrid, UTC+01:00) until 12:00" in reasons[3]
    assert "not a phone number" in reasons[4]
    assert "unknown service 'Massage'" in reasons[5]
    assert "external_id is empty" in reasons[6]
    assert "cannot read '2026-11-24 99:00'" in reasons[8]
    async with sessions() as session:
        rows = list(await session.scalars(select(Appointment).order_by(Appointment.starts_at)))
        assert [(a.external_id, a.status) for a in rows] == [
            ("1", AppointmentStatus.BOOKED),
            ("6", AppointmentStatus.CONFIRMED),
        ]
        assert rows[0].client.phone == "+34600111222"
        assert rows[0].starts_at.astimezone(MADRID).hour == 11
        # the rejected rows left no client behind
        assert await session.scalar(select(func.count()).select_from(Client)) == 2


async def test_reimporting_is_idempotent_and_applies_changes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _catalog(sessions)
    first = HEADER + (
        "1,Anna,600111222,Haircut,Vitaly,2026-11-24 11:00,,\n"
        "2,Boris,600333444,Haircut,Vitaly,2026-11-24 12:00,,\n"
        "3,Carla,600555666,Haircut,Vitaly,2026-11-24 13:00,,\n"
    )
    assert await _import(sessions, first) == (3, 0, 0, [])
    assert await _import(sessions, first) == (0, 0, 3, [])
    second = HEADER + (
        "1,Anna,600111222,Haircut,Vitaly,2026-11-24 11:00,,\n"
        "2,Boris,600333444,Haircut,Vitaly,2026-11-24 17:00,,\n"
        "3,Carla,600555666,Haircut,Vitaly,2026-11-24 13:00,cancelled,\n"
    )
    assert await _import(sessions, second) == (0, 2, 1, [])
    async with sessions() as session:
        by_id = {a.external_id: a for a in await session.scalars(select(Appointment))}
        assert by_id["2"].version == 2
        assert by_id["2"].starts_at.astimezone(MADRID).hour == 17
        assert by_id["3"].status is AppointmentStatus.CANCELLED
        assert by_id["3"].late_cancel is False  # START is 2 days before
        assert len(by_id) == 3


async def test_a_known_booking_the_source_cancelled_for_the_salon_is_told(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """``cancelled_by_salon`` on a booking imported before tells the client; a row new to
    ShowUp is not imported at all (cancelled before we ever wrote about it)."""
    await _catalog(sessions)
    first = HEADER + "1,Anna,600111222,Haircut,Vitaly,2026-11-24 11:00,,\n"
    assert await _import(sessions, first) == (1, 0, 0, [])
    second = HEADER + (
        "1,Anna,600111222,Haircut,Vitaly,2026-11-24 11:00,cancelled_by_salon,\n"
        "2,Boris,600333444,Haircut,Vitaly,2026-11-24 12:00,cancelled_by_salon,\n"
    )
    assert await _import(sessions, second) == (0, 1, 1, [])
    async with sessions() as session:
        notices = await session.execute(
            select(Appointment.external_id, ScheduledMessage.due_at)
            .join(ScheduledMessage, ScheduledMessage.appointment_id == Appointment.id)
            .where(ScheduledMessage.kind == "salon_cancelled")
        )
        assert list(notices) == [("1", START + timedelta(minutes=2))]


async def test_create_missing_adds_masters_and_services(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    text = (
        "id;name;phone;service;master;start;duration_minutes\n"
        "1;Anna;600111222;Manicure;Olga;2026-11-24 11:00;90\n"
    )
    options = ImportOptions(
        source="csv",
        zone=MADRID,
        phone_region="ES",
        late_window=timedelta(hours=24),
        rules=RULES,
        create_missing=True,
    )
    assert await _import(sessions, text, options) == (1, 0, 0, [])
    async with sessions() as session:
        service = await session.scalar(select(Service))
        staff = await session.scalar(select(Staff))
        appointment = await session.scalar(select(Appointment))
        assert service is not None
        assert staff is not None
        assert appointment is not None
        assert (service.name, service.duration_minutes, staff.name) == ("Manicure", 90, "Olga")
        assert appointment.ends_at - appointment.starts_at == timedelta(minutes=90)


def test_a_file_without_the_required_columns_is_refused_whole() -> None:
    with pytest.raises(CsvFormatError, match=r"line 1: missing column\(s\) staff, start"):
        read_rows("external_id,client_name,client_phone,service\n1,a,b,c\n")
    with pytest.raises(CsvFormatError, match="empty"):
        read_rows("")


def test_line_numbers_count_quoted_newlines_and_blank_lines() -> None:
    text = (
        HEADER
        + '1,Anna,1,s,m,2026-11-24 11:00,,"two\nlines"\n\n2,Boris,2,s,m,2026-11-24 12:00,,\n'
    )
    parsed = read_rows(text)
    assert [r.line for r in parsed.rows] == [2, 5]
    assert parsed.ignored == []
    parsed = read_rows("external_id,client_name,client_phone,service,staff,start,colour\n")
    assert parsed.ignored == ["colour"]


async def test_one_odd_row_costs_only_itself(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _catalog(sessions)
    data = (
        HEADER
        + "1,Anna,600111222,Haircut,Vitaly,2026-11-24 10:00,,\n"
        + "2,Boris,600333444,Haircut,"
        + str(2**63)
        + ",2026-11-24 11:00,,\n"
        + "3,Carla,600555666,"
        + "9" * 30
        + ",Vitaly,2026-11-24 12:00,,\n"
        + "4,Dmitri,600777888,Haircut,Vitaly,2026-11-24 13:00,,"
        + "n" * (10 * 1024 * 1024)
        + "\n"
        + "5,Eva\x00,600999000,Haircut,Vitaly,2026-11-24 14:00,,\n"
        + "6,Fatma,600100200,Haircut,Vitaly,0001-01-01 00:30,,\n"
        + "7,Gosha,600100300,Haircut,Vitaly,2026-11-24 15:00,,\n"
    ).encode() + "8,Hélène,600100400,Haircut,Vitaly,2026-11-24 16:00,,\n".encode("latin-1")
    data += (
        '9,"Ivan,600100500,Haircut,Vitaly,2026-11-24 17:00,,\n'
        "10,Jana,600100600,Haircut,Vitaly,2026-11-24 18:00,,ünïcode note\n"
    ).encode()
    text = decode_csv(data)

    created, updated, unchanged, rejected = await _import(sessions, text)

    assert (created, updated, unchanged) == (3, 0, 0)
    assert rejected == [
        (3, f"staff '{2**63}' is not a master id ShowUp can have (ids go up to 2147483647)"),
        (4, f"service '{'9' * 30}' is not a service id ShowUp can have (ids go up to 2147483647)"),
        (5, "notes is 10,485,760 characters long; at most 4,000 are allowed"),
        (6, "client_name contains a NUL character (byte 0); remove it"),
        (7, "'0001-01-01 00:30' is not between the years 1900 and 2999"),
        (9, "client_name holds byte 0xE9, which is not UTF-8; save the file as UTF-8"),
        (
            10,
            "a quote opened on this line is never closed (it runs to the end of the file); "
            "close it or remove it",
        ),
    ]
    async with sessions() as session:
        kept = await session.scalars(select(Appointment.external_id).order_by(Appointment.id))
        assert list(kept) == ["1", "7", "10"]


async def test_a_row_the_database_refuses_is_that_rows_error(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the checks made while reading, the database may still refuse a row (here a too
    long external_id, which PostgreSQL enforces and SQLite does not): the row's savepoint rolls
    back and the rows after it are imported."""
    monkeypatch.setitem(COLUMN_LIMITS, "external_id", 1000)
    await _catalog(sessions)
    long_id = "x" * 300
    text = HEADER + (
        "1,Anna,600111222,Haircut,Vitaly,2026-11-24 10:00,,\n"
        f"{long_id},Boris,600333444,Haircut,Vitaly,2026-11-24 11:00,,\n"
        "3,Carla,600555666,Haircut,Vitaly,2026-11-24 12:00,,\n"
    )
    created, _, _, rejected = await _import(sessions, text)
    async with sessions() as session:
        kept = [str(e) for e in await session.scalars(select(Appointment.external_id))]
        clients = await session.scalar(select(func.count()).select_from(Client))
    if sessions.kw["bind"].dialect.name == "postgresql":
        assert created == 2
        assert [line for line, _ in rejected] == [3]
        assert rejected[0][1].startswith("the database refused the row: ")
        assert "too long" in rejected[0][1]
        assert sorted(kept) == ["1", "3"]
        assert clients == 2  # Boris went with his row
    else:
        assert (created, rejected) == (3, [])
        assert sorted(kept) == ["1", "3", long_id]


async def test_numbers_out_of_range_are_row_errors(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    text = (
        "id;name;phone;service;master;start;duration_minutes\n"
        "1;Anna;600111222;Manicure;Olga;2026-11-24 11:00;9999999999\n"
        "2;Boris;600333444;Manicure;²;2026-11-24 12:00;\n"
        "3;Carla;600555666;Manicure;Olga;2026-11-24 13:00;45\n"
    )
    options = ImportOptions(
        source="csv",
        zone=MADRID,
        phone_region="ES",
        late_window=timedelta(hours=24),
        rules=RULES,
        create_missing=True,
    )
    assert await _import(sessions, text, options) == (
        1,
        0,
        0,
        [
            (
                2,
                "duration_minutes '9999999999' is not a whole number of minutes up to 1440",
            ),
            (3, "staff '²' is not a master id ShowUp can have (ids go up to 2147483647)"),
        ],
    )
