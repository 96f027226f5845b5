"""Conversations with clients: what an incoming message means and what ShowUp answers.

State lives in ``dialog_states`` (one row per client), so any process can take any message and a
restart forgets nothing. A reply is applied to the appointment its button or replied-to reminder
is about, else to the client's next open appointment; a button of an appointment that changed
since gets an honest answer and changes nothing. Whatever needs a human (unclear text, voice,
photos, reschedule requests, running late) is stored in the admin inbox. A cancellation read
from free text with less than ``CANCEL_AT_ONCE`` confidence is asked back with two buttons
("Yes, cancel" / "No, I'll come") before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Button, DialogReply, InboundMessage
from bot.conversation.render import MessageContext, addressable_name
from bot.conversation.scripts import INTAKE_STEPS, ScriptBook
from bot.domain.appointments import Action, Actor, AppointmentStatus, CancelledBy
from bot.domain.locales import supported_locale
from bot.domain.replies import (
    CANCEL_AT_ONCE,
    Intent,
    Reply,
    answers_yes,
    intent_from_button,
    language_of,
    parse_reply,
)
from bot.errors import IllegalTransitionError
from bot.ledger import appointments as ledger
from bot.ledger.attendance import (
    AttendancePolicy,
    late_cancel_excused,
    open_followup,
    record_answer,
)
from bot.ledger.clients import create_client, link_identity
from db.models import (
    Appointment,
    Client,
    ClientIdentity,
    DialogState,
    InboxItem,
    MessageLog,
    NoShowFollowUp,
)

IDLE = "idle"
POLICY = "policy"
ASKED_CANCEL = "asked_cancel"  # waiting for the answer to "cancel your visit?"
OPEN = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED})
AGREE = "agree"  # the policy's button
BUTTON_INTENTS = frozenset(intent.value for intent in Intent)


@dataclass(frozen=True, slots=True)
class DialogSetup:
    scripts: ScriptBook
    zone: ZoneInfo
    salon_name: str
    default_locale: str
    late_window: timedelta
    policy: AttendancePolicy | None = None  # None: no strikes, no no-show follow-up answers


class Dialog:
    """Handles one inbound message inside the caller's transaction."""

    def __init__(self, session: AsyncSession, setup: DialogSetup, now: datetime) -> None:
        self._session = session
        self._setup = setup
        self._now = now
        self.client_id: int | None = None  # set by handle(): who wrote
        self.is_new = False  # …and whether they were a stranger until now

    async def handle(self, message: InboundMessage) -> list[DialogReply]:
        client, is_new = await self._client(message)
        self.client_id, self.is_new = client.id, is_new
        client.locale = client.locale or language_of(message.text)
        self._locale = client.locale or self._setup.default_locale
        self._client_name = addressable_name(client.name)
        self._log("in", message, client.id, None, message.text or f"[{message.kind}]")
        state = await self._session.get(DialogState, client.id)
        if state is None:
            state = DialogState(client_id=client.id, state=IDLE, updated_at=self._now)
            self._session.add(state)
        state.updated_at = self._now
        if is_new:
            state.state = f"intake:{INTAKE_STEPS[0]}"
            replies = [self._step(INTAKE_STEPS[0])]
        elif (state.state == POLICY and self._agrees(message)) or (
            message.button is not None and message.button.intent == "agree"
        ):  # "I agree" under the intake's rules, or under a first booking confirmation's
            client.policy_accepted_at = client.policy_accepted_at or self._now
            state.state = IDLE if state.state == POLICY else state.state
            replies = []
        elif state.state.startswith("intake:"):
            replies = self._intake(client, state, message)
        else:
            replies = await self._reply(client, state, message)
        for reply in replies:
            self._log("out", message, client.id, state.appointment_id, reply.text)
        await self._session.flush()
        return replies

    async def _client(self, message: InboundMessage) -> tuple[Client, bool]:
        identity = await self._session.scalar(
            select(ClientIdentity).where(
                ClientIdentity.channel == message.channel,
                ClientIdentity.external_id == message.sender,
            )
        )
        if identity is not None:
            identity.last_inbound_at = self._now
            client = await self._session.get(Client, identity.client_id)
            assert client is not None  # noqa: S101 - the foreign key guarantees it
            return client, False
        client = await create_client(
            self._session,
            name=message.display_name or "New client",
            phone=None,
            phone_region=None,
            locale=supported_locale(message.language_code),
        )
        linked = await link_identity(
            self._session, client_id=client.id, channel=message.channel, external_id=message.sender
        )
        linked.last_inbound_at = self._now
        return client, True

    def _intake(
        self, client: Client, state: DialogState, message: InboundMessage
    ) -> list[DialogReply]:
        step = state.state.removeprefix("intake:")
        client.intake = {**(client.intake or {}), step: message.text or f"[{message.kind}]"}
        if step == "heard_from":
            client.heard_from = message.text or None
        position = INTAKE_STEPS.index(step) if step in INTAKE_STEPS else len(INTAKE_STEPS)
        if position + 1 < len(INTAKE_STEPS):
            following = INTAKE_STEPS[position + 1]
            state.state = f"intake:{following}"
            return [self._step(following)]
        state.state = POLICY
        client.policy_shown_at = client.policy_shown_at or self._now
        text, labels = self._setup.scripts.render_named(
            "policy", locale=self._locale, variables=self._variables(None)
        )
        buttons = tuple(Button(v, k, 0, 0) for k, v in labels.items())
        return [DialogReply(text, buttons, outcome="policy")]

    def _agrees(self, message: InboundMessage) -> bool:
        if message.button is not None:
            return message.button.intent in {AGREE, "confirm"}
        reply = parse_reply(
            message.text, now=self._now, tz=self._setup.zone, locale_hint=self._locale
        )
        return reply.intent is Intent.CONFIRM

    async def _reply(
        self, client: Client, state: DialogState, message: InboundMessage
    ) -> list[DialogReply]:
        asked = state.state == ASKED_CANCEL
        state.state = IDLE if asked else state.state
        if message.kind != "text":
            return await self._to_admin(client, None, message, "other")
        if message.button is None and self._setup.policy is not None:
            followup = await open_followup(self._session, client_id=client.id, now=self._now)
            if followup is not None:
                return await self._noshow_answer(client, followup, message)
        if message.button is not None:
            return await self._tap(client, state, message, message.button)
        target = await self._target(client, state, message)
        reply = self._read(message.text, target, asked=asked)
        if target is None or reply.intent is Intent.OTHER:
            return await self._to_admin(client, target, message, "other")
        state.appointment_id = target.id
        if reply.intent is Intent.CANCEL and reply.confidence < CANCEL_AT_ONCE:
            state.state = ASKED_CANCEL
            return [self._ask_cancel(target)]
        return await self._apply(client, target, reply, message)

    def _read(self, text: str, target: Appointment | None, *, asked: bool) -> Reply:
        """A free-text reply about ``target``; after "cancel your visit?", a plain yes cancels
        and a plain no keeps the visit."""
        if asked:
            answer = answers_yes(text, locale_hint=self._locale)
            if answer is not None:
                return Reply(Intent.CANCEL if answer else Intent.CONFIRM, None, 1.0)
        booked_at = target.starts_at if target is not None else None
        reply = parse_reply(
            text, now=self._now, tz=self._setup.zone, booked_at=booked_at, locale_hint=self._locale
        )
        if asked and reply.intent is Intent.CANCEL:
            return Reply(Intent.CANCEL, reply.when, 1.0, reply.language)
        return reply

    def _ask_cancel(self, target: Appointment) -> DialogReply:
        text, labels = self._setup.scripts.render_named(
            "confirm_cancel", locale=self._locale, variables=self._variables(target)
        )
        buttons = tuple(Button(v, k, target.id, target.version) for k, v in labels.items())
        return DialogReply(text, buttons, outcome="confirm_cancel")

    async def _tap(
        self, client: Client, state: DialogState, message: InboundMessage, button: Button
    ) -> list[DialogReply]:
        """A reply button acts on its own appointment: the client's, in the version shown."""
        if button.intent == AGREE:
            return []  # "I agree" tapped again after the policy was accepted
        target = await self._session.get(Appointment, button.appointment_id)
        if target is None or target.client_id != client.id:
            return await self._to_admin(client, None, message, "other")
        if (
            target.version != button.version
            or not self._open(target)
            or button.intent not in BUTTON_INTENTS  # a button of another release
        ):
            return [self._say("ack_stale", target)]
        reply = intent_from_button(button.intent)
        if reply.intent is Intent.OTHER:
            return await self._to_admin(client, target, message, "other")
        state.appointment_id = target.id
        return await self._apply(client, target, reply, message)

    async def _target(
        self, client: Client, state: DialogState, message: InboundMessage
    ) -> Appointment | None:
        for candidate in (message.reply_to_appointment, state.appointment_id):
            if candidate is not None:
                found = await self._session.get(Appointment, candidate)
                if found is not None and found.client_id == client.id and self._open(found):
                    return found
        return await ledger.next_open_appointment(
            self._session, client_id=client.id, now=self._now
        )

    def _open(self, appointment: Appointment) -> bool:
        return appointment.status in OPEN and appointment.starts_at > self._now

    async def _apply(
        self, client: Client, target: Appointment, reply: Reply, message: InboundMessage
    ) -> list[DialogReply]:
        who = ledger.Who(actor=Actor.CLIENT, channel=message.channel)
        try:
            if reply.intent is Intent.CONFIRM:
                await ledger.mark_appointment(
                    self._session,
                    appointment_id=target.id,
                    action=Action.CONFIRM,
                    who=who,
                    now=self._now,
                )
                return [self._say("ack_confirmed", target)]
            if reply.intent is Intent.CANCEL:
                cancelled = await ledger.cancel_appointment(
                    self._session,
                    appointment_id=target.id,
                    cancelled_by=CancelledBy.CLIENT,
                    late_window=self._setup.late_window,
                    who=who,
                    now=self._now,
                    reason=message.text[:500] or None,
                    policy=self._setup.policy,
                )
                excused = cancelled.late_cancel and await late_cancel_excused(
                    self._session, appointment_id=cancelled.id
                )
                return [
                    self._say(
                        "ack_cancelled", cancelled, late=cancelled.late_cancel, excused=excused
                    )
                ]
        except IllegalTransitionError:
            return [self._say("ack_stale", target)]
        if reply.intent is Intent.LATE:
            await ledger.note_running_late(
                self._session, appointment_id=target.id, who=who, now=self._now, text=message.text
            )
            await self._to_admin(client, target, message, "running_late", reply=False)
            return [self._say("ack_late", target)]
        proposed = reply.when if isinstance(reply.when, datetime) else None
        await self._to_admin(
            client, target, message, "reschedule_request", reply=False, proposed=proposed
        )
        shown = (
            format_datetime(reply.when, format="EEEE d MMMM, HH:mm", locale=self._locale)
            if isinstance(reply.when, datetime)
            else None
        )
        return [self._say("ack_reschedule", target, proposed=shown)]

    async def _noshow_answer(
        self, client: Client, followup: NoShowFollowUp, message: InboundMessage
    ) -> list[DialogReply]:
        """The answer to "what happened?": a reason for the record, thanks, and a rebooking
        request to the admins when the client proposes a time."""
        assert self._setup.policy is not None  # noqa: S101 - checked by the caller
        reason = await record_answer(
            self._session,
            followup=followup,
            text=message.text,
            policy=self._setup.policy,
            now=self._now,
        )
        missed = await self._session.get(Appointment, followup.appointment_id)
        self._session.add(
            InboxItem(
                client_id=client.id,
                appointment_id=followup.appointment_id,
                kind="noshow_reason",
                channel=message.channel,
                text=message.text,
                note={  # worded for the admins by bot.admin.notes
                    "code": "noshow_reason",
                    "params": {"reason": reason.value, "decision": followup.decision},
                },
                created_at=self._now,
            )
        )
        wish = parse_reply(
            message.text, now=self._now, tz=self._setup.zone, locale_hint=self._locale
        )
        if wish.when is not None or wish.intent is Intent.RESCHEDULE:
            proposed = wish.when if isinstance(wish.when, datetime) else None
            await self._to_admin(
                client, missed, message, "reschedule_request", reply=False, proposed=proposed
            )
        return [self._say("noshow_reply", missed)]

    async def _to_admin(
        self,
        client: Client,
        target: Appointment | None,
        message: InboundMessage,
        kind: str,
        *,
        reply: bool = True,
        proposed: datetime | None = None,
    ) -> list[DialogReply]:
        self._session.add(
            InboxItem(
                client_id=client.id,
                appointment_id=target.id if target is not None else None,
                kind=kind,
                channel=message.channel,
                text=message.text or f"[{message.kind}]",
                proposed_at=proposed,
                created_at=self._now,
            )
        )
        return [self._say("fallback", None)] if reply else []

    def _step(self, step: str) -> DialogReply:
        return DialogReply(
            self._setup.scripts.render_step(
                step, locale=self._locale, variables=self._variables(None)
            ),
            outcome=f"intake:{step}",
        )

    def _say(self, script: str, appointment: Appointment | None, **extra: object) -> DialogReply:
        variables = {**self._variables(appointment), **extra}
        text, _ = self._setup.scripts.render_named(
            script, locale=self._locale, variables=variables
        )
        return DialogReply(text, outcome=script)

    def _variables(self, appointment: Appointment | None) -> dict[str, object]:
        if appointment is None:
            return {
                "client_name": self._client_name,
                "salon_name": self._setup.salon_name,
                "service": "",
                "master": "",
                "date": "",
                "time": "",
                **self._setup.scripts.policy_variables(self._locale),
                "late": False,
                "excused": False,
                "rescheduled": False,
                "proposed": None,
            }
        context = MessageContext.of(
            appointment,
            locale=self._locale,
            salon_name=self._setup.salon_name,
            zone=self._setup.zone,
        )
        return self._setup.scripts.variables(context=context, locale=self._locale)

    def _log(
        self,
        direction: str,
        message: InboundMessage,
        client_id: int,
        appointment_id: int | None,
        body: str,
    ) -> None:
        self._session.add(
            MessageLog(
                client_id=client_id,
                appointment_id=appointment_id,
                direction=direction,
                channel=message.channel,
                body=body,
                status="received" if direction == "in" else "sent",
                created_at=self._now,
            )
        )
