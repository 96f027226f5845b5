from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.appointments import AppointmentStatus
from bot.ledger.csv_import import CsvFormatError, ImportOptions, import_rows, read_rows
from db.models import Appointment, Client, Service, Staff
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
    rows, _ = read_rows(text)
    async with sessions() as session:
        report = await import_rows(session, rows=rows, options=options, now=START)
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
    assert "busy" in reasons[3]
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
    rows, ignored = read_rows(text)
    assert [r.line for r in rows] == [2, 5]
    assert ignored == []
    _, ignored = read_rows("external_id,client_name,client_phone,service,staff,start,colour\n")
    assert ignored == ["colour"]
