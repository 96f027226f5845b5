from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import PermanentSendError, TransientSendError
from bot.clock import ManualClock
from bot.domain.appointments import Action, CancelledBy
from bot.ledger.appointments import (
    cancel_appointment,
    mark_appointment,
    reschedule_appointment,
)
from bot.ledger.clients import link_identity
from bot.scheduling.claims import Claim, Result, claim_due, record_results
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from db.models import Appointment, ClientIdentity, MessageLog, OutboxStatus
from tests.factories import ADMIN, RULES
from tests.fakes.channels import RecordingChannel
from tests.fakes.scripts import script_book
from tests.scheduling.conftest import RecordingAlerts, book_linked, outbox

S = OutboxStatus


async def test_a_booking_is_confirmed_now_and_reminded_later(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    planned = await outbox(sessions, appointment_id)
    assert set(planned) == {("confirmation", 1), ("reminder:1d", 1), ("reminder:1h", 1)}

    assert await dispatcher.drain() == 1
    assert [m.metadata["kind"] for m in channel.sent] == ["confirmation"]
    assert channel.sent[0].recipient == "555"
    assert "You're booked" in channel.sent[0].text

    clock.set(planned["reminder:1d", 1].due_at)
    assert await dispatcher.drain() == 1
    ask = channel.sent[-1]
    assert [b.intent for b in ask.buttons] == ["confirm", "cancel", "reschedule"]
    assert {b.appointment_id for b in ask.buttons} == {appointment_id}
    assert await dispatcher.drain() == 0  # nothing is sent twice

    rows = await outbox(sessions, appointment_id)
    assert rows["confirmation", 1].status is S.SENT
    assert rows["confirmation", 1].external_message_id == "test-1"
    assert rows["confirmation", 1].lease_owner is None
    async with sessions() as session:
        logged = list(await session.scalars(select(MessageLog).order_by(MessageLog.id)))
    assert [(m.direction, m.channel, m.appointment_id) for m in logged] == [
        ("out", "test", appointment_id)
    ] * 2


async def test_reschedule_voids_the_old_version_and_plans_the_new(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    await dispatcher.drain()
    async with sessions() as session:
        await reschedule_appointment(
            session,
            appointment_id=appointment_id,
            starts_at=clock.now() + timedelta(days=5),
            who=ADMIN,
            now=clock.now(),
            rules=RULES,
        )
        await session.commit()
    rows = await outbox(sessions, appointment_id)
    assert rows["reminder:1d", 1].status is S.VOID
    assert rows["reminder:1h", 1].status is S.VOID
    assert rows["confirmation", 1].status is S.SENT
    assert rows["confirmation", 2].status is S.PENDING
    await dispatcher.drain()
    assert "has moved" in channel.sent[-1].text
    clock.set(rows["reminder:1d", 1].due_at)
    assert await dispatcher.drain() == 0  # the old reminder is void, never claimed


async def test_cancel_and_arrival_void_what_is_left(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    cancelled = await book_linked(sessions, clock)
    async with sessions() as session:
        await cancel_appointment(
            session,
            appointment_id=cancelled,
            cancelled_by=CancelledBy.CLIENT,
            late_window=timedelta(hours=24),
            who=ADMIN,
            now=clock.now(),
        )
        await session.commit()
    assert {row.status for row in (await outbox(sessions, cancelled)).values()} == {S.VOID}
    assert await dispatcher.drain() == 0
    assert channel.sent == []


async def test_a_message_whose_appointment_changed_after_the_claim_is_void(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    """The dispatcher re-checks the appointment itself, not only the row's status."""
    appointment_id = await book_linked(sessions, clock)
    async with sessions() as session:
        stored = await session.get(Appointment, appointment_id)
        assert stored is not None
        stored.version = 9  # changed behind the outbox's back
        await session.commit()
    assert await dispatcher.drain() == 1
    assert channel.sent == []
    row = (await outbox(sessions, appointment_id))["confirmation", 1]
    assert (row.status, row.last_error) == (S.VOID, "appointment was rescheduled")


async def test_a_late_message_is_skipped_not_sent(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock, in_days=2)
    await dispatcher.drain()
    reminder = (await outbox(sessions, appointment_id))["reminder:1d", 1]
    clock.set(reminder.due_at + timedelta(hours=20))  # the process was down all day
    await dispatcher.drain()
    assert (await outbox(sessions, appointment_id))["reminder:1d", 1].status is S.SKIPPED
    clock.set((await outbox(sessions, appointment_id))["reminder:1h", 1].due_at)
    await dispatcher.drain()
    rows = await outbox(sessions, appointment_id)
    assert rows["reminder:1h", 1].status is S.SENT
    assert [m.metadata["kind"] for m in channel.sent] == ["confirmation", "reminder:1h"]


async def test_a_client_without_a_messenger_is_reported_to_admins(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    alerts: RecordingAlerts,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock, link=False)
    await dispatcher.drain()
    row = (await outbox(sessions, appointment_id))["confirmation", 1]
    assert (row.status, row.last_error) == (S.SKIPPED, "no reachable messenger")
    assert len(alerts.texts) == 1
    assert "no reachable messenger" in alerts.texts[0]


async def test_transient_failures_back_off_then_give_up_and_tell_admins(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    alerts: RecordingAlerts,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    channel.failures.extend(TransientSendError("timeout") for _ in range(3))
    for attempt in (1, 2):
        await dispatcher.drain()
        row = (await outbox(sessions, appointment_id))["confirmation", 1]
        assert (row.status, row.attempts, row.last_error) == (S.PENDING, attempt, "timeout")
        delay = row.due_at - clock.now()
        ceiling = timedelta(seconds=30 * 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
        assert await dispatcher.drain() == 0  # not due again before its time
        clock.set(row.due_at)
    await dispatcher.drain()
    row = (await outbox(sessions, appointment_id))["confirmation", 1]
    assert (row.status, row.attempts) == (S.FAILED, 3)
    assert channel.sent == []
    assert len(alerts.texts) == 1
    assert "after 3 attempts" in alerts.texts[0]


async def test_retry_after_is_honoured_and_then_the_message_goes_out(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    channel.failures.append(TransientSendError("429 Too Many Requests", retry_after=17))
    await dispatcher.drain()
    row = (await outbox(sessions, appointment_id))["confirmation", 1]
    assert row.due_at == clock.now() + timedelta(seconds=17)
    clock.advance(timedelta(seconds=16))
    assert await dispatcher.drain() == 0
    clock.advance(timedelta(seconds=1))
    assert await dispatcher.drain() == 1
    assert len(channel.sent) == 1


async def test_a_permanent_failure_marks_the_client_unreachable_and_is_not_retried(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    alerts: RecordingAlerts,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    channel.failures.append(PermanentSendError("bot was blocked by the user"))
    await dispatcher.drain()
    row = (await outbox(sessions, appointment_id))["confirmation", 1]
    assert (row.status, row.attempts) == (S.FAILED, 1)
    async with sessions() as session:
        identity = await session.scalar(select(ClientIdentity))
    assert identity is not None
    assert (identity.unreachable, identity.unreachable_reason) == (
        True,
        "test: bot was blocked by the user",
    )
    assert alerts.texts
    assert "bot was blocked" in alerts.texts[-1]
    clock.set(row.due_at + timedelta(days=2))  # the 24 h reminder is due: nowhere to send it
    await dispatcher.drain()
    assert channel.sent == []


async def test_a_permanent_failure_falls_back_to_the_clients_other_messenger(
    sessions: async_sessionmaker[AsyncSession],
    channel: RecordingChannel,
    alerts: RecordingAlerts,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    other = RecordingChannel("other")
    async with sessions() as session:
        stored = await session.get(Appointment, appointment_id)
        assert stored is not None
        await link_identity(session, client_id=stored.client_id, channel="other", external_id="x")
        await session.commit()
    dispatcher = Dispatcher(
        sessions=sessions,
        channels={"test": channel, "other": other},
        renderer=script_book(),
        alerts=alerts,
        clock=clock,
        config=DispatchConfig(),
    )
    # the newest identity ("other") is preferred; make it the one that fails
    other.failures.append(PermanentSendError("number is not on this messenger"))
    await dispatcher.drain()
    assert len(channel.sent) == 1
    row = (await outbox(sessions, appointment_id))["confirmation", 1]
    assert (row.status, row.channel, row.attempts) == (S.SENT, "test", 2)


async def claim_as(
    sessions: async_sessionmaker[AsyncSession], owner: str, clock: ManualClock
) -> list[Claim]:
    """Claim what is due as another dispatcher would, and keep it (as if that one died)."""
    async with sessions() as session:
        claimed = await claim_due(
            session, owner=owner, now=clock.now(), lease=timedelta(seconds=60), limit=10
        )
        await session.commit()
    return claimed


async def test_rows_of_a_dead_dispatcher_come_back_after_its_lease(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    claimed = await claim_as(sessions, "dead", clock)
    assert [c.appointment_id for c in claimed] == [appointment_id]
    assert await dispatcher.drain() == 0  # leased to someone else
    clock.advance(timedelta(seconds=61))
    assert await dispatcher.drain() == 1
    row = (await outbox(sessions, appointment_id))["confirmation", 1]
    assert (row.status, row.attempts) == (S.SENT, 2)
    assert len(channel.sent) == 1


async def test_a_result_for_a_row_voided_meanwhile_does_not_resurrect_it(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    clock: ManualClock,
) -> None:
    appointment_id = await book_linked(sessions, clock)
    claimed = await claim_as(sessions, "test-worker", clock)
    async with sessions() as session:
        await mark_appointment(
            session,
            appointment_id=appointment_id,
            action=Action.ARRIVE,
            who=ADMIN,
            now=clock.now(),
        )
        await session.commit()
    async with sessions() as session:
        await record_results(
            session,
            owner="test-worker",
            results=[Result(claimed[0], S.SENT, claimed[0].due_at, channel="test")],
            now=clock.now(),
        )
        await session.commit()
    row = (await outbox(sessions, appointment_id))["confirmation", 1]
    assert row.status is S.VOID
