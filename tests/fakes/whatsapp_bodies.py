"""Hypothesis strategies for WhatsApp Cloud API webhook bodies shaped as Meta documents them
(developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components; samples as in pywa's
tests/data/updates): every message type, statuses with conversation and pricing, other fields."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.fakes.graph_api import BUSINESS_NUMBER, PHONE_ID
from tests.fakes.mutations import TEXT

BOOKED = "34600111222"  # a client with a booking, in the tests that make one
SENDERS = st.sampled_from([BOOKED, "34600999888", "15551234567", "447700900123"])
MEDIA = {"mime_type": "image/jpeg", "sha256": "4654+8g=", "id": "65463453"}
ERROR = {
    "code": 131051,
    "title": "Message type unknown",
    "message": "Message type unknown",
    "error_data": {"details": "Message type is currently not supported."},
}


def payloads(appointment: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    """Button ids / quick-reply payloads: ours, stale ones, unknown intents, garbage."""
    intents = st.sampled_from(["confirm", "cancel", "reschedule", "late", "agree", "bogus", "x"])
    return st.one_of(
        st.builds("{}:{}:{}".format, intents, appointment, st.integers(0, 3)),
        st.sampled_from(
            [
                "agree:1:1",
                "bogus:5:1",
                "agree:0:0",
                "confirm:²:1",
                "confirm:\u0661:1",
                "confirm:99999999999999999999999:1",
                "confirm:-1:1",
                "confirm::",
                "admin_noshow:1:1",
                "",
            ]
        ),
        TEXT,
    )


PAYLOAD = payloads(st.integers(0, 5))
#: the type-specific part of a message, one entry per message type
KINDS: dict[str, Any] = {
    "text": st.builds(lambda body: {"text": {"body": body}}, TEXT),
    "image": st.just({"image": {**MEDIA, "caption": "mis uñas"}}),
    "video": st.just({"video": {**MEDIA, "mime_type": "video/mp4", "caption": "c"}}),
    "document": st.just({"document": {**MEDIA, "filename": "f.pdf", "caption": "c"}}),
    "audio": st.booleans().map(lambda voice: {"audio": {**MEDIA, "voice": voice}}),
    "sticker": st.just({"sticker": {**MEDIA, "mime_type": "image/webp", "animated": False}}),
    "location": st.just(
        {"location": {"latitude": 37.46, "longitude": -122.21, "name": "HQ", "address": "1 Way"}}
    ),
    "contacts": st.just(
        {
            "contacts": [
                {
                    "name": {"first_name": "Chandler", "formatted_name": "Chandler Bing"},
                    "phones": [{"phone": "+1 555-555-5555", "wa_id": "15555555555"}],
                },
                {"name": {"formatted_name": "Monica"}, "phones": []},
            ]
        }
    ),
    "reaction": st.sampled_from(["😮", ""]).map(
        lambda emoji: {"reaction": {"message_id": "wamid.yzx=", "emoji": emoji}}
    ),
    "interactive": st.one_of(
        st.builds(
            lambda reply_id, title: {
                "interactive": {
                    "type": "button_reply",
                    "button_reply": {"id": reply_id, "title": title},
                }
            },
            PAYLOAD,
            TEXT,
        ),
        st.builds(
            lambda reply_id: {
                "interactive": {
                    "type": "list_reply",
                    "list_reply": {"id": reply_id, "title": "Mañana", "description": "10:00"},
                }
            },
            PAYLOAD,
        ),
        st.just(
            {
                "interactive": {
                    "type": "nfm_reply",
                    "nfm_reply": {"response_json": '{"a": 1}', "body": "Sent", "name": "flow"},
                }
            }
        ),
        st.just({}),  # Meta's "interactive message with an error": no interactive object
    ),
    "button": st.builds(
        lambda payload, text: {"button": {"payload": payload, "text": text}}, PAYLOAD, TEXT
    ),
    "order": st.just(
        {
            "order": {
                "catalog_id": "354160437058781",
                "text": "",
                "product_items": [
                    {
                        "product_retailer_id": "CUT",
                        "quantity": 1,
                        "item_price": 30,
                        "currency": "EUR",
                    }
                ],
            }
        }
    ),
    "system": st.just(
        {
            "system": {
                "body": "User A changed from 34600111222 to 34600111333",
                "new_wa_id": "34600111333",
                "type": "user_changed_number",
            }
        }
    ),
    "unsupported": st.just({"errors": [ERROR]}),
}


@st.composite
def message(draw: st.DrawFn, *, sender: str | None = None) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(KINDS)))
    found: dict[str, Any] = {
        "from": sender or draw(SENDERS),
        "id": f"wamid.FZ{draw(st.integers(0, 99_999_999)):08d}",
        "timestamp": "1697043223",
        "type": kind,
        **draw(KINDS[kind]),
    }
    context = draw(st.sampled_from([None, "forwarded", "reply"]))
    if context == "forwarded":
        found["context"] = {"forwarded": True}
    elif context == "reply":
        found["context"] = {"from": BUSINESS_NUMBER, "id": "wamid.HBgL000001"}
    return found


@st.composite
def status(draw: st.DrawFn) -> dict[str, Any]:
    state = draw(st.sampled_from(["sent", "delivered", "read", "failed", "deleted", "played"]))
    found: dict[str, Any] = {
        "id": draw(st.sampled_from(["wamid.HBgL000001", "wamid.HBgL000002", "wamid.unknown"])),
        "status": state,
        "timestamp": "1698266945",
        "recipient_id": draw(SENDERS),
    }
    if state == "failed":
        found["errors"] = [
            {
                "code": 131026,
                "title": "Message undeliverable",
                "error_data": {"details": "Receiver incapable"},
            }
        ]
    else:
        found["conversation"] = {
            "id": "7270432eae",
            "expiration_timestamp": "1698339900",
            "origin": {"type": "service"},
        }
        found["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "service"}
    if draw(st.booleans()):
        found["biz_opaque_callback_data"] = "some data"
    return found


OTHER_CHANGES = st.sampled_from(
    [
        (
            "message_template_status_update",
            {
                "event": "APPROVED",
                "message_template_id": 1,
                "message_template_name": "showup_reminder_ask",
                "message_template_language": "es",
                "reason": None,
            },
        ),
        ("account_update", {"phone_number": BUSINESS_NUMBER, "event": "VERIFIED_ACCOUNT"}),
        (
            "phone_number_quality_update",
            {
                "display_phone_number": BUSINESS_NUMBER,
                "event": "FLAGGED",
                "current_limit": "TIER_1K",
            },
        ),
        ("messages", {"messaging_product": "whatsapp", "errors": [{**ERROR, "code": 131000}]}),
    ]
)


def envelope(changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "whatsapp_business_account", "entry": [{"id": "1022", "changes": changes}]}


def messages_change(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "field": "messages",
        "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": BUSINESS_NUMBER, "phone_number_id": PHONE_ID},
            **value,
        },
    }


@st.composite
def change(draw: st.DrawFn) -> dict[str, Any]:
    what = draw(st.sampled_from(["messages", "messages", "statuses", "other"]))
    if what == "other":
        field, value = draw(OTHER_CHANGES)
        return {"field": field, "value": value}
    if what == "statuses":
        return messages_change({"statuses": draw(st.lists(status(), min_size=1, max_size=3))})
    found = draw(st.lists(message(), min_size=1, max_size=3))
    contacts = [{"profile": {"name": draw(TEXT)}, "wa_id": m["from"]} for m in found]
    return messages_change({"contacts": contacts, "messages": found})


BODY = st.lists(change(), min_size=1, max_size=3).map(envelope)
