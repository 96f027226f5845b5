"""A client with several bookings names one of them by its day: "cancel my Saturday
appointment" cancels Saturday's, not the next one (a play-through in four languages cancelled
Thursday's, then Thursday's again when the client said "no, the Saturday one")."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.conversation.dialog import DialogSetup
from db.models import Client, SlotHold
from tests.conversation.test_reschedule import (
    NOW,
    _master_and_service,
    booking,
    dialog_setup,
    local,
    say,
    slot_times,
    stored,
)
from tests.factories import make_appointment


@pytest.fixture
def setup() -> DialogSetup:
    return dialog_setup()


async def thursday_and_saturday(
    sessions: async_sessionmaker[AsyncSession], locale: str
) -> tuple[int, int]:
    """Thursday 3 December at 10:00 and Saturday 5 December at 12:00 (Madrid)."""
    thursday = await booking(sessions, locale=locale, starts_at=local(3, 10))
    async with sessions() as session:
        client = await session.scalar(select(Client).order_by(Client.id.desc()).limit(1))
        assert client is not None
        staff, service = await _master_and_service(session)
        saturday = await make_appointment(
            session, client=client, staff=staff, service=service, starts_at=local(5, 12), now=NOW
        )
        await session.commit()
        return thursday, saturday.id


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "cancel my Saturday appointment"),
        ("ru", "отмените мою запись на субботу"),
        ("es", "cancela mi cita del sábado"),
        ("tr", "cumartesi randevumu iptal edin"),
        ("ru", "на 5 декабря отмена, не смогу"),
    ],
)
async def test_cancelling_the_saturday_booking_by_its_day_cancels_that_one(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    clock: ManualClock,
    locale: str,
    text: str,
) -> None:
    clock.set(NOW)  # Tuesday 1 December
    thursday, saturday = await thursday_and_saturday(sessions, locale)
    [reply] = await say(sessions, setup, clock, text)
    assert reply.outcome == "ack_cancelled", reply.text
    assert (await stored(sessions, saturday)).status.value == "cancelled"
    assert (await stored(sessions, thursday)).status.value == "booked"


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "yes, see you Saturday"),
        ("es", "sí, el sábado allí estaré"),
        ("tr", "cumartesi geliyorum"),
    ],
)
async def test_confirming_with_the_saturday_named_confirms_saturdays(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    clock: ManualClock,
    locale: str,
    text: str,
) -> None:
    clock.set(NOW)
    thursday, saturday = await thursday_and_saturday(sessions, locale)
    [reply] = await say(sessions, setup, clock, text)
    assert reply.outcome == "ack_confirmed", reply.text
    assert (await stored(sessions, saturday)).status.value == "confirmed"
    assert (await stored(sessions, thursday)).status.value == "booked"


async def test_moving_the_saturday_booking_offers_times_for_that_one(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    clock.set(NOW)
    thursday, saturday = await thursday_and_saturday(sessions, "en")
    [reply] = await say(sessions, setup, clock, "move my Saturday appointment to Monday morning")
    assert slot_times(reply), reply.text
    async with sessions() as session:
        held = {hold.appointment_id for hold in await session.scalars(select(SlotHold))}
    assert held == {saturday}
    assert (await stored(sessions, thursday)).starts_at == local(3, 10)


async def test_a_message_naming_both_days_is_about_the_next_one(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, clock: ManualClock
) -> None:
    """ "Move Thursday to Saturday": the two days are the client's two bookings, so neither is
    named for sure and the reply is about the next one, as before."""
    clock.set(NOW)
    thursday, _ = await thursday_and_saturday(sessions, "en")
    await say(sessions, setup, clock, "please move thursday to saturday")
    async with sessions() as session:
        held = {hold.appointment_id for hold in await session.scalars(select(SlotHold))}
    assert held == {thursday}
