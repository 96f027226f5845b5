"""Every dialog state gets every kind of message, and nothing is swallowed: each message is
answered, a reply about a booking is handled as one whatever step is pending, and the step
it interrupted is asked again (intake, the rules) or kept open (the no-show question).

One table: the state, what the client sends, and what must follow (the scripts answered with,
the booking's status, the dialog's state after). Real SQLite files (and PostgreSQL when
``SHOWUP_TEST_POSTGRES_URL`` answers), one database per case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Button, InboundMessage
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation.dialog import Dialog, DialogSetup
from bot.domain.appointments import Action
from bot.domain.holds import RescheduleRules
from bot.ledger import appointments as ledger
from bot.ledger.attendance import AttendancePolicy, after_no_show, policy_from
from bot.ledger.clients import link_identity
from bot.ledger.salon import SALON_ID
from db.models import (
    Appointment,
    Client,
    DialogState,
    InboxItem,
    NoShowFollowUp,
    OutboxStatus,
    Salon,
    ScheduledMessage,
)
from tests.factories import ADMIN, RULES, make_appointment, make_client, make_service, make_staff
from tests.fakes.scripts import script_book

SENDER = "42"
MASTER, EXPERIENCE = "intake:preferred_master", "intake:experience"
NO = "none"  # the client has no open booking


@dataclass(frozen=True, slots=True)
class Said:
    """What the client sends: a text, a voice note, or a tap (on the booking's ``button``)."""

    text: str = ""
    kind: str = "text"
    button: str | None = None

    def message(self, appointment_id: int | None) -> InboundMessage:
        tapped = None
        if self.button == "agree":
            tapped = Button("Принимаю", "agree", appointment_id or 0, 1)
        elif self.button is not None:
            tapped = Button("", self.button, appointment_id or 0, 1)
        return InboundMessage(
            channel="test", sender=SENDER, text=self.text, kind=self.kind, button=tapped
        )


SAID = {
    "confirm": Said("да, приду"),
    "cancel": Said("не смогу прийти, отмените"),
    "cancel_unsure": Said("ок, не приду"),  # a cancellation, not sure enough: asked back
    "move_at": Said("перенесите на пятницу на 17:00"),
    "move": Said("можно перенести запись?"),
    "late": Said("опаздываю на 10 минут"),
    "how_to_cancel": Said("как отменить если что?"),
    "unknown": Said("Instagram"),
    "voice": Said(kind="voice"),
    "tap_confirm": Said(button="confirm"),
    "tap_agree": Said(button="agree"),
    "type_agree": Said("Принимаю"),  # the button's label, typed
}

STATES = ("idle", "intake", "policy", "asked_cancel", "cancel?intake", "noshow", "rebook")


async def _policy(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> AttendancePolicy:
    async with sessions() as session:
        salon = await session.get(Salon, SALON_ID)
        assert salon is not None
        return policy_from(settings, salon)


async def _prepare(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    policy: AttendancePolicy,
    state: str,
    *,
    booked: bool,
) -> int | None:
    """Anna (Russian), in ``state``; the id of her open booking (in 54 hours) if ``booked``."""
    async with sessions() as session:
        client = await make_client(session)
        client.locale = "ru"
        client.policy_shown_at = clock.now()
        await link_identity(session, client_id=client.id, channel="test", external_id=SENDER)
        staff, service = await make_staff(session), await make_service(session)
        booking = None
        if booked:
            booking = await make_appointment(
                session,
                client=client,
                staff=staff,
                service=service,
                starts_at=clock.now() + timedelta(hours=54),
                now=clock.now(),
            )
        missed = None
        if state in {"noshow", "rebook"}:  # a visit missed; "what happened?" sent, unanswered
            missed = await make_appointment(
                session,
                client=client,
                staff=staff,
                service=service,
                starts_at=clock.now() + timedelta(hours=1),
                now=clock.now(),
            )
            clock.advance(timedelta(hours=3))
            await ledger.mark_appointment(
                session,
                appointment_id=missed.id,
                action=Action.MARK_NO_SHOW,
                who=ADMIN,
                now=clock.now(),
            )
            await after_no_show(session, appointment=missed, policy=policy, now=clock.now())
            await session.execute(
                update(ScheduledMessage)
                .where(ScheduledMessage.appointment_id == missed.id)
                .values(status=OutboxStatus.SENT, sent_at=clock.now())
            )
        if state == "rebook":  # …answered: "would you like another time?" waits
            followup = await session.get(NoShowFollowUp, missed.id if missed else 0)
            assert followup is not None
            followup.answered_at = clock.now()
        stored = {
            "intake": "intake:preferred_master",
            "cancel?intake": "cancel?intake:experience",
            "noshow": "idle",
        }.get(state, state)
        about = booking.id if booking is not None and "cancel" in state else None
        if state in {"intake", "cancel?intake"}:
            client.intake = {"heard_from": "Instagram"}
        if state == "policy":  # shown a day ago and still not agreed: shown again after a reply
            client.policy_accepted_at = None
            client.policy_shown_at = clock.now() - timedelta(hours=24)
        session.add(
            DialogState(
                client_id=client.id,
                state=stored,
                appointment_id=missed.id if missed is not None and state == "rebook" else about,
                updated_at=clock.now(),
            )
        )
        await session.commit()
        return booking.id if booking is not None else None


@dataclass(frozen=True, slots=True)
class After:
    outcomes: list[str | None]
    status: str
    state: str
    inbox: list[str]
    agreed: bool
    followup: str  # the no-show question: "open", "answered", or "-" when there is none


async def _after(
    sessions: async_sessionmaker[AsyncSession], booking: int | None, outcomes: list[str | None]
) -> After:
    async with sessions() as session:
        appointment = await session.get(Appointment, booking) if booking is not None else None
        state = await session.scalar(select(DialogState))
        client = await session.scalar(select(Client))
        inbox = list(await session.scalars(select(InboxItem.kind).order_by(InboxItem.id)))
        followup = await session.scalar(select(NoShowFollowUp))
        assert state is not None
        assert client is not None
        return After(
            outcomes,
            appointment.status.value if appointment is not None else NO,
            state.state,
            inbox,
            client.policy_accepted_at is not None,
            "-" if followup is None else "open" if followup.answered_at is None else "answered",
        )


async def _play(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    settings: Settings,
    state: str,
    said: str,
    *,
    booked: bool,
) -> After:
    policy = await _policy(sessions, settings)
    booking = await _prepare(sessions, clock, policy, state, booked=booked)
    setup = DialogSetup(
        scripts=script_book(),
        zone=policy.zone,
        salon_name="Studio",
        default_locale="en",
        late_window=timedelta(hours=24),
        policy=policy,
        reschedule=RescheduleRules(),  # moving in the chat on, as `showup run` has it
        reminders=RULES,
    )
    async with sessions() as session:
        replies = await Dialog(session, setup, clock.now()).handle(SAID[said].message(booking))
        await session.commit()
    assert all(reply.text.strip() for reply in replies)
    return await _after(sessions, booking, [reply.outcome for reply in replies])


#: (state, what the client sends) → (with a booking, without one), each as
#: "answers | the booking after | the dialog state after | the admins' inbox [| more]";
#: {M} and {E} are the intake's waiting questions "intake:preferred_master" and
#: "intake:experience" (asked again after a reply about a booking)
TABLE: dict[tuple[str, str], tuple[str, str]] = {
    # -- idle ----------------------------------------------------------------------------
    ("idle", "confirm"): (
        "ack_confirmed | confirmed | idle | -",
        "fallback | none | idle | other",
    ),
    ("idle", "cancel"): (
        "ack_cancelled | cancelled | idle | -",
        "fallback | none | idle | other",
    ),
    ("idle", "cancel_unsure"): (
        "confirm_cancel | booked | asked_cancel | -",
        "fallback | none | idle | other",
    ),
    ("idle", "move_at"): (
        "reschedule_offer | booked | idle | -",
        "ack_reschedule | none | idle | reschedule_request",
    ),
    ("idle", "move"): (
        "reschedule_offer | booked | idle | -",
        "ack_reschedule | none | idle | reschedule_request",
    ),
    ("idle", "late"): (
        "ack_late | booked | idle | running_late",
        "fallback | none | idle | other",
    ),
    ("idle", "how_to_cancel"): (
        "fallback | booked | idle | other",
        "fallback | none | idle | other",
    ),
    ("idle", "unknown"): (
        "fallback | booked | idle | other",
        "fallback | none | idle | other",
    ),
    ("idle", "voice"): (
        "fallback | booked | idle | other",
        "fallback | none | idle | other",
    ),
    ("idle", "tap_confirm"): (
        "ack_confirmed | confirmed | idle | -",
        "fallback | none | idle | other",
    ),
    ("idle", "tap_agree"): (
        "ack_agreed | booked | idle | - | agreed",
        "ack_agreed | none | idle | - | agreed",
    ),
    ("idle", "type_agree"): (
        "ack_agreed | booked | idle | - | agreed",
        "ack_agreed | none | idle | - | agreed",
    ),
    # -- intake --------------------------------------------------------------------------
    ("intake", "confirm"): (
        "ack_confirmed+{M} | confirmed | {M} | -",
        "fallback+{M} | none | {M} | other",
    ),
    ("intake", "cancel"): (
        "ack_cancelled+{M} | cancelled | {M} | -",
        "fallback+{M} | none | {M} | other",
    ),
    ("intake", "cancel_unsure"): (
        "confirm_cancel | booked | cancel?{M} | -",
        "fallback+{M} | none | {M} | other",
    ),
    ("intake", "move_at"): (
        "reschedule_offer+{M} | booked | {M} | -",
        "ack_reschedule+{M} | none | {M} | reschedule_request",
    ),
    ("intake", "move"): (
        "reschedule_offer+{M} | booked | {M} | -",
        "ack_reschedule+{M} | none | {M} | reschedule_request",
    ),
    ("intake", "late"): (
        "ack_late+{M} | booked | {M} | running_late",
        "fallback+{M} | none | {M} | other",
    ),
    ("intake", "how_to_cancel"): (
        "fallback+{E} | booked | {E} | other",
        "fallback+{E} | none | {E} | other",
    ),
    ("intake", "unknown"): (
        "{E} | booked | {E} | -",
        "{E} | none | {E} | -",
    ),
    ("intake", "voice"): (
        "fallback+{M} | booked | {M} | other",
        "fallback+{M} | none | {M} | other",
    ),
    ("intake", "tap_confirm"): (
        "ack_confirmed+{M} | confirmed | {M} | -",
        "fallback+{M} | none | {M} | other",
    ),
    ("intake", "tap_agree"): (
        "ack_agreed+{M} | booked | {M} | - | agreed",
        "ack_agreed+{M} | none | {M} | - | agreed",
    ),
    ("intake", "type_agree"): (
        "ack_agreed+{M} | booked | {M} | - | agreed",
        "ack_agreed+{M} | none | {M} | - | agreed",
    ),
    # -- policy --------------------------------------------------------------------------
    ("policy", "confirm"): (
        "ack_confirmed+policy | confirmed | policy | -",
        "ack_agreed | none | idle | - | agreed",
    ),
    ("policy", "cancel"): (
        "ack_cancelled+policy | cancelled | policy | -",
        "fallback | none | policy | other",
    ),
    ("policy", "cancel_unsure"): (
        "confirm_cancel | booked | cancel?policy | -",
        "fallback | none | policy | other",
    ),
    ("policy", "move_at"): (
        "reschedule_offer+policy | booked | policy | -",
        "ack_reschedule | none | policy | reschedule_request",
    ),
    ("policy", "move"): (
        "reschedule_offer+policy | booked | policy | -",
        "ack_reschedule | none | policy | reschedule_request",
    ),
    ("policy", "late"): (
        "ack_late+policy | booked | policy | running_late",
        "fallback | none | policy | other",
    ),
    ("policy", "how_to_cancel"): (
        "fallback | booked | policy | other",
        "fallback | none | policy | other",
    ),
    ("policy", "unknown"): (
        "fallback | booked | policy | other",
        "fallback | none | policy | other",
    ),
    ("policy", "voice"): (
        "fallback | booked | policy | other",
        "fallback | none | policy | other",
    ),
    ("policy", "tap_confirm"): (
        "ack_confirmed+policy | confirmed | policy | -",
        "fallback | none | policy | other",
    ),
    ("policy", "tap_agree"): (
        "ack_agreed | booked | idle | - | agreed",
        "ack_agreed | none | idle | - | agreed",
    ),
    ("policy", "type_agree"): (
        "ack_agreed | booked | idle | - | agreed",
        "ack_agreed | none | idle | - | agreed",
    ),
    # -- asked_cancel --------------------------------------------------------------------
    ("asked_cancel", "confirm"): (
        "ack_confirmed | confirmed | idle | -",
        "fallback | none | idle | other",
    ),
    ("asked_cancel", "cancel"): (
        "ack_cancelled | cancelled | idle | -",
        "fallback | none | idle | other",
    ),
    ("asked_cancel", "cancel_unsure"): (
        "ack_cancelled | cancelled | idle | -",
        "fallback | none | idle | other",
    ),
    ("asked_cancel", "move_at"): (
        "reschedule_offer | booked | idle | -",
        "ack_reschedule | none | idle | reschedule_request",
    ),
    ("asked_cancel", "move"): (
        "reschedule_offer | booked | idle | -",
        "ack_reschedule | none | idle | reschedule_request",
    ),
    ("asked_cancel", "late"): (
        "ack_late | booked | idle | running_late",
        "fallback | none | idle | other",
    ),
    ("asked_cancel", "how_to_cancel"): (
        "fallback | booked | idle | other",
        "fallback | none | idle | other",
    ),
    ("asked_cancel", "unknown"): (
        "fallback | booked | idle | other",
        "fallback | none | idle | other",
    ),
    ("asked_cancel", "voice"): (
        "fallback | booked | idle | other",
        "fallback | none | idle | other",
    ),
    ("asked_cancel", "tap_confirm"): (
        "ack_confirmed | confirmed | idle | -",
        "fallback | none | idle | other",
    ),
    ("asked_cancel", "tap_agree"): (
        "ack_agreed | booked | asked_cancel | - | agreed",
        "ack_agreed | none | asked_cancel | - | agreed",
    ),
    ("asked_cancel", "type_agree"): (
        "ack_agreed | booked | asked_cancel | - | agreed",
        "ack_agreed | none | asked_cancel | - | agreed",
    ),
    # -- cancel?intake -------------------------------------------------------------------
    ("cancel?intake", "confirm"): (
        "ack_confirmed+{E} | confirmed | {E} | -",
        "fallback+{E} | none | {E} | other",
    ),
    ("cancel?intake", "cancel"): (
        "ack_cancelled+{E} | cancelled | {E} | -",
        "fallback+{E} | none | {E} | other",
    ),
    ("cancel?intake", "cancel_unsure"): (
        "ack_cancelled+{E} | cancelled | {E} | -",
        "fallback+{E} | none | {E} | other",
    ),
    ("cancel?intake", "move_at"): (
        "reschedule_offer+{E} | booked | {E} | -",
        "ack_reschedule+{E} | none | {E} | reschedule_request",
    ),
    ("cancel?intake", "move"): (
        "reschedule_offer+{E} | booked | {E} | -",
        "ack_reschedule+{E} | none | {E} | reschedule_request",
    ),
    ("cancel?intake", "late"): (
        "ack_late+{E} | booked | {E} | running_late",
        "fallback+{E} | none | {E} | other",
    ),
    ("cancel?intake", "how_to_cancel"): (
        "fallback+{E} | booked | {E} | other",
        "fallback+{E} | none | {E} | other",
    ),
    ("cancel?intake", "unknown"): (
        "fallback+{E} | booked | {E} | other",
        "fallback+{E} | none | {E} | other",
    ),
    ("cancel?intake", "voice"): (
        "fallback+{E} | booked | {E} | other",
        "fallback+{E} | none | {E} | other",
    ),
    ("cancel?intake", "tap_confirm"): (
        "ack_confirmed+{E} | confirmed | {E} | -",
        "fallback+{E} | none | {E} | other",
    ),
    ("cancel?intake", "tap_agree"): (
        "ack_agreed | booked | cancel?{E} | - | agreed",
        "ack_agreed | none | cancel?{E} | - | agreed",
    ),
    ("cancel?intake", "type_agree"): (
        "ack_agreed | booked | cancel?{E} | - | agreed",
        "ack_agreed | none | cancel?{E} | - | agreed",
    ),
    # -- noshow --------------------------------------------------------------------------
    ("noshow", "confirm"): (
        "ack_confirmed | confirmed | idle | - | question open",
        "noshow_reply | none | rebook | noshow_reason | question answered",
    ),
    ("noshow", "cancel"): (
        "ack_cancelled | cancelled | idle | - | question open",
        "noshow_reply | none | rebook | noshow_reason | question answered",
    ),
    ("noshow", "cancel_unsure"): (
        "confirm_cancel | booked | asked_cancel | - | question open",
        "noshow_reply | none | rebook | noshow_reason | question answered",
    ),
    ("noshow", "move_at"): (
        "noshow_reply | booked | idle | noshow_reason+reschedule_request | question answered",
        "noshow_reply | none | idle | noshow_reason+reschedule_request | question answered",
    ),
    ("noshow", "move"): (
        "noshow_reply | booked | idle | noshow_reason+reschedule_request | question answered",
        "noshow_reply | none | idle | noshow_reason+reschedule_request | question answered",
    ),
    ("noshow", "late"): (
        "ack_late | booked | idle | running_late | question open",
        "noshow_reply | none | rebook | noshow_reason | question answered",
    ),
    ("noshow", "how_to_cancel"): (
        "noshow_reply | booked | rebook | noshow_reason | question answered",
        "noshow_reply | none | rebook | noshow_reason | question answered",
    ),
    ("noshow", "unknown"): (
        "noshow_reply | booked | rebook | noshow_reason | question answered",
        "noshow_reply | none | rebook | noshow_reason | question answered",
    ),
    ("noshow", "voice"): (
        "fallback | booked | idle | other | question open",
        "fallback | none | idle | other | question open",
    ),
    ("noshow", "tap_confirm"): (
        "ack_confirmed | confirmed | idle | - | question open",
        "fallback | none | idle | other | question open",
    ),
    ("noshow", "tap_agree"): (
        "ack_agreed | booked | idle | - | agreed, question open",
        "ack_agreed | none | idle | - | agreed, question open",
    ),
    ("noshow", "type_agree"): (
        "ack_agreed | booked | idle | - | agreed, question open",
        "ack_agreed | none | idle | - | agreed, question open",
    ),
    # -- rebook --------------------------------------------------------------------------
    ("rebook", "confirm"): (
        "ack_confirmed | confirmed | idle | - | question answered",
        "fallback | none | idle | other | question answered",
    ),
    ("rebook", "cancel"): (
        "ack_cancelled | cancelled | idle | - | question answered",
        "fallback | none | idle | other | question answered",
    ),
    ("rebook", "cancel_unsure"): (
        "confirm_cancel | booked | cancel?rebook | - | question answered",
        "fallback | none | idle | other | question answered",
    ),
    ("rebook", "move_at"): (
        "ack_reschedule | booked | idle | reschedule_request | question answered",
        "ack_reschedule | none | idle | reschedule_request | question answered",
    ),
    ("rebook", "move"): (
        "ack_reschedule | booked | idle | reschedule_request | question answered",
        "ack_reschedule | none | idle | reschedule_request | question answered",
    ),
    ("rebook", "late"): (
        "ack_late | booked | idle | running_late | question answered",
        "fallback | none | idle | other | question answered",
    ),
    ("rebook", "how_to_cancel"): (
        "fallback | booked | idle | other | question answered",
        "fallback | none | idle | other | question answered",
    ),
    ("rebook", "unknown"): (
        "fallback | booked | idle | other | question answered",
        "fallback | none | idle | other | question answered",
    ),
    ("rebook", "voice"): (
        "fallback | booked | idle | other | question answered",
        "fallback | none | idle | other | question answered",
    ),
    ("rebook", "tap_confirm"): (
        "ack_confirmed | confirmed | idle | - | question answered",
        "fallback | none | idle | other | question answered",
    ),
    ("rebook", "tap_agree"): (
        "ack_agreed | booked | idle | - | agreed, question answered",
        "ack_agreed | none | idle | - | agreed, question answered",
    ),
    ("rebook", "type_agree"): (
        "ack_agreed | booked | idle | - | agreed, question answered",
        "ack_agreed | none | idle | - | agreed, question answered",
    ),
}


@dataclass(frozen=True, slots=True)
class Expected:
    answers: list[str]
    status: str
    state: str
    inbox: list[str]
    agreed: bool
    followup: str

    @classmethod
    def of(cls, row: str) -> Expected:
        cells = [cell.strip() for cell in row.format(M=MASTER, E=EXPERIENCE).split("|")]
        answers, status, state, inbox = cells[:4]
        more = cells[4] if len(cells) > 4 else ""
        question = more.split("question ")[-1] if "question" in more else "-"
        return cls(
            answers.split("+"),
            status,
            state,
            [] if inbox == "-" else inbox.split("+"),
            "agreed" in more,
            question,
        )


@pytest.mark.parametrize("booked", [True, False], ids=["booked", "no_booking"])
@pytest.mark.parametrize(("state", "said"), list(TABLE))
async def test_every_state_answers_every_message(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    settings: Settings,
    state: str,
    said: str,
    booked: bool,
) -> None:
    after = await _play(sessions, clock, settings, state, said, booked=booked)
    expected = Expected.of(TABLE[state, said][0 if booked else 1])
    assert after == After(
        expected.answers,  # type: ignore[arg-type]
        expected.status,
        expected.state,
        expected.inbox,
        expected.agreed,
        expected.followup,
    )


def test_the_table_covers_every_state_and_message() -> None:
    assert set(TABLE) == {(state, said) for state in STATES for said in SAID}
