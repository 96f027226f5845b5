"""``showup classify``: how ShowUp reads clients' replies, one message per line."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from bot.cli.common import EXIT_CONFIG, fail, settings_or_exit
from bot.clock import SystemClock
from bot.domain.locales import SUPPORTED_LOCALES
from bot.domain.replies import parse_reply
from bot.domain.timeutil import localize
from bot.errors import InvalidInputError


def _when(value: datetime | date | None, zone: ZoneInfo) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def _moment(value: str, zone: ZoneInfo, option: str) -> datetime:
    try:
        return localize(datetime.fromisoformat(value), zone, field=option.lstrip("-"))
    except (ValueError, InvalidInputError) as exc:
        fail(f"{option} {value!r}: {exc}; write it like 2026-11-23T10:00", code=EXIT_CONFIG)


def classify_command(
    now: Annotated[
        str | None,
        typer.Option(help="the moment replies are read at, ISO 8601 (default: now)"),
    ] = None,
    tz: Annotated[
        str | None, typer.Option(help="time zone for relative dates (default: SHOWUP_TIMEZONE)")
    ] = None,
    booked_at: Annotated[
        str | None,
        typer.Option(
            help="start of the appointment being answered, ISO 8601 (salon time without an "
            "offset); without it 'an hour later' or 'same time' give no time"
        ),
    ] = None,
    locale: Annotated[
        str | None,
        typer.Option(
            help="language assumed for messages too short to tell (ru, en, es, tr; default: "
            "none, the detected one)"
        ),
    ] = None,
) -> None:
    """Read one message per line on stdin; print one JSON object per line:
    {"text", "intent", "when", "language", "confidence"} with when as YYYY-MM-DDTHH:MM,
    YYYY-MM-DD or null, and language the one detected (else --locale, else null)."""
    zone_name = tz or settings_or_exit().timezone
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        fail(
            f"--tz {zone_name!r} is not a time zone; use an IANA name such as Europe/Moscow",
            code=EXIT_CONFIG,
        )
    if locale is not None and locale not in SUPPORTED_LOCALES:
        fail(f"--locale {locale!r}: use one of {', '.join(SUPPORTED_LOCALES)}", code=EXIT_CONFIG)
    moment = SystemClock().now() if now is None else _moment(now, zone, "--now")
    booked = None if booked_at is None else _moment(booked_at, zone, "--booked-at")
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        reply = parse_reply(text, now=moment, tz=zone, booked_at=booked, locale_hint=locale)
        record = {
            "text": text,
            "intent": reply.intent.value,
            "when": _when(reply.when, zone),
            "language": reply.language,
            "confidence": round(reply.confidence, 2),
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
