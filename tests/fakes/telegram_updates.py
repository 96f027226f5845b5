"""Hypothesis strategies for Telegram updates shaped as the Bot API documents them: every update
type, and a message of every content kind (core.telegram.org/bots/api#update, #message)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.fakes.mutations import TEXT

DATE = 1_790_000_000
CLIENT = 111
ADMIN = 900
USER_IDS = st.sampled_from([CLIENT, ADMIN, 112, 7_000_000_001])
INTENTS = ["confirm", "cancel", "reschedule", "late", "agree", "admin_noshow", "admin_arrived"]


def user(user_id: int, *, name: str = "Anna", language: str | None = "ru") -> dict[str, Any]:
    found: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": name}
    if language is not None:
        found["language_code"] = language
    return found


USER = st.builds(
    user,
    USER_IDS,
    name=st.one_of(st.just("Anna"), TEXT.filter(bool)),
    language=st.sampled_from([None, "ru", "en", "es", "xx", "zh-hans"]),
)
PRIVATE = USER_IDS.map(lambda i: {"id": i, "type": "private", "first_name": "Anna"})
GROUP = st.sampled_from(
    [
        {"id": -100123, "type": "supergroup", "title": "Salon staff"},
        {"id": -42, "type": "group", "title": "Friends"},
        {"id": -100999, "type": "channel", "title": "News", "username": "salon_news"},
    ]
)
CHAT = st.one_of(PRIVATE, PRIVATE, GROUP)


def _file(unique: str, **extra: Any) -> dict[str, Any]:
    return {"file_id": f"AgAC{unique}", "file_unique_id": f"AQAD{unique}", **extra}


POLL = {
    "id": "5",
    "question": "When?",
    "options": [{"persistent_id": "0", "text": "Mon", "voter_count": 0}],
    "total_voter_count": 0,
    "is_closed": False,
    "is_anonymous": True,
    "type": "regular",
    "allows_multiple_answers": False,
    "allows_revoting": True,
    "members_only": False,
}
PHOTO = [_file("p1", width=90, height=60, file_size=1200), _file("p2", width=800, height=533)]
#: one field (or a few) per content kind of a Message
CONTENT: list[dict[str, Any]] = [
    {"text": "Да, приду"},
    {"text": "/start"},
    {"text": "/start tok\ud800"},
    {"text": "/start tok3n-abc", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]},
    {"text": "/today", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]},
    {
        "text": "Can't make it, sorry https://x.y",
        "entities": [{"type": "url", "offset": 21, "length": 11}],
    },
    {"photo": PHOTO, "caption": "my nails"},
    {"voice": _file("v", duration=3, mime_type="audio/ogg")},
    {"video": _file("vd", width=640, height=360, duration=5)},
    {"video_note": _file("vn", length=240, duration=4)},
    {"audio": _file("a", duration=200, performer="X", title="Y")},
    {"document": _file("d", file_name="form.pdf", mime_type="application/pdf")},
    {
        "sticker": _file(
            "s",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            emoji="👍",
        )
    },
    {
        "animation": _file("g", width=320, height=240, duration=2),
        "document": _file("g", file_name="a.mp4"),
    },
    {"contact": {"phone_number": "+34600111222", "first_name": "Anna", "user_id": CLIENT}},
    {"contact": {"phone_number": "34600111222", "first_name": "Anna", "user_id": 112}},
    {"contact": {"phone_number": "not a phone", "first_name": "Bob"}},
    {"location": {"latitude": 40.4168, "longitude": -3.7038}},
    {
        "venue": {
            "location": {"latitude": 40.4, "longitude": -3.7},
            "title": "Salon",
            "address": "Gran Via 1",
        },
        "location": {"latitude": 40.4, "longitude": -3.7},
    },
    {"poll": POLL},
    {"dice": {"emoji": "🎲", "value": 6}},
    {"game": {"title": "G", "description": "d", "photo": PHOTO}},
    {"story": {"chat": {"id": 5, "type": "private"}, "id": 7}},
    {"paid_media": {"star_count": 5, "paid_media": [{"type": "preview", "width": 1}]}},
    {"new_chat_members": [user(5)]},
    {"left_chat_member": user(5)},
    {"pinned_message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}},
    {
        "successful_payment": {
            "currency": "EUR",
            "total_amount": 1500,
            "invoice_payload": "p",
            "telegram_payment_charge_id": "t",
            "provider_payment_charge_id": "p",
        }
    },
    {"web_app_data": {"data": "{}", "button_text": "Book"}},
]


@st.composite
def message(draw: st.DrawFn, *, chat: dict[str, Any] | None = None) -> dict[str, Any]:
    chosen: dict[str, Any] = chat or draw(CHAT)
    found: dict[str, Any] = {
        "message_id": draw(st.integers(1, 10_000)),
        "date": DATE,
        "chat": chosen,
        **draw(st.sampled_from(CONTENT)),
    }
    if chosen["type"] != "channel":
        found["from"] = draw(USER) if chosen["type"] != "private" else user(chosen["id"])
    else:
        found["sender_chat"] = chosen
    if draw(st.booleans()):
        found["text"] = draw(TEXT)
        found.pop("caption", None)
    if draw(st.integers(0, 5)) == 0:
        found["reply_to_message"] = {
            "message_id": 1000,
            "date": DATE,
            "chat": chosen,
            "text": "Reminder",
        }
    return found


def callback_data(intent: str, appointment: int, version: int) -> str:
    return f"r:{intent}:{appointment}:{version}"


CALLBACK_DATA = st.one_of(
    st.builds(callback_data, st.sampled_from(INTENTS), st.integers(0, 50), st.integers(0, 5)),
    st.builds(
        callback_data,
        st.sampled_from(["bogus", "", "admin_", "OTHER"]),
        st.integers(-5, 50),
        st.integers(0, 5),
    ),
    st.sampled_from(
        [
            "r:confirm:99999999999999999999999:1",
            "r:confirm:1",
            "r:::",
            "r:confirm:x:1",
            "ack_stale",
            "",
            "r:confirm:1:1:extra",
        ]
    ),
    TEXT,
)


@st.composite
def callback_query(draw: st.DrawFn) -> dict[str, Any]:
    who = draw(USER)
    found: dict[str, Any] = {
        "id": "4382",
        "from": who,
        "chat_instance": "-98",
        "data": draw(CALLBACK_DATA),
    }
    shown = draw(st.sampled_from(["message", "inaccessible", "inline", "game"]))
    if shown == "message":
        found["message"] = draw(message(chat={"id": who["id"], "type": "private"}))
    elif shown == "inaccessible":
        found["message"] = {
            "chat": {"id": who["id"], "type": "private"},
            "message_id": 3,
            "date": 0,
        }
    elif shown == "inline":
        found["inline_message_id"] = "BAAAAB"
    else:
        found.pop("data")
        found["game_short_name"] = "g"
    return found


def _member(status: str, user_id: int) -> dict[str, Any]:
    return {"status": status, "user": user(user_id)} | (
        {"until_date": 0} if status == "kicked" else {}
    )


def _member_update(draw: st.DrawFn) -> dict[str, Any]:
    who = draw(USER)
    return {
        "chat": draw(CHAT),
        "from": who,
        "date": DATE,
        "old_chat_member": _member("member", who["id"]),
        "new_chat_member": _member(draw(st.sampled_from(["kicked", "left", "member"])), who["id"]),
    }


EMOJI = {"type": "emoji", "emoji": "👍"}
BOOST_SOURCE = {"source": "premium", "user": user(5)}


@st.composite
def update_body(draw: st.DrawFn) -> dict[str, Any]:
    """One update's type and object (without ``update_id``)."""
    kind = draw(st.sampled_from(UPDATE_TYPES))
    who = draw(USER)
    chat = draw(CHAT)
    objects: dict[str, Any] = {
        "message": lambda: draw(message()),
        "edited_message": lambda: {**draw(message()), "edit_date": DATE + 5},
        "channel_post": lambda: draw(message(chat=draw(GROUP))),
        "edited_channel_post": lambda: {**draw(message(chat=draw(GROUP))), "edit_date": DATE},
        "business_connection": lambda: {
            "id": "bc1",
            "user": who,
            "user_chat_id": who["id"],
            "date": DATE,
            "is_enabled": True,
            "rights": {"can_reply": True},
        },
        "business_message": lambda: {**draw(message()), "business_connection_id": "bc1"},
        "edited_business_message": lambda: {**draw(message()), "business_connection_id": "bc1"},
        "deleted_business_messages": lambda: {
            "business_connection_id": "bc1",
            "chat": chat,
            "message_ids": [1, 2],
        },
        "message_reaction": lambda: {
            "chat": chat,
            "message_id": 5,
            "user": who,
            "date": DATE,
            "old_reaction": [],
            "new_reaction": [EMOJI],
        },
        "message_reaction_count": lambda: {
            "chat": chat,
            "message_id": 5,
            "date": DATE,
            "reactions": [{"type": EMOJI, "total_count": 2}],
        },
        "inline_query": lambda: {"id": "iq", "from": who, "query": draw(TEXT), "offset": ""},
        "chosen_inline_result": lambda: {"result_id": "1", "from": who, "query": "q"},
        "callback_query": lambda: draw(callback_query()),
        "shipping_query": lambda: {
            "id": "sq",
            "from": who,
            "invoice_payload": "p",
            "shipping_address": {
                "country_code": "ES",
                "state": "",
                "city": "Madrid",
                "street_line1": "x",
                "street_line2": "",
                "post_code": "1",
            },
        },
        "pre_checkout_query": lambda: {
            "id": "pq",
            "from": who,
            "currency": "EUR",
            "total_amount": 1500,
            "invoice_payload": "p",
        },
        "purchased_paid_media": lambda: {"from": who, "paid_media_payload": "p"},
        "poll": lambda: POLL,
        "poll_answer": lambda: {
            "poll_id": "5",
            "user": who,
            "option_ids": [0],
            "option_persistent_ids": ["0"],
        },
        "my_chat_member": lambda: _member_update(draw),
        "chat_member": lambda: _member_update(draw),
        "chat_join_request": lambda: {
            "chat": draw(GROUP),
            "from": who,
            "user_chat_id": who["id"],
            "date": DATE,
        },
        "chat_boost": lambda: {
            "chat": draw(GROUP),
            "boost": {
                "boost_id": "b",
                "add_date": DATE,
                "expiration_date": DATE + 1,
                "source": BOOST_SOURCE,
            },
        },
        "removed_chat_boost": lambda: {
            "chat": draw(GROUP),
            "boost_id": "b",
            "remove_date": DATE,
            "source": BOOST_SOURCE,
        },
        "a_future_update_type": lambda: {"chat": chat, "from": who},
    }
    return {kind: objects[kind]()}


UPDATE_TYPES = [
    "message", "message", "message", "edited_message", "channel_post", "edited_channel_post",
    "business_connection", "business_message", "edited_business_message",
    "deleted_business_messages", "message_reaction", "message_reaction_count", "inline_query",
    "chosen_inline_result", "callback_query", "callback_query", "callback_query",
    "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer",
    "my_chat_member", "chat_member", "chat_join_request", "chat_boost", "removed_chat_boost",
    "a_future_update_type",
]  # fmt: skip
