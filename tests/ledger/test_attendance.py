"""The no-show flow and the policy, driven by the clock on a real database:
prompt → no-show → follow-up → answer before the deadline / silence until it → strikes, rungs,
deposit, block, loyalty, and the admins' overrides."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.commands import AdminCommands, AdminSetup
from bot.api.app import create_app
from bot.channels.base import InboundMessage
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation.dialog import Dialog, DialogSetup
from bot.domain.appointments import Action, Actor, AppointmentStatus, CancelledBy
from bot.domain.policy import Rung
from bot.hub.admin_side import AdminBroadcast, NoShowWatch
from bot.ledger import appointments as ledger
from bot.ledger.attendance import AttendancePolicy, policy_from, standing
from bot.ledger.clients import link_identity
from bot.ledger.salon import SALON_ID
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from db.models import (
    Appointment,
    Client,
    ClientEvent,
    InboxItem,
    NoShowFollowUp,
    Salon,
    ScheduledMessage,
)
from tests.conftest import API_TOKEN
from tests.factories import ADMIN, RULES, make_client, make_service, make_staff
from tests.fakes.channels import RecordingChannel
from tests.fakes.scripts import script_book

CLIENT = "+34600111222"


@dataclass
class Salon_:
    sessions: async_sessionmaker[AsyncSession]
    clock: ManualClock
    policy: AttendancePolicy
    client_chat: RecordingChannel
    admin_chat: RecordingChannel
    outbox: Dispatcher
    watch: NoShowWatch
    commands: AdminCommands
    dialog: DialogSetup
    client_id: int = 0
    staff_id: int = 0
    service_id: int = 0

    async def book(self, *, in_minutes: float) -> int:
        async with self.sessions() as session:
            result = await ledger.book(
                session,
                request=ledger.BookingRequest(
                    client_id=self.client_id,
                    staff_id=self.staff_id,
                    service_id=self.service_id,
                    starts_at=self.clock.now() + timedelta(minutes=in_minutes),
                ),
                who=ADMIN,
                now=self.clock.now(),
                rules=RULES,
                policy=self.policy,
            )
            await session.commit()
            return result.appointment.id

    async def admin(self, line: str) -> list[str]:
        name, _, args = line.removeprefix("/").partition(" ")
        return await self.commands.run(name, args, admin="900", channel="telegram")

    async def client_says(self, text: str) -> list[str]:
        async with self.sessions() as session:
            replies = await Dialog(session, self.dialog, self.clock.now()).handle(
                InboundMessage(channel="test", sender=CLIENT, text=text)
            )
            await session.commit()
        return [reply.text for reply in replies]

    async def later(self, minutes: float, *, every: float = 5) -> None:
        """Time passes; the outbox and the watch do their rounds ``every`` minutes."""
        target = self.clock.now() + timedelta(minutes=minutes)
        while self.clock.now() < target:
            self.clock.set(min(target, self.clock.now() + timedelta(minutes=every)))
            await self.outbox.drain()
            await self.watch.watch()

    async def next_morning(self) -> None:
        """On to 10:00 of the next day, salon time."""
        local = self.clock.now().astimezone(self.policy.zone)
        morning = (local + timedelta(days=1)).replace(hour=10, minute=0, second=0)
        await self.later((morning - local).total_seconds() / 60, every=60)

    async def appointment(self, appointment_id: int) -> Appointment:
        async with self.sessions() as session:
            found = await session.get(Appointment, appointment_id)
            assert found is not None
            return found

    async def client(self) -> Client:
        async with self.sessions() as session:
            found = await session.get(Client, self.client_id)
            assert found is not None
            return found

    async def events(self) -> list[tuple[str, Decimal]]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(ClientEvent)
                .where(ClientEvent.client_id == self.client_id)
                .order_by(ClientEvent.id)
            )
            return [(row.kind, row.weight) for row in rows]

    async def strikes(self) -> tuple[float, Rung]:
        async with self.sessions() as session:
            client = await session.get(Client, self.client_id)
            assert client is not None
            state = await standing(
                session, client=client, now=self.clock.now(), rules=self.policy.rules
            )
            return state.strikes, state.rung

    async def no_show(self, *, explained: str | None = None) -> int:
        """A booking the client misses; marked by the admin, asked, answered or not."""
        await self.next_morning()
        appointment_id = await self.book(in_minutes=60)
        await self.later(61)
        [marked] = await self.admin(f"/noshow {appointment_id}")
        assert "now no-show" in marked
        await self.later(31)  # the follow-up goes out
        if explained is not None:
            await self.client_says(explained)
        async with self.sessions() as session:
            followup = await session.get(NoShowFollowUp, appointment_id)
            assert followup is not None
            deadline = followup.deadline_at
        await self.later((deadline - self.clock.now()).total_seconds() / 60 + 1)
        return appointment_id


def make_salon(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    policy: AttendancePolicy,
    settings: Settings,
    *,
    auto_after: timedelta | None = None,
) -> Salon_:
    client_chat = RecordingChannel("test")
    admin_chat = RecordingChannel("telegram")
    outbox = Dispatcher(
        sessions=sessions,
        channels={"test": client_chat},
        renderer=script_book(),
        alerts=_NoAlerts(),
        clock=clock,
        config=DispatchConfig(),
    )
    watch = NoShowWatch(
        sessions=sessions,
        broadcast=AdminBroadcast(admin_chat, ["900"]),
        clock=clock,
        policy=policy,
        grace=timedelta(minutes=15),
        auto_after=auto_after,
    )
    commands = AdminCommands(
        sessions=sessions,
        setup=AdminSetup(
            zone=policy.zone,
            rules=RULES,
            late_window=timedelta(hours=24),
            phone_region="ES",
            policy=policy,
        ),
        clock=clock,
    )
    dialog = DialogSetup(
        scripts=script_book(),
        zone=policy.zone,
        salon_name="Test Salon",
        default_locale="en",
        late_window=settings.late_cancel_window,
        policy=policy,
    )
    return Salon_(
        sessions, clock, policy, client_chat, admin_chat, outbox, watch, commands, dialog
    )


class _NoAlerts:
    async def alert(self, text: str) -> None:
        raise AssertionError(f"unexpected admin alert: {text}")


async def _policy(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, **rules: Any
) -> AttendancePolicy:
    async with sessions() as session:
        salon = await session.get(Salon, SALON_ID)
        assert salon is not None
    policy = policy_from(settings, salon)
    return dataclasses.replace(policy, rules=dataclasses.replace(policy.rules, **rules))


async def _open(salon: Salon_) -> Salon_:
    async with salon.sessions() as session:
        client = await make_client(session, name="Anna", phone=CLIENT)
        client.locale = "en"
        await link_identity(session, client_id=client.id, channel="test", external_id=CLIENT)
        salon.client_id = client.id
        salon.staff_id = (await make_staff(session)).id
        salon.service_id = (await make_service(session, price="30.00")).id
        await session.commit()
    return salon


@pytest.fixture
async def salon(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, settings: Settings
) -> Salon_:
    return await _open(make_salon(sessions, clock, await _policy(sessions, settings), settings))


async def test_prompt_then_no_show_then_an_explained_first_miss_is_forgiven(
    salon: Salon_,
) -> None:
    appointment_id = await salon.book(in_minutes=60)
    await salon.later(70)
    assert salon.admin_chat.sent == []  # 10 min late: still inside the grace period

    await salon.later(6)
    [prompt] = salon.admin_chat.sent
    assert "Anna" in prompt.text
    assert "not marked arrived" in prompt.text
    assert [b.intent for b in prompt.buttons] == ["admin_arrived", "admin_noshow", "admin_late"]
    await salon.later(5)
    assert len(salon.admin_chat.sent) == 1  # asked once

    await salon.admin(f"/noshow {appointment_id}")
    await salon.later(31)
    followup = salon.client_chat.sent[-1]
    assert "We missed you. Is everything all right?" in followup.text

    answer = await salon.client_says("So sorry, I completely forgot! Can I come Thursday?")

    assert answer == [  # Thursday is passed on, not asked for again
        "Thank you for answering, Anna. Life happens. We've told the administrator that "
        "Thursday, November 26 suits you: they'll find a time and write to you here."
    ]
    async with salon.sessions() as session:
        row = await session.get(NoShowFollowUp, appointment_id)
        assert row is not None
        assert (row.reason, row.decision) == ("forgot", "forgiven")
        kinds = [i.kind for i in await session.scalars(select(InboxItem).order_by(InboxItem.id))]
    assert kinds == ["noshow_reason", "reschedule_request"]
    assert await salon.events() == [("forgiven", Decimal("0.00"))]
    assert await salon.strikes() == (0.0, Rung.NONE)


async def test_silence_until_the_deadline_is_a_strike_and_a_warning(salon: Salon_) -> None:
    appointment_id = await salon.no_show()

    assert await salon.events() == [("no_show", Decimal("1.00")), ("rung:warned", Decimal(0))]
    assert await salon.strikes() == (1.0, Rung.WARNING)
    async with salon.sessions() as session:
        row = await session.get(NoShowFollowUp, appointment_id)
        assert row is not None
        assert row.decision == "strike"
        assert row.answered_at is None
        planned = await session.scalar(
            select(ScheduledMessage).where(ScheduledMessage.script == "policy_warning")
        )
        assert planned is not None
    await salon.later(60 * 13)  # after the quiet hours
    assert (
        "If it happens again, we will have to ask for a deposit" in salon.client_chat.sent[-1].text
    )
    [report] = await salon.admin("/noshows")
    assert "no answer by the deadline (strike)" in report
    assert "Why: no explanation (1)" in report


async def test_the_ladder_deposit_then_block_and_the_api_refuses(
    salon: Salon_, settings: Settings
) -> None:
    await salon.no_show()
    await salon.no_show(explained="I forgot again, sorry")  # explained, but not the first
    assert await salon.strikes() == (2.0, Rung.DEPOSIT)

    with_deposit = await salon.appointment(await salon.book(in_minutes=60 * 24 * 3))
    assert with_deposit.deposit_due == Decimal("9.00")  # 30 % of 30.00
    await salon.next_morning()  # the confirmation waited for the end of the quiet hours
    assert any("needs a deposit of €9.00" in m.text for m in salon.client_chat.sent)

    async with salon.sessions() as session:  # that visit is missed too
        await ledger.mark_appointment(
            session,
            appointment_id=with_deposit.id,
            action=Action.MARK_NO_SHOW,
            who=ADMIN,
            now=with_deposit.starts_at + timedelta(hours=1),
            policy=salon.policy,
        )
        await session.commit()
    salon.clock.set(with_deposit.starts_at + timedelta(days=2))
    await salon.watch.watch()
    client = await salon.client()
    assert client.blocked
    assert client.policy_rung == Rung.BLOCKED
    assert "3 strikes" in (client.blocked_reason or "")

    with pytest.raises(Exception, match="Anna cannot book: 3 strikes"):
        await salon.book(in_minutes=600)
    app = create_app(
        settings=settings, session_factory=salon.sessions, api_token=API_TOKEN, clock=salon.clock
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://t",
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    ) as api:
        refused = await api.post(
            "/api/v1/appointments",
            json={
                "client_id": salon.client_id,
                "staff_id": salon.staff_id,
                "service_id": salon.service_id,
                "starts_at": "2027-01-10T12:00",
            },
        )
        events = await api.get(f"/api/v1/clients/{salon.client_id}/events")
    assert refused.status_code == 409
    assert "cannot book: 3 strikes" in refused.json()["detail"]
    kinds = [e["kind"] for e in events.json()]
    assert kinds == [
        "no_show",
        "rung:warned",
        "no_show",
        "rung:deposit",
        "no_show",
        "rung:blocked",
    ]
    assert all(e["reason"] for e in events.json())


async def test_running_late_postpones_the_prompt(salon: Salon_) -> None:
    appointment_id = await salon.book(in_minutes=60)
    await salon.later(62)
    async with salon.sessions() as session:
        await ledger.note_running_late(
            session,
            appointment_id=appointment_id,
            who=ledger.Who(Actor.CLIENT),
            now=salon.clock.now(),
            text="running 20 min late, sorry",
        )
        await session.commit()
    await salon.later(30)  # start + 32 min: expected at +22, grace until +37
    assert salon.admin_chat.sent == []
    await salon.later(6)
    assert len(salon.admin_chat.sent) == 1


async def test_admin_late_button_asks_again_later(salon: Salon_) -> None:
    appointment_id = await salon.book(in_minutes=60)
    await salon.later(76)
    [answer] = await salon.admin(f"/late {appointment_id}")
    assert "running late" in answer
    await salon.later(20)
    assert len(salon.admin_chat.sent) == 1
    await salon.later(11)
    assert len(salon.admin_chat.sent) == 2


async def test_unanswered_prompt_becomes_a_no_show_when_configured(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, settings: Settings
) -> None:
    policy = await _policy(sessions, settings)
    salon = await _open(
        make_salon(sessions, clock, policy, settings, auto_after=timedelta(minutes=30))
    )
    appointment_id = await salon.book(in_minutes=60)
    await salon.later(75)  # prompted now, at start + 15 min
    await salon.later(29)
    assert (await salon.appointment(appointment_id)).status is AppointmentStatus.BOOKED
    await salon.later(2)
    assert (await salon.appointment(appointment_id)).status is AppointmentStatus.NO_SHOW
    assert "marked a no-show automatically" in salon.admin_chat.sent[-1].text
    async with salon.sessions() as session:
        assert await session.get(NoShowFollowUp, appointment_id) is not None


async def test_loyalty_reward_once_then_applied_to_the_next_booking(salon: Salon_) -> None:
    for _ in range(5):
        visit = await salon.book(in_minutes=60)
        await salon.later(60)
        await salon.admin(f"/arrived {visit}")
        await salon.later(60 * 24, every=240)
    assert [kind for kind, _ in await salon.events()].count("rewarded") == 1
    assert any("10% off" in m.text for m in salon.client_chat.sent)
    assert (await salon.client()).loyalty_discount == "10%"

    next_visit = await salon.appointment(await salon.book(in_minutes=600))
    assert next_visit.discount == "10%"
    assert (await salon.client()).loyalty_discount is None
    [board] = await salon.admin(
        f"/day {next_visit.starts_at.astimezone(salon.policy.zone):%Y-%m-%d}"
    )
    assert "🎁 -10%" in board

    sixth = await salon.book(in_minutes=60 * 24)
    await salon.later(60 * 24, every=240)
    await salon.admin(f"/arrived {sixth}")
    assert [kind for kind, _ in await salon.events()].count("rewarded") == 1


async def test_late_cancellations_weigh_half(salon: Salon_) -> None:
    for _ in range(2):
        appointment_id = await salon.book(in_minutes=120)
        async with salon.sessions() as session:
            await ledger.cancel_appointment(
                session,
                appointment_id=appointment_id,
                cancelled_by=CancelledBy.CLIENT,
                late_window=timedelta(hours=24),
                who=ledger.Who(Actor.CLIENT),
                now=salon.clock.now(),
                policy=salon.policy,
            )
            await session.commit()
    assert await salon.strikes() == (1.0, Rung.WARNING)
    [report] = await salon.admin("/noshows")
    assert "; 2 late cancellations" in report


async def test_a_late_cancellation_for_illness_is_excused_once(salon: Salon_) -> None:
    first = await salon.book(in_minutes=120)
    [answer] = await salon.client_says("Простите, заболела, не смогу прийти")
    assert (await salon.appointment(first)).status is AppointmentStatus.CANCELLED
    assert "this time it does not count as a late cancellation" in answer
    assert await salon.strikes() == (0.0, Rung.NONE)
    cancelled = await salon.appointment(first)
    [board] = await salon.admin(f"/day {cancelled.starts_at.astimezone(salon.policy.zone):%F}")
    assert "cancelled late · excused: illness or emergency" in board

    second = await salon.book(in_minutes=120)
    [answer] = await salon.client_says("Опять заболела, извините, не смогу прийти")
    assert (await salon.appointment(second)).status is AppointmentStatus.CANCELLED
    assert "this counts as a late cancellation" in answer  # the second within the period
    assert await salon.strikes() == (0.5, Rung.NONE)

    third = await salon.book(in_minutes=120)
    [answer] = await salon.client_says("Планы поменялись, не смогу прийти")
    assert (await salon.appointment(third)).status is AppointmentStatus.CANCELLED
    assert "this counts as a late cancellation" in answer
    kinds = [kind for kind, _ in await salon.events()]
    assert kinds == ["excused", "late_cancel", "late_cancel", "rung:warned"]
    [report] = await salon.admin("/noshows")
    assert report.endswith("; 3 late cancellations, 1 of them excused (illness or emergency)")
    assert await salon.strikes() == (1.0, Rung.WARNING)


async def test_double_price_after_a_no_show_when_enabled(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, settings: Settings
) -> None:
    policy = await _policy(sessions, settings, double_price=True)
    salon = await _open(make_salon(sessions, clock, policy, settings))
    await salon.no_show(explained="I was ill with fever")  # forgiven, but still missed
    doubled = await salon.appointment(await salon.book(in_minutes=60 * 24))
    assert doubled.double_price
    board = await salon.admin(f"/day {doubled.starts_at.astimezone(policy.zone):%Y-%m-%d}")
    assert "double price" in board[0]


async def test_admin_overrides_are_recorded_with_who_and_why(salon: Salon_) -> None:
    await salon.no_show()
    [blocked] = await salon.admin(f"/block {CLIENT} rude to the staff")
    assert "blocked" in blocked
    with pytest.raises(Exception, match="rude to the staff"):
        await salon.book(in_minutes=600)
    [unblocked] = await salon.admin(f"/unblock {salon.client_id} apologised")
    assert "unblocked" in unblocked
    [forgiven] = await salon.admin(f"/forgive {salon.client_id} was in hospital")
    assert "strikes wiped" in forgiven
    assert await salon.strikes() == (0.0, Rung.NONE)
    [card] = await salon.admin(f"/strikes {salon.client_id}")
    assert "no active strikes — in good standing" in card
    assert " blocked (admin telegram:900): rude to the staff" in card
    assert " strikes wiped (admin telegram:900): was in hospital" in card
    [bad] = await salon.admin("/block Anna")
    assert "client's id or phone" in bad


async def test_forgiveness_can_be_switched_off(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, settings: Settings
) -> None:
    policy = await _policy(sessions, settings, forgive_first_explained=False)
    salon = await _open(make_salon(sessions, clock, policy, settings))
    await salon.no_show(explained="My child was sick")
    assert await salon.strikes() == (1.0, Rung.WARNING)
