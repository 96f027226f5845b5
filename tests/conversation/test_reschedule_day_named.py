"""A reply naming a day in the chat: the booking's own day cancels it (no times offered), and a
part of the day asked for ("el viernes por la tarde") keeps the times offered inside it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.conversation.dialog import DialogSetup
from bot.ledger.schedules import add_time_off
from db.models import SlotHold
from tests.conversation.test_reschedule import (
    NOW,
    booking,
    dialog_setup,
    local,
    say,
    slot_times,
    stored,
)
from tests.factories import ADMIN

SATURDAY_MORNING = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)  # Saturday 09:00 in Madrid


@pytest.fixture
def setup() -> DialogSetup:
    return dialog_setup()


@pytest.fixture
def at_now(clock: ManualClock) -> ManualClock:
    clock.set(NOW)  # Tuesday 1 December, 09:00 in Madrid
    return clock


@pytest.mark.parametrize(
    ("locale", "text", "answer"),
    [
        ("en", "cancel my Saturday appointment", "cancelled"),
        ("ru", "отмените мою запись на субботу", "отменена"),
        ("es", "cancela mi cita del sábado", "cancelada"),
        ("tr", "cumartesi randevumu iptal edin", "iptal"),
    ],
)
async def test_cancelling_on_the_day_by_its_weekday_cancels_the_booking(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    clock: ManualClock,
    locale: str,
    text: str,
    answer: str,
) -> None:
    # on Saturday morning "Saturday" alone would be the next one; here it is the booking's
    clock.set(SATURDAY_MORNING)
    appointment_id = await booking(sessions, locale=locale, starts_at=local(5, 18))
    [reply] = await say(sessions, setup, clock, text)
    assert reply.outcome == "ack_cancelled", reply.text
    assert answer in reply.text.lower()
    assert (await stored(sessions, appointment_id)).status.value == "cancelled"
    async with sessions() as session:
        assert list(await session.scalars(select(SlotHold))) == []


@pytest.mark.parametrize(
    ("locale", "text", "times"),
    [
        ("es", "¿se puede pasar al viernes por la tarde?", ["12:00", "12:15", "12:30"]),
        ("ru", "можно перенести на пятницу вечером?", ["17:00", "17:15", "17:30"]),
        ("en", "can we do friday morning instead?", ["6:00", "6:15", "6:30"]),
        ("tr", "cuma akşam olur mu", ["17:00", "17:15", "17:30"]),
    ],
)
async def test_a_part_of_the_day_keeps_the_times_offered_inside_it(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    at_now: ManualClock,
    locale: str,
    text: str,
    times: list[str],
) -> None:
    # the salon is open around the clock in the tests: the window alone bounds the times
    await booking(sessions, locale=locale)
    [reply] = await say(sessions, setup, at_now, text)
    assert reply.outcome == "reschedule_offer", reply.text
    async with sessions() as session:
        held = list(await session.scalars(select(SlotHold).order_by(SlotHold.starts_at)))
    assert [f"{hold.starts_at.astimezone(local(4, 0).tzinfo):%-H:%M}" for hold in held] == times
    assert {hold.starts_at.astimezone(local(4, 0).tzinfo).day for hold in held} == {4}
    assert len(slot_times(reply)) == 3


async def test_a_closed_evening_offers_the_evening_after_it_not_the_afternoon(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    await booking(sessions)
    async with sessions() as session:  # the salon closes at 17:00 on Friday
        await add_time_off(
            session, staff_id=None, starts_at=local(4, 17), ends_at=local(5, 0),
            reason="inventory", who=ADMIN, now=NOW,
        )  # fmt: skip
        await session.commit()
    [reply] = await say(sessions, setup, at_now, "можно перенести на пятницу вечером?")
    assert reply.outcome == "reschedule_offer"
    assert slot_times(reply) == ["сб 5 дек. 17:00", "сб 5 дек. 17:15", "сб 5 дек. 17:30"]


async def test_with_no_evening_free_around_it_the_nearest_to_that_evening(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    await booking(sessions)
    async with sessions() as session:  # only mornings: closed from 12:00 to 06:00 all week
        for day in range(1, 9):
            await add_time_off(
                session, staff_id=None, starts_at=local(day, 12), ends_at=local(day + 1, 6),
                reason="short hours", who=ADMIN, now=NOW,
            )  # fmt: skip
        await session.commit()
    [reply] = await say(sessions, setup, at_now, "можно перенести на пятницу вечером?")
    assert reply.outcome == "reschedule_offer"
    assert slot_times(reply) == ["пт 4 дек. 10:45", "пт 4 дек. 11:00", "сб 5 дек. 06:00"]
