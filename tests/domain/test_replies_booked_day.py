"""A reply that names the day of the booking it answers ("cancel my Saturday appointment") is
about that booking, not a wish to move it; a reschedule keeps the part of the day it asks for.

Read on Saturday 12 December 2026 at 09:00 (Madrid) about a booking that day at 14:00, where
"Saturday" alone would be the next Saturday, the 19th; and on Wednesday the 9th about a booking
on Saturday the 19th, where "Saturday" alone would be the 12th."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.day_parts import DayPart, window
from bot.domain.replies import Intent, parse_reply

MADRID = ZoneInfo("Europe/Madrid")
SATURDAY_MORNING = datetime(2026, 12, 12, 9, 0, tzinfo=MADRID)
SAME_DAY = datetime(2026, 12, 12, 14, 0, tzinfo=MADRID)
WEDNESDAY = datetime(2026, 12, 9, 10, 0, tzinfo=MADRID)
SATURDAY_AFTER_NEXT = datetime(2026, 12, 19, 14, 0, tzinfo=MADRID)
BOOKINGS = [(SATURDAY_MORNING, SAME_DAY), (WEDNESDAY, SATURDAY_AFTER_NEXT)]


def read(text: str, now: datetime, booked_at: datetime) -> tuple[Intent, object]:
    reply = parse_reply(text, now=now, tz=MADRID, booked_at=booked_at)
    return reply.intent, reply.when


@pytest.mark.parametrize(("now", "booked_at"), BOOKINGS)
@pytest.mark.parametrize(
    "text",
    [
        "cancel my Saturday appointment",
        "please cancel my appointment on saturday",
        "отмените мою запись на субботу",
        "в субботу не смогу",
        "cancela mi cita del sábado",
        "el sábado no puedo ir",
        "cumartesi randevumu iptal edin",
        "cumartesi gelemiyorum",
    ],
)
def test_cancelling_the_booking_by_its_day_is_a_cancellation(
    text: str, now: datetime, booked_at: datetime
) -> None:
    assert read(text, now, booked_at) == (Intent.CANCEL, None)


@pytest.mark.parametrize(("now", "booked_at"), BOOKINGS)
@pytest.mark.parametrize(
    "text",
    ["yes, see you Saturday", "saturday ok", "буду в субботу", "sábado ok", "evet cumartesi"],
)
def test_confirming_the_booking_by_its_day_is_a_confirmation(
    text: str, now: datetime, booked_at: datetime
) -> None:
    assert read(text, now, booked_at) == (Intent.CONFIRM, None)


@pytest.mark.parametrize(("now", "booked_at"), BOOKINGS)
@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("I'll be 10 min late on Saturday", 10),
        ("I'll be there at 14:20 on Saturday", 20),
        ("в субботу буду к 14:20", 20),
        ("el sábado llego a las 14:15", 15),
        ("cumartesi 14:30'da orada olurum", 30),
    ],
)
def test_running_late_on_the_booked_day_is_late_on_that_day(
    text: str, minutes: int, now: datetime, booked_at: datetime
) -> None:
    intent, when = read(text, now, booked_at)
    assert intent is Intent.LATE
    assert when == booked_at.replace(minute=minutes)


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("move Saturday to Monday", date(2026, 12, 14)),
        ("can we move my saturday appointment to monday?", date(2026, 12, 14)),
        ("перенесите с субботы на понедельник", date(2026, 12, 14)),
        ("¿podemos cambiar la cita del sábado al lunes?", date(2026, 12, 14)),
        ("cumartesi randevumu pazartesiye alabilir miyiz", date(2026, 12, 14)),
        ("can't make saturday, another day please", None),
    ],
)
def test_a_reschedule_naming_the_old_and_the_new_day_proposes_the_new(
    text: str, when: date | None
) -> None:
    assert read(text, SATURDAY_MORNING, SAME_DAY) == (Intent.RESCHEDULE, when)


def test_the_booked_day_replaced_is_left_out_whichever_comes_first() -> None:
    monday = datetime(2026, 12, 14, 14, 0, tzinfo=MADRID)
    assert read("move Monday to Saturday", SATURDAY_MORNING, monday) == (
        Intent.RESCHEDULE,
        date(2026, 12, 19),
    )


def test_next_saturday_is_another_day_than_this_saturdays_booking() -> None:
    friday = datetime(2026, 12, 11, 10, 0, tzinfo=MADRID)
    assert read("can't come, next saturday?", friday, SAME_DAY) == (
        Intent.RESCHEDULE,
        date(2026, 12, 19),
    )


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("el viernes por la tarde", DayPart.AFTERNOON),
        ("¿se puede pasar al viernes por la noche?", DayPart.EVENING),
        ("можно перенести на пятницу вечером?", DayPart.EVENING),
        ("не смогу, давайте в пятницу утром", DayPart.MORNING),
        ("can we do friday evening instead?", DayPart.EVENING),
        ("can't make saturday morning, friday afternoon?", DayPart.AFTERNOON),
        ("cuma akşam olur mu", DayPart.EVENING),
        ("randevuyu cuma öğleden sonraya alabilir miyiz", DayPart.AFTERNOON),
    ],
)
def test_a_reschedule_keeps_the_part_of_the_day(text: str, part: DayPart) -> None:
    reply = parse_reply(text, now=WEDNESDAY, tz=MADRID, booked_at=SATURDAY_AFTER_NEXT)
    assert (reply.intent, reply.when, reply.part) == (Intent.RESCHEDULE, date(2026, 12, 11), part)


def test_an_hour_named_makes_the_part_of_the_day_needless() -> None:
    reply = parse_reply(
        "friday evening at 6?", now=WEDNESDAY, tz=MADRID, booked_at=SATURDAY_AFTER_NEXT
    )
    assert (reply.when, reply.part) == (datetime(2026, 12, 11, 18, 0, tzinfo=MADRID), None)


def test_the_parts_of_the_day_are_half_open_windows_of_the_salon_clock() -> None:
    day = date(2026, 12, 11)
    assert window(DayPart.MORNING, day, MADRID) == (
        datetime(2026, 12, 11, 6, 0, tzinfo=MADRID),
        datetime(2026, 12, 11, 12, 0, tzinfo=MADRID),
    )
    assert window(DayPart.AFTERNOON, day, MADRID)[0] == window(DayPart.MORNING, day, MADRID)[1]
    assert window(DayPart.EVENING, day, MADRID) == (
        datetime(2026, 12, 11, 17, 0, tzinfo=MADRID),
        datetime(2026, 12, 12, 0, 0, tzinfo=MADRID),
    )
