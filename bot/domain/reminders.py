"""When each outgoing message about an appointment is due: the planning rules.

For an appointment starting at S, booked (or moved) at moment B:

* **Booking confirmation** — due at B. Inside quiet hours it waits until they end (it cannot go
  out earlier than the booking). It is dropped if that is not before S.
* **Reminders** — one per offset ``d`` in ``offsets`` (default 24 h and 1 h), ideally at S - d.
  The largest offset *asks for an answer* (Confirm / Cancel / Reschedule); the others are light.

  1. Inside quiet hours, the reminder moves *earlier*, to the last minute before the quiet
     period began (20:59 for the default 21:00–09:00).
  2. It is dropped when that move is longer than half its offset: a "1 h before" reminder never
     arrives the evening before, while a "24 h before" one may come at 20:59 the previous evening.
  3. It is dropped when it would come less than ``MIN_GAP`` (30 min) after B, or not after B at
     all: the booking confirmation, just sent, covers it. This is the "too late to remind" rule.

A visit **the salon cancels** is told to the client shortly after (``salon_notice_due``): quiet
hours hold the notice only when their end still leaves time before the visit.

Quiet hours are wall-clock times in the salon's zone, so they follow DST changes; an empty window
(start == end) disables them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.durations import format_duration

MIN_GAP = timedelta(minutes=30)
STEP_BACK = timedelta(minutes=1)


class Script(StrEnum):
    """Which script renders a planned message."""

    BOOKING_CONFIRMATION = "booking_confirmation"
    REMINDER_ASK = "reminder_ask"
    REMINDER_LIGHT = "reminder_light"
    NOSHOW_FOLLOWUP = "noshow_followup"
    POLICY_WARNING = "policy_warning"
    POLICY_DEPOSIT = "policy_deposit"
    POLICY_BLOCKED = "policy_blocked"
    LOYALTY_REWARD = "loyalty_reward"
    WAITLIST_OFFER = "waitlist_offer"  # a freed slot offered to a waiting client
    WAITLIST_GONE = "waitlist_gone"  # …and taken by someone else first
    SALON_CANCELLED = "salon_cancelled"  # the salon cancelled the client's visit
    # the salon's answer to a move the client asked for (``SHOWUP_RESCHEDULE=approve``)
    RESCHEDULE_MOVED = "reschedule_moved"
    RESCHEDULE_DECLINED = "reschedule_declined"
    RESCHEDULE_LAPSED = "reschedule_lapsed"


CONFIRMATION_KIND = "confirmation"
#: the scripts about an appointment still to come; the others follow something that happened
REMINDER_SCRIPTS = frozenset(
    {Script.BOOKING_CONFIRMATION, Script.REMINDER_ASK, Script.REMINDER_LIGHT}
)
#: the answers to a move asked for: each names the time asked for (``{{ proposed }}``) and is
#: about the visit as it stands, so it is not sent once the visit has begun
MOVE_ANSWER_SCRIPTS = frozenset(
    {Script.RESCHEDULE_MOVED, Script.RESCHEDULE_DECLINED, Script.RESCHEDULE_LAPSED}
)
LATEST_AFTER_EVENT = timedelta(hours=24)
#: a salon's cancellation is told this long after it: an admin who cancelled the wrong visit
#: and booked it again at once has the client told nothing (the dispatcher checks)
NOTICE_UNDO = timedelta(minutes=2)
#: …and it waits for the end of quiet hours only when that leaves this long before the visit
NOTICE_LEAD = timedelta(hours=3)


def reminder_kind(offset: timedelta) -> str:
    """The outbox kind of a reminder, e.g. ``reminder:24h``; part of the row's unique key."""
    return f"reminder:{format_duration(offset)}"


def move_answer_kind(hold_id: int) -> str:
    """The outbox kind of the answer to the move asked for with hold ``hold_id``, e.g.
    ``move:12``: a hold is answered once, and one booking may ask (and be declined) twice."""
    return f"move:{hold_id}"


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window, in the salon's wall-clock time, in which nothing is sent."""

    start: time
    end: time

    @property
    def enabled(self) -> bool:
        return self.start != self.end

    def contains(self, moment: datetime, zone: ZoneInfo) -> bool:
        if not self.enabled:
            return False
        local = moment.astimezone(zone).time()
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def period_start(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """When the quiet period containing ``moment`` began (UTC)."""
        local = moment.astimezone(zone)
        day = local.date()
        if self.start > self.end and local.time() < self.end:
            day -= timedelta(days=1)
        return _wall_clock(day, self.start, zone)

    def period_end(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """When the quiet period containing ``moment`` ends (UTC)."""
        local = moment.astimezone(zone)
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += timedelta(days=1)
        return _wall_clock(day, self.end, zone)

    def next_start(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """When the next quiet period after ``moment`` begins (UTC)."""
        day = moment.astimezone(zone).date()
        begins = _wall_clock(day, self.start, zone)
        return (
            begins if begins > moment else _wall_clock(day + timedelta(days=1), self.start, zone)
        )

    def add_awake(self, moment: datetime, duration: timedelta, zone: ZoneInfo) -> datetime:
        """``moment`` + ``duration``, not counting quiet hours: two hours from 20:59 with quiet
        hours 21:00–09:00 end at 10:59 the next morning."""
        if not self.enabled:
            return moment + duration
        left = duration
        for _ in range(400):  # a day has at most one quiet period; this ends in days
            if self.contains(moment, zone):
                moment = self.period_end(moment, zone)
            quiet = self.next_start(moment, zone)
            if moment + left <= quiet:
                return moment + left
            left -= quiet - moment
            moment = quiet
        return moment + left


def _wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day``.

    A time skipped by a DST change (fold=0 semantics) lands just after the gap; a repeated one
    takes its first occurrence.
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class ReminderRules:
    offsets: tuple[timedelta, ...]
    quiet: QuietHours
    zone: ZoneInfo


def awake(moment: datetime, rules: ReminderRules | None) -> datetime:
    """``moment``, or the end of the quiet hours it falls in: when a message due then goes out."""
    if rules is None or not rules.quiet.contains(moment, rules.zone):
        return moment
    return rules.quiet.period_end(moment, rules.zone)


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    kind: str
    script: Script
    due_at: datetime


def plan_messages(
    *, starts_at: datetime, booked_at: datetime, rules: ReminderRules
) -> list[PlannedMessage]:
    """Every message to send for an appointment starting at ``starts_at``, booked at ``booked_at``.

    Nothing is planned for an appointment that has already started.
    """
    if starts_at <= booked_at:
        return []
    planned: list[PlannedMessage] = []
    confirmation_at = awake(booked_at, rules)
    if confirmation_at < starts_at:
        planned.append(
            PlannedMessage(CONFIRMATION_KIND, Script.BOOKING_CONFIRMATION, confirmation_at)
        )
    offsets = sorted(set(rules.offsets), reverse=True)
    for index, offset in enumerate(offsets):
        due = reminder_due(starts_at=starts_at, booked_at=booked_at, offset=offset, rules=rules)
        if due is not None:
            script = Script.REMINDER_ASK if index == 0 else Script.REMINDER_LIGHT
            planned.append(PlannedMessage(reminder_kind(offset), script, due))
    return planned


def reminder_due(
    *, starts_at: datetime, booked_at: datetime, offset: timedelta, rules: ReminderRules
) -> datetime | None:
    """When the reminder ``offset`` before ``starts_at`` goes out, or None when it is dropped."""
    ideal = starts_at - offset
    due = ideal
    if rules.quiet.contains(ideal, rules.zone):
        due = rules.quiet.period_start(ideal, rules.zone) - STEP_BACK
        if ideal - due > offset / 2:
            return None
    if due - booked_at < MIN_GAP:
        return None
    return due


def salon_notice_due(
    *, starts_at: datetime, cancelled_at: datetime, quiet: QuietHours, zone: ZoneInfo
) -> datetime | None:
    """When the client hears that the salon cancelled their visit; None once it has started.

    ``NOTICE_UNDO`` after the cancellation (at once when the visit is closer than that). Inside
    quiet hours it waits until they end only if that still leaves ``NOTICE_LEAD`` before the
    visit: cancelled at 23:00, a 15:00 visit is told at 09:00, but a 10:00 one at once: a
    message late in the evening is better than a wasted trip.
    """
    if starts_at <= cancelled_at:
        return None
    due = cancelled_at + NOTICE_UNDO
    if due >= starts_at:
        return cancelled_at
    if quiet.contains(due, zone):
        morning = quiet.period_end(due, zone)
        if morning <= starts_at - NOTICE_LEAD:
            return morning
    return due


def is_stale(*, script: Script, due_at: datetime, starts_at: datetime, now: datetime) -> bool:
    """A message that can no longer help: its appointment has started, or a reminder is so late
    (more than half its lead time) that it would arrive at an odd moment. The salon's
    cancellation, and the answers to a move, are news only until the visit would have started."""
    if script is Script.SALON_CANCELLED:
        return now >= starts_at
    if script in MOVE_ANSWER_SCRIPTS and now >= starts_at:
        return True
    if script not in REMINDER_SCRIPTS:
        return now - due_at > LATEST_AFTER_EVENT  # follow-ups and policy news keep a day
    if now >= starts_at:
        return True
    if script is Script.BOOKING_CONFIRMATION:
        return False
    return now - due_at > (starts_at - due_at) / 2
