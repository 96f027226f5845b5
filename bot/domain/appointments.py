"""The appointment state machine and the timing rules around it.

::

    booked ──confirm──► confirmed ──arrive──► arrived ──complete──► completed
      │  ╲────────────arrive─────────────────▲
      ├──cancel / no_show──►  cancelled | no_show       (from booked or confirmed)
      └──reschedule──► booked, version + 1              (from booked or confirmed)

Confirming an already confirmed appointment is accepted and changes nothing (a client may tap
"Confirm" on the booking confirmation and again on the reminder). Every other move not drawn above
raises IllegalTransitionError naming the attempted action and the current state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.timeutil import shown_at
from bot.errors import IllegalTransitionError, InvalidInputError

UTC_ZONE = ZoneInfo("UTC")

MAX_APPOINTMENT_LENGTH = timedelta(hours=24)


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Action(StrEnum):
    CONFIRM = "confirm"
    ARRIVE = "arrive"
    COMPLETE = "complete"
    CANCEL = "cancel"
    MARK_NO_SHOW = "mark_no_show"
    RESCHEDULE = "reschedule"


class Actor(StrEnum):
    """Who performed a change: recorded on every appointment event."""

    CLIENT = "client"
    ADMIN = "admin"
    SYSTEM = "system"
    API = "api"


class CancelledBy(StrEnum):
    """Whose decision a cancellation was; only the client's can be a late cancellation."""

    CLIENT = "client"
    SALON = "salon"


S = AppointmentStatus
A = Action

#: Statuses in which the appointment holds the master's time.
ACTIVE_STATUSES = frozenset({S.BOOKED, S.CONFIRMED, S.ARRIVED})
#: Statuses from which no action leads anywhere.
FINAL_STATUSES = frozenset({S.COMPLETED, S.CANCELLED, S.NO_SHOW})

_NEXT: dict[tuple[AppointmentStatus, Action], AppointmentStatus] = {
    (S.BOOKED, A.CONFIRM): S.CONFIRMED,
    (S.CONFIRMED, A.CONFIRM): S.CONFIRMED,
    (S.BOOKED, A.ARRIVE): S.ARRIVED,
    (S.CONFIRMED, A.ARRIVE): S.ARRIVED,
    (S.ARRIVED, A.COMPLETE): S.COMPLETED,
    (S.BOOKED, A.CANCEL): S.CANCELLED,
    (S.CONFIRMED, A.CANCEL): S.CANCELLED,
    (S.BOOKED, A.MARK_NO_SHOW): S.NO_SHOW,
    (S.CONFIRMED, A.MARK_NO_SHOW): S.NO_SHOW,
    (S.BOOKED, A.RESCHEDULE): S.BOOKED,
    (S.CONFIRMED, A.RESCHEDULE): S.BOOKED,
}

_VERB = {
    A.CONFIRM: "confirm",
    A.ARRIVE: "mark as arrived",
    A.COMPLETE: "complete",
    A.CANCEL: "cancel",
    A.MARK_NO_SHOW: "mark as a no-show",
    A.RESCHEDULE: "reschedule",
}

_STATE_WORDS = {
    S.BOOKED: "booked and not confirmed yet",
    S.CONFIRMED: "confirmed",
    S.ARRIVED: "marked as arrived",
    S.COMPLETED: "already completed",
    S.CANCELLED: "already cancelled",
    S.NO_SHOW: "already marked as a no-show",
}


def allowed_actions(status: AppointmentStatus) -> frozenset[Action]:
    """The actions that may be applied to an appointment in ``status``."""
    return frozenset(action for (state, action) in _NEXT if state == status)


def next_status(
    status: AppointmentStatus,
    action: Action,
    *,
    appointment_id: int | None = None,
    starts_at: datetime,
    now: datetime,
    zone: ZoneInfo = UTC_ZONE,
) -> AppointmentStatus:
    """The status after ``action``, or IllegalTransitionError saying why it is impossible
    (times in it are written in the salon's ``zone``)."""
    subject = f"appointment {appointment_id}" if appointment_id is not None else "the appointment"
    target = _NEXT.get((status, action))
    if target is None:
        allowed = ", ".join(sorted(_VERB[a] for a in allowed_actions(status))) or "nothing"
        raise IllegalTransitionError(
            f"cannot {_VERB[action]} {subject}: it is {_STATE_WORDS[status]} "
            f"(possible now: {allowed})",
            code="illegal" if appointment_id is not None else None,
            params={"id": appointment_id, "state": status},
        )
    if action is A.MARK_NO_SHOW and now < starts_at:
        raise IllegalTransitionError(
            f"cannot mark {subject} as a no-show: it starts at {shown_at(starts_at, zone)}, "
            "which has not come yet",
            code="noshow_early" if appointment_id is not None else None,
            params={"id": appointment_id, "starts_at": starts_at},
        )
    return target


def is_late_cancellation(
    *, starts_at: datetime, cancelled_at: datetime, window: timedelta, by: CancelledBy
) -> bool:
    """A client's cancellation less than ``window`` before the start is a late one.

    The salon cancelling (a master fell ill) is never the client's late cancellation.
    """
    return by is CancelledBy.CLIENT and cancelled_at > starts_at - window


def validate_times(starts_at: datetime, ends_at: datetime) -> None:
    """Refuse naive datetimes, an end before the start and absurd lengths."""
    for name, value in (("start", starts_at), ("end", ends_at)):
        if value.tzinfo is None:
            raise InvalidInputError(f"{name} time must carry a time zone", field=name)
    if ends_at <= starts_at:
        raise InvalidInputError("the end must be after the start", field="end")
    if ends_at - starts_at > MAX_APPOINTMENT_LENGTH:
        raise InvalidInputError("an appointment cannot last more than 24 hours", field="end")


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    """Half-open intervals [start, end): back-to-back appointments do not overlap."""
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True, slots=True)
class Reschedule:
    """The result of moving an appointment: new times and the bumped version."""

    starts_at: datetime
    ends_at: datetime
    version: int
    status: AppointmentStatus


def reschedule(
    *,
    status: AppointmentStatus,
    version: int,
    appointment_id: int | None = None,
    starts_at: datetime,
    new_start: datetime,
    new_end: datetime,
    now: datetime,
) -> Reschedule:
    """Move an appointment: the version goes up so reminders planned for the old time go void.

    The moved appointment is ``booked`` again: the client has not confirmed the new time yet.
    """
    target = next_status(
        status, A.RESCHEDULE, appointment_id=appointment_id, starts_at=starts_at, now=now
    )
    validate_times(new_start, new_end)
    if new_start <= now:
        raise InvalidInputError(
            "the new time is in the past",
            field="start",
            code="past",
            params={"starts_at": new_start},
        )
    return Reschedule(starts_at=new_start, ends_at=new_end, version=version + 1, status=target)
