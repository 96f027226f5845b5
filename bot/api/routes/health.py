"""Liveness and readiness: no token needed, no secrets shown."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from sqlalchemy import text

from bot.scheduling.inbound_queue import backlog

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(request: Request, response: Response) -> dict[str, object]:
    """``ok`` when the process is up and the database answers; with how far the handling of
    received messages is behind (``inbound``: waiting, retrying, parked, lag in seconds)."""
    try:
        async with request.app.state.session_factory() as session:
            await session.execute(text("SELECT 1"))
            queue = await backlog(session)
    except Exception:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": "unavailable", "database": "unreachable"}
    lag = queue.lag(request.app.state.clock.now()).total_seconds()
    return {
        "status": "ok",
        "database": "ok",
        "inbound": {
            "waiting": queue.waiting,
            "retrying": queue.retrying,
            "parked": queue.parked,
            "lag_seconds": round(max(lag, 0.0), 1),
        },
    }
