"""All configuration, read once from the environment and ``.env`` (prefix ``SHOWUP_``).

``.env.example`` documents every variable. A wrong value stops start-up with one line per problem
naming the variable and what is expected (see ``load_settings``).
"""

from __future__ import annotations

import logging
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import list_currencies
from pydantic import BeforeValidator, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.durations import parse_duration
from bot.domain.locales import Locale
from bot.domain.reminders import QuietHours, ReminderRules
from bot.errors import ConfigError

ENV_PREFIX = "SHOWUP_"


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


Duration = Annotated[timedelta, BeforeValidator(_duration)]
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
    reminder_offsets: Durations = (timedelta(hours=24), timedelta(hours=1))
    quiet_hours: QuietWindow = QuietHours(start=time(21), end=time(9))
    outbox_tick: Duration = timedelta(seconds=5)
    outbox_batch: int = Field(default=200, ge=1, le=5000)
    outbox_lease: Duration = timedelta(seconds=60)
    outbox_max_attempts: int = Field(default=5, ge=1, le=50)
    telegram_rate_limit: float = Field(default=25, gt=0, le=1000)
    whatsapp_rate_limit: float = Field(default=80, gt=0, le=1000)
    chat_min_interval: Duration = timedelta(seconds=1)
    scripts_dir: Path = Field(
        default=Path("scripts_templates"), description="the salon's editable message scripts"
    )
    log_level: str = "INFO"

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

    @field_validator("outbox_tick", "outbox_lease")
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

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def reminder_rules(self, zone: ZoneInfo) -> ReminderRules:
        """The planning rules for a salon in ``zone``."""
        return ReminderRules(offsets=self.reminder_offsets, quiet=self.quiet_hours, zone=zone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _describe(error: dict[str, Any]) -> str:
    location = error["loc"][0] if error["loc"] else "?"
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
