"""What the webhook fuzz tests share: hypothesis settings and the inbound queue's verdicts.

CI runs a small, fixed set of examples (``derandomize``). For a long local run:
``SHOWUP_FUZZ_EXAMPLES=2000 pytest tests/channels/test_fuzz_*.py`` (``SHOWUP_FUZZ_SHRINK=0`` to
see failing examples as found, unshrunk).
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, Phase, settings
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.scheduling.inbound_worker import InboundWorker
from db.models import InboundStatus, InboundUpdate

EXAMPLES = int(os.environ.get("SHOWUP_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=EXAMPLES <= 100,  # the CI run is the same every time
    deadline=None,
    database=None,
    # SHOWUP_FUZZ_SHRINK=0: report the failing examples as found (a long run finishes sooner)
    phases=[
        p for p in Phase if p is not Phase.shrink or os.environ.get("SHOWUP_FUZZ_SHRINK") != "0"
    ],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one app and database for all examples
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
OK_STATUSES = {200, 400, 401, 403, 413}


async def settle(inbound: InboundWorker, clock: ManualClock) -> None:
    """Handle everything due; the clock moves on a little, as it would between updates."""
    await inbound.idle()
    clock.advance(timedelta(minutes=1))


async def misfits(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str]]:
    """Rows that did not end well: still in hand, or failed in our code (retried, or parked
    after retries); each with its error and payload. Done rows and rows parked at once as
    unreadable are fine. The queue is emptied for the next example (so that a redelivered id
    is new again, and one failure does not fail every later example)."""
    async with sessions() as session, session.begin():
        rows = await session.scalars(
            select(InboundUpdate).where(InboundUpdate.status != InboundStatus.DONE)
        )
        found = [
            (f"{row.status}: {row.last_error}", row.payload[:500])
            for row in rows
            if not (
                row.status is InboundStatus.PARKED
                and (row.last_error or "").startswith("unreadable:")
            )
        ]
        await session.execute(delete(InboundUpdate))
    return found
