"""The salon's answer to a move asked for is an outbox row, planned with the answer itself: the
time asked for is kept on it and rendered at send time in the client's language, a crash after
the commit loses nothing, a failure reaches the admins, and the move does not void it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.texts import AdminTexts
from bot.channels.base import PermanentSendError
from bot.clock import ManualClock
from bot.domain.holds import RescheduleMode
from bot.hub.approvals import approval_buttons
from bot.ledger.appointments import reschedule_appointment
from bot.ledger.outbox import plan_outbox
from bot.scheduling.claims import claim_due
from db.models import Appointment, Client, MessageLog, OutboxStatus, ScheduledMessage, SlotHold
from tests.conversation.test_reschedule import NOW, dialog_setup, local, say
from tests.factories import ADMIN, RULES
from tests.fakes.channels import RecordingChannel
from tests.hub.test_reschedule_approvals import approvals, asked, dispatcher
from tests.scheduling.conftest import RecordingAlerts

S = OutboxStatus


async def move_rows(sessions: async_sessionmaker[AsyncSession]) -> list[ScheduledMessage]:
    async with sessions() as session:
        rows = await session.scalars(
            select(ScheduledMessage)
            .where(ScheduledMessage.kind.like("move:%"))
            .order_by(ScheduledMessage.id)
        )
        return list(rows)


async def hold_id(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        found = await session.scalar(select(SlotHold.id).order_by(SlotHold.id.desc()).limit(1))
    assert found is not None
    return found


async def test_an_approval_queues_one_row_that_the_dispatcher_sends_once(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id, item = await asked(sessions, clock)
    [approve, _] = approval_buttons(item, AdminTexts("ru"))
    clock.advance(timedelta(minutes=30))
    answering = approvals(sessions, clock)
    woken: list[bool] = []
    answering.on_queued = lambda: woken.append(True)  # the outbox is woken, not waited for
    await answering.answer("move_ok", approve.appointment_id, channel="telegram")
    assert woken == [True]
    [row] = await move_rows(sessions)
    assert (row.kind, row.script, row.version, row.status) == (
        f"move:{approve.appointment_id}",
        "reschedule_moved",
        2,  # the booking's version after the move: the move voids only older ones
        S.PENDING,
    )
    assert (row.appointment_id, row.proposed_at, row.due_at) == (
        appointment_id,
        local(3, 18),
        NOW + timedelta(minutes=30),
    )
    channel = RecordingChannel()
    assert await dispatcher(sessions, clock, channel).drain() == 2  # and the new confirmation
    [moved] = [m for m in channel.sent if m.metadata["kind"] == row.kind]
    assert moved.locale == "ru"
    assert moved.text == (
        "Готово, запись перенесена: Haircut, мастер Vitaly, 3 декабря (четверг) в 18:00. Ждём вас!"
    )
    assert await dispatcher(sessions, clock, channel).drain() == 0
    assert len(channel.sent) == 2
    [row] = await move_rows(sessions)
    assert (row.status, row.channel, row.attempts) == (S.SENT, "test", 1)
    async with sessions() as session:
        logged = await session.scalar(
            select(MessageLog.appointment_id).where(MessageLog.body == moved.text)
        )
    assert logged == appointment_id


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("ru", "на 3 декабря (четверг), 18:00 перенести запись не получится"),
        ("en", "can't move your visit to Thursday, December 3, 6:00\u202fPM."),
        ("es", "no puede cambiar tu cita al jueves 3 de diciembre, 18:00."),
        ("tr", "randevunuzu 3 Aralık Perşembe, 18:00 saatine alamıyor."),  # noqa: RUF001
    ],
)
async def test_a_decline_names_the_time_asked_for_in_the_clients_language(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, locale: str, expected: str
) -> None:
    _, item = await asked(sessions, clock)
    [_, decline] = approval_buttons(item, AdminTexts("ru"))
    async with sessions() as session:  # the language the client has when the message goes
        client = await session.scalar(select(Client))
        assert client is not None
        client.locale = locale
        await session.commit()
    await approvals(sessions, clock).answer("move_no", decline.appointment_id, channel="telegram")
    [row] = await move_rows(sessions)
    assert (row.script, row.version, row.proposed_at) == ("reschedule_declined", 1, local(3, 18))
    channel = RecordingChannel()
    await dispatcher(sessions, clock, channel).drain()
    [told] = [m for m in channel.sent if m.metadata["kind"] == row.kind]
    assert told.locale == locale
    assert expected in told.text


async def test_a_lapse_queues_its_answer_with_the_time_asked_for(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await asked(sessions, clock)
    clock.set(NOW + timedelta(hours=2))
    assert await approvals(sessions, clock).lapse() == 1
    [row] = await move_rows(sessions)
    assert (row.script, row.proposed_at, row.due_at, row.status) == (
        "reschedule_lapsed",
        local(3, 18),
        NOW + timedelta(hours=2),
        S.PENDING,
    )
    channel = RecordingChannel()
    await dispatcher(sessions, clock, channel).drain()
    [told] = [m for m in channel.sent if m.metadata["kind"] == row.kind]
    assert "не успел подтвердить перенос на 3 декабря (четверг), 18:00" in told.text


async def test_a_crash_between_the_commit_and_the_send_loses_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    """The answer is committed with the decline; a dispatcher claims it and dies before sending;
    after its lease runs out a restarted one sends it, once."""
    _, item = await asked(sessions, clock)
    [_, decline] = approval_buttons(item, AdminTexts("ru"))
    await approvals(sessions, clock).answer("move_no", decline.appointment_id, channel="telegram")
    async with sessions() as session:
        claims = await claim_due(
            session, owner="died", now=clock.now(), lease=timedelta(seconds=60), limit=50
        )
        await session.commit()
    assert f"move:{decline.appointment_id}" in {c.kind for c in claims}
    channel = RecordingChannel()
    restarted = dispatcher(sessions, clock, channel, owner="restarted")
    clock.advance(timedelta(seconds=60))
    assert await restarted.drain() == 0  # the lease still runs (until its very end)
    clock.advance(timedelta(seconds=1))
    await restarted.drain()
    [told] = [m for m in channel.sent if m.metadata["kind"].startswith("move:")]
    assert "перенести запись не получится" in told.text
    assert await restarted.drain() == 0
    [row] = await move_rows(sessions)
    assert (row.status, row.attempts) == (S.SENT, 2)


async def test_an_answer_that_cannot_be_sent_reaches_the_admins(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _, item = await asked(sessions, clock)
    await dispatcher(sessions, clock, RecordingChannel()).drain()  # her booking confirmation
    [_, decline] = approval_buttons(item, AdminTexts("ru"))
    [text] = await approvals(sessions, clock).answer(
        "move_no", decline.appointment_id, channel="telegram"
    )
    assert "клиенту сообщат" in text  # queued, not yet known to be sent
    channel = RecordingChannel()
    channel.failures.append(PermanentSendError("blocked by the user"))
    alerts = RecordingAlerts()
    await dispatcher(sessions, clock, channel, alerts).drain()
    [row] = await move_rows(sessions)
    assert row.status is S.FAILED
    assert alerts.texts == [
        f"The answer about the move for #{row.appointment_id} could not be sent after 1 attempt "
        "(test: blocked by the user). Please contact the client another way."
    ]


async def test_an_answer_given_at_night_goes_in_the_morning(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _, item = await asked(sessions, clock)
    [_, decline] = approval_buttons(item, AdminTexts("ru"))
    clock.set(datetime(2026, 12, 1, 21, 30, tzinfo=UTC))  # 22:30 in Madrid: quiet
    await approvals(sessions, clock).answer("move_no", decline.appointment_id, channel="telegram")
    [row] = await move_rows(sessions)
    assert row.due_at == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 09:00 in Madrid
    channel = RecordingChannel()
    clock.set(datetime(2026, 12, 2, 7, 59, tzinfo=UTC))
    await dispatcher(sessions, clock, channel).drain()
    assert not [m for m in channel.sent if m.metadata["kind"] == row.kind]
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    await dispatcher(sessions, clock, channel).drain()
    assert len([m for m in channel.sent if m.metadata["kind"] == row.kind]) == 1


async def test_replanning_the_reminders_keeps_the_answer_and_a_later_move_voids_it(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id, item = await asked(sessions, clock)
    [_, decline] = approval_buttons(item, AdminTexts("ru"))
    await approvals(sessions, clock).answer("move_no", decline.appointment_id, channel="telegram")
    async with sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        assert appointment is not None
        assert await plan_outbox(session, appointment=appointment, rules=RULES, now=NOW) == []
        await session.commit()
    [row] = await move_rows(sessions)
    assert row.status is S.PENDING
    async with sessions() as session:  # an admin moves the visit before the answer went out
        await reschedule_appointment(
            session,
            appointment_id=appointment_id,
            starts_at=local(4, 12),
            ends_at=local(4, 13),
            who=ADMIN,
            now=NOW,
            rules=RULES,
        )
        await session.commit()
    [row] = await move_rows(sessions)
    assert (row.status, row.last_error) == (S.VOID, "rescheduled to version 2")
    channel = RecordingChannel()
    await dispatcher(sessions, clock, channel).drain()
    assert not [m for m in channel.sent if m.metadata["kind"].startswith("move:")]


async def test_a_booking_declined_twice_gets_both_answers(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _, item = await asked(sessions, clock)
    [_, decline] = approval_buttons(item, AdminTexts("ru"))
    await approvals(sessions, clock).answer("move_no", decline.appointment_id, channel="telegram")
    setup = dialog_setup(RescheduleMode.APPROVE)
    [offer] = await say(sessions, setup, clock, "можно в пятницу в 12?")
    [reply] = await say(sessions, setup, clock, button=offer.buttons[0])
    assert reply.outcome == "reschedule_asked"
    second = await hold_id(sessions)
    await approvals(sessions, clock).answer("move_no", second, channel="telegram")
    rows = await move_rows(sessions)
    assert [(r.kind, r.version, r.proposed_at) for r in rows] == [
        (f"move:{decline.appointment_id}", 1, local(3, 18)),
        (f"move:{second}", 1, local(4, 12)),
    ]
    channel = RecordingChannel()
    await dispatcher(sessions, clock, channel).drain()
    assert len([m for m in channel.sent if m.metadata["kind"].startswith("move:")]) == 2
