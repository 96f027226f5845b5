"""What every flow works with: one inbound message being handled (``Turn``), the salon's
setup, and what the message carries (``Cue``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Button, DialogReply, InboundMessage
from bot.conversation.render import MessageContext, addressable_name
from bot.conversation.scripts import MOVE_DEFAULTS, ScriptBook
from bot.conversation.waitlist_flow import HAS_OFFER_FOR_REPLY
from bot.domain.appointments import AppointmentStatus
from bot.domain.holds import RescheduleRules
from bot.domain.reminders import ReminderRules
from bot.domain.replies import Intent, Reply, parse_reply, speaks_of_the_visit
from bot.domain.replies.which import booking_named
from bot.ledger import appointments as ledger
from bot.ledger.attendance import HAS_OPEN_FOLLOWUP, AttendancePolicy
from bot.ledger.waitlist import HAS_ACTIVE_ENTRY
from db.models import Appointment, Client, DialogState, InboxItem, MessageLog

IDLE = "idle"
OPEN = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED})
AGREE = "agree"  # the rules' button (the policy script's, and a first confirmation's)
BOOKING_INTENTS = frozenset({Intent.CONFIRM, Intent.CANCEL, Intent.RESCHEDULE, Intent.LATE})


@dataclass(frozen=True, slots=True)
class DialogSetup:
    scripts: ScriptBook
    zone: ZoneInfo
    salon_name: str
    default_locale: str
    late_window: timedelta
    policy: AttendancePolicy | None = None  # None: no strikes, no no-show follow-up answers
    # moving a booking in the chat (free slots, held; None: every reschedule goes to the admins)
    reschedule: RescheduleRules | None = None
    reminders: ReminderRules | None = None  # the new time's confirmation and reminders


@dataclass(frozen=True, slots=True)
class Cue:
    """What a message carries, read once before any flow sees it.

    ``reply`` is the free text read about the client's booking (None for a tap or a voice
    note); ``about_visit`` says the message is a reply about a booking firm enough to be
    handled as one whatever step is pending: a tap on a booking button, a text answering one
    of our messages about a booking, or a text that speaks of the visit ("да, приду",
    "cancela mi cita", a new time, running late), not a bare yes or no."""

    reply: Reply | None
    about_visit: bool
    has_booking: bool = False  # the client has an open booking the reply can be about

    @property
    def intent(self) -> Intent | None:
        return self.reply.intent if self.reply is not None else None


@dataclass(frozen=True, slots=True)
class OpenMatters:
    """What else of the client's a reply could answer. Read in one query, so that a plain
    "yes, I'll come" does not load three kinds of rows to find none (a sixth of a reply's
    CPU, benchmarks/inbound); a flow loads its rows only when they exist."""

    followup: bool  # a no-show's question, sent and not answered
    offer: bool  # a waitlist offer, delivered and open
    entry: bool  # a place on the waitlist


_OPEN_MATTERS = select(
    HAS_OPEN_FOLLOWUP.label("followup"),
    HAS_OFFER_FOR_REPLY.label("offer"),
    HAS_ACTIVE_ENTRY.label("entry"),
)


class Turn:
    """One inbound message inside the caller's transaction: who wrote, where their dialog
    stands, and the ways to answer them (scripts in their language, the admin inbox)."""

    def __init__(
        self,
        *,
        session: AsyncSession,
        setup: DialogSetup,
        now: datetime,
        client: Client,
        state: DialogState,
        message: InboundMessage,
    ) -> None:
        self.session = session
        self.setup = setup
        self.now = now
        self.client = client
        self.state = state
        self.message = message
        self.locale = client.locale or setup.default_locale
        self._name = addressable_name(client.name)
        self._target: Appointment | None = None
        self._looked_up = False
        self._matters: OpenMatters | None = None

    @property
    def text(self) -> str:
        return self.message.text or f"[{self.message.kind}]"

    def is_open(self, appointment: Appointment) -> bool:
        return appointment.status in OPEN and appointment.starts_at > self.now

    async def target(self) -> Appointment | None:
        """The open booking a free-text reply is about: the one whose message it answers, the
        one the dialog last spoke of, else the client's next one."""
        if not self._looked_up:
            self._looked_up = True
            self._target = await self._find_target()
        return self._target

    async def _find_target(self) -> Appointment | None:
        upcoming = await ledger.open_appointments(
            self.session, client_id=self.client.id, now=self.now
        )
        message = self.message
        if len(upcoming) > 1 and message.kind == "text" and message.button is None:
            # "cancel my Saturday appointment" is about Saturday's, whatever we wrote last
            named = booking_named(
                message.text,
                [appointment.starts_at for appointment in upcoming],
                now=self.now,
                tz=self.setup.zone,
                locale_hint=self.locale,
            )
            if named is not None:
                return upcoming[named]
        by_id = {appointment.id: appointment for appointment in upcoming}
        for candidate in (message.reply_to_appointment, self.state.appointment_id):
            if candidate in by_id:
                return by_id[candidate]
        return upcoming[0] if upcoming else None

    async def open_matters(self) -> OpenMatters:
        """Read once, and again after ``acted()``."""
        if self._matters is None:
            row = await self.session.execute(
                _OPEN_MATTERS, {"client_id": self.client.id, "now": self.now}
            )
            self._matters = OpenMatters(*(bool(value) for value in row.one()))
        return self._matters

    def acted(self) -> None:
        """A flow has answered (and may have opened something): what is open is read anew."""
        self._matters = None

    def read(self, text: str, target: Appointment | None) -> Reply:
        return parse_reply(
            text,
            now=self.now,
            tz=self.setup.zone,
            booked_at=target.starts_at if target is not None else None,
            locale_hint=self.locale,
        )

    async def cue(self) -> Cue:
        message = self.message
        if message.button is not None:
            tapped = message.button.intent != AGREE
            return Cue(None, about_visit=tapped, has_booking=await self.target() is not None)
        if message.kind != "text":
            return Cue(None, about_visit=False)
        target = await self.target()
        reply = self.read(message.text, target)
        answers_ours = target is not None and message.reply_to_appointment == target.id
        firm = answers_ours or speaks_of_the_visit(message.text, locale_hint=self.locale)
        return Cue(
            reply,
            about_visit=reply.intent in BOOKING_INTENTS and firm,
            has_booking=target is not None,
        )

    # -- answers -------------------------------------------------------------------------------

    def say(self, script: str, appointment: Appointment | None, **extra: object) -> DialogReply:
        text, _ = self.setup.scripts.render_named(
            script, locale=self.locale, variables={**self.variables(appointment), **extra}
        )
        return DialogReply(text, outcome=script)

    def ask(self, script: str, appointment: Appointment | None) -> DialogReply:
        """Script ``script`` with its buttons, about ``appointment`` (none: 0, version 0)."""
        text, labels = self.setup.scripts.render_named(
            script, locale=self.locale, variables=self.variables(appointment)
        )
        about = (appointment.id, appointment.version) if appointment is not None else (0, 0)
        buttons = tuple(Button(label, key, *about) for key, label in labels.items())
        return DialogReply(text, buttons, outcome=script)

    def step(self, step: str) -> DialogReply:
        """One question of the intake."""
        text = self.setup.scripts.render_step(
            step, locale=self.locale, variables=self.variables(None)
        )
        return DialogReply(text, outcome=f"intake:{step}")

    def variables(self, appointment: Appointment | None) -> dict[str, object]:
        if appointment is None:
            return {
                "client_name": self._name,
                "salon_name": self.setup.salon_name,
                "service": "",
                "master": "",
                "date": "",
                "time": "",
                **self.setup.scripts.policy_variables(self.locale),
                "late": False,
                "excused": False,
                "rescheduled": False,
                "proposed": None,
                **MOVE_DEFAULTS,
            }
        context = MessageContext.of(
            appointment,
            locale=self.locale,
            salon_name=self.setup.salon_name,
            zone=self.setup.zone,
        )
        return self.setup.scripts.variables(context=context, locale=self.locale)

    async def to_admin(
        self,
        target: Appointment | None,
        kind: str,
        *,
        reply: bool = True,
        proposed: datetime | None = None,
        text: str | None = None,
        note: dict[str, object] | None = None,
    ) -> list[DialogReply]:
        """The message goes to the admins' inbox; the client hears "passed to the admin"
        unless ``reply`` is false (the caller answers)."""
        self.session.add(
            InboxItem(
                client_id=self.client.id,
                appointment_id=target.id if target is not None else None,
                kind=kind,
                channel=self.message.channel,
                text=text if text is not None else self.text,
                note=note,  # what ShowUp says about it, worded for the admins by bot.admin.notes
                proposed_at=proposed,
                created_at=self.now,
            )
        )
        return [self.say("fallback", None)] if reply else []

    def log(self, direction: str, body: str) -> None:
        self.session.add(
            MessageLog(
                client_id=self.client.id,
                appointment_id=self.state.appointment_id if direction == "out" else None,
                direction=direction,
                channel=self.message.channel,
                body=body,
                status="received" if direction == "in" else "sent",
                created_at=self.now,
            )
        )
