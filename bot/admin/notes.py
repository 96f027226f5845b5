"""What ShowUp itself says about an inbox item, worded when an admin reads it.

The item stores a code and its parameters (``InboxItem.note``: ``{"code": …, "params": {…}}``),
never a sentence: the relay, the digest and the demo word it in the salon's language here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.admin.texts import AdminTexts

#: outbox kinds (``confirmation``, ``reminder:24h``, ``move:12``…) by the word admins read
MESSAGE_KINDS = ("confirmation", "reminder", "salon_cancelled", "move")


def message_kind(texts: AdminTexts, kind: str) -> str:
    """ "The reminder", "Напоминание"… for an outbox kind."""
    word = kind.split(":", 1)[0]
    return texts(f"message.{word if word in MESSAGE_KINDS else 'other'}")


def inbox_note(note: Mapping[str, Any] | None, texts: AdminTexts) -> str | None:
    """The note in the admins' words; None without one (or with a code this version does not
    know, from a newer process)."""
    if not note or not texts.has(f"note.{note.get('code')}"):
        return None
    code = str(note["code"])
    params = dict(note.get("params") or {})
    if code == "noshow_reason":
        params["reason"] = texts(f"reason.{params.get('reason') or 'other'}")
        params["decision"] = texts(f"decision.{params.get('decision') or 'strike'}")
    elif code == "policy_held":
        params["strikes"] = texts.plural("strikes.count", float(params.get("strikes", 0)))
        params["rung"] = texts(f"held.{params.get('rung')}")
    elif code == "message_undelivered":
        params["message"] = message_kind(texts, str(params.get("message", "")))
        params["channel"] = texts.channel(str(params.get("channel", "")))
    return texts(f"note.{code}", **params)
