"""The admin-side jobs run in every process: each item is forwarded, each appointment prompted
and each digest sent once, however many processes race for them (real PostgreSQL too).

Each "process" has its own engine (its own connection pool), as separate processes would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands, AdminSetup
from bot.clock import ManualClock
from bot.config import Settings
from bot.hub.admin_side import AdminBroadcast, ChannelAlerts, MorningDigest, NoShowWatch
from bot.hub.relay import InboxRelay
from bot.ledger.attendance import AttendancePolicy
from bot.ledger.inbox import MAX_RELAY_ATTEMPTS
from db.engine import create_engine, create_session_factory
from db.models import Client, InboxItem
from tests.factories import RULES, make_appointment, make_client, make_service, make_staff
from tests.fakes.channels import RecordingChannel

PROCESSES = 3


@pytest.fixture
async def factories(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[list[async_sessionmaker[AsyncSession]]]:
    engines = [create_engine(settings.database_url) for _ in range(PROCESSES)]
    yield [create_session_factory(engine) for engine in engines]
    for engine in engines:
        await engine.dispose()


async def _clients(sessions: async_sessionmaker[AsyncSession], count: int) -> list[int]:
    async with sessions() as session:
        ids = [
            (await make_client(session, name=f"Client {n}", phone=f"+3460010{n:04d}")).id
            for n in range(count)
        ]
        await session.commit()
        return ids


async def test_each_inbox_item_is_forwarded_once(
    sessions: async_sessionmaker[AsyncSession],
    factories: list[async_sessionmaker[AsyncSession]],
    clock: ManualClock,
) -> None:
    client_ids = await _clients(sessions, 60)
    async with sessions() as session:
        for client_id in client_ids:
            session.add(
                InboxItem(
                    client_id=client_id,
                    kind="other",
                    channel="telegram",
                    text=f"question {client_id}",
                    created_at=clock.now(),
                )
            )
        await session.commit()
    chats = [RecordingChannel("telegram", receipts=f"p{n}") for n in range(PROCESSES)]
    relays = [
        InboxRelay(
            sessions=factory,
            broadcast=AdminBroadcast(chat, ["900"]),
            clock=clock,
            zone=RULES.zone,
        )
        for factory, chat in zip(factories, chats, strict=True)
    ]

    counts = await asyncio.gather(*(relay.relay() for relay in relays))

    forwarded = [m.text.split("\n")[-3] for chat in chats for m in chat.sent]
    assert sum(counts) == 60
    assert len(forwarded) == 60
    assert len(set(forwarded)) == 60  # none twice
    assert await asyncio.gather(*(relay.relay() for relay in relays)) == [0] * PROCESSES


async def test_each_missed_start_is_prompted_once(
    sessions: async_sessionmaker[AsyncSession],
    factories: list[async_sessionmaker[AsyncSession]],
    clock: ManualClock,
) -> None:
    client_ids = await _clients(sessions, 12)
    async with sessions() as session:
        service = await make_service(session)
        for n, client_id in enumerate(client_ids):
            client = await session.get_one(Client, client_id)
            await make_appointment(
                session,
                client=client,
                staff=await make_staff(session, f"Master {n}"),
                service=service,
                starts_at=clock.now() + timedelta(hours=2),
                now=clock.now(),
            )
        await session.commit()
    clock.advance(timedelta(hours=2, minutes=16))
    chats = [RecordingChannel("telegram", receipts=f"p{n}") for n in range(PROCESSES)]
    watches = [
        NoShowWatch(
            sessions=factory,
            broadcast=AdminBroadcast(chat, ["900"]),
            clock=clock,
            policy=AttendancePolicy(zone=RULES.zone),
            grace=timedelta(minutes=15),
            auto_after=None,
        )
        for factory, chat in zip(factories, chats, strict=True)
    ]

    await asyncio.gather(*(watch.watch() for watch in watches))
    await asyncio.gather(*(watch.watch() for watch in watches))

    prompted = [m.buttons[0].appointment_id for chat in chats for m in chat.sent]
    assert sorted(prompted) == sorted(set(prompted))
    assert len(prompted) == 12


async def test_the_morning_digest_is_sent_once(
    factories: list[async_sessionmaker[AsyncSession]], clock: ManualClock
) -> None:
    chats = [RecordingChannel("telegram", receipts=f"p{n}") for n in range(PROCESSES)]
    digests = [
        MorningDigest(
            sessions=factory,
            commands=AdminCommands(
                sessions=factory,
                setup=AdminSetup(
                    zone=RULES.zone,
                    rules=RULES,
                    late_window=timedelta(hours=24),
                    phone_region=None,
                ),
                clock=clock,
            ),
            broadcast=AdminBroadcast(chat, ["900"]),
            clock=clock,
            zone=RULES.zone,
        )
        for factory, chat in zip(factories, chats, strict=True)
    ]

    sent = await asyncio.gather(*(digest.send() for digest in digests))

    assert sorted(sent) == [False] * (PROCESSES - 1) + [True]
    assert sum(len(chat.sent) for chat in chats) == 1


async def test_each_relay_given_up_is_alerted_once(
    sessions: async_sessionmaker[AsyncSession],
    factories: list[async_sessionmaker[AsyncSession]],
    clock: ManualClock,
) -> None:
    client_ids = await _clients(sessions, 8)
    async with sessions() as session:
        for client_id in client_ids:
            session.add(
                InboxItem(
                    client_id=client_id,
                    kind="other",
                    channel="telegram",
                    text="never forwarded",
                    created_at=clock.now(),
                    relay_attempts=MAX_RELAY_ATTEMPTS,
                    relay_error="telegram: Bad Gateway",
                )
            )
        await session.commit()
    alert_chats = [RecordingChannel("whatsapp", receipts=f"p{n}") for n in range(PROCESSES)]
    relays = [
        InboxRelay(
            sessions=factory,
            broadcast=AdminBroadcast(RecordingChannel("telegram"), ["900"]),
            clock=clock,
            zone=RULES.zone,
            alerts=ChannelAlerts(AdminBroadcast(chat, ["admin"])),
        )
        for factory, chat in zip(factories, alert_chats, strict=True)
    ]

    await asyncio.gather(*(relay.relay() for relay in relays))
    await asyncio.gather(*(relay.relay() for relay in relays))

    assert sum(len(chat.sent) for chat in alert_chats) == 8
