"""Moving a booking in the chat: free times offered and held, one tap moves it (real SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Button, DialogReply, InboundMessage
from bot.clock import ManualClock
from bot.conversation.dialog import Dialog, DialogSetup
from bot.domain.holds import HoldStatus, RescheduleMode, RescheduleRules
from bot.errors import ConflictError
from bot.ledger.appointments import BookingRequest, book, reschedule_appointment
from bot.ledger.booking_rules import Sanity, booking_problems
from bot.ledger.clients import link_identity
from bot.ledger.schedules import add_time_off
from bot.ledger.slots import find_slots
from db.models import (
    Appointment,
    DialogState,
    FreedSlot,
    InboxItem,
    OutboxStatus,
    ScheduledMessage,
    Service,
    SlotHold,
    Staff,
    WaitlistEntry,
    WaitlistOffer,
)
from tests.factories import ADMIN, RULES, make_appointment, make_client, make_service, make_staff
from tests.fakes.scripts import script_book

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # Tuesday 09:00 in Madrid
VISIT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # Thursday 10:00 in Madrid


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=MADRID)


def dialog_setup(mode: RescheduleMode = RescheduleMode.SELF) -> DialogSetup:
    return DialogSetup(
        scripts=script_book("es"),  # a salon in Madrid: its clock writes 18:00
        zone=MADRID,
        salon_name="Studio",
        default_locale="es",
        late_window=timedelta(hours=24),
        reschedule=RescheduleRules(mode=mode, hold=timedelta(minutes=10)),
        reminders=RULES,
    )


@pytest.fixture
def setup() -> DialogSetup:
    return dialog_setup()


@pytest.fixture
def at_now(clock: ManualClock) -> ManualClock:
    clock.set(NOW)
    return clock


async def say(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    clock: ManualClock,
    text: str = "",
    *,
    button: Button | None = None,
    sender: str = "42",
    channel: str = "test",
) -> list[DialogReply]:
    async with sessions() as session:
        message = InboundMessage(channel=channel, sender=sender, text=text, button=button)
        replies = await Dialog(session, setup, clock.now()).handle(message)
        await session.commit()
    return replies


async def _master_and_service(session: AsyncSession) -> tuple[Staff, Service]:
    staff = await session.scalar(select(Staff).order_by(Staff.id).limit(1))
    service = await session.scalar(select(Service).order_by(Service.id).limit(1))
    return (
        staff if staff is not None else await make_staff(session),
        service if service is not None else await make_service(session),
    )


async def booking(
    sessions: async_sessionmaker[AsyncSession],
    *,
    locale: str = "ru",
    sender: str = "42",
    starts_at: datetime = VISIT,
    name: str = "Anna",
    phone: str = "+34600111222",
    channel: str = "test",
) -> int:
    """A client on ``channel`` as ``sender``, booked at ``starts_at``."""
    async with sessions() as session:
        client = await make_client(session, name=name, phone=phone)
        client.locale = locale
        await link_identity(session, client_id=client.id, channel=channel, external_id=sender)
        staff, service = await _master_and_service(session)
        appointment = await make_appointment(
            session, client=client, staff=staff, service=service, starts_at=starts_at, now=NOW
        )
        session.add(DialogState(client_id=client.id, state="idle", updated_at=NOW))
        await session.commit()
        return appointment.id


async def other_booking(sessions: async_sessionmaker[AsyncSession], starts_at: datetime) -> None:
    """Another client's appointment with the same master (an admin's, forced past any hold)."""
    async with sessions() as session:
        client = await make_client(session, name="Boris", phone="+34600999888")
        staff, service = await _master_and_service(session)
        await book(
            session,
            request=BookingRequest(
                client_id=client.id,
                staff_id=staff.id,
                service_id=service.id,
                starts_at=starts_at,
            ),
            who=ADMIN,
            now=NOW,
            rules=RULES,
            sanity=Sanity.FORCE,
        )
        await session.commit()


async def stored(sessions: async_sessionmaker[AsyncSession], appointment_id: int) -> Appointment:
    async with sessions() as session:
        found = await session.get(Appointment, appointment_id)
        assert found is not None
        return found


def slot_times(reply: DialogReply) -> list[str]:
    return [b.label for b in reply.buttons if b.intent == "move"]


# -- what is offered ----------------------------------------------------------------------------


async def test_the_time_asked_for_is_free_one_button_to_move_there(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    await booking(sessions)
    [reply] = await say(sessions, setup, at_now, "можно в четверг в 18?")
    assert reply.outcome == "reschedule_offer"
    assert [b.intent for b in reply.buttons] == ["move", "move_other"]
    assert slot_times(reply) == ["чт 3 дек. 18:00"]
    assert "свободно" in reply.text
    assert "10 минут" in reply.text
    async with sessions() as session:
        [hold] = list(await session.scalars(select(SlotHold)))
    assert (hold.starts_at, hold.status) == (local(3, 18), HoldStatus.HELD)
    assert hold.expires_at == NOW + timedelta(minutes=10)


async def test_a_busy_time_offers_the_three_nearest_and_other_time(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    await booking(sessions)
    await other_booking(sessions, local(3, 18))  # 18:00–19:00 is taken
    [reply] = await say(sessions, setup, at_now, "можно в четверг в 18?")
    assert reply.outcome == "reschedule_offer"
    assert slot_times(reply) == ["чт 3 дек. 16:45", "чт 3 дек. 17:00", "чт 3 дек. 19:00"]
    assert reply.buttons[-1].intent == "move_other"
    assert "уже занято" in reply.text


async def test_the_reschedule_tap_offers_the_first_free_times_from_tomorrow(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    appointment_id = await booking(sessions, locale="es")
    tap = Button("Cambiar", "reschedule", appointment_id, 1)
    [reply] = await say(sessions, setup, at_now, button=tap)
    # the salon is open around the clock in the tests: tomorrow from midnight, Madrid time
    assert slot_times(reply) == ["mié 2 dic 0:00", "mié 2 dic 0:15", "mié 2 dic 0:30"]
    assert "Otra hora" in [b.label for b in reply.buttons]


async def test_on_whatsapp_two_free_times_and_other_time_fit_its_three_buttons(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    await booking(sessions, channel="whatsapp", sender="34600111222")
    await other_booking(sessions, local(3, 18))
    [reply] = await say(
        sessions, setup, at_now, "можно в четверг в 18?", channel="whatsapp", sender="34600111222"
    )
    assert slot_times(reply) == ["чт 3 дек. 17:00", "чт 3 дек. 19:00"]
    assert [b.intent for b in reply.buttons] == ["move", "move", "move_other"]


# -- the tap ------------------------------------------------------------------------------------


async def test_a_tap_moves_the_booking_with_its_new_confirmation(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    appointment_id = await booking(sessions)
    [offer] = await say(sessions, setup, at_now, "можно в четверг в 18?")
    at_now.advance(timedelta(minutes=3))
    [moved] = await say(sessions, setup, at_now, button=offer.buttons[0])
    assert moved.outcome == "reschedule_moved"
    assert "перенесена" in moved.text
    assert "18:00" in moved.text
    appointment = await stored(sessions, appointment_id)
    assert (appointment.starts_at, appointment.version) == (local(3, 18), 2)
    async with sessions() as session:
        rows = list(await session.scalars(select(ScheduledMessage)))
        hold = await session.scalar(select(SlotHold))
    assert {r.status for r in rows if r.version == 1} == {OutboxStatus.VOID}
    assert "confirmation" in {r.kind for r in rows if r.version == 2}
    assert {r.status for r in rows if r.version == 2} == {OutboxStatus.PENDING}
    assert hold is not None
    assert hold.status is HoldStatus.USED
    # the same button again: the booking changed since
    [again] = await say(sessions, setup, at_now, button=offer.buttons[0])
    assert again.outcome == "ack_stale"


async def test_a_tap_on_a_time_taken_meanwhile_is_told_and_gets_fresh_times(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    appointment_id = await booking(sessions)
    [offer] = await say(sessions, setup, at_now, "можно в четверг в 18?")
    at_now.advance(timedelta(minutes=11))  # the hold ran out…
    await other_booking(sessions, local(3, 18))  # …and someone booked the time
    [taken, fresh] = await say(sessions, setup, at_now, button=offer.buttons[0])
    assert taken.outcome == "reschedule_taken"
    assert "только что занял" in taken.text
    assert fresh.outcome == "reschedule_offer"
    assert slot_times(fresh) == ["чт 3 дек. 16:45", "чт 3 дек. 17:00", "чт 3 дек. 19:00"]
    assert (await stored(sessions, appointment_id)).version == 1


async def test_a_tap_after_the_booking_changed_is_stale_and_frees_the_times(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    appointment_id = await booking(sessions)
    [offer] = await say(sessions, setup, at_now, "можно в четверг в 18?")
    async with sessions() as session:  # meanwhile an admin moves it by phone
        await reschedule_appointment(
            session, appointment_id=appointment_id, starts_at=local(4, 12), who=ADMIN,
            now=NOW, rules=RULES,
        )  # fmt: skip
        await session.commit()
    [reply] = await say(sessions, setup, at_now, button=offer.buttons[0])
    assert reply.outcome == "ack_stale"
    assert "4 декабря" in reply.text  # the booking as it is now
    appointment = await stored(sessions, appointment_id)
    assert (appointment.starts_at, appointment.version) == (local(4, 12), 2)
    async with sessions() as session:
        statuses = set(await session.scalars(select(SlotHold.status)))
    assert statuses == {HoldStatus.RELEASED}


async def test_other_time_goes_to_the_admins(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    await booking(sessions)
    [offer] = await say(sessions, setup, at_now, "можно в четверг в 18?")
    [reply] = await say(sessions, setup, at_now, button=offer.buttons[-1])
    assert reply.outcome == "ack_reschedule"
    async with sessions() as session:
        [item] = list(await session.scalars(select(InboxItem)))
        statuses = set(await session.scalars(select(SlotHold.status)))
    assert item.kind == "reschedule_request"
    assert item.text == "можно в четверг в 18?"  # her words, not the tap ("[text]")
    assert item.note == {"code": "move_other", "params": {}}
    assert statuses == {HoldStatus.RELEASED}


async def test_nothing_free_is_said_honestly_and_passed_to_the_admins(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    await booking(sessions)
    async with sessions() as session:  # the whole salon closed for the next two months
        await add_time_off(
            session,
            staff_id=None,
            starts_at=NOW,
            ends_at=NOW + timedelta(days=60),
            reason="renovation",
            who=ADMIN,
            now=NOW,
        )
        await session.commit()
    [reply] = await say(sessions, setup, at_now, "¿tienes algo el viernes por la tarde?")
    assert reply.outcome == "reschedule_none"
    async with sessions() as session:
        assert list(await session.scalars(select(InboxItem.kind))) == ["reschedule_request"]


# -- holds -------------------------------------------------------------------------------------


async def test_a_hold_blocks_other_clients_until_it_expires_and_force_overrides(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    await booking(sessions)
    await say(sessions, setup, at_now, "можно в четверг в 18?")  # held until 08:10 UTC
    async with sessions() as session:
        staff, service = await _master_and_service(session)
        anna = await session.scalar(select(SlotHold))
        assert anna is not None

        async def free_at_18(now: datetime, holder: int | None = None) -> bool:
            found = await find_slots(
                session, service_id=service.id, staff_id=staff.id,
                start=local(3, 18), end=local(3, 18, 1), now=now, holder=holder,
            )  # fmt: skip
            return bool(found)

        async def codes(now: datetime) -> list[str]:
            problems = await booking_problems(
                session, staff_id=staff.id, starts_at=local(3, 18), ends_at=local(3, 19), now=now
            )
            return [p.code for p in problems]

        edge = datetime(2026, 12, 1, 8, 10, tzinfo=UTC)
        assert anna.expires_at == edge
        assert not await free_at_18(edge - timedelta(seconds=1))
        assert await codes(edge - timedelta(seconds=1)) == ["held"]
        assert await free_at_18(edge - timedelta(seconds=1), holder=anna.client_id)  # her own
        assert await free_at_18(edge)
        assert await codes(edge) == []
        boris = await make_client(session, name="Boris", phone="+34600999888")
        request = BookingRequest(
            client_id=boris.id, staff_id=staff.id, service_id=service.id, starts_at=local(3, 18)
        )
        with pytest.raises(ConflictError) as refused:
            await book(session, request=request, who=ADMIN, now=NOW, rules=RULES)
        assert refused.value.code == "held"
        forced = await book(
            session, request=request, who=ADMIN, now=NOW, rules=RULES, sanity=Sanity.FORCE
        )
        assert [p.code for p in forced.warnings] == ["held"]


async def test_a_pending_waitlist_offer_blocks_other_clients_slot_search(
    sessions: async_sessionmaker[AsyncSession], at_now: ManualClock
) -> None:
    async with sessions() as session:
        staff, service = await _master_and_service(session)
        waiting = await make_client(session, name="Chloe", phone="+34600555444")
        entry = WaitlistEntry(
            client_id=waiting.id, service_id=service.id, position=1, source="test", created_at=NOW
        )
        freed = FreedSlot(
            staff_id=staff.id, starts_at=local(3, 18), ends_at=local(3, 19),
            reason="cancelled", created_at=NOW,
        )  # fmt: skip
        session.add_all([entry, freed])
        await session.flush()
        session.add(
            WaitlistOffer(
                freed_slot_id=freed.id, entry_id=entry.id, client_id=waiting.id,
                staff_id=staff.id, service_id=service.id, starts_at=local(3, 18),
                ends_at=local(3, 19), offered_at=NOW, expires_at=NOW + timedelta(minutes=15),
                created_at=NOW,
            )
        )  # fmt: skip
        offer_client = waiting.id
        await session.commit()
    async with sessions() as session:
        found = await find_slots(
            session, service_id=service.id, staff_id=staff.id,
            start=local(3, 18), end=local(3, 18, 1), now=NOW,
        )  # fmt: skip
        assert found == []
        mine = await find_slots(
            session, service_id=service.id, staff_id=staff.id,
            start=local(3, 18), end=local(3, 18, 1), now=NOW, holder=offer_client,
        )  # fmt: skip
        assert len(mine) == 1
        later = await find_slots(
            session, service_id=service.id, staff_id=staff.id,
            start=local(3, 18), end=local(3, 18, 1), now=NOW + timedelta(minutes=15),
        )  # fmt: skip
        assert len(later) == 1


# -- the late-cancellation window --------------------------------------------------------------


async def test_a_move_inside_the_late_window_goes_to_the_admins(
    sessions: async_sessionmaker[AsyncSession], setup: DialogSetup, at_now: ManualClock
) -> None:
    # 24 h before the visit exactly is still in time; one second later it is the admins'
    appointment_id = await booking(sessions, starts_at=NOW + timedelta(hours=24))
    [in_time] = await say(sessions, setup, at_now, "можно в четверг в 18?")
    assert in_time.outcome == "reschedule_offer"
    at_now.advance(timedelta(seconds=1))
    [late] = await say(sessions, setup, at_now, "можно в четверг в 18?")
    assert late.outcome == "reschedule_late"
    assert "администратор" in late.text
    # the button offered a moment ago does not move it by itself either
    [tapped] = await say(sessions, setup, at_now, button=in_time.buttons[0])
    assert tapped.outcome == "reschedule_late"
    assert (await stored(sessions, appointment_id)).version == 1
    async with sessions() as session:
        kinds = list(await session.scalars(select(InboxItem.kind)))
    assert kinds == ["reschedule_request", "reschedule_request"]


# -- every language ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "text", "other"),
    [
        ("en", "can I move to thursday at 18?", "Other time"),
        ("ru", "можно в четверг в 18?", "Другое время"),
        ("es", "¿puedo cambiar al jueves a las 18?", "Otra hora"),
        ("tr", "perşembe 18:00 olur mu?", "Başka saat"),
    ],
)
async def test_every_language_renders_the_offer_and_the_move(
    sessions: async_sessionmaker[AsyncSession],
    setup: DialogSetup,
    at_now: ManualClock,
    locale: str,
    text: str,
    other: str,
) -> None:
    await booking(sessions, locale=locale)
    await other_booking(sessions, local(3, 18))
    [offer] = await say(sessions, setup, at_now, text)
    assert offer.outcome == "reschedule_offer", offer.text
    assert offer.buttons[-1].label == other
    assert len(slot_times(offer)) == 3
    assert all(len(label) <= 20 for label in slot_times(offer))
    [moved] = await say(sessions, setup, at_now, button=offer.buttons[0])
    assert moved.outcome == "reschedule_moved"
    assert "{" not in offer.text + moved.text
