"""SHOWUP_RESCHEDULE=approve end to end: the client's tap asks the salon and keeps the time, the
admins get the request with Approve / Decline, one tap answers, the client is told either way
(through the outbox: ``told`` runs the dispatcher)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.notes import inbox_note
from bot.admin.texts import AdminTexts
from bot.channels.base import OutboundMessage
from bot.clock import ManualClock
from bot.domain.appointments import CancelledBy
from bot.domain.holds import HoldStatus, RescheduleMode
from bot.hub.admin_side import AdminBroadcast
from bot.hub.approvals import Approvals, approval_buttons
from bot.hub.relay import InboxRelay
from bot.ledger.appointments import cancel_appointment
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from db.models import Appointment, InboxItem, ScheduledMessage, SlotHold
from tests.conversation.test_reschedule import (
    MADRID,
    NOW,
    booking,
    dialog_setup,
    local,
    other_booking,
    say,
)
from tests.factories import ADMIN
from tests.fakes.channels import RecordingChannel
from tests.scheduling.conftest import RecordingAlerts


async def asked(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> tuple[int, InboxItem]:
    """Anna asks for Thursday 18:00 and taps it; the request waiting for the admins."""
    clock.set(NOW)
    setup = dialog_setup(RescheduleMode.APPROVE)
    appointment_id = await booking(sessions)
    [offer] = await say(sessions, setup, clock, "можно в четверг в 18?")
    [reply] = await say(sessions, setup, clock, button=offer.buttons[0])
    assert reply.outcome == "reschedule_asked"
    assert "Спросила салон" in reply.text
    # a second tap on the same button asks nothing new
    [again] = await say(sessions, setup, clock, button=offer.buttons[0])
    assert again.outcome == "reschedule_asked"
    async with sessions() as session:
        [item] = list(await session.scalars(select(InboxItem)))
        hold = await session.scalar(select(SlotHold))
        appointment = await session.get(Appointment, appointment_id)
    assert item.kind == "reschedule_approval"
    assert hold is not None
    assert hold.status is HoldStatus.ASKED
    assert hold.expires_at == NOW + timedelta(hours=2)  # kept for the admins' answer
    assert appointment is not None
    assert appointment.version == 1  # nothing moved yet
    return appointment_id, item


def relay_to_admins(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> tuple[RecordingChannel, InboxRelay]:
    """The inbox relay to one Russian-speaking admin on Telegram, and what they were sent."""
    admins = RecordingChannel("telegram")
    relay = InboxRelay(
        sessions=sessions,
        broadcast=AdminBroadcast(admins, ["900"]),
        clock=clock,
        zone=MADRID,
        texts=AdminTexts("ru"),
    )
    return admins, relay


def approvals(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> Approvals:
    return Approvals(
        sessions=sessions,
        dialog=dialog_setup(RescheduleMode.APPROVE),
        texts=AdminTexts("ru"),
        clock=clock,
    )


def dispatcher(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    channel: RecordingChannel,
    alerts: RecordingAlerts | None = None,
    *,
    owner: str = "test-worker",
) -> Dispatcher:
    return Dispatcher(
        sessions=sessions,
        channels={"test": channel},
        renderer=dialog_setup(RescheduleMode.APPROVE).scripts,  # the salon's, as the dialog's
        alerts=alerts or RecordingAlerts(),
        clock=clock,
        config=DispatchConfig(batch=50, lease=timedelta(seconds=60), max_attempts=3),
        rng=random.Random(7),  # noqa: S311 - reproducible jitter
        owner=owner,
    )


async def answers(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, channel: RecordingChannel
) -> list[OutboundMessage]:
    """Run the outbox; what the client was told about their move (not the confirmations)."""
    await dispatcher(sessions, clock, channel).drain()
    return [m for m in channel.sent if m.metadata["kind"].startswith("move:")]


async def test_the_admin_approves_with_one_tap_and_the_client_is_moved(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id, item = await asked(sessions, clock)
    buttons = approval_buttons(item, AdminTexts("ru"))
    assert inbox_note(item.note, AdminTexts("ru")) == (
        "Хочет перенести на чт 03.12 18:00, мастер Vitaly. Время придержано до 11:00: "
        "одобрите или отклоните кнопками ниже."
    )
    assert [(b.label, b.intent) for b in buttons] == [
        ("✅ Одобрить", "admin_move_ok"),
        ("❌ Отклонить", "admin_move_no"),
    ]
    channel = RecordingChannel()
    clock.advance(timedelta(minutes=30))
    [text] = await approvals(sessions, clock).answer(
        "move_ok", buttons[0].appointment_id, channel="telegram"
    )
    assert text.startswith("Перенесено: Anna")
    [told] = await answers(sessions, clock, channel)
    assert "Готово, запись перенесена" in told.text
    assert "18:00" in told.text
    async with sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        kinds = set(
            await session.scalars(
                select(ScheduledMessage.kind).where(ScheduledMessage.version == 2)
            )
        )
    assert appointment is not None
    assert (appointment.starts_at, appointment.version) == (local(3, 18), 2)
    assert "confirmation" in kinds
    # a second tap (another admin, or the same twice) changes nothing
    [late] = await approvals(sessions, clock).answer(
        "move_no", buttons[0].appointment_id, channel="telegram"
    )
    assert "уже ответили" in late
    assert await answers(sessions, clock, channel) == [told]  # sent once


async def test_the_admin_declines_and_the_client_is_told_kindly(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id, item = await asked(sessions, clock)
    admins, relay = relay_to_admins(sessions, clock)
    assert await relay.relay() == 1
    [_, decline] = approval_buttons(item, AdminTexts("ru"))
    channel = RecordingChannel()
    [text] = await approvals(sessions, clock).answer(
        "move_no", decline.appointment_id, channel="telegram"
    )
    assert text.startswith("Отклонено")
    assert "клиенту сообщат" in text  # queued: the outbox will tell them
    [told] = await answers(sessions, clock, channel)
    assert "перенести запись не получится" in told.text
    assert "администратор напишет" in told.text
    async with sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        hold = await session.scalar(select(SlotHold))
        items = list(await session.scalars(select(InboxItem).order_by(InboxItem.id)))
    assert appointment is not None
    assert appointment.version == 1
    assert hold is not None
    assert hold.status is HoldStatus.DECLINED
    # one request, still open for the admin to write about other times, and not sent again
    [request] = items
    assert request.handled_at is None
    assert request.note is not None
    assert request.note["code"] == "move_declined"
    note = inbox_note(request.note, AdminTexts("ru"))
    assert note is not None
    assert note.startswith("Вы отклонили перенос на чт 03.12 18:00; клиенту сказали")
    assert await relay.relay() == 0
    assert len(admins.sent) == 1


async def test_a_time_taken_before_the_approval_leaves_one_request_open(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _, item = await asked(sessions, clock)
    admins, relay = relay_to_admins(sessions, clock)
    assert await relay.relay() == 1
    await other_booking(sessions, local(3, 18))  # an admin booked Boris there, forced
    [approve, _] = approval_buttons(item, AdminTexts("ru"))
    [text] = await approvals(sessions, clock).answer(
        "move_ok", approve.appointment_id, channel="telegram"
    )
    assert text.startswith("чт 03.12 18:00 уже занято")
    async with sessions() as session:
        [request] = list(await session.scalars(select(InboxItem)))
    assert request.handled_at is None
    assert inbox_note(request.note, AdminTexts("ru")) == (
        "Время чт 03.12 18:00 заняли раньше, чем вы одобрили перенос; клиенту сообщили, что "
        "запись остаётся и что вы напишете о другом времени."  # noqa: RUF001 - Russian
    )
    assert await relay.relay() == 0
    assert len(admins.sent) == 1


async def test_the_relay_forwards_the_request_with_approve_and_decline(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _, item = await asked(sessions, clock)
    admins, relay = relay_to_admins(sessions, clock)
    assert await relay.relay() == 1
    [forwarded] = admins.sent
    assert forwarded.text.startswith("🔁 Перенос ждёт одобрения")
    # the time as every admin text words one, chosen (not proposed) among the times offered;
    # under it what the client wrote
    assert "Выбрано из предложенных свободных окошек: чт 03.12 18:00\n" in forwarded.text
    assert "Предлагает" not in forwarded.text
    assert "Хочет перенести на чт 03.12 18:00, мастер Vitaly." in forwarded.text
    assert "2026-12-03" not in forwarded.text
    assert "\nможно в четверг в 18?\n" in forwarded.text  # noqa: RUF001 - Russian
    assert [(b.intent, b.appointment_id) for b in forwarded.buttons] == [
        ("admin_move_ok", item.note["params"]["hold"]),  # type: ignore[index]
        ("admin_move_no", item.note["params"]["hold"]),  # type: ignore[index]
    ]


async def test_a_move_no_admin_answered_lapses_and_the_client_is_told(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id, item = await asked(sessions, clock)  # held until NOW + 2 h
    channel = RecordingChannel()
    clock.set(NOW + timedelta(hours=2) - timedelta(seconds=1))
    assert await approvals(sessions, clock).lapse() == 0  # still held
    clock.set(NOW + timedelta(hours=2))
    assert await approvals(sessions, clock).lapse() == 1
    [told] = await answers(sessions, clock, channel)
    assert "салон не успел подтвердить перенос" in told.text
    assert "администратор напишет" in told.text
    assert await approvals(sessions, clock).lapse() == 0  # once
    async with sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        hold = await session.scalar(select(SlotHold))
        items = list(await session.scalars(select(InboxItem).order_by(InboxItem.id)))
    assert appointment is not None
    assert appointment.version == 1  # nothing moved
    assert hold is not None
    assert hold.status is HoldStatus.LAPSED
    assert [(i.kind, i.handled_at is None) for i in items] == [
        ("reschedule_approval", False),
        ("reschedule_request", True),
    ]
    note = inbox_note(items[1].note, AdminTexts("ru"))
    assert note is not None
    assert note.startswith("Перенос на ")
    [_, decline] = approval_buttons(item, AdminTexts("ru"))
    [late] = await approvals(sessions, clock).answer(
        "move_ok", decline.appointment_id, channel="telegram"
    )
    assert "уже ответили" in late


async def test_a_move_asked_for_a_booking_cancelled_since_lapses_silently(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id, item = await asked(sessions, clock)
    async with sessions() as session:
        await cancel_appointment(
            session,
            appointment_id=appointment_id,
            cancelled_by=CancelledBy.CLIENT,
            late_window=timedelta(hours=24),
            who=ADMIN,
            now=clock.now(),
        )
        await session.commit()
        hold = await session.scalar(select(SlotHold))
    assert hold is not None
    assert hold.status is HoldStatus.RELEASED  # Thursday 18:00 is free for others at once
    channel = RecordingChannel()
    clock.set(NOW + timedelta(hours=2))
    assert await approvals(sessions, clock).lapse() == 0
    assert await answers(sessions, clock, channel) == []  # nothing to tell: she cancelled it
    [_, decline] = approval_buttons(item, AdminTexts("ru"))
    [late] = await approvals(sessions, clock).answer(
        "move_ok", decline.appointment_id, channel="telegram"
    )
    assert "уже ответили" in late


async def test_an_approval_after_the_hold_ran_out_changes_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    appointment_id, item = await asked(sessions, clock)  # held until NOW + 2 h
    [approve, _] = approval_buttons(item, AdminTexts("ru"))
    clock.set(NOW + timedelta(hours=2))  # the lapse job has not run yet
    [late] = await approvals(sessions, clock).answer(
        "move_ok", approve.appointment_id, channel="telegram"
    )
    assert "уже ответили" in late
    async with sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
    assert appointment is not None
    assert appointment.version == 1


async def test_a_move_that_lapses_at_night_is_told_in_the_morning(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await asked(sessions, clock)
    channel = RecordingChannel()
    clock.set(datetime(2026, 12, 1, 20, 0, tzinfo=UTC))  # 21:00 in Madrid: the first quiet minute
    assert await approvals(sessions, clock).lapse() == 0
    clock.set(datetime(2026, 12, 2, 7, 59, tzinfo=UTC))  # 08:59: still quiet
    assert await approvals(sessions, clock).lapse() == 0
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))  # 09:00
    assert await approvals(sessions, clock).lapse() == 1
    assert len(await answers(sessions, clock, channel)) == 1
