"""``showup demo``: a simulated salon day, start to finish, in a few seconds.

Everything real runs — the REST API, the outbox dispatcher, the dialog engine, the scripts in
four languages — on a temporary SQLite database, with a clock that jumps instead of waiting.
Only the messenger is replaced, by a transcript on the terminal.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from rich.rule import Rule
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.admin.alerts import LoggingAlerts
from bot.admin.board import day_board
from bot.admin.commands import board_lines
from bot.admin.notes import inbox_note
from bot.admin.reports import noshow_report, report_lines
from bot.admin.texts import AdminTexts
from bot.api.app import create_app
from bot.channels.base import Button, InboundMessage, OutboundMessage, SendReceipt
from bot.cli.common import Ledger, console, run, scripts_or_exit, settings_or_exit
from bot.cli.desk import build_desk
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.conversation.scripts import ScriptBook
from bot.ledger.attendance import policy_from
from bot.ledger.clients import link_identity
from bot.ledger.salon import ensure_salon
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from db.engine import create_engine, create_session_factory
from db.models import InboxItem
from migrations.runner import upgrade

ZONE = ZoneInfo("Europe/Madrid")
DAY = datetime(2026, 11, 23, tzinfo=ZONE)  # a Monday
TOKEN = "demo-token-not-a-secret-000"  # noqa: S105 - a throwaway database's API


class TranscriptChannel:
    """Prints what each client would receive, and keeps their last buttons."""

    def __init__(self, clock: ManualClock, names: dict[str, str]) -> None:
        self._clock = clock
        self._names = names
        self.buttons: dict[str, tuple[Button, ...]] = {}
        self._count = 0

    @property
    def name(self) -> str:
        return "demo"

    async def send(self, message: OutboundMessage) -> SendReceipt:
        self._count += 1
        who = self._names.get(message.recipient, message.recipient)
        stamp = self._clock.now().astimezone(ZONE).strftime("%a %H:%M")
        console.print(
            f"[dim]{stamp}[/] [bold cyan]ShowUp → {who}:[/] {message.text}", soft_wrap=True
        )
        if message.buttons:
            console.print("      " + "  ".join(f"[cyan][{b.label}][/]" for b in message.buttons))
        self.buttons[message.recipient] = message.buttons
        return SendReceipt(message_id=f"demo-{self._count}")


def demo_command() -> None:
    """Watch a simulated salon day: bookings, reminders, replies in four languages, a no-show."""
    settings = settings_or_exit()
    scripts = scripts_or_exit(settings)
    for noisy in ("httpx", "bot"):  # the transcript tells the story; routine logs would drown it
        logging.getLogger(noisy).setLevel(logging.WARNING)
    run(_demo(scripts, settings.scripts_dir))


async def _demo(scripts: ScriptBook, scripts_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            _env_file=None,
            database_url=f"sqlite+aiosqlite:///{tmp}/demo.db",
            var_dir=Path(tmp),
            timezone=ZONE.key,
            salon_name="Studio Bella",
            scripts_dir=scripts_dir,
        )
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
            await _day(settings, scripts, engine)
        finally:
            await engine.dispose()


NAMES = {
    "+79001112233": "Anna",
    "+447700900123": "Ben",
    "+34600111222": "Carmen",
    "+905321234567": "Deniz",
    "+79004445566": "Olga",
    "mercedes": "Mercedes",
}
BOOKINGS = [
    ("Olga", "+79004445566", "ru", "Vitaly", "10:00"),
    ("Anna", "+79001112233", "ru", "Vitaly", "11:00"),
    ("Ben", "+447700900123", "en", "Vitaly", "12:00"),
    ("Carmen", "+34600111222", "es", "Marta", "15:00"),
    ("Deniz", "+905321234567", "tr", "Marta", "16:00"),
]


async def _day(settings: Settings, scripts: ScriptBook, engine: AsyncEngine) -> None:
    sessions = create_session_factory(engine)
    async with sessions() as session:
        salon = await ensure_salon(session, settings=settings)
        await session.commit()
    ledger = Ledger(
        engine=engine,
        sessions=sessions,
        zone=ZONE,
        salon_name=salon.name,
        locale=salon.locale,
        policy=policy_from(settings, salon),
    )
    clock = ManualClock(DAY - timedelta(hours=16))  # Sunday 08:00
    app = create_app(settings=settings, session_factory=sessions, api_token=TOKEN, clock=clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://demo",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ) as api:
        day = _Day(settings, scripts, ledger, clock, api)
        await day.sunday_bookings()
        await day.stranger()
        await day.sunday_replies()
        await day.monday()
        await day.admin_view()


class _Day:
    def __init__(
        self,
        settings: Settings,
        scripts: ScriptBook,
        ledger: Ledger,
        clock: ManualClock,
        api: httpx.AsyncClient,
    ) -> None:
        self.ledger = ledger
        self.sessions = sessions = ledger.sessions
        self.clock = clock
        self.api = api
        self.channel = TranscriptChannel(clock, NAMES)
        self.dispatcher = Dispatcher(
            sessions=sessions,
            channels={"demo": self.channel},
            renderer=scripts,
            alerts=LoggingAlerts(),
            clock=clock,
            config=DispatchConfig(),
        )
        # the very desk ``showup run`` puts behind Telegram and WhatsApp
        self.desk = build_desk(
            settings=settings,
            ledger=ledger,
            scripts=scripts,
            clock=clock,
            channels={self.channel.name: self.channel},
        )
        self.ids: dict[str, int] = {}

    def stamp(self) -> str:
        return self.clock.now().astimezone(ZONE).strftime("%a %H:%M")

    async def says(
        self, sender: str, text: str = "", *, tap: int | None = None, locale: str | None = None
    ) -> None:
        button = self.channel.buttons.get(sender, ())[tap - 1] if tap else None
        said = f"[{button.label}]" if button else text
        console.print(f"[dim]{self.stamp()}[/] [bold yellow]{NAMES[sender]} →[/] {said}")
        message = InboundMessage(
            channel="demo",
            sender=sender,
            text=text,
            button=button,
            display_name=NAMES[sender],
            language_code=locale,
        )
        for reply in await self.desk.from_client(message):
            await self.channel.send(OutboundMessage(sender, reply.text, reply.buttons))

    async def until(self, hour: int, minute: int = 0, *, day: int = 0) -> None:
        """Move the clock in 15-minute steps, dispatching whatever falls due."""
        target = DAY + timedelta(days=day, hours=hour, minutes=minute)
        while self.clock.now() < target:
            self.clock.set(min(target, self.clock.now() + timedelta(minutes=15)))
            await self.dispatcher.drain()

    def note(self, text: str) -> None:
        console.print(f"[dim]{self.stamp()} {text}[/]")

    async def sunday_bookings(self) -> None:
        console.print(Rule("Sunday: the salon takes bookings through its API"))
        staff = {}
        for name, russian in (("Vitaly", "Виталий"), ("Marta", "Марта")):
            body = {"name": name, "names": {"ru": russian}}  # what Russian clients read
            staff[name] = (await self.api.post("/api/v1/staff", json=body)).json()["id"]
        service = (
            await self.api.post(
                "/api/v1/services",
                json={
                    "name": "Haircut",
                    "names": {"ru": "Стрижка", "es": "Corte de pelo", "tr": "Saç kesimi"},
                    "duration_minutes": 60,
                    "price": "30",
                },
            )
        ).json()["id"]
        for name, phone, locale, master, at in BOOKINGS:
            created = (
                await self.api.post(
                    "/api/v1/appointments",
                    json={
                        "client": {"name": name, "phone": phone, "locale": locale},
                        "staff_id": staff[master],
                        "service_id": service,
                        "starts_at": f"2026-11-23T{at}",
                        "source": "demo",
                        "external_id": name,
                    },
                )
            ).json()
            self.ids[name] = created["id"]
            self.note(f"booked #{created['id']}: {name} ({locale}), {master}, Monday {at}")
            async with self.sessions() as session:  # each client has written to the bot before
                await link_identity(
                    session, client_id=created["client"]["id"], channel="demo", external_id=phone
                )
                await session.commit()
        self.note("(booked inside quiet hours: the confirmations wait until 09:00)")

    async def stranger(self) -> None:
        console.print(Rule("A new person writes first: intake and the salon's rules"))
        await self.says("mercedes", "Hola, ¿tenéis hueco esta semana?", locale="es")
        await self.says("mercedes", "Por Instagram, me gustaron vuestros trabajos")
        await self.says("mercedes", "Con Marta, si puede ser")
        await self.says("mercedes", "Nunca, es la primera vez")
        await self.says("mercedes", tap=1)

    async def sunday_replies(self) -> None:
        console.print(Rule("Sunday: confirmations, then the 24 h reminders; clients answer"))
        await self.until(10, 5, day=-1)
        await self.says("+79004445566", "Да, конечно буду")
        await self.until(11, 5, day=-1)
        await self.says("+79001112233", tap=1)
        await self.until(12, 5, day=-1)
        await self.says("+447700900123", "Can't tomorrow, sorry, can we do Friday at 5 pm?")
        await self.says("+447700900123", tap=1)
        self.note("Ben's wish was free: one tap moved his visit to Friday (a new confirmation)")
        await self.until(15, 5, day=-1)
        await self.says("+447700900123", "And do you have parking nearby?")
        await self.until(16, 5, day=-1)
        await self.says("+905321234567", "Evet, geleceğim")

    async def monday(self) -> None:
        console.print(Rule("Monday: the day itself"))
        await self.until(9, 30)
        await self.says("+34600111222", "Lo siento, me he puesto enferma, no podré ir")
        self.note("Carmen cancels late, but she is ill: excused, no strike (once per period)")
        await self.until(10, 20)
        await self.api.post(f"/api/v1/appointments/{self.ids['Olga']}/no-show")
        self.note("the administrator marks Olga as a no-show; the caring follow-up is planned")
        await self.until(10, 55)
        await self.says("+79004445566", "Ой, простите, совсем забыла! Можно в четверг?")
        self.note("Olga's reason is recorded (forgot): her first no-show, explained, is forgiven")
        await self.until(10, 58)
        await self.api.post(f"/api/v1/appointments/{self.ids['Anna']}/arrive")
        self.note("Anna arrives")
        await self.until(15, 45)
        await self.says("+905321234567", "10 dakika gecikeceğim, trafik var")
        await self.until(17)

    async def admin_view(self) -> None:
        """What an admin reads at 17:00: /today, /noshows and the inbox, in the salon's
        language (``SHOWUP_LOCALE``), worded by the same code as the Telegram commands."""
        console.print(Rule("The administrator's view"))
        texts = AdminTexts(self.ledger.locale)
        async with self.sessions() as session:
            board = await day_board(session, day=DAY.date(), zone=ZONE)
            report = await noshow_report(
                session, now=self.clock.now(), days=1, rules=self.ledger.policy.rules
            )
            inbox = list(await session.scalars(select(InboxItem).order_by(InboxItem.id)))
        title = texts("board.today", day=texts.day(board.day))
        for line in board_lines(board, texts, title=f"/today — {title}"):
            console.print(f"  {line}", soft_wrap=True)
        if report.missed:
            console.print("[bold]/noshows[/]:")
            for line in report_lines(report, ZONE, texts):
                console.print(f"  {line}", soft_wrap=True)
        console.print(f"[bold]Admin inbox[/] ({len(inbox)}):")
        for item in inbox:
            kind = f"kind.{item.kind}"
            shown = texts(kind) if texts.has(kind) else item.kind
            words = [part for part in (item.text, inbox_note(item.note, texts)) if part]
            console.print(f"  {shown}: {' / '.join(words)}", soft_wrap=True)
