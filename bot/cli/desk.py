"""The one place the hub's front desk is assembled: ``showup run``, ``showup chat`` and
``showup demo`` all call :func:`build_desk`, so the console and the demo behave exactly as the
messengers do (same policy, same intake, same admin inbox, same language adoption)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.admin.commands import AdminCommands, AdminSetup
from bot.admin.texts import AdminTexts
from bot.channels.base import TELEGRAM, Channel
from bot.cli.common import Ledger
from bot.clock import Clock
from bot.config import Settings
from bot.conversation.dialog import DialogSetup
from bot.conversation.scripts import ScriptBook
from bot.conversation.templates import WhatsAppTemplates
from bot.conversation.waitlist_flow import WaitlistSetup
from bot.hub.desk import Desk, HubSetup


def admin_commands(*, settings: Settings, ledger: Ledger, clock: Clock) -> AdminCommands:
    """The admin commands (``/today``, ``/arrived`` …) of this salon."""
    return AdminCommands(
        sessions=ledger.sessions,
        setup=AdminSetup(
            zone=ledger.zone,
            rules=settings.reminder_rules(ledger.zone),
            late_window=settings.late_cancel_window,
            phone_region=settings.phone_region,
            policy=ledger.policy,
            locale=ledger.locale,
            slot_step=settings.slot_step,
        ),
        clock=clock,
    )


def dialog_setup(*, settings: Settings, ledger: Ledger, scripts: ScriptBook) -> DialogSetup:
    """How the dialog talks to this salon's clients: its scripts, zone, language and policy."""
    return DialogSetup(
        scripts=scripts,
        zone=ledger.zone,
        salon_name=ledger.salon_name,
        default_locale=ledger.locale,
        late_window=settings.late_cancel_window,
        policy=ledger.policy,
        reschedule=settings.reschedule_rules(),
        reminders=settings.reminder_rules(ledger.zone),
    )


def waitlist_setup(*, settings: Settings, ledger: Ledger, scripts: ScriptBook) -> WaitlistSetup:
    """How clients' answers to waitlist offers are taken: the salon's scripts and rules."""
    return WaitlistSetup(
        scripts=scripts,
        zone=ledger.zone,
        salon_name=ledger.salon_name,
        default_locale=ledger.locale,
        rules=settings.reminder_rules(ledger.zone),
        waitlist=settings.waitlist_rules(ledger.zone),
        policy=ledger.policy,
        currency=settings.currency,
    )


def build_desk(
    *,
    settings: Settings,
    ledger: Ledger,
    scripts: ScriptBook,
    clock: Clock,
    channels: Mapping[str, Channel],
    on_inbox: Callable[[], None] = lambda: None,
    templates: WhatsAppTemplates | None = None,
) -> Desk:
    """The front desk every client message goes through, whatever the channel (Telegram,
    WhatsApp, the console of ``showup chat``, the transcript of ``showup demo``).

    Admins are the ``SHOWUP_ADMIN_TELEGRAM_IDS`` users, and only when Telegram is one of the
    ``channels``."""
    admins = (
        frozenset(str(admin) for admin in settings.admin_telegram_ids)
        if TELEGRAM in channels
        else frozenset()
    )
    return Desk(
        sessions=ledger.sessions,
        setup=HubSetup(
            dialog=dialog_setup(settings=settings, ledger=ledger, scripts=scripts),
            admins={TELEGRAM: admins},
            texts=AdminTexts(ledger.locale),
            waitlist=waitlist_setup(settings=settings, ledger=ledger, scripts=scripts),
        ),
        commands=admin_commands(settings=settings, ledger=ledger, clock=clock),
        channels=channels,
        clock=clock,
        on_inbox=on_inbox,
        templates=templates,
    )
