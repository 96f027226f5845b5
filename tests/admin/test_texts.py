"""Admins read ShowUp in the salon's language: every text exists in every language, with the
same placeholders, and the commands speak it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands, AdminSetup
from bot.admin.texts import MENU, AdminTexts
from bot.clock import ManualClock
from bot.domain.locales import SUPPORTED_LOCALES
from tests.factories import RULES, make_appointment, make_client, make_service, make_staff


def test_help_and_menu_in_every_language() -> None:
    for locale in SUPPORTED_LOCALES:
        help_text = AdminTexts(locale).help
        assert all(f"/{command}" in help_text for command in MENU)
        assert [command for command, _ in AdminTexts(locale).menu] == list(MENU)
    assert AdminTexts("xx").help == AdminTexts("en").help  # an unknown language: English
    assert AdminTexts("ru").help.startswith("Команды администратора ShowUp")


def test_dates_in_the_admins_language() -> None:
    monday = date(2026, 11, 23)
    assert AdminTexts("en").day(monday) == "Mon 23 Nov 2026"
    assert AdminTexts("ru").day(monday) != AdminTexts("en").day(monday)
    assert "23" in AdminTexts("es").day(monday)


async def test_a_russian_salon_reads_russian(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session:
        client = await make_client(session, name="Анна", phone="+34600111222")
        await make_appointment(
            session,
            client=client,
            staff=await make_staff(session, "Виталий"),
            service=await make_service(session, "Стрижка"),
            starts_at=clock.now() + timedelta(hours=3),
            now=clock.now(),
        )
        await session.commit()
    commands = AdminCommands(
        sessions=sessions,
        setup=AdminSetup(
            zone=RULES.zone,
            rules=RULES,
            late_window=timedelta(hours=24),
            phone_region="ES",
            locale="ru",
        ),
        clock=clock,
    )

    [board] = await commands.run("today", "", admin="900", channel="telegram")
    # lower case on purpose: SQLite must fold Cyrillic too
    [card] = await commands.run("client", "анна", admin="900", channel="telegram")
    unknown, _help = await commands.run("frobnicate", "", admin="900", channel="telegram")
    [early] = await commands.run("noshow", "1", admin="900", channel="telegram")
    [missing] = await commands.run("cancel", "99", admin="900", channel="telegram")
    [typo] = await commands.run("arrived", "завтра", admin="900", channel="telegram")
    [nails] = await commands.run(
        "book", "+34600111222 2026-11-25 17:00 Маникюр / Виталий", admin="900", channel="telegram"
    )

    assert board.startswith("Сегодня, ")
    assert " — 1 запись" in board
    assert "ждём ответа" in board
    assert "Телефон: +34600111222" in card
    assert "Посещаемость: 1 ждёт ответа" in card
    assert unknown == "Неизвестная команда /frobnicate."
    # the ledger's refusals, worded for the admin, times in the salon's zone
    local = (clock.now() + timedelta(hours=3)).astimezone(RULES.zone)
    assert early == (
        f"/noshow: Запись #1 начинается {AdminTexts('ru').moment(local)}: "
        "неявку можно отметить только после начала."
    )
    assert missing == "/cancel: Записи #99 нет."
    assert typo == "/arrived: /arrived ждёт номер записи, например /arrived 42"
    assert nails == "/book: Услуга «Маникюр» не найдена. Услуги: Стрижка."
