"""Where in a freed interval a waiting client's visit can start.

The freed start itself comes first (a cancelled 15:00 is offered at 15:00, even off the slot
grid) when the whole visit is bookable there; then the free starts the slot engine
(``find_slots``) finds for the client's service with that master inside the freed time, so a
longer service may run on into time that was free already, and a long interval (a vacation
cancelled) is offered from the first start that suits. ``bot.domain.waitlist.first_fit``
picks among them by the client's days and times.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.slots import MAX_DAYS
from bot.domain.waitlist import Candidate
from bot.ledger.booking_rules import booking_problems
from bot.ledger.slots import find_slots
from db.models import FreedSlot


async def bookable(
    session: AsyncSession,
    *,
    staff_id: int,
    starts_at: datetime,
    duration: timedelta,
    now: datetime,
    ignore_id: int | None = None,
    holder: int | None = None,
) -> bool:
    """The same rules as any booking (nobody booked into it meanwhile, the master's hours,
    time off and buffer), so an offer is never made for a time its acceptance would refuse."""
    problems = await booking_problems(
        session,
        staff_id=staff_id,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        now=now,
        ignore_id=ignore_id,
        holder=holder,
    )
    return not problems


class Starts:
    """The free starts in one freed interval, per service and client (read once a round)."""

    def __init__(
        self,
        session: AsyncSession,
        slot: FreedSlot,
        *,
        earliest: datetime,
        step: timedelta,
        now: datetime,
    ) -> None:
        self._session = session
        self._slot = slot
        self._from = max(slot.starts_at, earliest)
        self._until = min(slot.ends_at, self._from + timedelta(days=MAX_DAYS))
        self._step = step
        self._now = now
        self._found: dict[tuple[int, int | None, int], list[datetime]] = {}

    async def of(self, candidate: Candidate) -> list[datetime]:
        """Where ``candidate``'s visit could start, in time order."""
        slot = self._slot
        first: list[datetime] = []
        if slot.starts_at >= self._from and await bookable(
            self._session,
            staff_id=slot.staff_id,
            starts_at=slot.starts_at,
            duration=candidate.duration,
            now=self._now,
            ignore_id=candidate.appointment_id,
            holder=candidate.client_id,
        ):
            first = [slot.starts_at]
        return first + [s for s in await self._grid(candidate) if s != slot.starts_at]

    async def _grid(self, candidate: Candidate) -> list[datetime]:
        key = (candidate.service_id, candidate.appointment_id, candidate.client_id)
        if key not in self._found:
            found = []
            if self._until > self._from:
                found = await find_slots(
                    self._session,
                    service_id=candidate.service_id,
                    staff_id=self._slot.staff_id,
                    start=self._from,
                    end=self._until,
                    now=self._now,  # times held by others (until they lapse) are not free
                    step=self._step,
                    ignore_appointment_id=candidate.appointment_id,
                    holder=candidate.client_id,
                )
            self._found[key] = [s.starts_at for s in found]
        return self._found[key]
