"""A client with no language of their own is written to in the salon's (SHOWUP_LOCALE)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.conversation.templates import TemplatedRenderer, WhatsAppTemplates
from bot.ledger.clients import link_identity
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from db.models import Salon
from tests.factories import make_appointment, make_client, make_service, make_staff
from tests.fakes.channels import RecordingChannel
from tests.fakes.scripts import SCRIPTS_DIR, script_book
from tests.scheduling.conftest import RecordingAlerts


@pytest.mark.parametrize("channel_name", ["whatsapp", "telegram"])
async def test_a_client_without_a_language_gets_the_russian_salons_language(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, channel_name: str
) -> None:
    book = script_book()  # the book's own default is English: the salon's row must win
    channel = RecordingChannel(channel_name)
    dispatcher = Dispatcher(
        sessions=sessions,
        channels={channel_name: channel},
        renderer=TemplatedRenderer(book, WhatsAppTemplates.load(book, SCRIPTS_DIR)),
        alerts=RecordingAlerts(),
        clock=clock,
        config=DispatchConfig(),
        rng=random.Random(7),  # noqa: S311 - reproducible jitter
        owner="test-worker",
    )
    async with sessions() as session:
        salon = await session.get(Salon, 1)
        assert salon is not None
        salon.name, salon.timezone, salon.locale = "Лотос", "Europe/Moscow", "ru"
        client = await make_client(session, name="Анна", phone="+79001234567")
        assert client.locale is None
        await link_identity(session, client_id=client.id, channel=channel_name, external_id="7")
        await make_appointment(
            session,
            client=client,
            staff=await make_staff(session),
            service=await make_service(session),
            starts_at=clock.now() + timedelta(days=3),
            now=clock.now(),
        )
        await session.commit()

    assert await dispatcher.drain() == 1

    [sent] = channel.sent
    assert sent.locale == "ru"
    assert sent.text.startswith("Вы записаны, Анна:")
    assert sent.template is not None
    assert sent.template.language == "ru"
    assert sent.template.name.startswith("showup_booking_confirmation")  # + _rules when new
