"""/hours, /off, /slots and /book … force as an admin types them (clock: Mon 23 Nov 2026,
09:00 in Madrid)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands, AdminSetup
from bot.clock import ManualClock
from tests.factories import RULES, make_service, make_staff

ZONE = ZoneInfo("Europe/Madrid")


def _commands(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, locale: str = "en"
) -> AdminCommands:
    setup = AdminSetup(
        zone=ZONE,
        rules=RULES,
        late_window=timedelta(hours=24),
        phone_region="ES",
        locale=locale,
        slot_step=timedelta(minutes=30),
    )
    return AdminCommands(sessions=sessions, setup=setup, clock=clock)


async def run(commands: AdminCommands, line: str) -> list[str]:
    name, _, args = line.removeprefix("/").partition(" ")
    return await commands.run(name, args, admin="900", channel="telegram")


@pytest.fixture
async def catalog(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await make_staff(session, "Anna Maria")
        await make_staff(session, "Vitaly")
        await make_service(session, "Haircut", minutes=60)
        await session.commit()


@pytest.mark.usefixtures("catalog")
async def test_hours_set_shown_and_back_to_the_salons(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    commands = _commands(sessions, clock)
    [done] = await run(
        commands, "/hours anna maria mon-fri 10:00-14:00,15:00-19:00; sat 10:00-16:00"
    )
    assert done == "Anna Maria now works mon-fri 10:00-14:00,15:00-19:00; sat 10:00-16:00."
    listed = await run(commands, "/hours")
    assert listed == [
        "Anna Maria: mon-fri 10:00-14:00,15:00-19:00; sat 10:00-16:00 · pause 0 min (own hours)",
        "Vitaly: any time · pause 0 min (no hours set)",
    ]
    [wrong] = await run(commands, "/hours Vitaly mon-fry 10:00-19:00")
    assert (
        wrong
        == "/hours: 'fry' is not a day; write mon tue wed thu fri sat sun (or пн, lun, Pzt…)."
    )
    [back] = await run(commands, "/hours Anna Maria salon")
    assert back == "Anna Maria works the salon's hours again: any time."


@pytest.mark.usefixtures("catalog")
async def test_off_slots_and_a_forced_booking(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    commands = _commands(sessions, clock)
    await run(commands, "/hours Vitaly tue 10:00-13:00")
    [booked] = await run(commands, "/book +34600111222 2026-11-24 10:00 Haircut / Vitaly / Bea")
    assert booked.startswith("Booked #1 Bea, Tue 24.11 10:00, Haircut with Vitaly")
    off = await run(commands, "/off Vitaly 2026-11-24 09:30-10:30 dentist")
    assert off == [
        "Time off #1: Vitaly away Tue 24.11 09:30 – Tue 24.11 10:30 (dentist).",
        "⚠️ Still booked then (1) — move or cancel them:",
        "• #1 Tue 24.11 10:00 Bea · Vitaly",
    ]
    slots = await run(commands, "/slots 2026-11-24 Haircut / Vitaly")
    assert slots == ["Free for Haircut (60 min), Tue 24 Nov 2026:", "• Vitaly: 11:00 11:30 12:00"]
    [refused] = await run(commands, "/book +34600111333 2026-11-24 16:00 Haircut / Vitaly / Carl")
    assert refused == (
        "/book: Vitaly does not work then (that day: 10:00-13:00).\n"
        "To book it anyway, send the same /book line with the word force at the end."
    )
    [forced] = await run(
        commands, "/book +34600111333 2026-11-24 16:00 Haircut / Vitaly / Carl force"
    )
    assert forced.startswith("Booked #2 Carl, Tue 24.11 16:00, Haircut with Vitaly (new client)")
    assert " — booked despite: outside working hours" in forced
    [listed] = await run(commands, "/off")
    assert listed == "#1 Vitaly: Tue 24.11 09:30 – Tue 24.11 10:30 (dentist)"
    [removed] = await run(commands, "/off remove 1")
    assert removed == "Time off #1 removed: Vitaly is back."
    [closed] = await run(commands, "/off salon 2026-12-25 Christmas")
    assert closed.endswith(": the salon away Fri 25.12 00:00 – Sat 26.12 00:00 (Christmas).")
    [usage] = await run(commands, "/off Vitaly tomorrow")
    assert usage.startswith("/off: /off — time off ahead;")


@pytest.mark.usefixtures("catalog")
async def test_a_russian_salon_reads_its_refusals_and_days_in_russian(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    commands = _commands(sessions, clock, locale="ru")
    [done] = await run(commands, "/hours Vitaly пн-пт 10:00-19:00; сб выходной")
    assert done == "Vitaly: теперь рабочие часы пн-пт 10:00-19:00."
    await run(commands, "/off Vitaly 2026-11-25 2026-11-27 отпуск")
    [away] = await run(commands, "/book +34600111222 2026-11-26 12:00 Haircut / Vitaly / Bea")
    assert away.startswith("/book: Vitaly в это время отсутствует: ")
    assert "(отпуск)." in away
    assert "со словом force в конце" in away
    [past] = await run(commands, "/book +34600111222 2026-11-23 08:00 Haircut / Vitaly / Bea")
    assert past.startswith("/book: ")
    assert "это время уже прошло" in past
