"""What ShowUp itself says about an inbox item, worded when an admin reads it.

The item stores a code and its parameters (``InboxItem.note``: ``{"code": …, "params": {…}}``),
never a sentence: the relay, the digest and the demo word it in the salon's language here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.admin.texts import AdminTexts

#: notes of an item whose time the client chose among the free times ShowUp offered (a tap),
#: not one they wrote themselves
CHOSEN = frozenset({"reschedule_approval", "move_declined", "move_lapsed", "move_taken"})
#: notes of an item whose time is a free one ShowUp found (told to a client joining the waitlist)
FOUND = frozenset({"waitlist_joined"})

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
    if "when" in params:
        params["when"] = moment(texts, params["when"])
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


def proposed_time(note: Mapping[str, Any] | None, when: str, texts: AdminTexts) -> str:
    """The line about an item's time (``when``, worded): one the client proposed in their own
    words, one they chose among the free times offered, or a free one ShowUp found."""
    code = (note or {}).get("code")
    if code in CHOSEN:
        return texts("relay.chosen", when=when)
    if code in FOUND:
        return texts("relay.found", when=when)
    return texts("relay.proposes", when=when)


def moment(texts: AdminTexts, value: object) -> str:
    """A time a note stores in the salon's zone (``2026-12-07 12:00``) as the admin texts word
    one (``Mon 07.12 12:00``, ``пн 07.12 12:00``); a time an older version stored worded stays
    as it is."""
    try:
        return texts.moment(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)
