"""The salon row: created from the settings on first start, then the database is the truth."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.salon import DEFAULT_WORKING_HOURS, WorkingHours
from db.models import Salon

logger = logging.getLogger(__name__)

SALON_ID = 1
#: settings that, when set explicitly in the environment or .env, override the stored value
_SYNCED = {
    "salon_name": "name",
    "timezone": "timezone",
    "locale": "locale",
    "currency": "currency",
}


async def ensure_salon(session: AsyncSession, *, settings: Settings) -> Salon:
    """Return the salon row, creating it from ``settings`` when missing.

    A variable set explicitly (SHOWUP_TIMEZONE, SHOWUP_LOCALE, SHOWUP_SALON_NAME, SHOWUP_CURRENCY)
    wins over the stored value, so editing ``.env`` always takes effect; values left unset keep
    whatever was stored (for example through ``PATCH /api/v1/salon``).
    """
    salon = await session.get(Salon, SALON_ID)
    if salon is None:
        salon = Salon(
            id=SALON_ID,
            name=settings.salon_name,
            timezone=settings.timezone,
            locale=settings.locale,
            currency=settings.currency,
            working_hours=DEFAULT_WORKING_HOURS.model_dump(mode="json"),
            open_all_day=True,
            buffer_minutes=0,
        )
        session.add(salon)
        _sync_schedule(salon, settings)
        await session.flush()
        return salon
    for setting, column in _SYNCED.items():
        if setting not in settings.model_fields_set:
            continue
        wanted = getattr(settings, setting)
        if getattr(salon, column) != wanted:
            logger.info("salon %s changed to %s by SHOWUP_%s", column, wanted, setting.upper())
            setattr(salon, column, wanted)
    _sync_schedule(salon, settings)
    await session.flush()
    return salon


def _sync_schedule(salon: Salon, settings: Settings) -> None:
    """SHOWUP_OPENING_HOURS and SHOWUP_BUFFER, when set explicitly, win like the others."""
    week = settings.opening_week
    if week is not None:
        open_all_day = week.is_always
        stored = (
            salon.working_hours
            if open_all_day
            else week.to_working_hours().model_dump(mode="json")
        )
        if (salon.open_all_day, salon.working_hours) != (open_all_day, stored):
            logger.info("salon hours changed to %s by SHOWUP_OPENING_HOURS", week.describe())
            salon.open_all_day, salon.working_hours = open_all_day, stored
    if "buffer" in settings.model_fields_set:
        minutes = int(settings.buffer.total_seconds() // 60)
        if salon.buffer_minutes != minutes:
            logger.info("salon buffer changed to %s min by SHOWUP_BUFFER", minutes)
            salon.buffer_minutes = minutes


async def salon_zone(session: AsyncSession) -> ZoneInfo:
    """The salon's time zone (UTC before the salon row exists)."""
    salon = await session.get(Salon, SALON_ID)
    return ZoneInfo(salon.timezone) if salon is not None else ZoneInfo("UTC")


def working_hours(salon: Salon) -> WorkingHours:
    return WorkingHours.model_validate(salon.working_hours)
