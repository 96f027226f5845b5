"""A waitlist offer goes through the outbox: in the client's language, with one-tap accept and
decline buttons carrying the offer; the tap books the slot; the admins hear of the refill."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands, AdminSetup
from bot.admin.texts import AdminTexts
from bot.clock import ManualClock
from bot.conversation.waitlist_flow import WaitlistSetup, answer_offer
from bot.ledger.clients import get_client
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.waitlist_worker import WaitlistWorker
from db.models import OutboxStatus
from tests.factories import RULES
from tests.fakes.channels import RecordingChannel
from tests.fakes.scripts import script_book
from tests.waitlist_helpers import MADRID, SEQUENTIAL, cancel, madrid, offer_rows, small_salon


def _worker(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, told: list[str]
) -> WaitlistWorker:
    async def tell(text: str) -> None:
        told.append(text)

    return WaitlistWorker(
        sessions=sessions,
        clock=clock,
        rules=SEQUENTIAL,
        tell_admins=tell,
        texts=AdminTexts("ru"),
        zone=MADRID,
    )


SETUP = WaitlistSetup(
    scripts=script_book(),
    zone=MADRID,
    salon_name="Test Salon",
    default_locale="en",
    rules=RULES,
    waitlist=SEQUENTIAL,
)


async def test_offer_in_the_clients_language_with_buttons_then_a_tap_books_it(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    clock.set(madrid(23, 10))
    salon = await small_salon(sessions, now=clock.now(), locales=("en", "ru", "es"))
    told: list[str] = []
    worker = _worker(sessions, clock, told)
    woken: list[bool] = []
    worker.on_offers = lambda: woken.append(True)
    await dispatcher.drain()  # Anna's confirmation
    channel.sent.clear()

    await cancel(sessions, salon.booking, now=clock.now())
    done = await worker.tick()
    assert woken == [True]
    assert await dispatcher.drain() == 1
    [offer] = channel.sent
    assert offer.recipient == "chat-Boris"
    assert offer.locale == "ru"
    assert offer.text == (
        "Здравствуйте, Boris! Хорошая новость: освободилось время, которого вы ждали, — "
        "Haircut, мастер Vitaly, 24 ноября (вторник) в 15:00.\n"
        "Мы держим его для вас 15 минут. Записать вас?"  # noqa: RUF001 - Russian on purpose
    )
    assert [(b.intent, b.appointment_id, b.version) for b in offer.buttons] == [
        ("waitlist_accept", done.offered[0], 1),
        ("waitlist_decline", done.offered[0], 1),
    ]
    assert offer.metadata == {"offer_id": str(done.offered[0]), "kind": "waitlist_offer"}
    [row] = await offer_rows(sessions)
    assert row.status is OutboxStatus.SENT

    clock.advance(timedelta(minutes=3))
    async with sessions() as session:
        boris = await get_client(session, client_id=salon.boris)
        reply = await answer_offer(
            session,
            client=boris,
            offer_id=done.offered[0],
            accept=True,
            channel="test",
            setup=SETUP,
            now=clock.now(),
        )
        await session.commit()
    assert reply is not None
    assert reply.outcome == "waitlist_accepted"
    assert reply.text == (
        "Готово, это время ваше: Haircut, мастер Vitaly, 24 ноября (вторник) в 15:00. Ждём вас!"
    )
    await worker.tick()
    assert told == [
        "✅ Освободившееся время занято из листа ожидания: вт 24.11 15:00, мастер Vitaly — "
        "Boris, Haircut (45,00\xa0€)."
    ]
    await worker.tick()
    assert len(told) == 1  # told once
    assert await dispatcher.drain() == 1  # Boris's booking confirmation
    assert channel.sent[-1].recipient == "chat-Boris"


async def test_a_second_tap_and_a_lapsed_hold_get_honest_answers(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    clock.set(madrid(23, 10))
    salon = await small_salon(sessions, now=clock.now())
    worker = _worker(sessions, clock, [])
    await cancel(sessions, salon.booking, now=clock.now())
    [offer_id] = (await worker.tick()).offered
    clock.advance(timedelta(minutes=15))
    async with sessions() as session:
        boris = await get_client(session, client_id=salon.boris)
        lapsed = await answer_offer(
            session,
            client=boris,
            offer_id=offer_id,
            accept=True,
            channel="test",
            setup=SETUP,
            now=clock.now(),
        )
        await session.commit()
        stranger = await answer_offer(
            session,
            client=boris,
            offer_id=offer_id + 100,
            accept=True,
            channel="test",
            setup=SETUP,
            now=clock.now(),
        )
    assert lapsed is not None
    assert lapsed.text == (
        "Sorry, Boris: the time Tuesday, November 24 at 3:00\u202fPM is no longer available. "
        "You stay on the waitlist, and we will write as soon as another time comes free."
    )
    assert stranger is None


async def test_the_board_marks_a_slot_refilled_from_the_waitlist(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    clock.set(madrid(23, 10))
    salon = await small_salon(sessions, now=clock.now())
    worker = _worker(sessions, clock, [])
    await cancel(sessions, salon.booking, now=clock.now())
    [offer_id] = (await worker.tick()).offered
    async with sessions() as session:
        boris = await get_client(session, client_id=salon.boris)
        await answer_offer(
            session,
            client=boris,
            offer_id=offer_id,
            accept=True,
            channel="test",
            setup=SETUP,
            now=clock.now(),
        )
        await session.commit()
    admin = AdminCommands(
        sessions=sessions,
        setup=AdminSetup(
            zone=MADRID, rules=RULES, late_window=timedelta(hours=24), phone_region="ES"
        ),
        clock=clock,
    )
    [board] = await admin.run("tomorrow", "", admin="900", channel="telegram")
    boris_row = next(line for line in board.splitlines() if "Boris" in line)
    assert "🔄 refilled from the waitlist" in boris_row
