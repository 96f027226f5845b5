"""Time from a cancellation to the first waitlist offer handed to the outbox, and sent.

    python -m benchmarks.waitlist [--cancellations 100] [--mode sequential] [--postgres URL]

A salon with one master, as many future bookings as cancellations, and three clients waiting
(any time), on a fresh SQLite file (or a PostgreSQL database of its own, dropped afterwards).
The pieces ``showup run`` uses tick as in production, on the real clock: the outbox scheduler
(``SHOWUP_OUTBOX_TICK``, default 5 s; it wakes early for a row due sooner) and the waitlist job
(every second; it wakes the outbox when it made offers). The bookings are cancelled one by one
through the ledger, at random moments 0–2 s apart so that every phase of the ticks is sampled.
For each cancellation: the time until its offer row was in the outbox ("handed") and until the
channel was asked to send it ("sent"); p50, p95, p99 and the maximum are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from bot.admin.texts import AdminTexts
from bot.channels.base import OutboundMessage, SendReceipt
from bot.clock import SystemClock
from bot.config import load_settings
from bot.domain.appointments import Actor, CancelledBy
from bot.domain.waitlist import WaitlistMode
from bot.ledger import catalog, clients, waitlist
from bot.ledger.appointments import BookingRequest, Who, book, cancel_appointment
from bot.ledger.clients import link_identity
from bot.ledger.salon import ensure_salon
from bot.ledger.waitlist_offers import Round
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from bot.scheduling.scheduler import OutboxScheduler
from bot.scheduling.waitlist_worker import WAITLIST_EVERY, WaitlistWorker
from db.engine import create_engine, create_session_factory
from db.models import FreedSlot, WaitlistOffer
from migrations.runner import upgrade
from tests.databases import PostgresServer
from tests.fakes.scripts import script_book

WHO = Who(actor=Actor.API, channel="api")


class TimingChannel:
    """Notes when each offer is handed to it."""

    def __init__(self) -> None:
        self.sent: dict[int, float] = {}

    @property
    def name(self) -> str:
        return "test"

    async def send(self, message: OutboundMessage) -> SendReceipt:
        offer = message.metadata.get("offer_id")
        if offer is not None:
            self.sent.setdefault(int(offer), time.perf_counter())
        return SendReceipt(message_id=f"{time.perf_counter_ns()}")


async def _seed(url: str, count: int, now: datetime) -> list[int]:
    engine = create_engine(url)
    settings = load_settings(_env_file=None, database_url=url, timezone="Europe/Madrid")
    try:
        await upgrade(engine)
        async with create_session_factory(engine)() as session:
            await ensure_salon(session, settings=settings)
            staff = await catalog.create_staff(session, name="Vitaly")
            service = await catalog.create_service(
                session, name="Haircut", duration_minutes=60, price=Decimal(30)
            )
            booked = await clients.create_client(
                session, name="Anna", phone="+34600100000", phone_region=None
            )
            for number in range(3):
                waiting = await clients.create_client(
                    session,
                    name=f"Waiting {number}",
                    phone=f"+3460020000{number}",
                    phone_region=None,
                )
                await link_identity(
                    session, client_id=waiting.id, channel="test", external_id=f"w{number}"
                )
                await waitlist.add_entry(
                    session,
                    request=waitlist.EntryRequest(client_id=waiting.id, service_id=service.id),
                    who=WHO,
                    now=now,
                )
            ids = []
            first = now.replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
            for number in range(count):
                result = await book(
                    session,
                    request=BookingRequest(
                        client_id=booked.id,
                        staff_id=staff.id,
                        service_id=service.id,
                        starts_at=first + timedelta(hours=number),
                    ),
                    who=WHO,
                    now=now,
                    rules=settings.reminder_rules(settings.zone),
                )
                ids.append(result.appointment.id)
            await session.commit()
        return ids
    finally:
        await engine.dispose()


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return (
        f"p50 {cuts[49]:6.3f} s   p95 {cuts[94]:6.3f} s   p99 {cuts[98]:6.3f} s   "
        f"max {ordered[-1]:6.3f} s"
    )


async def run(url: str, count: int, mode: WaitlistMode, seed: int) -> None:
    clock = SystemClock()
    ids = await _seed(url, count, clock.now())
    settings = load_settings(
        _env_file=None,
        database_url=url,
        timezone="Europe/Madrid",
        quiet_hours="off",  # measured at any hour: offers are never held for the morning
        waitlist_mode=mode.value,
    )
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    channel = TimingChannel()
    dispatcher = Dispatcher(
        sessions=sessions,
        channels={"test": channel},
        renderer=script_book(),
        alerts=_Quiet(),
        clock=clock,
        config=DispatchConfig(
            batch=settings.outbox_batch,
            lease=settings.outbox_lease,
            max_attempts=settings.outbox_max_attempts,
        ),
    )  # no per-chat pacing: three clients get every offer, a real salon spreads them out
    scheduler = OutboxScheduler(dispatcher=dispatcher, tick=settings.outbox_tick)
    handed: dict[int, float] = {}

    async def _tell(_text: str) -> None:
        return None

    worker = WaitlistWorker(
        sessions=sessions,
        clock=clock,
        rules=settings.waitlist_rules(settings.zone),
        tell_admins=_tell,
        texts=AdminTexts("en"),
        zone=settings.zone,
        on_offers=scheduler.wake_now,
    )

    async def tick() -> Round:
        done = await worker.tick()
        moment = time.perf_counter()
        for offer_id in done.offered:
            handed.setdefault(offer_id, moment)
        return done

    scheduler.every(tick, seconds=WAITLIST_EVERY.total_seconds(), name="waitlist")
    scheduler.start()
    rng = random.Random(seed)  # noqa: S311 - spacing of the cancellations, not cryptography
    cancelled_at: dict[int, float] = {}
    try:
        await asyncio.sleep(1.0)  # the first ticks (start-up) are not part of the measure
        for appointment_id in ids:
            await asyncio.sleep(rng.uniform(0.0, 2.0))
            async with sessions() as session:
                await cancel_appointment(
                    session,
                    appointment_id=appointment_id,
                    cancelled_by=CancelledBy.CLIENT,
                    late_window=settings.late_cancel_window,
                    who=WHO,
                    now=clock.now(),
                )
                await session.commit()
            cancelled_at[appointment_id] = time.perf_counter()
        # the last offers: two outbox ticks are far more than any of them may take
        await asyncio.sleep(2 * settings.outbox_tick.total_seconds())
    finally:
        await scheduler.shutdown()

    def _in(appointment_id: int, moments: dict[int, float]) -> bool:
        return first_offer.get(appointment_id, -1) in moments

    async with sessions() as session:
        first_offer: dict[int, int] = {}
        rows = await session.execute(
            select(FreedSlot.appointment_id, WaitlistOffer.id)
            .join(WaitlistOffer, WaitlistOffer.freed_slot_id == FreedSlot.id)
            .order_by(WaitlistOffer.id)
        )
        for freed_from, offer_id in rows:
            if freed_from is not None:
                first_offer.setdefault(freed_from, offer_id)
    await engine.dispose()
    to_outbox = [handed[first_offer[a]] - t for a, t in cancelled_at.items() if _in(a, handed)]
    to_send = [
        channel.sent[first_offer[a]] - t for a, t in cancelled_at.items() if _in(a, channel.sent)
    ]
    print(
        f"{count} cancellations, mode {mode.value}, outbox tick {settings.outbox_tick}, "
        f"waitlist tick {WAITLIST_EVERY}"
    )
    print(f"  offer in the outbox ({len(to_outbox)}): {_percentiles(to_outbox)}")
    print(f"  offer sent          ({len(to_send)}): {_percentiles(to_send)}")
    if len(to_send) < count:
        print(f"  !! {count - len(to_send)} offer(s) not sent within two outbox ticks")


class _Quiet:
    async def alert(self, text: str) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cancellations", type=int, default=100)
    parser.add_argument("--mode", choices=[m.value for m in WaitlistMode], default="sequential")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("SHOWUP_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    mode = WaitlistMode(args.mode)
    if args.postgres:
        server = PostgresServer.from_env_url(args.postgres)
        if isinstance(server, str):
            raise SystemExit(server)
        url = server.create_empty()
        try:
            print(f"PostgreSQL ({server.url.render_as_string()})")
            asyncio.run(run(url, args.cancellations, mode, args.seed))
        finally:
            server.drop(url)
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'waitlist.db'}"
        print("SQLite")
        asyncio.run(run(url, args.cancellations, mode, args.seed))


if __name__ == "__main__":
    main()
