"""A deposit or a block held back for a client who was never shown the attendance rules.

``bot.domain.policy.rung_applied`` decides; this records the decision (a ``rung:held`` client
event) and tells the admins through their inbox (a note the relay words in the salon's language),
so that they can talk to the client or decide themselves (``/forgive``, ``/block``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import Actor
from bot.domain.policy import Rung
from db.models import Client, ClientEvent, InboxItem


def hold_back(
    session: AsyncSession,
    *,
    client: Client,
    appointment_id: int | None,
    wanted: Rung,
    wanted_name: str,
    strikes: float,
    now: datetime,
) -> None:
    """Record that ``wanted`` (a deposit or a block) was not applied, and tell the admins."""
    session.add(
        ClientEvent(
            client_id=client.id,
            appointment_id=appointment_id,
            kind="rung:held",
            weight=Decimal(0),
            actor=Actor.SYSTEM,
            reason=(
                f"{strikes:g} active strike(s) call for {wanted_name}, but the client was "
                "never shown the rules: warned only"
            ),
            data={"wanted": wanted_name, "strikes": strikes},
            created_at=now,
        )
    )
    session.add(
        InboxItem(
            client_id=client.id,
            appointment_id=appointment_id,
            kind="policy_held",
            channel="showup",
            text="",
            note={"code": "policy_held", "params": {"strikes": strikes, "rung": wanted_name}},
            created_at=now,
        )
    )
