"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import bot
from bot.api.auth import require_token
from bot.api.errors import (
    COMMON_RESPONSES,
    SafeJSONResponse,
    domain_error,
    integrity_error,
    validation_error,
)
from bot.api.routes import appointments, catalog, clients, health, salon, schedules, waitlist
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.errors import ShowUpError

logger = logging.getLogger(__name__)


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
        default_response_class=SafeJSONResponse,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.api_token = api_token
    app.state.clock = clock or SystemClock()
    app.state.telegram_username = None  # set by `showup run` once the bot answered getMe
    app.add_exception_handler(ShowUpError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(IntegrityError, integrity_error)

    # the webhooks first: a request is matched against the routes in order, and behind the
    # whole REST API the matching was a quarter of a webhook's CPU (py-spy at 200 updates/s)
    for router in webhooks:
        app.include_router(router)
    api = APIRouter(
        prefix="/api/v1", dependencies=[Depends(require_token)], responses=COMMON_RESPONSES
    )
    for module in (salon, catalog, clients, appointments, schedules, waitlist):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)
    return app
