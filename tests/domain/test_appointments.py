from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.appointments import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    Action,
    AppointmentStatus,
    CancelledBy,
    allowed_actions,
    is_late_cancellation,
    next_status,
    overlaps,
    reschedule,
    validate_times,
)
from bot.errors import IllegalTransitionError, InvalidInputError

S = AppointmentStatus
A = Action
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BEFORE = START - timedelta(hours=2)
AFTER = START + timedelta(minutes=20)

#: the diagram in the issue, written out independently of the module's table
EXPECTED = {
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


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(A))
def test_every_pair_follows_the_diagram(status: S, action: A) -> None:
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(IllegalTransitionError) as caught:
            next_status(status, action, appointment_id=7, starts_at=START, now=AFTER)
        assert "appointment 7" in str(caught.value)
    else:
        assert next_status(status, action, starts_at=START, now=AFTER) is expected


def test_error_names_the_attempt_and_the_state() -> None:
    with pytest.raises(
        IllegalTransitionError, match=r"cannot cancel appointment 42: it is already completed"
    ):
        next_status(S.COMPLETED, A.CANCEL, appointment_id=42, starts_at=START, now=AFTER)


def test_no_show_before_the_start_is_refused() -> None:
    with pytest.raises(IllegalTransitionError, match="has not come yet"):
        next_status(S.CONFIRMED, A.MARK_NO_SHOW, starts_at=START, now=BEFORE)


@given(st.lists(st.sampled_from(list(A)), max_size=12))
def test_random_action_sequences_keep_the_invariants(actions: list[A]) -> None:
    """Final states absorb everything; errors change nothing; the order never goes back."""
    order = {S.BOOKED: 0, S.CONFIRMED: 1, S.ARRIVED: 2, S.COMPLETED: 3}
    status = S.BOOKED
    for action in actions:
        if action not in allowed_actions(status):
            with pytest.raises(IllegalTransitionError, match=r"^cannot .*possible now:"):
                next_status(status, action, starts_at=START, now=AFTER)
            continue
        after = next_status(status, action, starts_at=START, now=AFTER)
        assert status not in FINAL_STATUSES
        if action is A.RESCHEDULE:
            assert after is S.BOOKED
        elif after in order and status in order:
            assert order[after] >= order[status]
        status = after
    if status in FINAL_STATUSES:
        assert allowed_actions(status) == frozenset()


@given(st.sampled_from(list(S)))
def test_final_states_allow_nothing_and_active_states_allow_cancel_or_complete(status: S) -> None:
    actions = allowed_actions(status)
    if status in FINAL_STATUSES:
        assert actions == frozenset()
    else:
        assert status in ACTIVE_STATUSES
        assert actions & {A.CANCEL, A.COMPLETE}


@given(
    minutes_before=st.integers(min_value=-48 * 60, max_value=96 * 60),
    window_hours=st.integers(min_value=0, max_value=72),
    by=st.sampled_from(list(CancelledBy)),
)
def test_late_cancellation_is_exactly_inside_the_window_and_only_by_the_client(
    minutes_before: int, window_hours: int, by: CancelledBy
) -> None:
    cancelled_at = START - timedelta(minutes=minutes_before)
    late = is_late_cancellation(
        starts_at=START, cancelled_at=cancelled_at, window=timedelta(hours=window_hours), by=by
    )
    assert late == (by is CancelledBy.CLIENT and minutes_before < window_hours * 60)


@given(
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=1, max_value=300),
    st.integers(min_value=-200, max_value=300),
    st.integers(min_value=1, max_value=300),
)
def test_overlap_is_symmetric_and_back_to_back_is_free(
    a0: int, alen: int, b0: int, blen: int
) -> None:
    a = (START + timedelta(minutes=a0), START + timedelta(minutes=a0 + alen))
    b = (START + timedelta(minutes=b0), START + timedelta(minutes=b0 + blen))
    assert overlaps(a, b) == overlaps(b, a)
    assert overlaps(a, b) == (a0 < b0 + blen and b0 < a0 + alen)
    assert not overlaps(a, (a[1], a[1] + timedelta(minutes=30)))


def test_reschedule_bumps_the_version_and_asks_for_a_new_confirmation() -> None:
    new_start = START + timedelta(days=1)
    moved = reschedule(
        status=S.CONFIRMED,
        version=3,
        starts_at=START,
        new_start=new_start,
        new_end=new_start + timedelta(hours=1),
        now=BEFORE,
    )
    assert (moved.version, moved.status, moved.starts_at) == (4, S.BOOKED, new_start)


def test_reschedule_into_the_past_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="past"):
        reschedule(
            status=S.BOOKED,
            version=1,
            starts_at=START,
            new_start=BEFORE - timedelta(hours=1),
            new_end=BEFORE,
            now=BEFORE,
        )


def test_times_must_be_aware_ordered_and_sane() -> None:
    with pytest.raises(InvalidInputError, match="time zone"):
        validate_times(START.replace(tzinfo=None), START)
    with pytest.raises(InvalidInputError, match="after the start"):
        validate_times(START, START)
    with pytest.raises(InvalidInputError, match="24 hours"):
        validate_times(START, START + timedelta(hours=25))
