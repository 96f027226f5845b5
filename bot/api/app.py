"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import bot
from bot.api.auth import require_token
from bot.api.routes import appointments, catalog, clients, health, salon
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.errors import (
    ConflictError,
    DatabaseNotReadyError,
    InvalidInputError,
    NotFoundError,
    ShowUpError,
)

logger = logging.getLogger(__name__)

_STATUS = (
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (ConflictError, status.HTTP_409_CONFLICT),
    (InvalidInputError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (DatabaseNotReadyError, status.HTTP_503_SERVICE_UNAVAILABLE),
)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    code = next((c for kind, c in _STATUS if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
    body: dict[str, object] = {"detail": str(exc)}
    if isinstance(exc, InvalidInputError) and exc.field:
        body["field"] = exc.field
    return JSONResponse(status_code=code, content=body)


def create_app(
    *,
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    api_token: str,
    clock: Clock | None = None,
    engine: AsyncEngine | None = None,
    webhooks: Sequence[APIRouter] = (),
) -> FastAPI:
    """Build the application; nothing connects until the first request.

    ``engine``, when given, is disposed when the application shuts down.
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if engine is not None:
            await engine.dispose()

    app = FastAPI(
        title="ShowUp",
        version=bot.__version__,
        description="Booking ledger of ShowUp. Every /api/v1 call needs `Authorization: Bearer`.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.api_token = api_token
    app.state.clock = clock or SystemClock()
    app.state.telegram_username = None  # set by `showup run` once the bot answered getMe
    app.add_exception_handler(ShowUpError, _domain_error)

    api = APIRouter(prefix="/api/v1", dependencies=[Depends(require_token)])
    for module in (salon, catalog, clients, appointments):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)
    for router in webhooks:
        app.include_router(router)
    return app
