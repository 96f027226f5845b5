"""What ShowUp's log may show: no token, secret, message body or phone number.

uvicorn's access log prints each request's path *with its query string*: Meta's webhook
handshake (``?hub.verify_token=…&hub.challenge=…``) or a token someone put in a URL would land
in the log at INFO. ``uvicorn_log_config`` is uvicorn's own logging configuration with
``RedactQueryStrings`` on both of its handlers (access and error): every query value becomes
``***``, the path, the parameter names and the status stay.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

REDACTED = "***"
# a query parameter's value: after ?name= or &name=, up to the next &, #, space or quote
_QUERY_VALUE = re.compile(r"([?&][^=&#\s\"']*=)[^&#\s\"']*")


def redact_query(text: str) -> str:
    """``/webhooks/whatsapp?hub.mode=***&hub.verify_token=***`` for the URL with its values."""
    return _QUERY_VALUE.sub(rf"\1{REDACTED}", text)


class RedactQueryStrings(logging.Filter):
    """Hides the values of query strings in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_query(record.msg)
        if isinstance(record.args, tuple):
            # uvicorn's AccessFormatter unpacks the five arguments: keep them five
            record.args = tuple(
                redact_query(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.args, dict):
            record.args = {
                key: redact_query(value) if isinstance(value, str) else value
                for key, value in record.args.items()
            }
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration, its handlers filtered by
    ``RedactQueryStrings`` (pass it as ``uvicorn.Config(log_config=...)``)."""
    from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415 - only `showup run` needs uvicorn

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_query"] = {"()": RedactQueryStrings}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_query")
    return config


def masked(identifier: str) -> str:
    """A phone number as the log shows it: its last three characters."""
    return f"…{identifier[-3:]}" if len(identifier) > 4 else REDACTED


def sender_for_log(channel: str, external_id: str) -> str:
    """Who wrote, for the log: a WhatsApp sender is a phone number, so it is masked; a
    Telegram chat id is not personal data and stays (admins are told apart by it)."""
    return masked(external_id) if channel == "whatsapp" else external_id
