"""``showup chat`` is the real thing: a person typing in the console gets the same answers, and
leaves the same ledger and admin inbox behind, as the same person writing on Telegram to the
desk ``showup run`` builds (one factory, ``bot.cli.desk.build_desk``, serves both)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from rich.console import Console
from sqlalchemy import select

from bot.channels.base import DialogReply, InboundMessage
from bot.channels.console import ConsoleChannel
from bot.channels.telegram import CHANNEL as TELEGRAM
from bot.cli.chat import answer
from bot.cli.common import Ledger
from bot.cli.desk import build_desk
from bot.cli.messengers import build_messengers
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.domain.appointments import AppointmentStatus
from bot.ledger.attendance import policy_from
from bot.ledger.clients import find_client_by_identity
from bot.ledger.salon import ensure_salon
from db.engine import create_engine, create_session_factory
from db.models import Appointment, InboxItem
from tests.conftest import START
from tests.databases import clone_sqlite
from tests.factories import make_appointment, make_service, make_staff
from tests.fakes.scripts import script_book
from tests.fakes.telegram_api import TOKEN

Say = Callable[[str], Awaitable[list[DialogReply]]]
#: a new person's first message and the intake's three answers
INTAKE = ["Hola, ¿tenéis hueco esta semana?", "Por Instagram", "Con Marta", "Nunca"]
AGREE = "1"  # the number the console shows for the policy's only button, "I agree"
REPLIES = ["Sí, iré", "no"]  # a confirmation, then an unsure cancellation (asked back)
SENDER = "+34600111222"  # the console's address; on Telegram a chat id


@asynccontextmanager
async def salon(settings: Settings) -> AsyncIterator[Ledger]:
    engine = create_engine(settings.database_url)
    try:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            row = await ensure_salon(session, settings=settings)
            await session.commit()
        yield Ledger(
            engine=engine,
            sessions=sessions,
            zone=ZoneInfo(row.timezone),
            salon_name=row.name,
            locale=row.locale,
            policy=policy_from(settings, row),
        )
    finally:
        await engine.dispose()


Said = list[list[tuple[str, str | None, list[str]]]]
State = tuple[tuple[object, ...], tuple[object, ...], list[tuple[object, ...]]]


async def play(ledger: Ledger, clock: ManualClock, channel: str, say: Say) -> Said:
    """The conversation; what each message got back (text, script, buttons)."""
    said = [await say(line) for line in [*INTAKE, AGREE]]
    async with ledger.sessions() as session:  # an admin books the new person
        client = await find_client_by_identity(session, channel=channel, external_id=SENDER)
        assert client is not None
        await make_appointment(
            session,
            client=client,
            staff=await make_staff(session, "Marta"),
            service=await make_service(session),
            starts_at=clock.now() + timedelta(hours=30),
            now=clock.now(),
        )
        await session.commit()
    said += [await say(line) for line in REPLIES]
    return [[(r.text, r.outcome, [b.label for b in r.buttons]) for r in rs] for rs in said]


async def left_behind(ledger: Ledger, channel: str) -> State:
    async with ledger.sessions() as session:
        client = await find_client_by_identity(session, channel=channel, external_id=SENDER)
        assert client is not None
        appointment = await session.scalar(select(Appointment))
        inbox = await session.scalars(select(InboxItem).order_by(InboxItem.id))
        assert appointment is not None
        return (
            (client.name, client.locale, client.intake, client.policy_accepted_at),
            (appointment.status, appointment.late_cancel),
            [(item.kind, item.text, item.appointment_id, item.handled_at) for item in inbox],
        )


async def test_console_and_telegram_answer_alike_and_leave_the_same_state(
    tmp_path: Path, sqlite_template: Path
) -> None:
    base = {"_env_file": None, "timezone": "Europe/Madrid", "locale": "es", "salon_name": "Bella"}

    console_clock = ManualClock(START)
    console_settings = load_settings(
        **base,
        database_url=clone_sqlite(sqlite_template, tmp_path / "console.db"),
        var_dir=tmp_path / "c",
    )
    channel = ConsoleChannel(Console(file=io.StringIO()))
    async with salon(console_settings) as ledger:
        desk = build_desk(
            settings=console_settings,
            ledger=ledger,
            scripts=script_book(),
            clock=console_clock,
            channels={channel.name: channel},
        )

        async def typed(line: str) -> list[DialogReply]:
            return await answer(desk, channel, SENDER, line)

        on_console = await play(ledger, console_clock, "console", typed)
        console_state = await left_behind(ledger, "console")

    telegram_clock = ManualClock(START)
    telegram_settings = load_settings(
        **base,
        database_url=clone_sqlite(sqlite_template, tmp_path / "telegram.db"),
        var_dir=tmp_path / "t",
        telegram_token=SecretStr(TOKEN),
        telegram_api_base="http://127.0.0.1:9",  # never called: replies are returned
    )
    buttons: list[DialogReply] = []
    async with salon(telegram_settings) as ledger:
        hub = build_messengers(
            settings=telegram_settings, ledger=ledger, scripts=script_book(), clock=telegram_clock
        ).desk
        assert hub is not None

        async def written(line: str) -> list[DialogReply]:
            tapped = buttons[-1].buttons[int(line) - 1] if line.isdigit() else None
            message = InboundMessage(
                channel=TELEGRAM, sender=SENDER, text="" if tapped else line, button=tapped
            )
            replies = await hub.from_client(message)
            buttons.extend(replies)
            return replies

        on_telegram = await play(ledger, telegram_clock, TELEGRAM, written)
        telegram_state = await left_behind(ledger, TELEGRAM)

    assert on_console == on_telegram
    assert console_state == telegram_state
    # and the conversation was the whole story: Spanish, the policy, an inbox item, asked back
    assert on_console[0][0][0].startswith("¡Hola")
    assert on_console[-1][0][1] == "confirm_cancel"
    client, appointment, inbox = console_state
    assert (client[1], client[3]) == ("es", START)  # Spanish, the policy agreed to
    assert appointment == (AppointmentStatus.CONFIRMED, False)
    assert [item[0] for item in inbox] == ["new_client"]
