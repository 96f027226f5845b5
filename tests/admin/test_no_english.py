"""A salon in Russian, Spanish or Turkish: a week of no-shows, late cancellations, overrides and
refusals, and every text its admins read (command answers, arrival prompts, the forwarded inbox,
the /strikes history) has no English left in it."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands, AdminSetup
from bot.admin.texts import AdminTexts
from bot.clock import ManualClock
from bot.config import Settings
from bot.hub.admin_side import AdminBroadcast, NoShowWatch
from bot.hub.relay import InboxRelay
from db.models import InboxItem, NoShowFollowUp
from tests.factories import RULES
from tests.fakes.channels import RecordingChannel
from tests.ledger.test_attendance import CLIENT, Salon_, _open, _policy, make_salon

#: words that give an English text away (the client's own words and names are not ours)
ENGLISH = re.compile(
    r"\b(with|reason|appointment|forgiven|strikes?|client|by|the|not|delivered|answer|"
    r"message|no-show|cancelled|late|and|of|from|our|was|please|booked|days?|hours?|"
    r"minutes?|attempts?|admin|active|before|start|first|explained|deadline|warned)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("locale", ["ru", "es", "tr"])
async def test_admins_read_no_english(
    locale: str,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    settings: Settings,
) -> None:
    policy = await _policy(sessions, settings)
    texts = AdminTexts(locale)
    base = make_salon(sessions, clock, policy, settings)
    salon: Salon_ = await _open(
        dataclasses.replace(
            base,
            commands=AdminCommands(
                sessions=sessions,
                setup=AdminSetup(
                    zone=policy.zone,
                    rules=RULES,
                    late_window=timedelta(hours=24),
                    phone_region="ES",
                    policy=policy,
                    locale=locale,
                ),
                clock=clock,
            ),
            watch=NoShowWatch(
                sessions=sessions,
                broadcast=AdminBroadcast(base.admin_chat, ["900"]),
                clock=clock,
                policy=policy,
                grace=timedelta(minutes=15),
                auto_after=None,
                texts=texts,
            ),
        )
    )
    read: list[str] = []
    read += await _no_show(salon, "Ой, простите, совсем забыла!")  # forgiven
    read += await _no_show(salon, None)  # a strike
    await salon.next_morning()
    late = await salon.book(in_minutes=120)
    await salon.client_says("Не смогу прийти, отмените, пожалуйста")
    soon = await salon.book(in_minutes=30)
    for line in (
        f"/strikes {CLIENT}",
        f"/client {CLIENT}",
        "/noshows 30",
        "/today",
        f"/noshow {soon}",  # not started yet
        f"/arrived {late}",  # cancelled
        "/cancel 999",
        f"/block {CLIENT}",
        f"/book {CLIENT} 2099-01-05 10:00 Haircut / Vitaly",  # blocked
        f"/unblock {CLIENT}",
        f"/book {CLIENT} 2099-01-05 10:00 Haircut / Nobody",
        "/book 12 2099-01-05 10:00 Haircut / Vitaly",
        f"/strikes {CLIENT}",
    ):
        read += await salon.admin(line)
    await salon.later(50)  # the arrival prompt for the visit that started
    read += [message.text for message in salon.admin_chat.sent]
    read += [button.label for message in salon.admin_chat.sent for button in message.buttons]
    forwarded = RecordingChannel("telegram")
    async with sessions() as session:
        assert await session.scalar(select(InboxItem.id).limit(1)) is not None
    relay = InboxRelay(
        sessions=sessions,
        broadcast=AdminBroadcast(forwarded, ["900"]),
        clock=clock,
        zone=policy.zone,
        texts=texts,
    )
    assert await relay.relay() > 0
    read += [message.text for message in forwarded.sent]

    ours = [re.sub(r"«[^»]*»|“[^”]*”", "«…»", text) for text in read]  # quotes: the client's
    english = [(text, ENGLISH.findall(text)) for text in ours if ENGLISH.search(text)]
    assert not english, english
    assert any(texts.plural("strikes.weight", 1) in text for text in read)  # history worded
    assert any(text.startswith("⏰") for text in read)  # the arrival prompt


async def _no_show(salon: Salon_, explained: str | None) -> list[str]:
    """A booking the client misses, marked by the admin; explained or left unanswered."""
    await salon.next_morning()
    appointment_id = await salon.book(in_minutes=60)
    await salon.later(61)
    marked = await salon.admin(f"/noshow {appointment_id}")
    await salon.later(31)  # the follow-up goes out
    if explained is not None:
        await salon.client_says(explained)
    async with salon.sessions() as session:
        followup = await session.get(NoShowFollowUp, appointment_id)
        assert followup is not None
        deadline = followup.deadline_at
    await salon.later((deadline - salon.clock.now()).total_seconds() / 60 + 1)
    return marked
