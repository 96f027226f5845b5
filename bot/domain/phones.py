"""Phones are stored in E.164 (``+79001234567``): the key that links a client to WhatsApp."""

from __future__ import annotations

import phonenumbers

from bot.errors import InvalidInputError


def normalize_phone(raw: str, *, region: str | None, field: str = "phone") -> str:
    """Return ``raw`` in E.164 form.

    ``region`` (ISO 3166 code such as ``RU``) lets local formats like ``8 900 123-45-67`` through;
    without it a number must start with ``+`` and its country code.
    """
    text = raw.strip()
    if not text:
        raise InvalidInputError("phone number is empty", field=field)
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            hint = (
                "write it with + and the country code, e.g. +79001234567"
                if region is None
                else f"it does not look like a number of region {region}"
            )
            raise InvalidInputError(
                f"phone number {text!r} has no country code: {hint}"
                + ("" if region else " (or set SHOWUP_PHONE_REGION)"),
                field=field,
                code="phone",
                params={"text": text},
            ) from exc
        raise InvalidInputError(
            f"{text!r} is not a phone number", field=field, code="phone", params={"text": text}
        ) from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidInputError(
            f"phone number {text!r} has the wrong number of digits",
            field=field,
            code="phone",
            params={"text": text},
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
