"""Several clients accept one freed slot at the same moment, each in a process of its own
against the same database (SQLite, and PostgreSQL when reachable): exactly one gets it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.appointments import ACTIVE_STATUSES
from bot.domain.waitlist import EntryStatus, OfferStatus
from bot.ledger import waitlist
from bot.ledger.waitlist_offers import offer_freed_slots
from db.models import Appointment, WaitlistEntry, WaitlistOffer
from tests.factories import ADMIN, make_client
from tests.waitlist_helpers import BROADCAST, cancel, madrid, small_salon

NOW = madrid(23, 10)
ROOT = Path(__file__).resolve().parents[2]
EXTRA = 3  # waiting clients besides Boris and Chloe


def _start(url: str, offer_id: int, client_id: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWUP_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.waitlist_accepter",
            "--db",
            url,
            "--offer",
            str(offer_id),
            "--client",
            str(client_id),
            "--now",
            (NOW + timedelta(minutes=2)).isoformat(),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert process.stdout is not None
    ready = process.stdout.readline().strip()
    assert ready == "ready", process.stderr.read() if process.stderr else ready
    return process


async def test_exactly_one_of_several_processes_gets_the_slot(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    salon = await small_salon(sessions, now=NOW)
    async with sessions() as session:
        for number in range(EXTRA):
            client = await make_client(session, f"Waiting {number}", f"+3460099900{number}")
            await waitlist.add_entry(
                session,
                request=waitlist.EntryRequest(client_id=client.id, service_id=salon.service_id),
                who=ADMIN,
                now=NOW,
            )
        await session.commit()
    await cancel(sessions, salon.booking, now=NOW)
    async with sessions() as session:
        await offer_freed_slots(session, now=NOW, rules=BROADCAST)
        await session.commit()
        offers = list(await session.scalars(select(WaitlistOffer).order_by(WaitlistOffer.id)))
    assert len(offers) == 2 + EXTRA

    processes = [_start(database_url, offer.id, offer.client_id) for offer in offers]
    for process in processes:  # all connected and waiting: go at once
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outcomes.append(out.split()[-1])

    assert sorted(outcomes) == ["booked"] + ["gone"] * (1 + EXTRA)
    async with sessions() as session:
        taken = list(
            await session.scalars(
                select(Appointment).where(
                    Appointment.starts_at == madrid(24, 15),
                    Appointment.status.in_(sorted(ACTIVE_STATUSES)),
                )
            )
        )
        statuses = sorted(o.status.value for o in await session.scalars(select(WaitlistOffer)))
        entries = list(await session.scalars(select(WaitlistEntry)))
    assert len(taken) == 1
    assert taken[0].source == "waitlist"
    assert statuses == ["accepted"] + ["taken"] * (1 + EXTRA)
    assert sorted(e.status for e in entries) == sorted(
        [EntryStatus.BOOKED] + [EntryStatus.ACTIVE] * (1 + EXTRA)
    )
    assert OfferStatus.ACCEPTED.value in statuses
