"""The salon's own settings: name, time zone, language, currency, working hours."""

from __future__ import annotations

from zoneinfo import available_timezones

from babel.numbers import list_currencies
from fastapi import APIRouter

from bot.api.deps import ClockDep, SalonDep, SessionDep
from bot.api.schemas import SalonOut, SalonPatch
from bot.domain.appointments import Actor
from bot.domain.schedules import WeeklyHours
from bot.errors import InvalidInputError
from bot.ledger.appointments import Who
from bot.ledger.availability import salon_week
from bot.ledger.salon import working_hours
from bot.ledger.schedules import set_salon_hours

router = APIRouter(prefix="/salon", tags=["salon"])

API = Who(actor=Actor.API, channel="api")


@router.get("")
async def get_salon(salon: SalonDep) -> SalonOut:
    return SalonOut.model_validate(salon)


@router.patch("")
async def patch_salon(
    body: SalonPatch, salon: SalonDep, session: SessionDep, clock: ClockDep
) -> SalonOut:
    """Change the salon's settings. A variable set in ``.env`` wins again at the next start.

    Giving ``working_hours`` makes them binding for bookings and free slots (``open_all_day``
    becomes false); ``open_all_day: true`` goes back to accepting any time.
    """
    changes = body.model_dump(exclude_unset=True)
    if "timezone" in changes and changes["timezone"] not in available_timezones():
        raise InvalidInputError(f"unknown time zone {changes['timezone']!r}", field="timezone")
    if "currency" in changes:
        changes["currency"] = changes["currency"].upper()
        if changes["currency"] not in list_currencies():
            raise InvalidInputError(f"unknown currency {body.currency!r}", field="currency")
    hours = changes.pop("working_hours", None)
    open_all_day = changes.pop("open_all_day", None)
    buffer_minutes = changes.pop("buffer_minutes", None)
    for name, value in changes.items():
        setattr(salon, name, value)
    if hours is not None or open_all_day is not None or buffer_minutes is not None:
        week = salon_week(salon)
        if body.working_hours is not None:
            week = WeeklyHours.from_working_hours(body.working_hours)
        if open_all_day:
            week = None
        elif open_all_day is False and week is None:
            week = WeeklyHours.from_working_hours(working_hours(salon))
        await set_salon_hours(
            session, week=week, who=API, now=clock.now(), buffer_minutes=buffer_minutes
        )
    await session.commit()
    return SalonOut.model_validate(salon)
