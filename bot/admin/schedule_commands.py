"""The admin's schedule commands: ``/hours``, ``/off`` and ``/slots`` (registered in
``bot.admin.commands``). Day names and refusals are in the admins' language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.texts import AdminTexts
from bot.domain.appointments import Actor
from bot.domain.schedules import WeeklyHours, day_names, local_moment, parse_clock, parse_week
from bot.domain.timeutil import day_bounds
from bot.errors import ShowUpError
from bot.ledger import availability, schedules
from bot.ledger.appointments import Who
from bot.ledger.catalog import find_service, find_staff, list_staff
from bot.ledger.slots import find_slots
from bot.ledger.staff_services import refuse_not_offered
from db.models import Staff

LATEST = datetime(3000, 1, 1, tzinfo=UTC)
_DATE = r"\d{4}-\d{2}-\d{2}"
OFF_LINE = re.compile(
    rf"(?P<first>{_DATE})(?:\s+(?P<last>{_DATE}))?"
    r"(?:\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2}))?(?:\s+(?P<reason>.+))?"
)
SLOTS_LINE = re.compile(rf"(?:(?P<day>{_DATE})\s+)?(?P<service>[^/]+?)(?:\s*/\s*(?P<master>.+))?")
SALON = "salon"


class Usage(ShowUpError):
    """The admin typed the command wrongly; the message says how to write it."""


@dataclass(frozen=True, slots=True)
class ScheduleSetup:
    zone: ZoneInfo
    slot_step: timedelta


class ScheduleCommands:
    """``/hours``, ``/off`` and ``/slots``: each takes the text after the command."""

    def __init__(self, *, texts: AdminTexts, setup: ScheduleSetup) -> None:
        self._t = texts
        self._setup = setup
        self._days = day_names(texts.locale)

    def _who(self, who: str) -> Who:
        return Who(actor=Actor.ADMIN, channel=who.split(":", maxsplit=1)[0])

    def _week(self, week: WeeklyHours | None) -> str:
        return week.describe(self._days) if week is not None else self._t("hours.any_time")

    async def _master_and_rest(self, session: AsyncSession, args: str) -> tuple[Staff, str]:
        """The master the text starts with (the longest name that fits, or an id) and the rest."""
        first, _, rest = args.partition(" ")
        if first.isdigit():
            return await find_staff(session, ref=first), rest.strip()
        folded = args.casefold()
        for staff in sorted(await list_staff(session), key=lambda s: -len(s.name)):
            name = staff.name.casefold()
            if folded == name or folded.startswith(f"{name} "):
                return staff, args[len(staff.name) :].strip()
        return await find_staff(session, ref=first), rest.strip()  # raises "no master …"

    async def hours(
        self, session: AsyncSession, args: str, who: str, *, now: datetime
    ) -> list[str]:
        if not args:
            masters = await list_staff(session)
            if not masters:
                return [self._t("hours.none")]
            return [await self._hours_line(session, staff) for staff in masters]
        staff, rest = await self._master_and_rest(session, args)
        if not rest:
            return [await self._hours_line(session, staff)]
        if rest.casefold() == SALON:
            schedule = await schedules.set_hours(
                session, staff_id=staff.id, week=None, who=self._who(who), now=now
            )
            return [self._t("hours.cleared", master=staff.name, hours=self._week(schedule.week))]
        schedule = await schedules.set_hours(
            session, staff_id=staff.id, week=parse_week(rest), who=self._who(who), now=now
        )
        return [self._t("hours.set", master=staff.name, hours=self._week(schedule.week))]

    async def _hours_line(self, session: AsyncSession, staff: Staff) -> str:
        schedule = await availability.schedule_of(session, staff_id=staff.id)
        return self._t(
            "hours.line",
            master=staff.name,
            hours=self._week(schedule.week),
            minutes=int(schedule.buffer.total_seconds() // 60),
            source=self._t(f"hours.source.{schedule.source}"),
        )

    async def off(self, session: AsyncSession, args: str, who: str, *, now: datetime) -> list[str]:
        if not args:
            return await self._off_list(session, now=now)
        command, _, rest = args.partition(" ")
        if command.casefold() == "remove":
            if not rest.strip().lstrip("#").isdigit():
                raise Usage(self._t("off.usage"))
            off = await schedules.remove_time_off(
                session,
                time_off_id=int(rest.strip().lstrip("#")),
                who=self._who(who),
                now=now,
            )
            return [
                self._t("off.removed", id=off.id, who=await self._off_who(session, off.staff_id))
            ]
        staff: Staff | None
        if command.casefold() == SALON:
            staff, rest = None, rest.strip()
        else:
            staff, rest = await self._master_and_rest(session, args)
        found = OFF_LINE.fullmatch(rest)
        if found is None:
            raise Usage(self._t("off.usage"))
        since, until = self._off_range(found)
        off = await schedules.add_time_off(
            session,
            staff_id=staff.id if staff else None,
            starts_at=since,
            ends_at=until,
            who=self._who(who),
            now=now,
            reason=found["reason"],
        )
        zone = self._setup.zone
        lines = [
            self._t(
                "off.added",
                id=off.id,
                who=staff.name if staff else self._t("off.salon"),
                since=self._t.moment(since.astimezone(zone)),
                until=self._t.moment(until.astimezone(zone)),
                reason=f" ({found['reason']})" if found["reason"] else "",
            )
        ]
        booked = await availability.appointments_during(
            session, staff_id=off.staff_id, start=since, end=until
        )
        if booked:
            lines.append(self._t("off.booked", n=len(booked)))
            lines += [
                f"• #{a.id} {self._t.moment(a.starts_at.astimezone(zone))} {a.client.name}"
                f" · {a.staff.name}"
                for a in booked
            ]
        return lines

    def _off_range(self, found: re.Match[str]) -> tuple[datetime, datetime]:
        zone = self._setup.zone
        try:
            first = date.fromisoformat(found["first"])
            last = date.fromisoformat(found["last"]) if found["last"] else None
        except ValueError:
            raise Usage(self._t("off.usage")) from None
        if found["start"] is None:
            since, _ = day_bounds(first, zone)
            _, until = day_bounds(last or first, zone)
            return since, until
        if last is not None:
            raise Usage(self._t("off.usage"))
        start, end = parse_clock(found["start"]), parse_clock(found["end"])
        return local_moment(first, start, zone), local_moment(first, end, zone)

    async def _off_who(self, session: AsyncSession, staff_id: int | None) -> str:
        if staff_id is None:
            return self._t("off.salon")
        staff = await session.get(Staff, staff_id)
        return staff.name if staff is not None else str(staff_id)

    async def _off_list(self, session: AsyncSession, *, now: datetime) -> list[str]:
        found = await availability.time_off_between(session, staff_ids=None, start=now, end=LATEST)
        if not found:
            return [self._t("off.none"), self._t("off.usage")]
        zone = self._setup.zone
        return [
            f"#{off.id} {await self._off_who(session, off.staff_id)}: "
            f"{self._t.moment(off.starts_at.astimezone(zone))} – "
            f"{self._t.moment(off.ends_at.astimezone(zone))}"
            + (f" ({off.reason})" if off.reason else "")
            for off in found
        ]

    async def slots(self, session: AsyncSession, args: str, *, now: datetime) -> list[str]:
        found = SLOTS_LINE.fullmatch(args)
        if not args or found is None:
            raise Usage(self._t("slots.usage"))
        zone = self._setup.zone
        try:
            day = date.fromisoformat(found["day"]) if found["day"] else now.astimezone(zone).date()
        except ValueError:
            raise Usage(self._t("slots.usage")) from None
        service = await find_service(session, ref=found["service"].strip())
        staff = await find_staff(session, ref=found["master"].strip()) if found["master"] else None
        if staff is not None:
            await refuse_not_offered(session, staff_id=staff.id, service=service)
        start, end = day_bounds(day, zone)
        slots = await find_slots(
            session,
            service_id=service.id,
            staff_id=staff.id if staff else None,
            start=start,
            end=end,
            now=now,
            step=self._setup.slot_step,
        )
        lines = [
            self._t(
                "slots.head",
                service=service.name,
                minutes=service.duration_minutes,
                day=self._t.day(day),
            )
        ]
        by_master: dict[str, list[str]] = {}
        for slot in slots:
            by_master.setdefault(slot.staff_name, []).append(f"{slot.local:%H:%M}")
        lines += [f"• {name}: {' '.join(times)}" for name, times in by_master.items()]
        if not slots:
            lines.append(self._t("slots.none"))
        return lines
