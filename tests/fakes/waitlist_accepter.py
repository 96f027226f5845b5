"""One client accepting a waitlist offer, in a process of its own, through the ledger.

``python -m tests.fakes.waitlist_accepter --db URL --offer 3 --client 5 --now ISO`` prints
``ready``, waits for a line on stdin (so that several processes accept at the same moment),
accepts in one transaction and prints the outcome (``booked``, ``gone``…)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime

from bot.domain.appointments import Actor
from bot.ledger.appointments import Who
from bot.ledger.waitlist_answers import accept_offer
from db.engine import create_engine, create_session_factory
from tests.factories import RULES
from tests.waitlist_helpers import BROADCAST


async def main(url: str, offer_id: int, client_id: int, now: datetime) -> str:
    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        async with sessions() as session:  # connect before the signal, not after
            await session.connection()
            await session.rollback()
        print("ready", flush=True)
        sys.stdin.readline()
        async with sessions() as session:
            answer = await accept_offer(
                session,
                offer_id=offer_id,
                client_id=client_id,
                who=Who(actor=Actor.CLIENT, channel="test"),
                now=now,
                rules=RULES,
                waitlist_rules=BROADCAST,
            )
            await session.commit()
        return answer.outcome.value
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--offer", type=int, required=True)
    parser.add_argument("--client", type=int, required=True)
    parser.add_argument("--now", required=True)
    args = parser.parse_args()
    outcome = asyncio.run(main(args.db, args.offer, args.client, datetime.fromisoformat(args.now)))
    print(outcome, flush=True)
