"""Building the dispatcher and its scheduler from the settings (called from ``showup run``)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.alerts import AdminAlerts
from bot.channels.base import Channel
from bot.clock import Clock
from bot.config import Settings
from bot.conversation.render import Renderer
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from bot.scheduling.pacing import Pacer
from bot.scheduling.scheduler import OutboxScheduler


def create_dispatcher(
    *,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    channels: Mapping[str, Channel],
    renderer: Renderer,
    alerts: AdminAlerts,
    clock: Clock,
) -> Dispatcher:
    rates = {"telegram": settings.telegram_rate_limit, "whatsapp": settings.whatsapp_rate_limit}
    # WhatsApp also limits messages to one user ("pair rate limit")
    intervals = {"whatsapp": max(settings.chat_min_interval, settings.whatsapp_pair_interval)}
    pacers = {
        name: Pacer(
            rate_per_second=rates.get(name),
            chat_interval=intervals.get(name, settings.chat_min_interval).total_seconds(),
        )
        for name in channels
    }
    return Dispatcher(
        sessions=sessions,
        channels=channels,
        renderer=renderer,
        alerts=alerts,
        clock=clock,
        pacers=pacers,
        config=DispatchConfig(
            batch=settings.outbox_batch,
            lease=settings.outbox_lease,
            max_attempts=settings.outbox_max_attempts,
        ),
    )


def create_scheduler(*, settings: Settings, dispatcher: Dispatcher) -> OutboxScheduler:
    return OutboxScheduler(dispatcher=dispatcher, tick=settings.outbox_tick)
