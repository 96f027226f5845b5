"""Request-scoped dependencies: one database session per request, the clock, the settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.domain.reminders import ReminderRules
from bot.errors import DatabaseNotReadyError
from bot.ledger.attendance import AttendancePolicy, policy_from
from bot.ledger.salon import SALON_ID
from db.models import Salon


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    async with factory() as session:
        yield session


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def _salon(session: Annotated[AsyncSession, Depends(_session)]) -> Salon:
    salon = await session.get(Salon, SALON_ID)
    if salon is None:
        raise DatabaseNotReadyError(
            "the salon is not set up yet: start ShowUp once with `showup run`"
        )
    return salon


def _zone(salon: Annotated[Salon, Depends(_salon)]) -> ZoneInfo:
    return ZoneInfo(salon.timezone)


SessionDep = Annotated[AsyncSession, Depends(_session)]
SettingsDep = Annotated[Settings, Depends(_settings)]
ClockDep = Annotated[Clock, Depends(_clock)]


def _rules(
    settings: Annotated[Settings, Depends(_settings)], zone: Annotated[ZoneInfo, Depends(_zone)]
) -> ReminderRules:
    return settings.reminder_rules(zone)


def _policy(
    settings: Annotated[Settings, Depends(_settings)], salon: Annotated[Salon, Depends(_salon)]
) -> AttendancePolicy:
    return policy_from(settings, salon)


PolicyDep = Annotated[AttendancePolicy, Depends(_policy)]
SalonDep = Annotated[Salon, Depends(_salon)]
RulesDep = Annotated[ReminderRules, Depends(_rules)]
ZoneDep = Annotated[ZoneInfo, Depends(_zone)]
