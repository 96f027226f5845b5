"""Assembling the messenger side of ``showup run`` from the settings: channels, hub, admin jobs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.alerts import AdminAlerts, LoggingAlerts
from bot.admin.texts import AdminTexts
from bot.channels.base import Channel
from bot.channels.telegram import CHANNEL as TELEGRAM
from bot.channels.telegram import TelegramChannel, TelegramRuntime, create_bot
from bot.channels.whatsapp import CHANNEL as WHATSAPP
from bot.channels.whatsapp import WhatsAppChannel, WhatsAppReceiver, create_whatsapp
from bot.cli.common import Ledger
from bot.cli.desk import admin_commands, build_desk
from bot.clock import Clock
from bot.config import Settings
from bot.conversation.render import Renderer
from bot.conversation.scripts import ScriptBook
from bot.conversation.templates import TemplatedRenderer, WhatsAppTemplates
from bot.hub.admin_side import AdminBroadcast, ChannelAlerts, MorningDigest, NoShowWatch
from bot.hub.desk import Desk
from bot.hub.relay import InboxRelay
from bot.scheduling.inbound_worker import Handler, InboundSettings, InboundWorker
from bot.scheduling.scheduler import OutboxScheduler
from bot.scheduling.waitlist_worker import WAITLIST_EVERY, WaitlistWorker

logger = logging.getLogger(__name__)
WATCH_EVERY = timedelta(minutes=1)

RELAY_JOB = "inbox-relay"
WATCH_JOB = "noshow-watch"
PRUNE_JOB = "prune-inbound-receipts"
DIGEST_JOB = "morning-digest"
WAITLIST_JOB = "waitlist"
LAPSE_JOB = "move-approvals-lapse"


@dataclass
class Messengers:
    channels: dict[str, Channel] = field(default_factory=dict)
    alerts: AdminAlerts = field(default_factory=LoggingAlerts)
    renderer: Renderer | None = None
    templates: WhatsAppTemplates | None = None
    telegram: TelegramRuntime | None = None
    whatsapp: WhatsAppReceiver | None = None
    desk: Desk | None = None
    inbound: InboundWorker | None = None
    relay: InboxRelay | None = None
    digest: MorningDigest | None = None
    watch: NoShowWatch | None = None
    scheduler: OutboxScheduler | None = None
    waitlist: WaitlistWorker | None = None

    def nudge(self) -> None:
        """Something may await the admins: forward it now rather than at the next tick."""
        if self.scheduler is not None and self.relay is not None:
            self.scheduler.run_soon(RELAY_JOB)

    def schedule(self, scheduler: OutboxScheduler, settings: Settings, ledger: Ledger) -> None:
        """Add the admin-side jobs to the scheduler that ticks the outbox."""
        self.scheduler = scheduler
        relay = self.relay
        if relay is not None:
            scheduler.every(
                relay.relay, seconds=settings.outbox_tick.total_seconds(), name=RELAY_JOB
            )
        if self.inbound is not None:
            scheduler.every(self.inbound.prune, seconds=6 * 3600, name=PRUNE_JOB)
        if self.watch is not None:
            scheduler.every(self.watch.watch, seconds=WATCH_EVERY.total_seconds(), name=WATCH_JOB)
        if self.desk is not None:  # moves no admin approved in time (SHOWUP_RESCHEDULE=approve)
            self.desk.approvals.on_queued = scheduler.wake_now  # the client's answer goes now
            scheduler.every(
                self.desk.approvals.lapse, seconds=WATCH_EVERY.total_seconds(), name=LAPSE_JOB
            )
        if self.waitlist is not None:
            self.waitlist.on_offers = scheduler.wake_now
            scheduler.every(
                self.waitlist.tick, seconds=WAITLIST_EVERY.total_seconds(), name=WAITLIST_JOB
            )
        digest = self.digest
        if digest is not None and settings.admin_digest_at is not None:
            scheduler.daily(
                digest.send, at=settings.admin_digest_at, zone=ledger.zone, name=DIGEST_JOB
            )


def build_messengers(
    *,
    settings: Settings,
    ledger: Ledger,
    scripts: ScriptBook,
    clock: Clock,
) -> Messengers:
    """The configured messengers: Telegram with SHOWUP_TELEGRAM_TOKEN, WhatsApp with the four
    SHOWUP_WHATSAPP_* settings; admin commands, alerts and the inbox relay live on Telegram."""
    messengers = Messengers(renderer=scripts)
    bot = None
    if settings.telegram_token is not None:
        bot = create_bot(
            settings.telegram_token.get_secret_value(), api_base=settings.telegram_api_base
        )
        messengers.channels[TELEGRAM] = TelegramChannel(bot)
    whatsapp: WhatsAppChannel | None = None
    templates: WhatsAppTemplates | None = None
    if settings.whatsapp_enabled:
        assert settings.whatsapp_phone_id is not None  # noqa: S101 - whatsapp_enabled
        assert settings.whatsapp_token is not None  # noqa: S101
        client = create_whatsapp(
            settings.whatsapp_phone_id,
            settings.whatsapp_token.get_secret_value(),
            api_base=settings.whatsapp_api_base,
        )
        whatsapp = WhatsAppChannel(client, clock=clock)
        messengers.channels[WHATSAPP] = whatsapp
        templates = WhatsAppTemplates.load(scripts, settings.scripts_dir)
        messengers.templates = templates
        messengers.renderer = TemplatedRenderer(scripts, templates)
    if not messengers.channels:
        return messengers
    sessions: async_sessionmaker[AsyncSession] = ledger.sessions
    admins = tuple(str(admin) for admin in settings.admin_telegram_ids) if bot else ()
    texts = AdminTexts(ledger.locale)
    commands = admin_commands(settings=settings, ledger=ledger, clock=clock)
    desk = build_desk(
        settings=settings,
        ledger=ledger,
        scripts=scripts,
        clock=clock,
        channels=messengers.channels,
        on_inbox=messengers.nudge,
        templates=templates,
    )
    messengers.desk = desk
    handlers: dict[str, Handler] = {}
    if bot is not None:
        messengers.telegram = TelegramRuntime(bot, desk)
        handlers[TELEGRAM] = messengers.telegram.handle
    if whatsapp is not None:
        messengers.whatsapp = WhatsAppReceiver(desk, whatsapp, clock=clock)
        handlers[WHATSAPP] = messengers.whatsapp.handle
    messengers.inbound = InboundWorker(
        sessions=sessions,
        handlers=handlers,
        clock=clock,
        settings=InboundSettings(
            lease=settings.inbound_lease,
            max_attempts=settings.inbound_max_attempts,
            limit=settings.inbound_limit,
        ),
        texts=texts,
        zone=ledger.zone,
    )
    if messengers.telegram is not None:
        messengers.telegram.inbox = messengers.inbound
    broadcast = AdminBroadcast(messengers.channels[TELEGRAM], admins) if admins else None
    # deadlines and automatic no-shows apply even with nobody to prompt
    messengers.watch = NoShowWatch(
        sessions=sessions,
        broadcast=broadcast,
        clock=clock,
        policy=ledger.policy,
        grace=settings.noshow_grace,
        auto_after=settings.noshow_auto_after,
        texts=texts,
    )
    messengers.waitlist = WaitlistWorker(
        sessions=sessions,
        clock=clock,
        rules=settings.waitlist_rules(ledger.zone),
        tell_admins=broadcast.send if broadcast is not None else LoggingAlerts().alert,
        texts=texts,
        zone=ledger.zone,
        currency=settings.currency,
    )
    if broadcast is not None:
        messengers.alerts = ChannelAlerts(broadcast)
        messengers.inbound.alerts = messengers.alerts
        messengers.relay = InboxRelay(
            sessions=sessions,
            broadcast=broadcast,
            clock=clock,
            zone=ledger.zone,
            texts=texts,
            alerts=messengers.alerts,
        )
        messengers.digest = MorningDigest(
            sessions=sessions,
            commands=commands,
            broadcast=broadcast,
            clock=clock,
            zone=ledger.zone,
            texts=texts,
        )
    return messengers
