"""The attendance policy: strikes, the ladder (warning → deposit → block), forgiveness, expiry,
loyalty, and what a no-show's explanation was about. Pure rules; the ledger applies them.

Firm about the salon's time, kind to the client:

- an unexplained no-show is 1 strike, a late cancellation ``late_cancel_weight`` (0.5);
- a no-show explained before the reply deadline is forgiven when it is the client's first
  (``forgive_first_explained``), otherwise it is a strike like any other;
- a cancellation is late when it comes less than the late-cancellation window before the start,
  except when it comes within ``late_cancel_grace`` of the asking reminder we sent for this
  appointment (quiet hours not counted; ``is_late_cancel``): a client who answers our reminder
  promptly is never penalised for when we chose to send it (the 24 h reminder goes out at the
  24 h boundary; quiet hours move it to the evening before; a busy outbox can delay it);
- a late cancellation the client explains by illness or another emergency is excused
  (``excuse_emergencies``), once per ``strike_expiry`` period: real emergencies happen, and a
  client who tells us in time is not punished for one;
- strikes add up until ``strike_expiry`` passes without a new one (a period of good
  attendance), or an admin forgives them; then they start again from zero;
- the rung follows the active strikes: ``warning_at`` → a friendly warning, ``deposit_at`` → new
  bookings need a deposit, ``block_at`` → new bookings are refused. A rung is announced when it
  is reached, never twice. The deposit and the block apply only to a client who was shown the
  rules (``rung_applied``); until then the warning is as far as it goes;
- ``loyalty_visits`` attended visits in a row with no no-show or late cancellation earn a
  reward (a discount on the next visit), once per streak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum, StrEnum
from zoneinfo import ZoneInfo

from bot.domain.reminders import QuietHours
from bot.domain.replies.reasons import reason_of
from bot.errors import InvalidInputError


class Rung(IntEnum):
    NONE = 0
    WARNING = 1
    DEPOSIT = 2
    BLOCKED = 3


class MarkKind(StrEnum):
    """What happened in a client's attendance history, as the policy counts it."""

    NO_SHOW = "no_show"  # unexplained, or explained but not forgiven
    LATE_CANCEL = "late_cancel"
    FORGIVEN = "forgiven"  # an explained no-show let go (counts 0, but it was a no-show)
    EXCUSED = "excused"  # a late cancellation for illness or an emergency, let go (counts 0)
    RESET = "reset"  # an admin forgave everything so far
    ATTENDED = "attended"
    REWARDED = "rewarded"  # a loyalty reward was given; the next streak starts


@dataclass(frozen=True, slots=True)
class Mark:
    kind: MarkKind
    at: datetime


@dataclass(frozen=True, slots=True)
class Amount:
    """A deposit or discount: a percentage of the price or a fixed amount."""

    value: Decimal
    percent: bool

    @classmethod
    def parse(cls, text: str) -> Amount:
        cleaned = text.strip().replace(",", ".")
        percent = cleaned.endswith("%")
        try:
            value = Decimal(cleaned.rstrip("%").strip())
        except ArithmeticError:
            raise InvalidInputError(
                f"{text!r} is not an amount; write 20% or 15.00",
                field="amount",
                code="amount",
                params={"text": text},
            ) from None
        if value < 0 or (percent and value > 100):
            raise InvalidInputError(
                f"{text!r} is out of range",
                field="amount",
                code="amount_range",
                params={"text": text},
            )
        return cls(value=value, percent=percent)

    def of(self, price: Decimal) -> Decimal:
        """The amount for a service of ``price``, to the cent."""
        raw = price * self.value / 100 if self.percent else self.value
        return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        number = f"{self.value.normalize():f}"
        return f"{number}%" if self.percent else number


@dataclass(frozen=True, slots=True)
class AttendanceRules:
    late_cancel_weight: float = 0.5
    forgive_first_explained: bool = True
    excuse_emergencies: bool = True
    warning_at: float = 1.0
    deposit_at: float = 2.0
    block_at: float = 3.0
    strike_expiry: timedelta = timedelta(days=180)
    deposit: Amount = Amount(Decimal(30), percent=True)
    double_price: bool = False
    loyalty_visits: int = 5
    loyalty_discount: Amount = Amount(Decimal(10), percent=True)
    late_cancel_grace: timedelta = timedelta(hours=2)

    def weight(self, kind: MarkKind) -> float:
        return {MarkKind.NO_SHOW: 1.0, MarkKind.LATE_CANCEL: self.late_cancel_weight}.get(
            kind, 0.0
        )


def active_strikes(history: Sequence[Mark], *, now: datetime, rules: AttendanceRules) -> float:
    """Strikes that still count: since the last reset, unless the last one has expired."""
    total = 0.0
    last_strike: datetime | None = None
    for mark in sorted(history, key=lambda m: m.at):
        if mark.kind is MarkKind.RESET:
            total, last_strike = 0.0, None
        elif weight := rules.weight(mark.kind):
            total += weight
            last_strike = mark.at
    if last_strike is None or now - last_strike >= rules.strike_expiry:
        return 0.0
    return total


def rung_for(strikes: float, rules: AttendanceRules) -> Rung:
    if strikes >= rules.block_at:
        return Rung.BLOCKED
    if strikes >= rules.deposit_at:
        return Rung.DEPOSIT
    if strikes >= rules.warning_at:
        return Rung.WARNING
    return Rung.NONE


def is_late_cancel(
    *,
    starts_at: datetime,
    cancelled_at: datetime,
    window: timedelta,
    asked_at: datetime | None,
    grace: timedelta,
    quiet: QuietHours | None = None,
    zone: ZoneInfo | None = None,
) -> bool:
    """Is a client's cancellation at ``cancelled_at`` a late one?

    It is late when it comes less than ``window`` before the start (exactly ``window`` before is
    on time), unless it comes in [``asked_at``, ``asked_at + grace``): within ``grace`` after
    the asking reminder was actually *sent* (``asked_at``; None when none was sent). Measuring
    from the sending, not from the planned moment, keeps it fair whatever moved the reminder:
    the default 24 h reminder sent at the 24 h boundary, quiet hours, a retry or downtime.
    The grace does not run during the salon's ``quiet`` hours (in ``zone``): a reminder sent at
    20:59, moved there by the quiet hours, can be answered until 10:59 the next morning, as
    nobody is expected to answer at night. The rule needs no "sent inside the window"
    condition: after a reminder sent well before the window, the grace ends before the window
    opens anyway. ``grace`` 0 turns it off.
    """
    if cancelled_at <= starts_at - window:
        return False
    if asked_at is None or grace <= timedelta(0):
        return True
    ends = asked_at + grace
    if quiet is not None and zone is not None:
        ends = quiet.add_awake(asked_at, grace, zone)
    return not asked_at <= cancelled_at <= ends


def rung_applied(wanted: Rung, *, shown_rules: bool) -> Rung:
    """The rung a client is actually put on: a deposit or a block only for a client who was
    shown the rules (intake, or the short form with a first booking confirmation); a client
    who never saw them gets no more than the warning."""
    return wanted if shown_rules else min(wanted, Rung.WARNING)


def forgiven(history: Sequence[Mark], *, explained: bool, rules: AttendanceRules) -> bool:
    """Is a no-show, explained (or not) before its deadline, let go? Only the first one."""
    if not explained or not rules.forgive_first_explained:
        return False
    return not any(m.kind in {MarkKind.NO_SHOW, MarkKind.FORGIVEN} for m in history)


def excused(
    history: Sequence[Mark], *, reason: Reason, now: datetime, rules: AttendanceRules
) -> bool:
    """Is a late cancellation explained by ``reason`` let go? Illness or an emergency is, unless
    another late cancellation was excused within ``strike_expiry``."""
    if not rules.excuse_emergencies or reason is not Reason.ILLNESS:
        return False
    return not any(
        m.kind is MarkKind.EXCUSED and now - m.at < rules.strike_expiry for m in history
    )


BREAKS_STREAK = frozenset(
    {
        MarkKind.NO_SHOW,
        MarkKind.FORGIVEN,
        MarkKind.LATE_CANCEL,
        MarkKind.EXCUSED,
        MarkKind.REWARDED,
    }
)


def attended_in_a_row(history: Sequence[Mark]) -> int:
    """Visits attended since the last no-show, late cancellation or reward."""
    streak = 0
    for mark in sorted(history, key=lambda m: m.at):
        if mark.kind is MarkKind.ATTENDED:
            streak += 1
        elif mark.kind in BREAKS_STREAK:
            streak = 0
    return streak


def reward_due(history: Sequence[Mark], rules: AttendanceRules) -> bool:
    return rules.loyalty_visits > 0 and attended_in_a_row(history) >= rules.loyalty_visits


class Reason(StrEnum):
    """Why a client did not come, as they explained it."""

    FORGOT = "forgot"
    PLANS_CHANGED = "plans_changed"
    ILLNESS = "illness"  # illness or another emergency
    TRANSPORT = "transport"
    OTHER = "other"


def classify_reason(text: str, *, language: str | None = None) -> Reason:
    """What a no-show's explanation was about, read with the words of its language (detected
    when not given); see ``bot.domain.replies.reasons``."""
    return Reason(reason_of(text, language=language))
