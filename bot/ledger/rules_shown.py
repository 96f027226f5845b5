"""A deposit or a block held back for a client who was never shown the attendance rules.

``bot.domain.policy.rung_applied`` decides; this records the decision (a ``rung:held`` client
event) and tells the admins through their inbox, in the salon's language, so that they can talk
to the client or decide themselves (``/forgive``, ``/block``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import Actor
from bot.domain.policy import Rung
from db.models import Client, ClientEvent, InboxItem

#: the admins' note (the inbox relay adds who it is about and their next visit)
HELD_NOTE = {
    "en": (
        "{strikes} active strikes would mean {rung}, but this client was never shown the "
        "rules: only warned. Talk to them, or use /forgive or /block yourself."
    ),
    "ru": (
        "Активных нарушений: {strikes}, по правилам это {rung}, но клиенту правила ещё не "
        "показывали: отправлено только предупреждение. Поговорите с клиентом или решите сами "  # noqa: RUF001 - Russian
        "(/forgive, /block)."
    ),
    "es": (
        "{strikes} faltas activas supondrían {rung}, pero a este cliente nunca se le mostraron "
        "las normas: solo se le ha avisado. Habla con él o decide tú (/forgive, /block)."
    ),
    "tr": (
        "{strikes} aktif ihlal kurallara göre {rung} demek, ancak bu müşteriye kurallar hiç "
        "gösterilmedi: yalnızca uyarıldı. Müşteriyle konuşun veya kendiniz karar verin "  # noqa: RUF001 - Turkish
        "(/forgive, /block)."
    ),
}
HELD_RUNGS = {
    "en": {Rung.DEPOSIT: "a deposit", Rung.BLOCKED: "a block"},
    "ru": {Rung.DEPOSIT: "депозит", Rung.BLOCKED: "блокировка"},
    "es": {Rung.DEPOSIT: "un depósito", Rung.BLOCKED: "un bloqueo"},
    "tr": {Rung.DEPOSIT: "depozito", Rung.BLOCKED: "engelleme"},
}


def hold_back(
    session: AsyncSession,
    *,
    client: Client,
    appointment_id: int | None,
    wanted: Rung,
    wanted_name: str,
    strikes: float,
    now: datetime,
    locale: str,
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
    lang = locale if locale in HELD_NOTE else "en"
    session.add(
        InboxItem(
            client_id=client.id,
            appointment_id=appointment_id,
            kind="policy_held",
            channel="showup",
            text=HELD_NOTE[lang].format(strikes=f"{strikes:g}", rung=HELD_RUNGS[lang][wanted]),
            created_at=now,
        )
    )
