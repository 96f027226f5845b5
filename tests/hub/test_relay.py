"""The inbox relay through the Bot API emulator (which refuses a text over 4,096 characters, as
Telegram does): a message of any length reaches the admin in numbered parts; a relay that fails
every time is recorded, alerted through another admin channel and listed in the morning digest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands, AdminSetup
from bot.channels.telegram import TelegramChannel, create_bot
from bot.clock import ManualClock
from bot.hub.admin_side import AdminBroadcast, ChannelAlerts, MorningDigest
from bot.hub.relay import RELAY_LEASE, InboxRelay
from bot.ledger.inbox import MAX_RELAY_ATTEMPTS
from db.models import AdminRelay, InboxItem
from tests.factories import RULES, make_client
from tests.fakes.channels import RecordingChannel
from tests.fakes.telegram_api import TEXT_LIMIT, TOKEN, BotApiEmulator

ADMIN = 900
SENTENCE = "My daughter has a school trip that week, so could we move the colouring? "


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    """The relay's text handling does not depend on the backend (test_several_processes and
    the give-up query run on both)."""
    return sqlite_database_url


@pytest.fixture
async def telegram(api_emulator: BotApiEmulator) -> AsyncIterator[TelegramChannel]:
    bot = create_bot(TOKEN, api_base=api_emulator.base)
    yield TelegramChannel(bot)
    await bot.session.close()


def _question(length: int) -> str:
    """Paragraphs of sentences, ``length`` characters in all, ending with a question mark."""
    paragraph = SENTENCE * 7 + "\n\n"
    return (paragraph * (length // len(paragraph) + 1))[: length - 1] + "?"


async def _ask(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, text: str) -> int:
    async with sessions() as session:
        client = await make_client(session, name="Anna")
        item = InboxItem(
            client_id=client.id,
            kind="other",
            channel="telegram",
            text=text,
            created_at=clock.now(),
        )
        session.add(item)
        await session.commit()
        return item.id


def _relay(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    telegram: TelegramChannel,
    alerts: ChannelAlerts | None = None,
) -> InboxRelay:
    return InboxRelay(
        sessions=sessions,
        broadcast=AdminBroadcast(telegram, [str(ADMIN)]),
        clock=clock,
        zone=RULES.zone,
        alerts=alerts,
    )


def _flat(text: str) -> str:
    return "".join(text.split())


async def test_a_question_just_under_the_limit_goes_in_two_parts(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    api_emulator: BotApiEmulator,
    telegram: TelegramChannel,
) -> None:
    question = _question(3990)
    item_id = await _ask(sessions, clock, question)

    assert await _relay(sessions, clock, telegram).relay() == 1

    parts = api_emulator.texts(ADMIN)
    assert [part[:6] for part in parts] == ["(1/2) ", "(2/2) "]
    assert all(len(part) <= TEXT_LIMIT for part in parts)
    assert parts[0].startswith("(1/2) 💬 Message: Anna +34600111222 · Telegram")
    assert parts[1].endswith("↩️ Reply to this message to answer Anna.")
    # cut where the question ends, before the reply hint: no paragraph is cut in two
    assert parts[0].endswith(question)
    assert parts[1] == "(2/2) ↩️ Reply to this message to answer Anna."
    async with sessions() as session:
        item = await session.get_one(InboxItem, item_id)
        assert item.relayed_at is not None
        relays = await session.scalar(select(func.count()).select_from(AdminRelay))
        assert relays == 2  # replying to either part answers Anna


async def test_a_50000_character_question_is_trimmed_with_a_note_and_sent_in_parts(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    api_emulator: BotApiEmulator,
    telegram: TelegramChannel,
) -> None:
    question = _question(50_000)
    await _ask(sessions, clock, question)

    assert await _relay(sessions, clock, telegram).relay() == 1

    parts = api_emulator.texts(ADMIN)
    assert 3 <= len(parts) <= 4
    assert all(len(part) <= TEXT_LIMIT for part in parts)
    assert [part.split(" ")[0] for part in parts] == [
        f"({n}/{len(parts)})" for n in range(1, len(parts) + 1)
    ]
    joined = "".join(part.split(" ", 1)[1] for part in parts)
    assert _flat(question[:11_000]) in _flat(joined)
    assert "more characters not shown (the message has 50,000)." in parts[-1]
    shown = _flat(joined).index(_flat(question[:11_000]))
    assert shown > 0


async def test_a_relay_that_always_fails_is_alerted_and_listed_in_the_digest(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    api_emulator: BotApiEmulator,
    telegram: TelegramChannel,
) -> None:
    item_id = await _ask(sessions, clock, "Can I bring my dog?")
    other_channel = RecordingChannel("whatsapp")
    alerts = ChannelAlerts(AdminBroadcast(other_channel, ["+34600999000"]))
    relay = _relay(sessions, clock, telegram, alerts)
    api_emulator.fail(
        "sendMessage", code=502, description="Bad Gateway", chat_id=ADMIN, times=MAX_RELAY_ATTEMPTS
    )

    for attempt in range(1, MAX_RELAY_ATTEMPTS + 1):
        assert await relay.relay() == 0
        assert len(other_channel.sent) == (1 if attempt == MAX_RELAY_ATTEMPTS else 0)
        clock.advance(RELAY_LEASE + timedelta(seconds=1))
    assert await relay.relay() == 0  # given up: not tried an eleventh time
    assert len(api_emulator.sent(chat_id=ADMIN)) == MAX_RELAY_ATTEMPTS

    alert = other_channel.sent[0].text
    assert alert.startswith("⚠️ A message from Anna (Telegram, Mon 23.11 09:00) could not be")
    assert "after 10 attempts: admin 900: telegram: " in alert
    assert "Can I bring my dog?" not in alert  # alerts are logged: no message body
    async with sessions() as session:
        item = await session.get_one(InboxItem, item_id)
        assert item.relayed_at is None
        assert item.relay_failed_at is not None
        assert item.relay_error is not None
        assert "Bad Gateway" in item.relay_error

    digest = MorningDigest(
        sessions=sessions,
        commands=AdminCommands(
            sessions=sessions,
            setup=AdminSetup(
                zone=RULES.zone, rules=RULES, late_window=timedelta(hours=24), phone_region=None
            ),
            clock=clock,
        ),
        broadcast=AdminBroadcast(telegram, [str(ADMIN)]),
        clock=clock,
        zone=RULES.zone,
    )
    assert await digest.send()
    listed = api_emulator.texts(ADMIN)[-1]
    assert listed == (
        "⚠️ 1 client message could not be forwarded:\n"
        "• Mon 23.11 09:00 · Anna · Telegram: “Can I bring my dog?”"
    )
    clock.advance(timedelta(days=1))
    before = len(api_emulator.texts(ADMIN))
    assert await digest.send()
    assert not any("could not be forwarded" in text for text in api_emulator.texts(ADMIN)[before:])


async def test_an_item_left_on_its_last_attempt_by_a_crash_is_given_up(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, telegram: TelegramChannel
) -> None:
    item_id = await _ask(sessions, clock, "hello?")
    async with sessions() as session:
        item = await session.get_one(InboxItem, item_id)
        item.relay_attempts = MAX_RELAY_ATTEMPTS
        item.relay_lease_until = clock.now() + RELAY_LEASE
        await session.commit()
    alerts = RecordingChannel("whatsapp")
    relay = _relay(sessions, clock, telegram, ChannelAlerts(AdminBroadcast(alerts, ["a"])))

    await relay.relay()
    assert alerts.sent == []  # its lease still runs: the process may still be trying
    clock.advance(RELAY_LEASE)
    await relay.relay()
    assert len(alerts.sent) == 1
    await relay.relay()
    assert len(alerts.sent) == 1  # alerted once
