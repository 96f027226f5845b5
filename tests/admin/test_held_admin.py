"""/book into a time held for another client moving a booking: refused in the admins' language
with the force hint, booked with ``force``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands, AdminSetup
from bot.clock import ManualClock
from bot.domain.holds import HoldStatus
from db.models import SlotHold
from tests.factories import RULES, make_appointment, make_client, make_service, make_staff

ZONE = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def test_book_into_a_held_time_needs_force(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    clock.set(NOW)
    async with sessions() as session:
        anna = await make_client(session)
        staff, service = await make_staff(session), await make_service(session)
        moving = await make_appointment(
            session, client=anna, staff=staff, service=service,
            starts_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC), now=NOW,
        )  # fmt: skip
        session.add(
            SlotHold(
                staff_id=staff.id, service_id=service.id, client_id=anna.id,
                appointment_id=moving.id, appointment_version=1,
                starts_at=datetime(2026, 11, 24, 11, 0, tzinfo=UTC),
                ends_at=datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
                expires_at=NOW + timedelta(minutes=10), status=HoldStatus.HELD, created_at=NOW,
            )
        )  # fmt: skip
        await session.commit()
    setup = AdminSetup(
        zone=ZONE, rules=RULES, late_window=timedelta(hours=24), phone_region="ES", locale="ru"
    )
    commands = AdminCommands(sessions=sessions, setup=setup, clock=clock)
    line = "+34600111333 2026-11-24 12:00 Haircut / Vitaly / Bea"
    [refused] = await commands.run("book", line, admin="900", channel="telegram")
    assert "придержано для другого клиента" in refused
    assert "до " in refused
    assert "force" in refused  # the hint
    [booked] = await commands.run("book", f"{line} force", admin="900", channel="telegram")
    assert booked.startswith("Записано: #")
    assert "несмотря на: придержано для другого клиента" in booked
