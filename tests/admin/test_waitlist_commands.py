"""``/waitlist``, ``/waitlist add …`` and ``/waitlist remove N``, in the salon's language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands, AdminSetup
from bot.clock import ManualClock
from bot.ledger.waitlist_answers import accept_offer
from bot.ledger.waitlist_offers import offer_freed_slots
from db.models import WaitlistOffer
from tests.factories import ADMIN, RULES, make_service, make_staff
from tests.waitlist_helpers import SEQUENTIAL, cancel, madrid, small_salon


def _commands(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, locale: str
) -> AdminCommands:
    return AdminCommands(
        sessions=sessions,
        setup=AdminSetup(
            zone=RULES.zone,
            rules=RULES,
            late_window=timedelta(hours=24),
            phone_region="ES",
            locale=locale,
        ),
        clock=clock,
    )


async def test_add_list_and_remove(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        await make_staff(session, "Vitaly")
        await make_service(session, "Manicure")
        await session.commit()
    admin = _commands(sessions, clock, "en")

    async def run(args: str) -> list[str]:
        return await admin.run("waitlist", args, admin="900", channel="telegram")

    assert await run("") == ["Nobody is on the waitlist."]
    [added] = await run("add +34600111222 manicure / Vitaly / mon-fri 17:00-20:00 / 2026-12-10")
    assert added == (
        "On the waitlist as #1 (number 1 in line): +34600111222, Manicure, Vitaly, "
        "Mon-Fri 17:00-20:00, until Thu 10 Dec 2026."
    )
    [second] = await run("add 600111333 Manicure")
    assert second.endswith("Manicure, any master, any time.")
    [twice] = await run("add 600111333 Manicure / any")
    assert twice == "/waitlist: +34600111333 is already waiting for Manicure (#2)."
    [listing] = await run("")
    assert listing.splitlines() == [
        "Waitlist — 2 waiting, first in line first:",
        "#1 +34600111222 +34600111222 · Manicure · Vitaly · Mon-Fri 17:00-20:00, "
        "until Thu 10 Dec 2026",
        "#2 +34600111333 +34600111333 · Manicure · any master · any time",
    ]
    [removed] = await run("remove 1")
    assert removed == "Removed #1 from the waitlist: +34600111222."
    [unknown] = await run("remove 99")
    assert unknown == "/waitlist: There is no waitlist entry #99."
    [bad_day] = await run("add 600111444 Manicure / someday 10-12")
    assert bad_day == "/waitlist: I cannot read 'someday' as a day; write mon, tue… or mon-fri."
    [no_booking] = await run("add 600111444 Manicure / earlier")
    assert no_booking.startswith("/waitlist: “earlier” needs an upcoming booking")
    [usage] = await run("frobnicate")
    assert usage.startswith("/waitlist — the list;")


async def test_a_russian_salon_reads_russian(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        await make_service(session, "Маникюр")
        await session.commit()
    admin = _commands(sessions, clock, "ru")
    [added] = await admin.run(
        "waitlist", "add +34600111222 маникюр / пн-пт 17-20", admin="900", channel="telegram"
    )
    assert added == (
        "В листе ожидания под №1 (в очереди 1-й): +34600111222, Маникюр, мастер: любой, "
        "пн-пт 17:00-20:00."
    )
    [listing] = await admin.run("waitlist", "", admin="900", channel="telegram")
    assert listing.startswith("Лист ожидания — ждут: 1, по порядку очереди:")


async def test_noshows_and_the_morning_digest_count_refilled_slots(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    clock.set(madrid(23, 10))
    salon = await small_salon(sessions, now=clock.now())
    await cancel(sessions, salon.booking, now=clock.now())
    async with sessions() as session:
        await offer_freed_slots(session, now=clock.now(), rules=SEQUENTIAL)
        offer = await session.scalar(select(WaitlistOffer))
        assert offer is not None
        await accept_offer(
            session,
            offer_id=offer.id,
            client_id=salon.boris,
            who=ADMIN,
            now=clock.now(),
            rules=RULES,
            waitlist_rules=SEQUENTIAL,
        )
        await session.commit()
    admin = _commands(sessions, clock, "en")
    report = await admin.run("noshows", "7", admin="900", channel="telegram")
    assert report[-1].splitlines()[-1] == (
        "Freed slots refilled from the waitlist: 1 of 1, €45.00 recovered."
    )
    clock.set(madrid(24, 8, 30))
    digest = await admin.board_texts(madrid(24, 8, 30).astimezone(RULES.zone).date())
    assert digest[-1].splitlines()[-1] == (
        "Freed slots refilled from the waitlist: 1 of 1, €45.00 recovered."
    )
    ru = _commands(sessions, clock, "ru")
    [ru_report] = await ru.run("noshows", "7", admin="900", channel="telegram")
    assert ru_report.splitlines()[-1] == (
        "Освободившихся окон занято из листа ожидания: 1 из 1, возвращено 45,00\xa0€."
    )
