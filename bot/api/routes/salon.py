"""The salon's own settings: name, time zone, language, currency, working hours."""

from __future__ import annotations

from zoneinfo import available_timezones

from babel.numbers import list_currencies
from fastapi import APIRouter

from bot.api.deps import SalonDep, SessionDep
from bot.api.schemas import SalonOut, SalonPatch
from bot.errors import InvalidInputError

router = APIRouter(prefix="/salon", tags=["salon"])


@router.get("")
async def get_salon(salon: SalonDep) -> SalonOut:
    return SalonOut.model_validate(salon)


@router.patch("")
async def patch_salon(body: SalonPatch, salon: SalonDep, session: SessionDep) -> SalonOut:
    """Change the salon's settings. A variable set in ``.env`` wins again at the next start."""
    changes = body.model_dump(exclude_unset=True)
    if "timezone" in changes and changes["timezone"] not in available_timezones():
        raise InvalidInputError(f"unknown time zone {changes['timezone']!r}", field="timezone")
    if "currency" in changes:
        changes["currency"] = changes["currency"].upper()
        if changes["currency"] not in list_currencies():
            raise InvalidInputError(f"unknown currency {body.currency!r}", field="currency")
    if body.working_hours is not None:
        changes["working_hours"] = body.working_hours.model_dump(mode="json")
    for name, value in changes.items():
        setattr(salon, name, value)
    await session.commit()
    return SalonOut.model_validate(salon)
