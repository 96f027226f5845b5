"""``/waitlist``, ``/waitlist add …`` and ``/waitlist remove N`` for the admins.

``/waitlist add <phone> <service> [/ <master or any>] [/ <days and times>] [/ <last day>]
[/ earlier]``: after the phone and the service, the parts separated by ``/`` may come in any
order: a date is the last day, the word "earlier" (or раньше, antes, erken) asks to move the
client's booking earlier, days and time ranges say when suits them, anything else is the master.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.texts import AdminTexts
from bot.domain.appointments import Actor
from bot.domain.phones import normalize_phone
from bot.domain.timeutil import day_bounds
from bot.domain.waitlist import Availability, EntryStatus
from bot.errors import InvalidInputError
from bot.ledger import waitlist
from bot.ledger.appointments import Who
from bot.ledger.catalog import find_service, find_staff
from bot.ledger.clients import find_or_create_by_phone
from db.models import WaitlistEntry

ADD_LINE = re.compile(r"(?P<phone>\+?[\d\-() ]{6,20}?)\s+(?P<service>[^/]+?)\s*(?:/(?P<rest>.*))?")
DATE = re.compile(r"(?:\D*\s)?(?P<day>\d{4}-\d{2}-\d{2})")
RANGE = re.compile(r"^\d{1,2}(?::\d{2})?\s*[-–]\s*\d{1,2}(?::\d{2})?$")
EARLIER = frozenset({"earlier", "раньше", "antes", "erken"})
ANY = frozenset({"any", "любой", "любое", "cualquiera", "herhangi"})


class WaitlistUsage(InvalidInputError):
    """``/waitlist`` written wrongly; the admin gets the usage."""


async def waitlist_command(
    session: AsyncSession,
    args: str,
    *,
    who: str,
    zone: ZoneInfo,
    phone_region: str | None,
    texts: AdminTexts,
    now: datetime,
) -> list[str]:
    """The answer to ``/waitlist args`` (lines): the list, an added entry or a removed one."""
    verb, _, rest = args.strip().partition(" ")
    by = Who(actor=Actor.ADMIN, channel=who.split(":", maxsplit=1)[0])
    if not verb:
        return _listing(await waitlist.list_entries(session, limit=200), zone, texts)
    if verb.lower() == "remove":
        number = rest.strip().lstrip("#№")
        if not number.isdigit():
            return [texts("waitlist.usage")]
        entry = await waitlist.remove_entry(
            session, entry_id=int(number), who=by, now=now, reason=f"by admin {who}"
        )
        return [texts("waitlist.removed", id=entry.id, name=entry.client.name)]
    if verb.lower() != "add":
        return [texts("waitlist.usage")]
    match = ADD_LINE.fullmatch(rest.strip())
    if match is None:
        return [texts("waitlist.usage")]
    request_parts = _parts(match["rest"] or "")
    phone = normalize_phone(match["phone"], region=phone_region)
    client, _ = await find_or_create_by_phone(
        session, phone=phone, name=phone, phone_region=phone_region
    )
    service = await find_service(session, ref=match["service"].strip())
    master = request_parts.master
    staff = None if master is None else await find_staff(session, ref=master)
    last_day = request_parts.last_day
    entry = await waitlist.add_entry(
        session,
        request=waitlist.EntryRequest(
            client_id=client.id,
            service_id=service.id,
            staff_id=staff.id if staff else None,
            availability=Availability.parse(request_parts.days, request_parts.times),
            valid_until=day_bounds(last_day, zone)[1] if last_day else None,
            earlier=request_parts.earlier,
            source="admin",
        ),
        who=by,
        now=now,
    )
    return [
        texts(
            "waitlist.added",
            id=entry.id,
            position=entry.position,
            **_described(entry, zone, texts),
        )
    ]


@dataclass
class _Parts:
    master: str | None = None
    days: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    last_day: date | None = None
    earlier: bool = False


def _parts(rest: str) -> _Parts:
    parts = _Parts()
    for raw in (piece.strip() for piece in rest.split("/")):
        lowered = raw.lower()
        if not raw or lowered in ANY:
            continue
        if lowered in EARLIER:
            parts.earlier = True
            continue
        dated = DATE.fullmatch(raw)
        if dated is not None:
            try:
                parts.last_day = date.fromisoformat(dated["day"])
            except ValueError:
                raise WaitlistUsage(f"{raw!r} is not a date") from None
            continue
        words = raw.replace(",", " ").split()
        if any(RANGE.match(word) for word in words) or _all_days(words):
            parts.times += [word for word in words if RANGE.match(word)]
            parts.days += [word for word in words if not RANGE.match(word)]
            continue
        parts.master = raw
    return parts


def _all_days(words: list[str]) -> bool:
    try:
        Availability.parse(words)
    except InvalidInputError:
        return False
    return bool(words)


def _described(entry: WaitlistEntry, zone: ZoneInfo, texts: AdminTexts) -> dict[str, object]:
    when = Availability.from_stored(entry.days, entry.ranges).describe(texts.locale)
    until = ""
    if entry.valid_until is not None:
        # valid_until is the midnight after the last day
        last = (entry.valid_until - timedelta(seconds=1)).astimezone(zone).date()
        until = texts("waitlist.until", day=texts.day(last))
    return {
        "name": entry.client.name,
        "service": entry.service.name,
        "master": entry.staff.name if entry.staff else texts("waitlist.any_master"),
        "when": when or texts("waitlist.any_time"),
        "until": until,
    }


def _listing(entries: list[WaitlistEntry], zone: ZoneInfo, texts: AdminTexts) -> list[str]:
    active = [entry for entry in entries if entry.status is EntryStatus.ACTIVE]
    if not active:
        return [texts("waitlist.empty")]
    lines = [texts("waitlist.head", n=len(active))]
    for entry in active:
        shown = _described(entry, zone, texts)
        earlier = (
            f" · {texts('waitlist.earlier', id=entry.appointment_id)}" if entry.earlier else ""
        )
        lines.append(
            f"#{entry.id} {shown['name']} {entry.client.phone or ''} · {shown['service']}"
            f" · {shown['master']} · {shown['when']}{shown['until']}{earlier}"
        )
    return lines
