"""Slot holds: a free time offered to a client moving a booking, kept for them a while."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


class HoldStatus(enum.StrEnum):
    HELD = "held"  # offered to the client, waiting for their tap
    ASKED = "asked"  # tapped; waiting for an admin's approval (SHOWUP_RESCHEDULE=approve)
    USED = "used"  # the booking moved there
    RELEASED = "released"  # a newer offer (or another tap) replaced it
    DECLINED = "declined"  # an admin declined the move
    TAKEN = "taken"  # the time was gone when it was tapped
    LAPSED = "lapsed"  # asked, but no admin answered before the approval hold ran out


#: holds that keep their time from other clients, until ``expires_at``
KEEPING = frozenset({HoldStatus.HELD, HoldStatus.ASKED})


class RescheduleMode(enum.StrEnum):
    SELF = "self"  # the client's tap moves the booking
    APPROVE = "approve"  # the tap asks the admins, who approve or decline with one tap


def hold_keeps(*, status: HoldStatus, expires_at: datetime, now: datetime) -> bool:
    """A hold keeps its time until ``expires_at`` (held at expires_at - 1 s, free at it)."""
    return status in KEEPING and now < expires_at


@dataclass(frozen=True, slots=True)
class RescheduleRules:
    mode: RescheduleMode = RescheduleMode.SELF
    hold: timedelta = timedelta(minutes=10)  # SHOWUP_RESCHEDULE_HOLD
    approval: timedelta = timedelta(hours=2)  # SHOWUP_RESCHEDULE_APPROVAL_HOLD
    step: timedelta = timedelta(minutes=15)  # SHOWUP_SLOT_STEP
    offered: int = 3  # at most this many slot buttons
