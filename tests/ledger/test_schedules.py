"""Schedules in the ledger: hours, buffers, time off, their events, the settings, CSV import
warnings and find_slots' options. The clock stands at Monday 23 November 2026, 09:00 Madrid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings, load_settings
from bot.domain.schedules import parse_week
from bot.errors import ConfigError, ConflictError
from bot.ledger import schedules
from bot.ledger.appointments import BookingRequest, book
from bot.ledger.csv_import import ImportOptions, import_rows, read_rows
from bot.ledger.salon import ensure_salon
from bot.ledger.slots import find_slots
from db.models import StaffEvent
from tests.conftest import START
from tests.factories import ADMIN, RULES, make_client, make_service, make_staff


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026 given in Madrid time (UTC+1)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=RULES.zone).astimezone(UTC)


async def _book(session: AsyncSession, staff_id: int, starts_at: datetime) -> None:
    client = await make_client(session, phone=f"+3460{starts_at:%d%H%M}0")
    service = await make_service(session, name=f"S{starts_at:%d%H%M}", minutes=60)
    await book(
        session,
        request=BookingRequest(
            client_id=client.id, staff_id=staff_id, service_id=service.id, starts_at=starts_at
        ),
        who=ADMIN,
        now=START,
        rules=RULES,
    )


async def test_the_buffer_refuses_a_booking_too_close_but_not_one_at_its_edge(
    session: AsyncSession,
) -> None:
    staff = await make_staff(session)
    await schedules.set_buffer(session, staff_id=staff.id, minutes=15, who=ADMIN, now=START)
    await _book(session, staff.id, at(24, 10))  # 10:00-11:00
    with pytest.raises(ConflictError) as caught:
        await _book(session, staff.id, at(24, 11, 10))
    assert caught.value.code == "buffer"
    assert "keeps 15 min between appointments" in str(caught.value)
    await _book(session, staff.id, at(24, 11, 15))  # exactly the buffer after


async def test_hours_and_time_off_changes_are_events(session: AsyncSession) -> None:
    staff = await make_staff(session)
    await schedules.set_hours(
        session, staff_id=staff.id, week=parse_week("tue 10:00-18:00"), who=ADMIN, now=START
    )
    await schedules.set_hours(session, staff_id=staff.id, week=None, who=ADMIN, now=START)
    off = await schedules.add_time_off(
        session,
        staff_id=staff.id,
        starts_at=at(24, 13),
        ends_at=at(24, 14),
        who=ADMIN,
        now=START,
        reason="doctor",
    )
    await schedules.remove_time_off(session, time_off_id=off.id, who=ADMIN, now=START)
    events = await schedules.list_staff_events(session, staff_id=staff.id)
    assert [(e.kind, e.data) for e in events] == [
        ("hours_set", {"from": None, "to": "tue 10:00-18:00"}),
        ("hours_cleared", {"from": "tue 10:00-18:00", "to": None}),
        (
            "time_off_added",
            {
                "id": off.id,
                "from": "2026-11-24T12:00:00+00:00",
                "until": "2026-11-24T13:00:00+00:00",
            },
        ),
        (
            "time_off_removed",
            {
                "id": off.id,
                "from": "2026-11-24T12:00:00+00:00",
                "until": "2026-11-24T13:00:00+00:00",
            },
        ),
    ]
    assert events[2].reason == "doctor"
    event = await session.scalar(select(StaffEvent).limit(1))
    assert event is not None
    event.kind = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        await session.flush()


async def test_a_salon_closure_covers_every_master(session: AsyncSession) -> None:
    one, two = await make_staff(session, "Vitaly"), await make_staff(session, "Marta")
    service = await make_service(session)
    await schedules.add_time_off(
        session, staff_id=None, starts_at=at(24, 0), ends_at=at(25, 0), who=ADMIN, now=START
    )
    found = await find_slots(
        session, service_id=service.id, staff_id=None, start=at(24, 0), end=at(26, 0), now=START
    )
    assert {slot.local.day for slot in found} == {25}
    assert {slot.staff_id for slot in found} == {one.id, two.id}
    with pytest.raises(ConflictError) as caught:
        await _book(session, two.id, at(24, 12))
    assert caught.value.code == "time_off"
    assert "the salon is away" in str(caught.value)


async def test_find_slots_nearest_limit_and_moving_an_appointment(session: AsyncSession) -> None:
    staff = await make_staff(session)
    service = await make_service(session)
    await schedules.set_hours(
        session, staff_id=staff.id, week=parse_week("tue 10:00-13:00"), who=ADMIN, now=START
    )
    await _book(session, staff.id, at(24, 11))
    found = await find_slots(
        session,
        service_id=service.id,
        staff_id=staff.id,
        start=at(24, 0),
        end=at(25, 0),
        now=START,
        step=timedelta(minutes=30),
    )
    assert [f"{s.local:%H:%M}" for s in found] == ["10:00", "12:00"]
    nearest = await find_slots(
        session,
        service_id=service.id,
        staff_id=staff.id,
        start=at(24, 0),
        end=at(25, 0),
        step=timedelta(minutes=30),
        near=at(24, 11, 40),
        limit=1,
    )
    assert [f"{s.local:%H:%M}" for s in nearest] == ["12:00"]


async def test_the_opening_hours_setting_binds_and_always_lifts_it(
    session: AsyncSession, settings: Settings
) -> None:
    staff = await make_staff(session)
    await session.commit()
    closed = settings.model_copy(update={"opening_hours": "mon-sat 09:00-20:00"})
    closed.model_fields_set.add("opening_hours")
    salon = await ensure_salon(session, settings=closed)
    assert (salon.open_all_day, salon.working_hours["sun"]) == (False, None)
    with pytest.raises(ConflictError) as caught:
        await _book(session, staff.id, at(29, 12))  # a Sunday
    assert caught.value.code == "outside_hours"
    assert "sun: day off" in str(caught.value)
    opened = settings.model_copy(update={"opening_hours": "always"})
    salon = await ensure_salon(session, settings=opened)
    assert salon.open_all_day is True
    await _book(session, staff.id, at(29, 13))


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("opening_hours", "mon 9-18", "SHOWUP_OPENING_HOURS: '9' is not a time of day"),
        ("opening_hours", "mon 10:00-12:00,13:00-18:00", "one range a day"),
        ("buffer", "90s", "SHOWUP_BUFFER: give whole minutes"),
        ("slot_step", "1m", "SHOWUP_SLOT_STEP: give whole minutes between 5m and 4h"),
        ("slot_step", "25m", "SHOWUP_SLOT_STEP: give a step that divides a day evenly"),
    ],
)
def test_wrong_schedule_settings_name_the_variable(setting: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(_env_file=None, **{setting: value})


def test_schedule_settings_read() -> None:
    settings = load_settings(
        _env_file=None, opening_hours="Mon-Fri 9:00-20:00", buffer="10m", slot_step="30m"
    )
    assert settings.opening_hours == "mon-fri 09:00-20:00"
    assert (settings.buffer, settings.slot_step) == (timedelta(minutes=10), timedelta(minutes=30))


async def test_csv_rows_outside_hours_are_imported_with_a_warning(session: AsyncSession) -> None:
    staff = await make_staff(session)
    await make_service(session)
    await schedules.set_hours(
        session, staff_id=staff.id, week=parse_week("mon-fri 10:00-18:00"), who=ADMIN, now=START
    )
    await session.commit()
    text = (
        "external_id,client_name,client_phone,service,staff,start\n"
        "1,Anna,600111222,Haircut,Vitaly,2026-11-20 08:00\n"  # the past: history, no warning
        "2,Boris,600111333,Haircut,Vitaly,2026-11-24 08:00\n"  # future, outside the hours
        "3,Clara,600111444,Haircut,Vitaly,2026-11-24 08:30\n"  # overlaps row 2
    )
    options = ImportOptions(
        source="csv",
        zone=RULES.zone,
        phone_region="ES",
        late_window=timedelta(hours=24),
        rules=RULES,
    )
    report = await import_rows(session, rows=read_rows(text).rows, options=options, now=START)
    assert report.created == 2
    assert [(w.line, w.reason[:40]) for w in report.warnings] == [
        (3, "imported, but 2026-11-24 08:00 (Europe/M")
    ]
    assert "outside the working hours of master Vitaly" in report.warnings[0].reason
    assert [r.line for r in report.rejected] == [4]
    assert "busy" in report.rejected[0].reason
