"""A visit the salon cancels is told to the client through the outbox, once, in their language;
a client's own cancellation is not (the chat answered it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import PermanentSendError
from bot.clock import ManualClock
from bot.domain.appointments import CancelledBy
from bot.ledger.appointments import cancel_appointment
from bot.ledger.attendance import AttendancePolicy
from bot.scheduling.dispatcher import Dispatcher
from db.models import Appointment, Client, OutboxStatus
from tests.conftest import START
from tests.domain.test_reminders import MADRID, NIGHT
from tests.factories import ADMIN, make_appointment
from tests.fakes.channels import RecordingChannel
from tests.scheduling.conftest import RecordingAlerts, appointment, book_linked, outbox

S = OutboxStatus
NOTICE = "salon_cancelled"
UNDO = timedelta(minutes=2)
OPENINGS = {
    "en": "Hello, Anna. We're very sorry, but we have to cancel your visit: Haircut with Vitaly,",
    "ru": "Здравствуйте, Anna! К сожалению, нам придётся отменить вашу запись: "  # noqa: RUF001 - Russian
    "Haircut, мастер Vitaly,",
    "es": "Hola, Anna. Lo sentimos mucho, pero tenemos que cancelar tu cita: Haircut con Vitaly,",
    "tr": "Merhaba, Anna. Çok üzgünüz,",
}


async def _cancel(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    appointment_id: int,
    by: CancelledBy = CancelledBy.SALON,
    policy: AttendancePolicy | None = None,
) -> None:
    async with sessions() as session:
        await cancel_appointment(
            session,
            appointment_id=appointment_id,
            cancelled_by=by,
            late_window=timedelta(hours=24),
            who=ADMIN,
            now=clock.now(),
            policy=policy,
        )
        await session.commit()


async def test_the_salon_cancelling_tells_the_client_once(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    assert await dispatcher.drain() == 1  # the booking confirmation
    await _cancel(sessions, clock, appointment_id)

    rows = await outbox(sessions, appointment_id)
    assert {kind: row.status for (kind, _), row in rows.items()} == {
        "confirmation": S.SENT,
        "reminder:1d": S.VOID,
        "reminder:1h": S.VOID,
        NOTICE: S.PENDING,  # planned after the cancellation voided the rest
    }
    assert rows[NOTICE, 1].due_at == START + UNDO
    clock.advance(UNDO - timedelta(seconds=1))
    assert await dispatcher.drain() == 0
    clock.advance(timedelta(seconds=1))
    assert await dispatcher.drain() == 1
    assert await dispatcher.drain() == 0

    _confirmation, notice = channel.sent
    assert notice.metadata == {"appointment_id": str(appointment_id), "kind": NOTICE}
    assert notice.text.startswith(OPENINGS["en"])
    assert "Thursday, November 26 at 3:00\u202fPM." in notice.text  # in the salon's zone
    assert notice.buttons == ()
    assert (await outbox(sessions, appointment_id))[NOTICE, 1].status is S.SENT


async def test_the_clients_own_cancellation_is_not_told_again(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    await dispatcher.drain()
    await _cancel(sessions, clock, appointment_id, by=CancelledBy.CLIENT)
    assert (NOTICE, 1) not in await outbox(sessions, appointment_id)
    clock.advance(timedelta(hours=1))
    assert await dispatcher.drain() == 0
    assert len(channel.sent) == 1


@pytest.mark.parametrize("after_start", [timedelta(0), timedelta(hours=2)])
async def test_no_notice_for_a_visit_whose_time_has_come(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
    after_start: timedelta,
) -> None:
    appointment_id = await book_linked(sessions, clock, in_days=0)
    await dispatcher.drain()
    clock.set((await appointment(sessions, appointment_id)).starts_at + after_start)
    await _cancel(sessions, clock, appointment_id)
    assert (NOTICE, 1) not in await outbox(sessions, appointment_id)
    sent = len(channel.sent)
    clock.advance(UNDO)
    await dispatcher.drain()
    assert len(channel.sent) == sent


async def test_a_notice_not_sent_before_the_visit_starts_is_skipped(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock, in_days=0)
    await dispatcher.drain()
    await _cancel(sessions, clock, appointment_id)
    clock.set((await appointment(sessions, appointment_id)).starts_at)  # the outbox was down
    assert await dispatcher.drain() == 1
    row = (await outbox(sessions, appointment_id))[NOTICE, 1]
    assert (row.status, row.last_error) == (S.SKIPPED, "too late to be useful")
    assert [m.metadata["kind"] for m in channel.sent] == ["confirmation"]


async def test_a_visit_booked_again_at_the_same_time_is_not_told(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    """An admin cancelled the wrong visit and booked it again at once: no news for the client
    but the new booking's confirmation."""
    appointment_id = await book_linked(sessions, clock)
    await dispatcher.drain()
    await _cancel(sessions, clock, appointment_id)
    clock.advance(timedelta(minutes=1))
    async with sessions() as session:
        old = await session.get(Appointment, appointment_id)
        assert old is not None
        again = await make_appointment(
            session,
            client=old.client,
            staff=old.staff,
            service=old.service,
            starts_at=old.starts_at,
            now=clock.now(),
        )
        await session.commit()
    clock.advance(timedelta(minutes=1))
    assert await dispatcher.drain() == 2
    row = (await outbox(sessions, appointment_id))[NOTICE, 1]
    assert (row.status, row.last_error) == (S.VOID, "booked again")
    assert [m.metadata["appointment_id"] for m in channel.sent[1:]] == [str(again.id)]
    assert "You're booked" in channel.sent[-1].text


@pytest.mark.parametrize("locale", sorted(OPENINGS))
async def test_the_notice_is_in_the_clients_language(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
    locale: str,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    async with sessions() as session:
        booked = await session.get(Appointment, appointment_id)
        assert booked is not None
        client = await session.get(Client, booked.client_id)
        assert client is not None
        client.locale = locale
        await session.commit()
    await dispatcher.drain()
    await _cancel(sessions, clock, appointment_id)
    clock.advance(UNDO)
    assert await dispatcher.drain() == 1
    notice = channel.sent[-1]
    assert (notice.locale, notice.metadata["kind"]) == (locale, NOTICE)
    assert notice.text.startswith(OPENINGS[locale])


async def test_at_night_the_notice_waits_for_the_morning(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    """The salon's quiet hours (the policy's) hold a notice that leaves time in the morning."""
    appointment_id = await book_linked(sessions, clock)  # Thursday 26, 15:00 Madrid
    clock.set(START.replace(day=25, hour=22))  # Wednesday 23:00 Madrid
    await _cancel(
        sessions, clock, appointment_id, policy=AttendancePolicy(quiet=NIGHT, zone=MADRID)
    )
    due = (await outbox(sessions, appointment_id))[NOTICE, 1].due_at
    assert due.astimezone(MADRID).strftime("%d %H:%M") == "26 09:00"


async def test_the_admins_hear_when_the_notice_cannot_go(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    alerts: RecordingAlerts,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    await dispatcher.drain()
    await _cancel(sessions, clock, appointment_id)
    channel.failures.append(PermanentSendError("bot was blocked by the user"))
    clock.advance(UNDO)
    await dispatcher.drain()
    [alert] = alerts.texts
    assert alert.startswith(f"The cancellation notice for #{appointment_id} could not be sent")
