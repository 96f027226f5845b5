"""The waitlist in the client's own words, through ``Dialog`` against a real SQLite file: a
free-text yes or no to an open offer, "anything earlier?", "take me off the list"; a reply about
the booking held still goes to the booking flow, and an unclear message accepts nothing.

The small salon (``tests.waitlist_helpers``): Anna booked Tuesday 24 November 15:00 (Madrid),
Boris and Chloe waiting for the same service; it is Monday 23 November, 10:00."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import DialogReply, InboundMessage
from bot.conversation.dialog import Dialog, DialogSetup
from bot.conversation.waitlist_flow import WaitlistSetup, offer_context
from bot.domain.appointments import AppointmentStatus
from bot.domain.waitlist import EntryStatus, OfferStatus, WaitlistRules
from bot.ledger.waitlist_offers import offer_freed_slots
from db.models import (
    Appointment,
    Client,
    InboxItem,
    OutboxStatus,
    ScheduledMessage,
    WaitlistEntry,
    WaitlistOffer,
)
from tests.factories import RULES, make_appointment
from tests.fakes.scripts import script_book
from tests.waitlist_helpers import (
    BROADCAST,
    MADRID,
    SEQUENTIAL,
    Salon,
    cancel,
    madrid,
    small_salon,
)

NOW = madrid(23, 10)  # Monday 10:00 in Madrid
SCRIPTS = script_book()
DIALOG = DialogSetup(
    scripts=SCRIPTS,
    zone=MADRID,
    salon_name="Studio",
    default_locale="en",
    late_window=timedelta(hours=24),
)


def _waitlist(rules: WaitlistRules) -> WaitlistSetup:
    return WaitlistSetup(
        scripts=SCRIPTS,
        zone=MADRID,
        salon_name="Studio",
        default_locale="en",
        rules=RULES,
        waitlist=rules,
    )


async def say(
    sessions: async_sessionmaker[AsyncSession],
    who: str,
    text: str,
    *,
    rules: WaitlistRules = SEQUENTIAL,
    minutes: int = 1,
) -> list[DialogReply]:
    """``who`` (Anna, Boris, Chloe) writes ``text`` ``minutes`` after NOW, in its own
    transaction as the front desk does."""
    async with sessions() as session:
        dialog = Dialog(
            session, DIALOG, NOW + timedelta(minutes=minutes), waitlist=_waitlist(rules)
        )
        replies = await dialog.handle(
            InboundMessage(channel="test", sender=f"chat-{who}", text=text)
        )
        await session.commit()
    return replies


async def _offered(
    sessions: async_sessionmaker[AsyncSession],
    rules: WaitlistRules = SEQUENTIAL,
    *,
    delivered: bool = True,
) -> Salon:
    """Russian-speaking Anna and Boris, Spanish-speaking Chloe; Anna's slot freed and offered."""
    salon = await small_salon(sessions, now=NOW, locales=("ru", "ru", "es"))
    await cancel(sessions, salon.booking, now=NOW)
    async with sessions() as session:
        await offer_freed_slots(session, now=NOW, rules=rules)
        if delivered:  # as the outbox does: an offer is answered once the client has it
            await session.execute(
                update(ScheduledMessage)
                .where(ScheduledMessage.offer_id.is_not(None))
                .values(status=OutboxStatus.SENT, sent_at=NOW)
            )
        await session.commit()
    return salon


async def _boris_books(
    sessions: async_sessionmaker[AsyncSession], salon: Salon, at: datetime
) -> Appointment:
    """Boris, who waits, also holds a booking of his own (with Anna's master and service)."""
    async with sessions() as session:
        anna = await session.get(Appointment, salon.booking)
        assert anna is not None
        held = await make_appointment(
            session,
            client=await _client(session, salon.boris),
            staff=anna.staff,
            service=anna.service,
            starts_at=at,
            now=NOW,
        )
        await session.commit()
        return held


async def _offers(sessions: async_sessionmaker[AsyncSession]) -> dict[int, WaitlistOffer]:
    async with sessions() as session:
        found = await session.scalars(select(WaitlistOffer))
        return {offer.client_id: offer for offer in found}


async def _bookings(
    sessions: async_sessionmaker[AsyncSession], client_id: int
) -> list[Appointment]:
    async with sessions() as session:
        found = await session.scalars(
            select(Appointment).where(
                Appointment.client_id == client_id,
                Appointment.status.in_([AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED]),
            )
        )
        return list(found)


async def _entries(
    sessions: async_sessionmaker[AsyncSession], client_id: int
) -> list[WaitlistEntry]:
    async with sessions() as session:
        found = await session.scalars(
            select(WaitlistEntry)
            .where(WaitlistEntry.client_id == client_id)
            .order_by(WaitlistEntry.id)
        )
        return list(found)


async def _inbox(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, int | None]]:
    async with sessions() as session:
        items = await session.scalars(select(InboxItem).order_by(InboxItem.id))
        return [(item.kind, item.client_id) for item in items]


async def test_da_beru_books_the_slot_exactly_once_in_russian(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await _offered(sessions)
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.PENDING

    [reply] = await say(sessions, "Boris", "да, беру!")

    assert reply.outcome == "waitlist_accepted"
    assert reply.text.startswith("Готово, это время ваше: Haircut, мастер Vitaly")
    [booked] = await _bookings(sessions, salon.boris)
    assert booked.starts_at == madrid(24, 15)
    assert booked.source == "waitlist"
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.ACCEPTED
    [entry] = await _entries(sessions, salon.boris)
    assert entry.status is EntryStatus.BOOKED  # the entry ends when the client is booked
    # a second "yes" books nothing more
    await say(sessions, "Boris", "да, беру!", minutes=2)
    assert len(await _bookings(sessions, salon.boris)) == 1


async def test_no_puedo_declines_and_the_entry_stays(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await _offered(sessions, BROADCAST)

    [reply] = await say(sessions, "Chloe", "no puedo a esa hora", rules=BROADCAST)

    assert reply.outcome == "waitlist_declined"
    assert reply.text.startswith("Sin problema, Chloe. Sigues en la lista de espera")
    assert (await _offers(sessions))[salon.chloe].status is OfferStatus.DECLINED
    [entry] = await _entries(sessions, salon.chloe)
    assert entry.status is EntryStatus.ACTIVE
    assert await _bookings(sessions, salon.chloe) == []


async def test_a_reply_about_the_booking_held_goes_to_the_booking_flow(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await _offered(sessions)
    held = await _boris_books(sessions, salon, madrid(26, 12))

    [reply] = await say(sessions, "Boris", "отмените мою запись в четверг")

    assert reply.outcome == "ack_cancelled"
    async with sessions() as session:
        cancelled = await session.get(Appointment, held.id)
        assert cancelled is not None
        assert cancelled.status is AppointmentStatus.CANCELLED
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.PENDING  # still open

    [late] = await say(sessions, "Boris", "опаздываю", minutes=2)
    assert late.outcome != "waitlist_accepted"
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.PENDING


async def test_an_unclear_message_accepts_nothing_and_goes_to_the_admins(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await _offered(sessions)

    [reply] = await say(sessions, "Boris", "а сколько стоит?")

    assert reply.outcome == "fallback"
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.PENDING
    assert await _bookings(sessions, salon.boris) == []
    assert ("other", salon.boris) in await _inbox(sessions)


async def test_a_no_that_may_be_to_the_booking_held_cancels_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """ "да... хотя нет, не смогу" with an offer open and a booking held: a human decides."""
    salon = await _offered(sessions)
    held = await _boris_books(sessions, salon, madrid(26, 12))

    [reply] = await say(sessions, "Boris", "да, приду... хотя нет, не смогу")

    assert reply.outcome == "fallback"
    assert [b.id for b in await _bookings(sessions, salon.boris)] == [held.id]
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.PENDING


async def test_anything_earlier_adds_one_entry_and_asking_again_adds_none(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW, locales=("ru", "ru", "es"))

    [reply] = await say(sessions, "Anna", "есть что-нибудь раньше?")

    assert reply.outcome == "waitlist_joined"
    assert reply.text == (
        "Конечно, Anna! Мы добавили вас в лист ожидания: Haircut, ваша запись — 24 ноября "
        "(вторник) в 15:00. Если раньше освободится время, мы сразу предложим его "
        "здесь, а пока запись остаётся в силе. Кстати, прямо сейчас свободно 23 ноября "
        "(понедельник), 12:15 — мы передали администратору, вам напишут."
    )  # the first start free now, at least the waitlist's min_notice (2 h) ahead
    [entry] = await _entries(sessions, salon.anna)
    assert entry.earlier
    assert entry.appointment_id == salon.booking
    assert entry.staff_id == salon.staff_id
    assert entry.valid_until == madrid(24, 15)
    assert ("waitlist_joined", salon.anna) in await _inbox(sessions)
    async with sessions() as session:
        note = await session.scalar(select(InboxItem).where(InboxItem.kind == "waitlist_joined"))
        assert note is not None
        assert note.note == {"code": "waitlist_joined", "params": {"entry": entry.id}}
        assert note.proposed_at == madrid(23, 12, 15)

    [again] = await say(sessions, "Anna", "а пораньше никак нельзя?", minutes=2)

    assert again.outcome == "waitlist_already"
    assert again.text.startswith("Вы уже в нашем листе ожидания, Anna")
    assert len(await _entries(sessions, salon.anna)) == 1
    assert [kind for kind, _ in await _inbox(sessions)].count("waitlist_joined") == 1


async def test_anything_earlier_without_a_booking_goes_to_the_admins_as_before(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW, locales=("ru", "ru", "es"))

    [reply] = await say(sessions, "Chloe", "¿hay hueco antes?")

    assert reply.outcome not in {"waitlist_joined", "waitlist_already"}
    assert len(await _entries(sessions, salon.chloe)) == 1  # only the one she had
    assert any(client == salon.chloe for _, client in await _inbox(sessions))


async def test_take_me_off_the_list_removes_the_entry_and_withdraws_the_offer(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await _offered(sessions)

    [reply] = await say(sessions, "Boris", "уберите меня из листа ожидания")

    assert reply.outcome == "waitlist_left"
    assert reply.text.startswith("Готово, Boris: мы убрали вас из листа ожидания")
    [entry] = await _entries(sessions, salon.boris)
    assert entry.status is EntryStatus.REMOVED
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.DECLINED


async def test_without_a_waitlist_setup_the_dialog_is_as_before(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW, locales=("ru", "ru", "es"))
    async with sessions() as session:
        replies = await Dialog(session, DIALOG, NOW).handle(
            InboundMessage(channel="test", sender="chat-Anna", text="есть что-нибудь раньше?")
        )
        await session.commit()
    assert [reply.outcome for reply in replies] == ["fallback"]  # to the admins
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(WaitlistEntry)
            .where(WaitlistEntry.client_id == salon.anna)
        )
    assert count == 0


async def _client(session: AsyncSession, client_id: int) -> Client:
    found = await session.get(Client, client_id)
    assert found is not None
    return found


async def test_a_bare_yes_after_a_reminder_sent_since_the_offer_answers_the_reminder(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The offer went out at 10:00; a reminder of Boris's Thursday booking at 10:00:30. "да"
    then confirms the booking; "да, беру" still takes the slot."""
    salon = await _offered(sessions)
    async with sessions() as session:
        anna = await session.get(Appointment, salon.booking)
        assert anna is not None
        held = await make_appointment(
            session,
            client=await _client(session, salon.boris),
            staff=anna.staff,
            service=anna.service,
            starts_at=madrid(26, 12),
            now=NOW,
        )
        session.add(
            ScheduledMessage(
                appointment_id=held.id,
                kind="reminder:24h",
                script="reminder_ask",
                version=held.version,
                due_at=NOW + timedelta(seconds=30),
                status=OutboxStatus.SENT,
                attempts=1,
                channel="test",
                sent_at=NOW + timedelta(seconds=30),
                created_at=NOW,
            )
        )
        await session.commit()

    [reply] = await say(sessions, "Boris", "да")

    assert reply.outcome == "ack_confirmed"
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.PENDING

    [taken] = await say(sessions, "Boris", "да, беру", minutes=2)

    assert taken.outcome == "waitlist_accepted"
    assert len(await _bookings(sessions, salon.boris)) == 2


async def test_a_bare_yes_answers_the_offer_when_it_is_the_last_word(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await _offered(sessions)

    [reply] = await say(sessions, "Boris", "да")

    assert reply.outcome == "waitlist_accepted"
    assert len(await _bookings(sessions, salon.boris)) == 1


async def test_earlier_on_a_named_day_is_a_move_not_a_waitlist_entry(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await small_salon(sessions, now=NOW, locales=("en", "ru", "es"))

    [reply] = await say(sessions, "Anna", "can I come earlier tomorrow, at 11?")

    assert reply.outcome not in {"waitlist_joined", "waitlist_already"}
    assert await _entries(sessions, salon.anna) == []


async def test_no_keep_my_appointment_declines_the_offer_and_keeps_the_booking(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await _offered(sessions)
    held = await _boris_books(sessions, salon, madrid(26, 12))

    [reply] = await say(sessions, "Boris", "нет, оставьте мою запись как есть")

    assert reply.outcome == "waitlist_declined"
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.DECLINED
    assert [b.id for b in await _bookings(sessions, salon.boris)] == [held.id]


async def test_an_offer_not_yet_delivered_cannot_be_answered_in_words(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await _offered(sessions, delivered=False)  # still in the outbox

    [reply] = await say(sessions, "Boris", "да, беру!")

    assert reply.outcome != "waitlist_accepted"
    assert await _bookings(sessions, salon.boris) == []
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.PENDING


async def test_with_a_booking_held_a_confirmation_of_it_accepts_no_offer(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The 24 h reminder went out, then an offer; "да, приду" answers the reminder."""
    salon = await _offered(sessions)
    held = await _boris_books(sessions, salon, madrid(26, 12))

    for text in ("да, приду", "Да, всё в силе"):
        [reply] = await say(sessions, "Boris", text)
        assert reply.outcome != "waitlist_accepted", text
    assert [b.id for b in await _bookings(sessions, salon.boris)] == [held.id]
    assert (await _offers(sessions))[salon.boris].status is OfferStatus.PENDING
    [taken] = await say(sessions, "Boris", "беру!")  # the offer's own word still takes it
    assert taken.outcome == "waitlist_accepted"


async def test_the_offer_names_the_service_and_master_in_the_clients_language(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    salon = await _offered(sessions)
    async with sessions() as session:
        offer = await session.scalar(select(WaitlistOffer))
        assert offer is not None
        offer.service.names = {"ru": "Стрижка"}
        offer.staff.names = {"ru": "Виталий"}
        await session.flush()
        shown = offer_context(
            offer, moving=False, locale="ru", salon_name="Studio", zone=ZoneInfo("Europe/Madrid")
        )
    assert (shown.service, shown.staff) == ("Стрижка", "Виталий")
    assert salon.boris == offer.client_id
