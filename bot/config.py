"""All configuration, read once from the environment and ``.env`` (prefix ``SHOWUP_``).

``.env.example`` documents every variable. A wrong value stops start-up with one line per problem
naming the variable and what is expected (see ``load_settings``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import list_currencies
from pydantic import (
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.durations import parse_duration
from bot.domain.holds import RescheduleMode, RescheduleRules
from bot.domain.locales import Locale
from bot.domain.policy import Amount, AttendanceRules
from bot.domain.reminders import QuietHours, ReminderRules
from bot.domain.schedules import WeeklyHours, parse_week
from bot.domain.waitlist import WaitlistMode, WaitlistRules
from bot.errors import ConfigError, InvalidInputError

ENV_PREFIX = "SHOWUP_"
TELEGRAM_TOKEN = re.compile(r"\d{5,16}:[A-Za-z0-9_-]{30,60}")
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


def _durations(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    parts = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if not parts:
        raise ValueError("give at least one offset, e.g. 24h,1h")
    return tuple(parse_duration(part) for part in parts)


def _quiet_hours(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    if text in {"off", "none", ""}:
        return QuietHours(start=time(0), end=time(0))
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise ValueError(f"{value!r} is not a window; write it like 21:00-09:00, or off") from None
    return QuietHours(start=start, end=end)


def _ids(value: Any) -> Any:
    if isinstance(value, int):
        return (value,)
    if not isinstance(value, str):
        return value
    parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    for part in parts:
        if not part.lstrip("-").isdigit():
            raise ValueError(
                f"{part!r} is not a Telegram user id; write numbers separated by commas, "
                "e.g. 123456789,987654321 (ask @userinfobot for yours)"
            )
    return tuple(int(part) for part in parts)


def _time_or_off(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    if text in {"off", "none", ""}:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a time of day; write it like 08:30, or off") from None


def _duration_or_off(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in {"off", "none", ""}:
        return None
    return _duration(value)


def _deadline(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in {"end-of-day", "eod", "end_of_day"}:
        return None
    return _duration(value)


def _ladder(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        steps = tuple(float(part) for part in value.replace(";", ",").split(","))
    except ValueError:
        raise ValueError(f"{value!r}: write three numbers, e.g. 1,2,3") from None
    if len(steps) != 3 or not 0 < steps[0] <= steps[1] <= steps[2]:
        raise ValueError(
            f"{value!r}: give the strikes for warning, deposit and block, rising, e.g. 1,2,3"
        )
    return steps


def _amount(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return Amount.parse(value)
    except InvalidInputError:
        raise ValueError(
            f"{value!r} is not an amount; write a percentage (30%) or 15.00"
        ) from None


Duration = Annotated[timedelta, BeforeValidator(_duration)]
DurationOrOff = Annotated[timedelta | None, NoDecode, BeforeValidator(_duration_or_off)]
Deadline = Annotated[timedelta | None, NoDecode, BeforeValidator(_deadline)]
Ladder = Annotated[tuple[float, float, float], NoDecode, BeforeValidator(_ladder)]
Money = Annotated[Amount, NoDecode, BeforeValidator(_amount)]
TelegramIds = Annotated[tuple[int, ...], NoDecode, BeforeValidator(_ids)]
TimeOrOff = Annotated[time | None, NoDecode, BeforeValidator(_time_or_off)]
Durations = Annotated[tuple[timedelta, ...], NoDecode, BeforeValidator(_durations)]
QuietWindow = Annotated[QuietHours, NoDecode, BeforeValidator(_quiet_hours)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
        validate_default=True,
    )

    database_url: str = Field(
        default="sqlite+aiosqlite:///var/showup.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///… or postgresql+asyncpg://…",
    )
    var_dir: Path = Field(default=Path("var"), description="where ShowUp keeps its own files")
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    api_token: SecretStr | None = Field(default=None, description="Bearer token for /api/v1")
    salon_name: str = Field(default="My Salon", min_length=1, max_length=200)
    timezone: str = Field(default="UTC", description="IANA zone of the salon, e.g. Europe/Moscow")
    locale: Locale = "en"
    currency: str = "EUR"
    phone_region: str | None = Field(
        default=None, description="ISO country code for phone numbers written without +"
    )
    late_cancel_window: Duration = timedelta(hours=24)
    late_cancel_grace: Duration = Field(
        default=timedelta(hours=2),
        description="a cancellation this soon after the asking reminder is never late (0m: off)",
    )
    reminder_offsets: Durations = (timedelta(hours=24), timedelta(hours=1))
    quiet_hours: QuietWindow = QuietHours(start=time(21), end=time(9))
    outbox_tick: Duration = timedelta(seconds=5)
    outbox_batch: int = Field(default=200, ge=1, le=5000)
    outbox_lease: Duration = timedelta(seconds=60)
    outbox_max_attempts: int = Field(default=5, ge=1, le=50)
    inbound_lease: Duration = timedelta(seconds=60)
    inbound_max_attempts: int = Field(default=5, ge=1, le=50)
    inbound_limit: int = Field(default=10_000, ge=100, le=10_000_000)
    telegram_rate_limit: float = Field(default=25, gt=0, le=1000)
    whatsapp_rate_limit: float = Field(default=80, gt=0, le=1000)
    chat_min_interval: Duration = timedelta(seconds=1)
    noshow_grace: Duration = timedelta(minutes=15)
    noshow_auto_after: DurationOrOff = None
    noshow_followup_delay: Duration = timedelta(minutes=30)
    noshow_reply_deadline: Deadline = None
    strike_late_cancel_weight: float = Field(default=0.5, ge=0, le=1)
    strike_forgive_first: bool = True
    strike_excuse_emergencies: bool = True
    strike_ladder: Ladder = (1.0, 2.0, 3.0)
    strike_expiry: Duration = timedelta(days=180)
    deposit: Money = Amount(Decimal(30), percent=True)
    double_price_after_noshow: bool = False
    loyalty_visits: int = Field(default=5, ge=0, le=100)
    loyalty_discount: Money = Amount(Decimal(10), percent=True)
    telegram_token: SecretStr | None = Field(
        default=None, description="the bot's token from @BotFather; turns the Telegram channel on"
    )
    telegram_api_base: str | None = Field(
        default=None, description="a local Bot API server instead of https://api.telegram.org"
    )
    telegram_webhook_url: str | None = Field(
        default=None, description="public HTTPS URL of /webhooks/telegram; unset = long polling"
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None,
        description="X-Telegram-Bot-Api-Secret-Token; derived from the token if unset",
    )
    whatsapp_phone_id: str | None = Field(
        default=None, description="the business number's Phone number ID (Meta app, WhatsApp)"
    )
    whatsapp_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_base: str | None = Field(
        default=None, description="another Graph API base URL instead of graph.facebook.com"
    )
    whatsapp_pair_interval: Duration = timedelta(seconds=6)
    admin_telegram_ids: TelegramIds = ()
    admin_digest_at: TimeOrOff = time(8, 30)
    scripts_dir: Path = Field(
        default=Path("scripts_templates"), description="the salon's editable message scripts"
    )
    log_level: str = "INFO"
    # schedules and free slots
    opening_hours: str | None = Field(
        default=None,
        description="the salon's hours, e.g. 'mon-fri 09:00-20:00; sat 10:00-16:00', or always",
    )
    buffer: Duration = Field(
        default=timedelta(0), description="pause kept after every appointment (per master too)"
    )
    slot_step: Duration = Field(
        default=timedelta(minutes=15), description="free slots start every this often"
    )
    # -- the waitlist ---------------------------------------------------------------------------
    waitlist_mode: WaitlistMode = Field(
        default=WaitlistMode.SEQUENTIAL,
        description="sequential: one waiting client at a time, holding it; broadcast: all at once",
    )
    waitlist_hold: Duration = Field(
        default=timedelta(minutes=15), description="how long a sequential offer holds the slot"
    )
    waitlist_min_notice: Duration = Field(
        default=timedelta(hours=2), description="a freed slot starting sooner is not offered"
    )
    # -- moving a booking in the chat -------------------------------------------------------------
    reschedule: RescheduleMode = Field(
        default=RescheduleMode.SELF,
        description="self: the client's tap on a free time moves the booking; approve: an admin "
        "approves it with one tap",
    )
    reschedule_hold: Duration = Field(
        default=timedelta(minutes=10), description="how long the free times offered are held"
    )
    reschedule_approval_hold: Duration = Field(
        default=timedelta(hours=2),
        description="approve mode: how long a tapped time is kept for the admins' answer",
    )

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith(("postgres://", "postgresql://")):
            raise ValueError(
                "use the async driver: postgresql+asyncpg://user:password@host:5432/dbname"
            )
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "expected sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://…"
            )
        return value

    @field_validator("api_token")
    @classmethod
    def _strong_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("too short: use at least 16 random characters, or leave it unset")
        return value

    @field_validator("telegram_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not TELEGRAM_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError(
                "does not look like a bot token (digits, a colon, then 35 letters/digits); "
                "copy it again from @BotFather"
            )
        return value

    @field_validator("telegram_api_base", "whatsapp_api_base")
    @classmethod
    def _api_base(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected a URL such as http://127.0.0.1:8081")
        return value.rstrip("/")

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith("https://"):
            raise ValueError(
                "Telegram only calls HTTPS webhooks: give e.g. "
                "https://bot.example.com/webhooks/telegram (or leave it unset for long polling)"
            )
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("use 16–256 characters among A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _whatsapp_complete(self) -> Settings:
        parts = {
            "SHOWUP_WHATSAPP_PHONE_ID": self.whatsapp_phone_id,
            "SHOWUP_WHATSAPP_TOKEN": self.whatsapp_token,
            "SHOWUP_WHATSAPP_APP_SECRET": self.whatsapp_app_secret,
            "SHOWUP_WHATSAPP_VERIFY_TOKEN": self.whatsapp_verify_token,
        }
        given = [name for name, value in parts.items() if value]
        if given and len(given) < len(parts):
            missing = ", ".join(name for name in parts if name not in given)
            raise ValueError(
                f"WhatsApp needs all four of its settings; missing: {missing} (see README)"
            )
        return self

    @property
    def whatsapp_enabled(self) -> bool:
        return self.whatsapp_phone_id is not None and self.whatsapp_token is not None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; expected an IANA name such as Europe/Moscow"
            ) from None
        return value

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        code = value.upper()
        if code not in list_currencies():
            raise ValueError(f"unknown currency {value!r}; expected an ISO 4217 code such as EUR")
        return code

    @field_validator("phone_region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if len(value) != 2 or not value.isalpha():
            raise ValueError(f"{value!r} is not a two-letter country code such as RU or ES")
        return value.upper()

    @field_validator("reminder_offsets")
    @classmethod
    def _sane_offsets(cls, value: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
        for offset in value:
            if not timedelta(minutes=10) <= offset <= timedelta(days=14):
                raise ValueError("each offset must be between 10m and 14d")
        return tuple(sorted(set(value), reverse=True))

    @field_validator("outbox_tick", "outbox_lease", "inbound_lease")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=1):
            raise ValueError("must be at least 1s")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(
                f"unknown log level {value!r}; expected DEBUG, INFO, WARNING or ERROR"
            )
        return level

    @field_validator("opening_hours")
    @classmethod
    def _opening_hours(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            week = parse_week(value)
            if not week.is_always:
                week.to_working_hours()
        except InvalidInputError as exc:
            raise ValueError(
                f"{exc}; write it like mon-fri 09:00-20:00; sat 10:00-16:00 (or always)"
            ) from None
        return week.describe()

    @field_validator("buffer")
    @classmethod
    def _buffer(cls, value: timedelta) -> timedelta:
        if not timedelta(0) <= value <= timedelta(hours=4) or value % timedelta(minutes=1):
            raise ValueError("give whole minutes between 0m and 4h, e.g. 10m")
        return value

    @field_validator("slot_step")
    @classmethod
    def _slot_step(cls, value: timedelta) -> timedelta:
        if not timedelta(minutes=5) <= value <= timedelta(hours=4) or value % timedelta(minutes=1):
            raise ValueError("give whole minutes between 5m and 4h, e.g. 15m")
        if timedelta(days=1) % value:
            raise ValueError("give a step that divides a day evenly: 5m, 10m, 15m, 20m, 30m, 1h…")
        return value

    @property
    def opening_week(self) -> WeeklyHours | None:
        """SHOWUP_OPENING_HOURS read (None when unset)."""
        return parse_week(self.opening_hours) if self.opening_hours is not None else None

    @property
    def webhook_secret(self) -> str | None:
        """The secret Telegram sends with every webhook call (stable across processes)."""
        if self.telegram_webhook_secret is not None:
            return self.telegram_webhook_secret.get_secret_value()
        if self.telegram_token is None:
            return None
        key = self.telegram_token.get_secret_value().encode()
        return hmac.new(key, b"showup telegram webhook", hashlib.sha256).hexdigest()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def attendance_rules(self) -> AttendanceRules:
        """The salon's attendance policy (strikes, ladder, loyalty) from the settings."""
        warning, deposit, block = self.strike_ladder
        return AttendanceRules(
            late_cancel_weight=self.strike_late_cancel_weight,
            forgive_first_explained=self.strike_forgive_first,
            excuse_emergencies=self.strike_excuse_emergencies,
            warning_at=warning,
            deposit_at=deposit,
            block_at=block,
            strike_expiry=self.strike_expiry,
            deposit=self.deposit,
            double_price=self.double_price_after_noshow,
            loyalty_visits=self.loyalty_visits,
            loyalty_discount=self.loyalty_discount,
            late_cancel_grace=self.late_cancel_grace,
        )

    def reminder_rules(self, zone: ZoneInfo) -> ReminderRules:
        """The planning rules for a salon in ``zone``."""
        return ReminderRules(offsets=self.reminder_offsets, quiet=self.quiet_hours, zone=zone)

    @field_validator("waitlist_hold")
    @classmethod
    def _sane_hold(cls, value: timedelta) -> timedelta:
        if not timedelta(minutes=1) <= value <= timedelta(hours=24):
            raise ValueError("must be between 1m and 24h, e.g. 15m")
        return value

    @field_validator("reschedule_hold")
    @classmethod
    def _sane_reschedule_hold(cls, value: timedelta) -> timedelta:
        if not timedelta(minutes=1) <= value <= timedelta(hours=2):
            raise ValueError("must be between 1m and 2h, e.g. 10m")
        return value

    @field_validator("reschedule_approval_hold")
    @classmethod
    def _sane_approval_hold(cls, value: timedelta) -> timedelta:
        if not timedelta(minutes=5) <= value <= timedelta(hours=48):
            raise ValueError("must be between 5m and 48h, e.g. 2h")
        return value

    def reschedule_rules(self) -> RescheduleRules:
        """How clients move their bookings in the chat."""
        return RescheduleRules(
            mode=self.reschedule,
            hold=self.reschedule_hold,
            approval=self.reschedule_approval_hold,
            step=self.slot_step,
        )

    @field_validator("waitlist_min_notice")
    @classmethod
    def _sane_notice(cls, value: timedelta) -> timedelta:
        if not timedelta(0) <= value <= timedelta(days=7):
            raise ValueError("must be between 0m and 7d, e.g. 2h")
        return value

    def waitlist_rules(self, zone: ZoneInfo) -> WaitlistRules:
        """How freed slots are offered in a salon in ``zone`` (quiet hours as for reminders)."""
        return WaitlistRules(
            mode=self.waitlist_mode,
            hold=self.waitlist_hold,
            min_notice=self.waitlist_min_notice,
            quiet=self.quiet_hours,
            zone=zone,
            step=self.slot_step,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _describe(error: dict[str, Any]) -> str:
    if not error["loc"]:  # a check across several settings names them in its message
        return str(error["msg"]).removeprefix("Value error, ")
    location = error["loc"][0]
    variable = ENV_PREFIX + str(location).upper()
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"{str(location).upper()}: no such setting (check the spelling in .env)"
    return f"{variable}: {message}"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings or raise ConfigError with one line per wrong variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [_describe(dict(error)) for error in exc.errors()]
        raise ConfigError("\n".join(lines)) from None
