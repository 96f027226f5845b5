"""The outbox dispatcher: claim due rows → re-check → render → send → record.

Delivery is at-least-once. Each result is recorded within moments of the send, in small batches;
a process killed with SIGKILL loses nothing (its claimed rows come back when their lease
expires), and at most the messages it had sent but not yet recorded — never more than one
claimed batch — are sent a second time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import random
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.alerts import AdminAlerts
from bot.admin.notes import message_kind
from bot.admin.texts import AdminTexts
from bot.channels.base import (
    Channel,
    NotAllowedError,
    OutboundMessage,
    PermanentSendError,
    TransientSendError,
)
from bot.clock import Clock
from bot.conversation.render import MessageContext, Renderer
from bot.conversation.scripts import ScriptRenderError
from bot.conversation.waitlist_flow import offer_context
from bot.domain.appointments import AppointmentStatus
from bot.domain.reminders import MOVE_ANSWER_SCRIPTS, REMINDER_SCRIPTS, Script, is_stale
from bot.ledger.cancel_notice import booked_again
from bot.ledger.clients import preference
from bot.ledger.salon import SALON_ID
from bot.scheduling.claims import Claim, Result, claim_due, next_wakeup, record_results
from bot.scheduling.offer_messages import LoadedOffer, load_offers, offer_unwanted
from bot.scheduling.pacing import Pacer
from db.models import Appointment, Client, ClientIdentity, OutboxStatus, Salon

logger = logging.getLogger(__name__)

S = OutboxStatus
WANTS_MESSAGES = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED})
RECORD_EVERY = 50
PHONE_CHANNEL = "whatsapp"  # the messenger whose address is the client's phone number


@dataclass(frozen=True, slots=True)
class DispatchConfig:
    batch: int = 200
    lease: timedelta = timedelta(seconds=60)
    max_attempts: int = 5
    concurrency: int = 32
    retry_base: timedelta = timedelta(seconds=30)
    retry_cap: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class _Send:
    claim: Claim
    channel: Channel
    identity: ClientIdentity
    message: OutboundMessage
    client_id: int
    client_name: str
    has_alternative: bool


def process_owner() -> str:
    """A name for this process's leases: host, pid and a random suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class Dispatcher:
    """Works through the outbox; one instance per process, any number of processes."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        channels: Mapping[str, Channel],
        renderer: Renderer,
        alerts: AdminAlerts,
        clock: Clock,
        config: DispatchConfig,
        pacers: Mapping[str, Pacer] | None = None,
        owner: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._sessions = sessions
        self._channels = dict(channels)
        self._renderer = renderer
        self._alerts = alerts
        self._clock = clock
        self._config = config
        self._pacers = dict(pacers or {})
        self.owner = owner or process_owner()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._drain_lock = asyncio.Lock()
        self._currency = "EUR"
        self._locale = "en"  # the salon's: the language of a client who has none stored
        self._record_lock = asyncio.Lock()
        self._with_rules: dict[int, int] = {}  # claim → client: a confirmation with the rules

    async def drain(self) -> int:
        """Dispatch batches until nothing is due; returns how many rows were processed."""
        async with self._drain_lock:
            total = 0
            while processed := await self.run_once():
                total += processed
            return total

    async def wait_for_next(self) -> timedelta | None:
        """How long until the next row is due, on this dispatcher's clock (None: nothing)."""
        async with self._sessions() as session:
            upcoming = await next_wakeup(session)
        return None if upcoming is None else upcoming - self._clock.now()

    async def run_once(self) -> int:
        """Claim one batch of due rows and process it; returns the number claimed."""
        now = self._clock.now()
        async with self._sessions() as session:
            claims = await claim_due(
                session,
                owner=self.owner,
                now=now,
                lease=self._config.lease,
                limit=self._config.batch,
            )
            await session.commit()
            if not claims:
                return 0
            appointments = await _load_appointments(
                session, {c.appointment_id for c in claims if c.appointment_id is not None}
            )
            offers = await load_offers(
                session, {c.offer_id for c in claims if c.offer_id is not None}
            )
            rebooked = await booked_again(
                session,
                [
                    found
                    for c in claims
                    if c.script == Script.SALON_CANCELLED
                    and (found := appointments.get(c.appointment_id or 0)) is not None
                ],
            )
            salon = await session.get(Salon, SALON_ID)
        zone = ZoneInfo(salon.timezone) if salon else ZoneInfo("UTC")
        salon_name = salon.name if salon else ""
        self._currency = salon.currency if salon else "EUR"
        self._locale = salon.locale if salon else "en"
        pending: list[Result] = []
        sends: list[_Send] = []
        for claim in claims:
            try:
                decision: Result | _Send
                if claim.script == Script.SALON_CANCELLED and claim.appointment_id in rebooked:
                    decision = Result(claim, S.VOID, claim.due_at, error="booked again")
                elif claim.offer_id is not None:
                    decision = self._decide_offer(
                        claim, offers.get(claim.offer_id), now, zone, salon_name
                    )
                else:
                    decision = self._decide(
                        claim, appointments.get(claim.appointment_id or 0), now, zone, salon_name
                    )
            except ScriptRenderError as exc:  # this message only fails; the admins are told
                logger.error("outbox message %s not rendered: %s", claim.id, exc)
                decision = Result(claim, S.FAILED, claim.due_at, error=str(exc))
            if isinstance(decision, Result):
                pending.append(decision)
            else:
                sends.append(decision)
        await self._record(pending)
        buffer: list[Result] = []
        semaphore = asyncio.Semaphore(self._config.concurrency)

        async def deliver(job: _Send) -> None:
            async with semaphore:
                result = await self._send(job)
            buffer.append(result)
            if len(buffer) >= RECORD_EVERY:
                batch = buffer[:]
                buffer.clear()
                await self._record(batch)

        await asyncio.gather(*(deliver(job) for job in sends))
        await self._record(buffer)
        counts = dict.fromkeys(S, 0)
        for result in pending:
            counts[result.status] += 1
        logger.info(
            "outbox: %d claimed, %d to send, %d void, %d skipped",
            len(claims),
            len(sends),
            counts[S.VOID],
            counts[S.SKIPPED],
        )
        return len(claims)

    def _decide(
        self,
        claim: Claim,
        appointment: Appointment | None,
        now: datetime,
        zone: ZoneInfo,
        salon_name: str,
    ) -> Result | _Send:
        """Re-check that the message is still wanted and find where to send it."""
        if appointment is None:
            return Result(claim, S.VOID, claim.due_at, error="appointment deleted")
        if appointment.version != claim.version:
            return Result(claim, S.VOID, claim.due_at, error="appointment was rescheduled")
        script = Script(claim.script)
        if appointment.status not in _wanted_statuses(script):
            return Result(claim, S.VOID, claim.due_at, error=f"appointment {appointment.status}")
        if is_stale(script=script, due_at=claim.due_at, starts_at=appointment.starts_at, now=now):
            return Result(claim, S.SKIPPED, claim.due_at, error="too late to be useful")
        client = appointment.client
        locale = client.locale or self._locale
        context = MessageContext.of(
            appointment, locale=locale, salon_name=salon_name, zone=zone, currency=self._currency
        )
        if claim.proposed_at is not None:  # the answer to a move names the time asked for
            context = dataclasses.replace(context, proposed=claim.proposed_at)
        return self._address(claim, client, script, context, appointment_id=appointment.id)

    def _decide_offer(
        self,
        claim: Claim,
        loaded: LoadedOffer | None,
        now: datetime,
        zone: ZoneInfo,
        salon_name: str,
    ) -> Result | _Send:
        """A waitlist offer's message: only while the offer stands (or, for "it is gone",
        before the slot starts)."""
        unwanted = offer_unwanted(claim, loaded, now)
        if unwanted is not None:
            return Result(claim, S.VOID, claim.due_at, error=unwanted)
        assert loaded is not None  # noqa: S101 - offer_unwanted says so when it is missing
        locale = loaded.offer.client.locale or self._locale
        context = offer_context(
            loaded.offer,
            moving=loaded.moving,
            locale=locale,
            salon_name=salon_name,
            zone=zone,
            currency=self._currency,
        )
        return self._address(claim, loaded.offer.client, Script(claim.script), context)

    def _address(
        self,
        claim: Claim,
        client: Client,
        script: Script,
        context: MessageContext,
        *,
        appointment_id: int | None = None,
    ) -> Result | _Send:
        """Render the message for the client's most recently active reachable messenger."""
        reachable = [
            identity
            for identity in client.identities
            if not identity.unreachable and identity.channel in self._channels
        ]
        by_phone = _phone_identity(client, self._channels)
        if by_phone is not None:
            reachable.append(by_phone)
        if not reachable:
            return Result(claim, S.SKIPPED, claim.due_at, error="no reachable messenger")
        reachable.sort(key=preference, reverse=True)
        identity = reachable[0]
        locale = context.locale
        rendered = self._renderer.render(script=script, context=context)
        if any(button.intent == "agree" for button in rendered.buttons):
            self._with_rules[claim.id] = client.id  # the short rules go with this message
        about = (
            {"appointment_id": str(appointment_id)}
            if appointment_id is not None
            else {"offer_id": str(claim.offer_id)}
        )
        return _Send(
            claim=claim,
            channel=self._channels[identity.channel],
            identity=identity,
            message=OutboundMessage(
                recipient=identity.external_id,
                text=rendered.text,
                buttons=rendered.buttons,
                locale=locale,
                metadata={**about, "kind": claim.kind},
                template=rendered.template,
                last_inbound_at=identity.last_inbound_at,
            ),
            client_id=client.id,
            client_name=client.name,
            has_alternative=len(reachable) > 1,
        )

    async def _send(self, job: _Send) -> Result:
        claim = job.claim
        pacer = self._pacers.get(job.channel.name)
        if pacer is not None:
            await pacer.wait(job.message.recipient)
        try:
            receipt = await job.channel.send(job.message)
        except TransientSendError as exc:
            if claim.attempts >= self._config.max_attempts:
                return Result(claim, S.FAILED, claim.due_at, error=f"gave up: {exc}")
            delay = self._retry_delay(claim.attempts, exc.retry_after)
            return Result(claim, S.PENDING, self._clock.now() + delay, error=str(exc))
        except NotAllowedError as exc:
            return Result(claim, S.FAILED, claim.due_at, error=f"{job.channel.name}: {exc}")
        except PermanentSendError as exc:
            status = S.PENDING if job.has_alternative else S.FAILED
            return Result(
                claim,
                status,
                self._clock.now() if job.has_alternative else claim.due_at,
                error=f"{job.channel.name}: {exc}",
                unreachable_identity=job.identity.id or None,  # 0: not stored (by phone)
            )
        except Exception as exc:  # a bug in an adapter must not stop the outbox
            logger.exception("channel %s failed unexpectedly", job.channel.name)
            delay = self._retry_delay(claim.attempts, None)
            status = S.FAILED if claim.attempts >= self._config.max_attempts else S.PENDING
            return Result(claim, status, self._clock.now() + delay, error=repr(exc)[:500])
        return Result(
            claim,
            S.SENT,
            claim.due_at,
            channel=job.channel.name,
            message_id=receipt.message_id,
            sent_at=self._clock.now(),
            client_id=job.client_id,
            body=job.message.text,
        )

    def _retry_delay(self, attempts: int, retry_after: float | None) -> timedelta:
        """The platform's wait when it gave one; else exponential backoff with equal jitter."""
        if retry_after is not None:
            return timedelta(seconds=max(retry_after, 1.0))
        doubling = 1 << min(max(attempts - 1, 0), 20)
        ceiling = min(self._config.retry_cap, self._config.retry_base * doubling)
        return ceiling / 2 + ceiling / 2 * self._rng.random()

    async def _record(self, results: list[Result]) -> None:
        if not results:
            return
        shown = {
            client_id: result.sent_at
            for result in results
            if (client_id := self._with_rules.pop(result.claim.id, None)) is not None
            and result.status is S.SENT
        }
        async with self._record_lock, self._sessions() as session:
            await record_results(session, owner=self.owner, results=results, now=self._clock.now())
            for client_id, sent_at in shown.items():  # the rules went with this confirmation
                await session.execute(
                    update(Client)
                    .where(Client.id == client_id, Client.policy_shown_at.is_(None))
                    .values(policy_shown_at=sent_at or self._clock.now())
                )
            await session.commit()
        for result in results:
            await self._maybe_alert(result)

    async def _maybe_alert(self, result: Result) -> None:
        """Tell the admins, in the salon's language, about a message that will not arrive."""
        claim = result.claim
        t = AdminTexts(self._locale)
        message = message_kind(t, claim.kind)
        # a waitlist offer has no appointment yet: it is named by its offer's number
        about = claim.appointment_id if claim.offer_id is None else claim.offer_id
        if result.status is S.FAILED:
            text = t.plural(
                "alert.failed",
                claim.attempts,
                message=message,
                id=about,
                error=result.error,
            )
        elif result.status is S.SKIPPED and result.error == "no reachable messenger":
            if claim.offer_id is not None:
                return  # a waitlist offer moves on to the next client by itself
            text = t("alert.nowhere", message=message, id=about)
        elif result.unreachable_identity is not None:
            text = t("alert.unreachable", id=about, error=result.error)
        else:
            return
        try:
            await self._alerts.alert(text)
        except Exception:
            logger.exception("could not deliver an admin alert")


def _phone_identity(client: Client, channels: Mapping[str, Channel]) -> ClientIdentity | None:
    """On WhatsApp a phone number is the address: a client with a phone and no WhatsApp chat
    yet is reachable there without a linking step (the identity row appears when they write)."""
    if PHONE_CHANNEL not in channels or not client.phone:
        return None
    if any(identity.channel == PHONE_CHANNEL for identity in client.identities):
        return None
    return ClientIdentity(
        id=0, client_id=client.id, channel=PHONE_CHANNEL, external_id=client.phone.lstrip("+")
    )


def _wanted_statuses(script: Script) -> frozenset[AppointmentStatus]:
    """Reminders and the answers to a move only for open appointments; a follow-up only while
    it is still a no-show, the salon's cancellation while it is cancelled; news about the
    client's standing (policy, loyalty) whatever the appointment became."""
    if script in REMINDER_SCRIPTS or script in MOVE_ANSWER_SCRIPTS:
        return WANTS_MESSAGES
    if script is Script.NOSHOW_FOLLOWUP:
        return frozenset({AppointmentStatus.NO_SHOW})
    if script is Script.SALON_CANCELLED:
        return frozenset({AppointmentStatus.CANCELLED})
    return frozenset(AppointmentStatus)


async def _load_appointments(session: AsyncSession, ids: set[int]) -> dict[int, Appointment]:
    rows = await session.scalars(select(Appointment).where(Appointment.id.in_(sorted(ids))))
    return {appointment.id: appointment for appointment in rows}
