"""Moving a booking in the chat: the free times shown, one tap to move (``bot.ledger.holds``).

A Reschedule tap or a reschedule in words ("можно в четверг в 18?") about an open booking gets
the time named if it is free with the same master (one button), else up to three nearest free
times around what was asked (or from tomorrow when nothing was named), each held for the client
for ``SHOWUP_RESCHEDULE_HOLD``, plus "Other time" (to the admins, as before). Nothing free: said
honestly, and the admins get the request. A slot button is ``Button(label, "move", hold id,
booking version)``; "Other time" is ``Button(label, "move_other", booking id, version)``.

With ``SHOWUP_RESCHEDULE=approve`` the tap asks the admins (an inbox item with Approve /
Decline buttons, ``bot.hub.approvals``) and keeps the time for them. A move less than the
late-cancellation window before the visit is not self-service: it goes to the admins
(``reschedule_late``), as the policy script says; no strike is counted for asking.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_timedelta
from sqlalchemy import select

from bot.channels.base import Button, DialogReply
from bot.conversation.flows.turn import Turn
from bot.domain.appointments import Actor
from bot.domain.day_parts import DayPart
from bot.domain.holds import HoldStatus, RescheduleMode, RescheduleRules
from bot.domain.names import localized_name
from bot.domain.policy import is_late_cancel
from bot.domain.slots import Slot
from bot.ledger import appointments as ledger
from bot.ledger.held import release_holds
from bot.ledger.holds import Outcome, client_hold, place_holds, take_hold
from bot.ledger.move_search import move_options
from db.models import Appointment, MessageLog, SlotHold, Staff

MOVE = "move"
OTHER = "move_other"
MOVE_INTENTS = frozenset({MOVE, OTHER})
#: messengers that show fewer buttons under a message (WhatsApp: 3): one is "Other time"
BUTTONS_AT_MOST = {"whatsapp": 3}


class Rescheduling:
    """Offers free times for a booking and moves it on a tap."""

    async def offer(
        self,
        turn: Turn,
        target: Appointment,
        when: datetime | date | None,
        part: DayPart | None = None,
    ) -> list[DialogReply] | None:
        """Free times to move ``target`` to (in ``part`` of the day, when one was asked for);
        None when moving in the chat is off."""
        setup = turn.setup
        rules, reminders = setup.reschedule, setup.reminders
        if rules is None or reminders is None:
            return None
        turn.state.appointment_id = target.id
        proposed = _proposed(turn, when)
        exact_time = when if isinstance(when, datetime) else None
        if await self._late(turn, target):
            note: dict[str, object] = {"code": "reschedule_late", "params": {"id": target.id}}
            await turn.to_admin(
                target, "reschedule_request", reply=False, proposed=exact_time, note=note
            )
            return [turn.say("reschedule_late", target, proposed=proposed)]
        options = await move_options(
            turn.session,
            appointment=target,
            when=when,
            now=turn.now,
            zone=setup.zone,
            step=rules.step,
            limit=min(rules.offered, BUTTONS_AT_MOST.get(turn.message.channel, 99) - 1),
            part=part,
        )
        held = await place_holds(
            turn.session, appointment=target, slots=options.slots, now=turn.now, hold=rules.hold
        )
        if not held:
            await turn.to_admin(target, "reschedule_request", reply=False, proposed=exact_time)
            return [turn.say("reschedule_none", target, proposed=proposed)]
        return [
            await self._offer_reply(
                turn,
                target,
                held,
                rules,
                proposed=proposed,
                exact=options.exact,
                whole_day=when is not None and not isinstance(when, datetime),
            )
        ]

    async def _offer_reply(
        self,
        turn: Turn,
        target: Appointment,
        held: list[tuple[Slot, SlotHold]],
        rules: RescheduleRules,
        *,
        proposed: str | None,
        exact: bool,
        whole_day: bool,
    ) -> DialogReply:
        scripts, locale = turn.setup.scripts, turn.locale
        others = {slot.staff_id for slot, _ in held} - {target.staff_id}
        names = {  # another master's name as this client reads it
            staff.id: localized_name(staff.name, staff.names, locale)
            for staff in await turn.session.scalars(select(Staff).where(Staff.id.in_(others)))
        }
        lines = [
            f"• {scripts.when_text(slot.local, locale)}"
            + (
                f" ({names.get(slot.staff_id, slot.staff_name)})"
                if slot.staff_id in others
                else ""
            )
            for slot, _ in held
        ]
        variables = {
            **turn.variables(target),
            "proposed": proposed,
            "exact": exact,
            "whole_day": whole_day,
            "approval": rules.mode is RescheduleMode.APPROVE,
            "slots": "\n".join(lines),
            "hold": format_timedelta(rules.hold, threshold=2, locale=locale),
        }
        text, labels = scripts.render_named("reschedule_offer", locale=locale, variables=variables)
        buttons = [
            Button(scripts.slot_label(slot.local, locale), MOVE, hold.id, target.version)
            for slot, hold in held
        ]
        buttons += [Button(label, key, target.id, target.version) for key, label in labels.items()]
        return DialogReply(text, tuple(buttons), outcome="reschedule_offer")

    async def tap(self, turn: Turn, button: Button) -> list[DialogReply]:  # noqa: PLR0911 - one per outcome
        """A tap on a slot (``move``) or on "Other time" (``move_other``)."""
        if button.intent == OTHER:
            return await self._other(turn, button)
        hold = await client_hold(
            turn.session, hold_id=button.appointment_id, client_id=turn.client.id
        )
        rules, reminders = turn.setup.reschedule, turn.setup.reminders
        if hold is None or rules is None or reminders is None:
            return await turn.to_admin(None, "other")
        current = await turn.session.get(Appointment, hold.appointment_id)
        if current is not None and turn.is_open(current) and await self._late(turn, current):
            return await self.offer(turn, current, None) or []  # says it goes to the admins
        was_asked = hold.status is HoldStatus.ASKED
        move = await take_hold(
            turn.session,
            hold=hold,
            who=ledger.Who(actor=Actor.CLIENT, channel=turn.message.channel),
            now=turn.now,
            rules=reminders,
            ask_for=rules.approval if rules.mode is RescheduleMode.APPROVE else None,
        )
        when = turn.setup.scripts.when_text(
            hold.starts_at.astimezone(turn.setup.zone), turn.locale
        )
        if move.outcome is Outcome.MOVED and move.appointment is not None:
            turn.state.appointment_id = move.appointment.id
            return [turn.say("reschedule_moved", move.appointment)]
        if move.outcome is Outcome.ASKED and move.appointment is not None:
            if not was_asked:
                await self._ask_admins(turn, move.appointment, hold)
            return [turn.say("reschedule_asked", move.appointment, proposed=when)]
        if move.outcome is Outcome.TAKEN and move.appointment is not None:
            fresh = await self.offer(turn, move.appointment, hold.starts_at) or []
            return [turn.say("reschedule_taken", move.appointment, proposed=when), *fresh]
        if current is not None and current.client_id == turn.client.id:
            return [turn.say("ack_stale", current)]
        return await turn.to_admin(None, "other")

    async def _other(self, turn: Turn, button: Button) -> list[DialogReply]:
        """None of the times suits: the admins get the request, as before."""
        target = await turn.session.get(Appointment, button.appointment_id)
        if target is None or target.client_id != turn.client.id:
            return await turn.to_admin(None, "other")
        if target.version != button.version or not turn.is_open(target):
            return [turn.say("ack_stale", target)]
        await release_holds(turn.session, appointment_id=target.id, now=turn.now)
        await turn.to_admin(
            target,
            "reschedule_request",
            reply=False,
            text=await _their_words(turn),
            note={"code": "move_other", "params": {}},
        )
        return [turn.say("ack_reschedule", target, proposed=None)]

    async def _ask_admins(self, turn: Turn, target: Appointment, hold: SlotHold) -> None:
        local = hold.starts_at.astimezone(turn.setup.zone)
        until = hold.expires_at.astimezone(turn.setup.zone)
        note: dict[str, object] = {
            "code": "reschedule_approval",
            "params": {
                "hold": hold.id,
                "when": f"{local:%Y-%m-%d %H:%M}",
                "master": hold.staff.name,
                "until": f"{until:%H:%M}",
            },
        }
        await turn.to_admin(
            target,
            "reschedule_approval",
            reply=False,
            proposed=hold.starts_at,
            text=await _their_words(turn),  # the time is in the note, worded for the admins
            note=note,
        )

    async def _late(self, turn: Turn, target: Appointment) -> bool:
        """Less than the late-cancellation window before the visit (the same rule as a late
        cancellation, with the grace after the asking reminder)."""
        policy = turn.setup.policy
        return is_late_cancel(
            starts_at=target.starts_at,
            cancelled_at=turn.now,
            window=turn.setup.late_window,
            asked_at=await ledger.asked_at(turn.session, target),
            grace=policy.rules.late_cancel_grace if policy is not None else timedelta(0),
            quiet=policy.quiet if policy is not None else None,
            zone=policy.zone if policy is not None else None,
        )


def _proposed(turn: Turn, when: datetime | date | None) -> str | None:
    if when is None:
        return None
    return turn.setup.scripts.when_text(when, turn.locale)


async def _their_words(turn: Turn) -> str:
    """The client's last message in their own words (not a tap): what the admins read under a
    request made with buttons."""
    asked = await turn.session.scalar(
        select(MessageLog.body)
        .where(
            MessageLog.client_id == turn.client.id,
            MessageLog.direction == "in",
            MessageLog.body.not_like("[%"),
        )
        .order_by(MessageLog.id.desc())
        .limit(1)
    )
    return asked or ""


__all__ = ["MOVE", "MOVE_INTENTS", "OTHER", "Rescheduling"]
