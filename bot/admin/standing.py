"""``/strikes`` in the admins' words: the standing, the ladder and every event of the history.

An event's ``kind`` and ``data`` (codes and numbers, see ``bot.ledger.attendance``) are worded
here; its English ``reason`` is for the API. What an admin wrote (``/block late twice``) is
shown as written.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.admin.texts import AdminTexts
from bot.domain.policy import AttendanceRules
from bot.ledger.attendance import Standing
from db.models import ClientEvent

#: events an admin decided: their reason is the admin's own words
ADMIN_KINDS = frozenset({"reset", "blocked", "unblocked"})
HISTORY = 15


def standing_lines(
    state: Standing, rules: AttendanceRules, texts: AdminTexts, zone: ZoneInfo
) -> list[str]:
    t = texts
    client = state.client
    rung = t(f"rung.{int(state.rung)}")
    head = (
        t.plural("strikes.head", state.strikes, name=client.name, id=client.id, rung=rung)
        if state.strikes
        else t("strikes.clean_head", name=client.name, id=client.id, rung=rung)
    )
    lines = [
        head,
        t.plural(
            "strikes.ladder",
            rules.strike_expiry.days,
            warning=t.number(rules.warning_at),
            deposit=t.number(rules.deposit_at),
            block=t.number(rules.block_at),
        ),
    ]
    if client.loyalty_discount:
        lines.append(t("strikes.reward", discount=client.loyalty_discount))
    lines += [event_line(event, t, zone) for event in state.events[-HISTORY:]]
    if not state.events:
        lines.append(t("strikes.clean"))
    return lines


def event_line(event: ClientEvent, texts: AdminTexts, zone: ZoneInfo) -> str:
    """``• 23.11.2026 неявка (+1 нарушение): нет ответа к сроку``."""
    t = texts
    kind = event.kind
    what = t(f"event.{kind}") if t.has(f"event.{kind}") else t("event.other", kind=kind)
    weight = t.plural("strikes.weight", event.weight) if event.weight else ""
    by = t("strikes.by", who=event.who) if event.who else ""
    day = f"{event.created_at.astimezone(zone):%d.%m.%Y}"
    return f"• {day} {what}{weight}{by}{_why(event, t)}"


def _why(event: ClientEvent, t: AdminTexts) -> str:
    data = event.data or {}
    kind = event.kind
    if kind in ADMIN_KINDS:
        return t("why.text", text=event.reason) if event.reason else ""
    if kind in ("no_show", "forgiven", "late_cancel", "excused"):
        return _why_missed(kind, data, t)
    if kind.startswith("rung:") and "strikes" in data:
        return t("why.rung", strikes=t.plural("strikes.count", float(data["strikes"])))
    if kind == "rewarded" and "discount" in data:
        return t("why.discount", discount=data["discount"])
    return ""


def _why_missed(kind: str, data: dict[str, Any], t: AdminTexts) -> str:
    """Why a missed visit or a late cancellation counted (or not); nothing for old events,
    whose ``data`` has no codes."""
    reason = data.get("reason")
    worded = t(f"reason.{reason}") if reason and t.has(f"reason.{reason}") else None
    if "explained" in data:
        if not data["explained"]:
            return t("why.no_answer")
        return t("why.first" if kind == "forgiven" else "why.not_first", reason=worded)
    if "minutes" in data:
        minutes = int(data["minutes"])
        before = (
            t.plural("why.cancelled", minutes // 60)
            if minutes >= 60
            else t.plural("why.cancelled_minutes", minutes)
        )
        return f"{before}, {worded}" if worded else before
    return ""
