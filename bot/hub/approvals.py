"""An admin's one-tap answer to a client's move (``SHOWUP_RESCHEDULE=approve``).

The client's tap on a free time keeps it (``asked``) and puts a ``reschedule_approval`` item in
the admin inbox; the relay forwards it with two buttons, ``admin_move_ok`` and
``admin_move_no``, whose payload is the hold's id (:func:`approval_buttons`). The tap comes
here: approving moves the booking through the ledger and tells the client; declining frees
the time, tells the client kindly that the admin will write about other times, and leaves the
request open in the inbox (the same item, worded anew: the admins are not sent it twice). A
request no admin answered before the approval hold ran out (``SHOWUP_RESCHEDULE_APPROVAL_HOLD``)
lapses the same way (:meth:`Approvals.lapse`, every minute): the client hears their visit stays
as it was and the admin will write; the request stays in the inbox, marked.

What the client hears goes through the outbox, planned in the transaction that answers
(``plan_move_answer``): a crash after the commit loses nothing, the dispatcher paces it, keeps
it out of quiet hours, retries it, and tells the admins if it finally fails. The admin's
answer can only say the client *will be* told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.texts import AdminTexts
from bot.channels.base import Button
from bot.clock import Clock
from bot.conversation.dialog import DialogSetup
from bot.domain.appointments import Actor
from bot.domain.reminders import Script
from bot.ledger.appointments import Who
from bot.ledger.holds import Move, Outcome, approve_hold, decline_hold, lapse_unanswered
from bot.ledger.outbox import plan_move_answer
from db.models import Appointment, Client, InboxItem, SlotHold

logger = logging.getLogger(__name__)

APPROVE = "move_ok"
DECLINE = "move_no"
APPROVAL_ACTIONS = frozenset({APPROVE, DECLINE})
KIND = "reschedule_approval"


def approval_buttons(item: InboxItem, texts: AdminTexts) -> tuple[Button, ...]:
    """Approve / Decline under a forwarded move request (none for other items)."""
    params: Mapping[str, Any] = (item.note or {}).get("params") or {}
    hold = params.get("hold")
    if item.kind != KIND or not isinstance(hold, int):
        return ()
    return (
        Button(texts("prompt.move_ok"), f"admin_{APPROVE}", hold, 0),
        Button(texts("prompt.move_no"), f"admin_{DECLINE}", hold, 0),
    )


class Approvals:
    """Answers the admins' Approve / Decline taps; every call is one transaction."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        dialog: DialogSetup,
        texts: AdminTexts,
        clock: Clock,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._dialog = dialog
        self._t = texts
        self._clock = clock
        self.on_queued = on_queued  # the outbox scheduler's wake-up, once it exists

    async def answer(self, action: str, hold_id: int, *, channel: str) -> list[str]:
        t = self._t
        now = self._clock.now()
        reminders = self._dialog.reminders
        async with self._sessions() as session:
            hold = await session.get(SlotHold, hold_id)
            if hold is None or reminders is None:
                return [t("move.stale")]
            when = t.moment(hold.starts_at.astimezone(self._dialog.zone))
            who = Who(actor=Actor.ADMIN, channel=channel)
            if action == APPROVE:
                move = await approve_hold(session, hold=hold, who=who, now=now, rules=reminders)
            else:
                move = await decline_hold(session, hold=hold, now=now)
            if move.outcome is Outcome.STALE or move.appointment is None:
                await session.rollback()
                return [t("move.stale")]
            if move.outcome is Outcome.MOVED:
                await self._answered(session, hold.appointment_id, now=now)
            else:
                await self._still_open(session, move)
            client = await session.get(Client, hold.client_id)
            assert client is not None  # noqa: S101 - the foreign key guarantees it
            script, text = self._outcome(move, client, when)
            plan_move_answer(
                session,
                appointment=move.appointment,
                hold=hold,
                script=script,
                rules=reminders,
                now=now,
            )
            await session.commit()
        self.on_queued()
        return [text]

    async def lapse(self) -> int:
        """Tell the clients whose move no admin answered in time; how many there were. Not
        in quiet hours: the client hears in the morning."""
        now = self._clock.now()
        rules = self._dialog.reminders
        if rules is not None and rules.quiet.contains(now, rules.zone):
            return 0
        async with self._sessions() as session:
            lapsed = await lapse_unanswered(session, now=now)
            for hold in lapsed:
                appointment = await session.get(Appointment, hold.appointment_id)
                client = await session.get(Client, hold.client_id)
                if appointment is None or client is None:
                    continue
                when = self._t.moment(hold.starts_at.astimezone(self._dialog.zone))
                asking = await session.scalar(
                    select(InboxItem.channel)
                    .where(InboxItem.appointment_id == appointment.id, InboxItem.kind == KIND)
                    .order_by(InboxItem.id.desc())
                    .limit(1)
                )
                await self._answered(session, hold.appointment_id, now=now)
                session.add(
                    InboxItem(
                        client_id=client.id,
                        appointment_id=appointment.id,
                        kind="reschedule_request",
                        channel=asking or "telegram",
                        text=f"#{appointment.id} → {when}",
                        note={"code": "move_lapsed", "params": {"when": when}},
                        proposed_at=hold.starts_at,
                        created_at=now,
                    )
                )
                plan_move_answer(
                    session,
                    appointment=appointment,
                    hold=hold,
                    script=Script.RESCHEDULE_LAPSED,
                    rules=rules,
                    now=now,
                )
            await session.commit()
        if lapsed:
            logger.info("%d move(s) asked for lapsed with no admin's answer", len(lapsed))
            self.on_queued()
        return len(lapsed)

    async def _answered(
        self, session: AsyncSession, appointment_id: int, *, now: datetime
    ) -> None:
        """The approval request of this booking is answered (or lapsed)."""
        await session.execute(
            update(InboxItem)
            .where(
                InboxItem.appointment_id == appointment_id,
                InboxItem.kind == KIND,
                InboxItem.handled_at.is_(None),
            )
            .values(handled_at=now)
        )

    def _outcome(self, move: Move, client: Client, when: str) -> tuple[Script, str]:
        t = self._t
        appointment = move.appointment
        assert appointment is not None  # noqa: S101 - checked by the caller
        if move.outcome is Outcome.MOVED:
            return Script.RESCHEDULE_MOVED, t(
                "move.approved", name=client.name, id=appointment.id, when=when
            )
        if move.outcome is Outcome.TAKEN:  # the client hears the visit stays, the admin writes
            return Script.RESCHEDULE_DECLINED, t(
                "move.taken", name=client.name, id=appointment.id, when=when
            )
        return Script.RESCHEDULE_DECLINED, t("move.declined", name=client.name, id=appointment.id)

    async def _still_open(self, session: AsyncSession, move: Move) -> None:
        """A declined move (or one whose time was taken meanwhile): its request stays open for
        the admins to answer with other times. It is the same item, worded anew; none is added,
        so the admins are not sent the request a second time."""
        hold = move.hold
        local = hold.starts_at.astimezone(self._dialog.zone)
        code = "move_declined" if move.outcome is Outcome.DECLINED else "move_taken"
        requests = await session.scalars(
            select(InboxItem).where(
                InboxItem.appointment_id == hold.appointment_id,
                InboxItem.kind == KIND,
                InboxItem.handled_at.is_(None),
            )
        )
        for item in requests:
            if ((item.note or {}).get("params") or {}).get("hold") == hold.id:
                params = {"hold": hold.id, "when": f"{local:%Y-%m-%d %H:%M}"}
                item.note = {"code": code, "params": params}
