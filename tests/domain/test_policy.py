"""The attendance rules, table by table."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.domain.policy import (
    Amount,
    AttendanceRules,
    Mark,
    MarkKind,
    Reason,
    Rung,
    active_strikes,
    attended_in_a_row,
    classify_reason,
    excused,
    forgiven,
    reward_due,
    rung_for,
)
from bot.domain.reminders import QuietHours
from bot.errors import InvalidInputError
from bot.ledger.attendance import AttendancePolicy

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
RULES = AttendanceRules()
N, L, F, R, A, W, E = (
    MarkKind.NO_SHOW,
    MarkKind.LATE_CANCEL,
    MarkKind.FORGIVEN,
    MarkKind.RESET,
    MarkKind.ATTENDED,
    MarkKind.REWARDED,
    MarkKind.EXCUSED,
)


def history(*kinds: MarkKind, days_ago: int = 10) -> list[Mark]:
    """Marks one day apart, the last one ``days_ago`` days before NOW."""
    start = NOW - timedelta(days=days_ago + len(kinds) - 1)
    return [Mark(kind, start + timedelta(days=i)) for i, kind in enumerate(kinds)]


@pytest.mark.parametrize(
    ("marks", "strikes", "rung"),
    [
        ((), 0.0, Rung.NONE),
        ((A, A), 0.0, Rung.NONE),
        ((L,), 0.5, Rung.NONE),
        ((F,), 0.0, Rung.NONE),  # forgiven: it was a no-show, but counts nothing
        ((E, L), 0.5, Rung.NONE),  # an excused late cancellation counts nothing
        ((N,), 1.0, Rung.WARNING),
        ((L, L), 1.0, Rung.WARNING),
        ((N, L), 1.5, Rung.WARNING),
        ((N, N), 2.0, Rung.DEPOSIT),
        ((N, L, L), 2.0, Rung.DEPOSIT),
        ((N, N, N), 3.0, Rung.BLOCKED),
        ((N, N, L, L), 3.0, Rung.BLOCKED),
        ((N, N, R), 0.0, Rung.NONE),  # an admin forgave everything so far
        ((N, N, R, L), 0.5, Rung.NONE),
        ((N, A, A, A, N), 2.0, Rung.DEPOSIT),  # visits in between do not erase strikes…
    ],
)
def test_strikes_and_the_ladder(marks: tuple[MarkKind, ...], strikes: float, rung: Rung) -> None:
    counted = active_strikes(history(*marks), now=NOW, rules=RULES)
    assert counted == strikes
    assert rung_for(counted, RULES) is rung


@pytest.mark.parametrize(("days_since_last", "strikes"), [(179, 2.0), (180, 0.0), (400, 0.0)])
def test_strikes_expire_after_a_period_of_good_attendance(
    days_since_last: int, strikes: float
) -> None:
    """…but half a year without a new strike does (strike_expiry, default 180 days)."""
    marks = history(N, N, days_ago=days_since_last)
    assert active_strikes(marks, now=NOW, rules=RULES) == strikes


def test_a_custom_ladder_and_weight() -> None:
    rules = AttendanceRules(late_cancel_weight=1.0, warning_at=2, deposit_at=3, block_at=5)
    marks = history(L, L, L)
    assert active_strikes(marks, now=NOW, rules=rules) == 3.0
    assert rung_for(3.0, rules) is Rung.DEPOSIT
    assert rung_for(1.5, rules) is Rung.NONE


@pytest.mark.parametrize(
    ("previous", "explained", "forgive_first", "expected"),
    [
        ((), True, True, True),  # the first no-show, explained: forgiven
        ((), False, True, False),  # unexplained: a strike
        ((), True, False, False),  # forgiveness switched off
        ((F,), True, True, False),  # the second explained no-show is not forgiven
        ((N,), True, True, False),
        ((L, A, A), True, True, True),  # late cancellations do not use up the forgiveness
    ],
)
def test_forgiveness_of_an_explained_first_no_show(
    previous: tuple[MarkKind, ...], explained: bool, forgive_first: bool, expected: bool
) -> None:
    rules = AttendanceRules(forgive_first_explained=forgive_first)
    assert forgiven(history(*previous), explained=explained, rules=rules) is expected


@pytest.mark.parametrize(
    ("previous", "days_ago", "reason", "excuse", "expected"),
    [
        ((), 10, Reason.ILLNESS, True, True),  # ill or an emergency: excused
        ((L, N), 10, Reason.ILLNESS, True, True),  # strikes of other kinds do not matter
        ((E,), 10, Reason.ILLNESS, True, False),  # once per expiry period…
        ((E,), 181, Reason.ILLNESS, True, True),  # …and again after it
        ((), 10, Reason.PLANS_CHANGED, True, False),  # only illness and emergencies
        ((), 10, Reason.FORGOT, True, False),
        ((), 10, Reason.OTHER, True, False),
        ((), 10, Reason.ILLNESS, False, False),  # switched off
    ],
)
def test_excused_late_cancellations(
    previous: tuple[MarkKind, ...], days_ago: int, reason: Reason, excuse: bool, expected: bool
) -> None:
    rules = AttendanceRules(excuse_emergencies=excuse)
    marks = history(*previous, days_ago=days_ago)
    assert excused(marks, reason=reason, now=NOW, rules=rules) is expected


@pytest.mark.parametrize(
    ("marks", "streak", "due"),
    [
        ((A, A, A, A), 4, False),
        ((A, A, A, A, A), 5, True),
        ((A, A, L, A, A, A, A), 4, False),  # a late cancellation breaks the streak
        ((A, A, A, E, A), 1, False),  # so does an excused one
        ((A, A, A, A, N, A), 1, False),
        ((A, A, A, A, A, W), 0, False),  # rewarded once; the next streak starts from zero
        ((A, A, A, A, A, W, A, A, A, A, A), 5, True),
    ],
)
def test_loyalty_streaks(marks: tuple[MarkKind, ...], streak: int, due: bool) -> None:
    assert attended_in_a_row(history(*marks)) == streak
    assert reward_due(history(*marks), RULES) is due
    assert reward_due(history(*marks), AttendanceRules(loyalty_visits=0)) is False  # off


@pytest.mark.parametrize(
    ("text", "price", "amount", "shown"),
    [
        ("30%", "45.00", "13.50", "30%"),
        ("10 %", "19.99", "2.00", "10%"),
        ("15", "45.00", "15.00", "15"),
        ("12,5", "100", "12.50", "12.5"),
    ],
)
def test_amounts(text: str, price: str, amount: str, shown: str) -> None:
    parsed = Amount.parse(text)
    assert parsed.of(Decimal(price)) == Decimal(amount)
    assert str(parsed) == shown


@pytest.mark.parametrize("text", ["abc", "150%", "-5"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(InvalidInputError):
        Amount.parse(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Ой, простите, совсем забыла!", Reason.FORGOT),
        ("Заболел ребёнок, температура", Reason.ILLNESS),
        ("Застряла в пробке, не успела", Reason.TRANSPORT),
        ("Задержали на работе", Reason.PLANS_CHANGED),
        ("Sorry, I completely forgot", Reason.FORGOT),
        ("I was ill all weekend", Reason.ILLNESS),
        ("Missed the bus", Reason.TRANSPORT),
        ("Something came up at work", Reason.PLANS_CHANGED),
        ("I will call you", Reason.OTHER),
        ("business as usual", Reason.OTHER),
        ("Perdón, se me olvidó por completo", Reason.FORGOT),
        ("Estaba enferma con fiebre", Reason.ILLNESS),
        ("Había un atasco enorme", Reason.TRANSPORT),
        ("Tuve una reunión de trabajo", Reason.PLANS_CHANGED),
        ("Çok özür dilerim, unuttum", Reason.FORGOT),
        ("Hastaydım, doktora gittim", Reason.ILLNESS),
        ("Trafik çok yoğundu", Reason.TRANSPORT),
        ("İşten çıkamadım", Reason.PLANS_CHANGED),
        ("ok", Reason.OTHER),
    ],
)
def test_reasons_in_four_languages(text: str, reason: Reason) -> None:
    assert classify_reason(text) is reason


MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    ("asked_local", "deadline_local"),
    [
        ("2026-11-23 10:50", "2026-11-23 21:00"),  # Monday morning: the close of that day
        ("2026-11-23 19:30", "2026-11-24 21:00"),  # less than two hours left: the next day's
        ("2026-11-28 20:00", "2026-11-30 21:00"),  # Saturday evening: Sunday is closed
    ],
)
def test_reply_deadline_is_the_end_of_the_working_day(
    asked_local: str, deadline_local: str
) -> None:
    policy = AttendancePolicy(zone=MADRID)
    asked = datetime.fromisoformat(asked_local).replace(tzinfo=MADRID)
    assert policy.deadline(asked) == datetime.fromisoformat(deadline_local).replace(tzinfo=MADRID)
    fixed = AttendancePolicy(zone=MADRID, reply_deadline=timedelta(hours=6))
    assert fixed.deadline(asked) == asked + timedelta(hours=6)


def test_followup_waits_for_the_end_of_quiet_hours() -> None:
    policy = AttendancePolicy(
        zone=MADRID,
        followup_delay=timedelta(minutes=30),
        quiet=QuietHours(start=time(21), end=time(9)),
    )
    evening = datetime(2026, 11, 23, 20, 45, tzinfo=MADRID)
    morning = datetime(2026, 11, 23, 10, 0, tzinfo=MADRID)
    assert policy.followup_due(evening) == datetime(2026, 11, 24, 9, 0, tzinfo=MADRID)
    assert policy.followup_due(morning) == morning + timedelta(minutes=30)
