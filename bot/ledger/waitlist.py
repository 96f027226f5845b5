"""The waitlist's entries: adding, listing, removing and expiring them, each with its event.

Offers of freed slots are made in ``bot.ledger.waitlist_offers``; accepting and declining them
in ``bot.ledger.waitlist_answers``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import ACTIVE_STATUSES
from bot.domain.waitlist import Availability, EntryStatus, OfferStatus, SlotStatus
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.ledger.appointments import Who
from bot.ledger.catalog import get_service, get_staff
from bot.ledger.clients import get_client
from db.models import Appointment, FreedSlot, WaitlistEntry, WaitlistEvent, WaitlistOffer

__all__ = [
    "EntryRequest",
    "add_entry",
    "entry_events",
    "expire_entries",
    "get_entry",
    "list_entries",
    "recheck_slot",
    "record",
    "remove_entry",
    "wait_for_earlier",
]


@dataclass(frozen=True, slots=True)
class EntryRequest:
    """What a new entry is: who, which service, which master (None: any), when it suits them
    (empty: any time), until when, and whether they would move their booking earlier."""

    client_id: int
    service_id: int
    staff_id: int | None = None
    availability: Availability = field(default_factory=Availability)
    valid_until: datetime | None = None
    earlier: bool = False
    appointment_id: int | None = None  # the booking to move ("anything earlier?")
    source: str = "api"
    note: str | None = None


def record(
    session: AsyncSession,
    entry: WaitlistEntry,
    *,
    kind: str,
    who: Who,
    at: datetime,
    offer_id: int | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Append one event to the entry's history."""
    session.add(
        WaitlistEvent(
            entry_id=entry.id,
            offer_id=offer_id,
            kind=kind,
            actor=who.actor,
            channel=who.channel,
            reason=reason,
            data=data,
            created_at=at,
        )
    )


async def get_entry(session: AsyncSession, *, entry_id: int) -> WaitlistEntry:
    entry = await session.get(WaitlistEntry, entry_id)
    if entry is None:
        raise NotFoundError(
            f"no waitlist entry with id {entry_id}",
            code="no_waitlist_entry",
            params={"id": entry_id},
        )
    return entry


async def add_entry(
    session: AsyncSession, *, request: EntryRequest, who: Who, now: datetime
) -> WaitlistEntry:
    """Put a client on the waitlist, at its end. An "anything earlier?" entry needs a booking
    of the client's to move: the one given, else their next open one."""
    client = await get_client(session, client_id=request.client_id)
    service = await get_service(session, service_id=request.service_id)
    staff = (
        await get_staff(session, staff_id=request.staff_id)
        if request.staff_id is not None
        else None
    )
    if request.valid_until is not None and request.valid_until <= now:
        raise InvalidInputError(
            "valid_until is in the past", field="valid_until", code="waitlist_until_past"
        )
    appointment_id = None
    if request.earlier or request.appointment_id is not None:
        booking = await _booking_to_move(session, request, now)
        appointment_id = booking.id
    duplicate = await session.scalar(
        select(WaitlistEntry.id).where(
            WaitlistEntry.client_id == client.id,
            WaitlistEntry.service_id == service.id,
            WaitlistEntry.status == EntryStatus.ACTIVE,
        )
    )
    if duplicate is not None:
        raise ConflictError(
            f"{client.name} is already waiting for {service.name} (entry {duplicate})",
            code="waitlist_duplicate",
            params={"name": client.name, "service": service.name, "id": duplicate},
        )
    last = await session.scalar(select(func.max(WaitlistEntry.position)))
    entry = WaitlistEntry(
        client=client,
        service=service,
        staff=staff,
        days=request.availability.stored_days(),
        ranges=request.availability.stored_ranges(),
        valid_until=request.valid_until,
        earlier=appointment_id is not None,
        appointment_id=appointment_id,
        status=EntryStatus.ACTIVE,
        position=(last or 0) + 1,
        source=request.source,
        note=request.note,
        created_at=now,
    )
    session.add(entry)
    await session.flush()
    record(
        session,
        entry,
        kind="added",
        who=who,
        at=now,
        data={
            "service_id": service.id,
            "staff_id": request.staff_id,
            "when": request.availability.describe() or "any",
            "valid_until": request.valid_until.isoformat() if request.valid_until else None,
            "appointment_id": appointment_id,
        },
    )
    await recheck_slot(session)  # a slot nobody wanted may suit the newcomer
    return entry


async def recheck_slot(session: AsyncSession, *, slot_id: int | None = None) -> None:
    """Have the worker look at a freed slot (all open ones without ``slot_id``) at its next
    tick: an offer was answered, or a client joined the waitlist."""
    statement = update(FreedSlot).where(FreedSlot.status == SlotStatus.OPEN)
    if slot_id is not None:
        statement = statement.where(FreedSlot.id == slot_id)
    await session.execute(
        statement.values(next_check_at=None).execution_options(synchronize_session=False)
    )


async def wait_for_earlier(
    session: AsyncSession,
    *,
    client_id: int,
    who: Who,
    now: datetime,
    appointment_id: int | None = None,
    any_master: bool = False,
    source: str = "chat",
) -> WaitlistEntry:
    """ "Anything earlier?" from a client with a booking (the one given, else their next): an
    entry for its service, with its master unless ``any_master``, at any time before it, that
    would move it to a freed slot; it stands until the booking's start. Asking again returns the
    client's active entry for that service as it is."""
    booking = await _booking_to_move(
        session,
        EntryRequest(client_id=client_id, service_id=0, appointment_id=appointment_id),
        now,
    )
    existing = await session.scalar(
        select(WaitlistEntry).where(
            WaitlistEntry.client_id == client_id,
            WaitlistEntry.service_id == booking.service_id,
            WaitlistEntry.status == EntryStatus.ACTIVE,
        )
    )
    if existing is not None:
        return existing
    return await add_entry(
        session,
        request=EntryRequest(
            client_id=client_id,
            service_id=booking.service_id,
            staff_id=None if any_master else booking.staff_id,
            valid_until=booking.starts_at,
            earlier=True,
            appointment_id=booking.id,
            source=source,
        ),
        who=who,
        now=now,
    )


async def _booking_to_move(
    session: AsyncSession, request: EntryRequest, now: datetime
) -> Appointment:
    if request.appointment_id is not None:
        found = await session.get(Appointment, request.appointment_id)
    else:
        found = await session.scalar(
            select(Appointment)
            .where(
                Appointment.client_id == request.client_id,
                Appointment.starts_at > now,
                Appointment.status.in_(sorted(ACTIVE_STATUSES)),
            )
            .order_by(Appointment.starts_at)
            .limit(1)
        )
    if (
        found is None
        or found.client_id != request.client_id
        or found.status not in ACTIVE_STATUSES
        or found.starts_at <= now
    ):
        raise InvalidInputError(
            "an 'anything earlier?' entry needs an upcoming booking of the client's to move",
            field="appointment_id",
            code="waitlist_no_booking",
        )
    return found


async def list_entries(
    session: AsyncSession,
    *,
    status: EntryStatus | None = EntryStatus.ACTIVE,
    client_id: int | None = None,
    service_id: int | None = None,
    staff_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[WaitlistEntry]:
    """Entries in waitlist order (active ones by default)."""
    query = select(WaitlistEntry).order_by(WaitlistEntry.position).limit(limit).offset(offset)
    if status is not None:
        query = query.where(WaitlistEntry.status == status)
    if client_id is not None:
        query = query.where(WaitlistEntry.client_id == client_id)
    if service_id is not None:
        query = query.where(WaitlistEntry.service_id == service_id)
    if staff_id is not None:
        query = query.where(WaitlistEntry.staff_id == staff_id)
    return list(await session.scalars(query))


#: whether the client (bound: client_id) has a place on the waitlist: a cheap test
HAS_ACTIVE_ENTRY = (
    select(WaitlistEntry.id)
    .where(
        WaitlistEntry.client_id == bindparam("client_id"),
        WaitlistEntry.status == EntryStatus.ACTIVE,
    )
    .exists()
)


async def remove_entry(
    session: AsyncSession, *, entry_id: int, who: Who, now: datetime, reason: str | None = None
) -> WaitlistEntry:
    """Take an entry off the list; removing a removed entry again changes nothing."""
    entry = await get_entry(session, entry_id=entry_id)
    if entry.status is EntryStatus.REMOVED:
        return entry
    if entry.status is not EntryStatus.ACTIVE:
        raise ConflictError(
            f"waitlist entry {entry.id} is {entry.status.value}; it is no longer on the list",
            code="waitlist_ended",
            params={"id": entry.id, "status": entry.status.value},
        )
    entry.status = EntryStatus.REMOVED
    entry.ended_at = now
    record(session, entry, kind="removed", who=who, at=now, reason=reason)
    withdrawn = list(
        await session.scalars(
            select(WaitlistOffer).where(
                WaitlistOffer.entry_id == entry.id, WaitlistOffer.status == OfferStatus.PENDING
            )
        )
    )
    for offer in withdrawn:  # an offer still open is withdrawn: the next client gets the slot
        offer.status = OfferStatus.DECLINED
        offer.answered_at = now
        await recheck_slot(session, slot_id=offer.freed_slot_id)
    await session.flush()
    return entry


async def expire_entries(session: AsyncSession, *, now: datetime, who: Who) -> int:
    """End the active entries whose ``valid_until`` has come; how many."""
    due = list(
        await session.scalars(
            select(WaitlistEntry).where(
                WaitlistEntry.status == EntryStatus.ACTIVE,
                WaitlistEntry.valid_until.is_not(None),
                WaitlistEntry.valid_until <= now,
            )
        )
    )
    expired = 0
    for entry in due:
        claimed = await session.execute(
            update(WaitlistEntry)
            .where(WaitlistEntry.id == entry.id, WaitlistEntry.status == EntryStatus.ACTIVE)
            .values(status=EntryStatus.EXPIRED, ended_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) == 1:
            record(session, entry, kind="expired", who=who, at=now)
            expired += 1
    return expired


async def entry_events(session: AsyncSession, *, entry_id: int) -> list[WaitlistEvent]:
    await get_entry(session, entry_id=entry_id)
    return list(
        await session.scalars(
            select(WaitlistEvent)
            .where(WaitlistEvent.entry_id == entry_id)
            .order_by(WaitlistEvent.created_at, WaitlistEvent.id)
        )
    )
