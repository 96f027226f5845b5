"""Property-based fuzzing of the WhatsApp webhook and of the handling of what it stores: every
message type and status of the Cloud API, other change fields, then the same damaged; and a good
message next to junk in one body is still handled."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.api.routes.webhooks import MAX_BODY, WHATSAPP_PATH
from bot.domain.appointments import AppointmentStatus
from db.models import Appointment, InboundUpdate, InboxItem
from tests.channels.conftest import WhatsAppSide
from tests.channels.fuzzing import FUZZ, OK_STATUSES, misfits, settle
from tests.factories import make_appointment, make_client, make_service, make_staff
from tests.fakes.graph_api import APP_SECRET, signed_headers
from tests.fakes.mutations import DEEP, JUNK, encoded, mutated
from tests.fakes.whatsapp_bodies import (
    BODY,
    BOOKED,
    envelope,
    message,
    messages_change,
    status,
)


async def _book(wa: WhatsAppSide, phone: str, n: int) -> int:
    async with wa.sessions() as session:
        client = await make_client(session, phone=phone)
        client.locale = "es"
        appointment = await make_appointment(
            session,
            client=client,
            staff=await make_staff(session, name=f"Master {n}"),
            service=await make_service(session, name=f"Service {n}"),
            starts_at=wa.clock.now() + timedelta(hours=30),
            now=wa.clock.now(),
        )
        await session.commit()
        return appointment.id


async def _post(wa: WhatsAppSide, content: bytes, secret: str = APP_SECRET) -> int:
    headers = signed_headers(content, secret)
    response = await wa.http.post(WHATSAPP_PATH, content=content, headers=headers)
    assert response.status_code in OK_STATUSES, response.text
    return response.status_code


@st.composite
def bodies(draw: st.DrawFn) -> Any:
    """A body as Meta sends it, a damaged one, or something else entirely."""
    body = draw(BODY)
    how = draw(st.sampled_from(["as is", "damaged", "damaged", "damaged", "not one"]))
    if how == "damaged":
        return draw(mutated(body))
    if how == "not one":
        return draw(st.one_of(JUNK, DEEP, st.just([body])))
    return body


def _ids(body: Any) -> set[str]:
    """The ids of the messages in a body that Meta's documentation says how to read."""
    entries = body.get("entry") if isinstance(body, dict) else None
    found = set()
    for entry in entries if isinstance(entries, list) else []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for item in changes if isinstance(changes, list) else []:
            value = item.get("value") if isinstance(item, dict) else None
            messages = value.get("messages") if isinstance(value, dict) else None
            for raw in messages if isinstance(messages, list) else []:
                wamid = raw.get("id") if isinstance(raw, dict) else None
                if isinstance(wamid, str) and wamid.isascii() and wamid.isprintable() and wamid:
                    found.add(wamid[:128])
    return found


@FUZZ
@given(body=bodies(), ascii_only=st.booleans())
async def test_any_body_is_answered_stored_and_handled_without_a_crash(
    wa: WhatsAppSide, body: Any, ascii_only: bool
) -> None:
    async with wa.sessions() as session:
        booked = await session.scalar(select(Appointment.id))
    if booked is None:
        await _book(wa, f"+{BOOKED}", 0)

    status_code = await _post(wa, encoded(body, ascii_only=ascii_only))

    if isinstance(body, dict) and status_code not in {400, 413}:  # too deep, too big
        assert status_code == 200
        async with wa.sessions() as session:
            stored = set(await session.scalars(select(InboundUpdate.external_id)))
        assert _ids(body) <= stored
    await settle(wa.messengers.inbound, wa.clock)  # type: ignore[arg-type]
    assert await misfits(wa.sessions) == []


@FUZZ
@given(body=bodies(), secret=st.sampled_from(["", "wrong-secret"]))
async def test_an_unsigned_body_is_refused_and_nothing_stored(
    wa: WhatsAppSide, body: Any, secret: str
) -> None:
    content = encoded(body)
    headers = signed_headers(content, secret) if secret else {}
    response = await wa.http.post(WHATSAPP_PATH, content=content, headers=headers)

    assert response.status_code == 403
    async with wa.sessions() as session:
        assert await session.scalar(select(InboundUpdate.id)) is None


_clients = itertools.count(1)


def _readable(content: bytes) -> bool:
    """Not nested as deep as the server's JSON parser refuses (Meta nests a few levels)."""
    return b"[" * 50 not in content


@st.composite
def junk_next_to(draw: st.DrawFn, good: dict[str, Any], sender: str) -> dict[str, Any]:
    """A body where ``good`` (from ``sender``) sits among damaged messages, statuses and
    changes of other senders, in the same list and in other changes and entries."""
    junk_messages = draw(st.lists(message().flatmap(lambda m: mutated(m, rate=0.3)), max_size=3))
    junk_messages = [
        m for m in junk_messages if not (isinstance(m, dict) and m.get("from") == sender)
    ]
    at = draw(st.integers(0, len(junk_messages)))
    contacts: list[Any] = [{"profile": {"name": "Anna"}, "wa_id": sender}]
    contacts += draw(st.lists(JUNK, max_size=2))
    value = {"contacts": contacts, "messages": [*junk_messages[:at], good, *junk_messages[at:]]}
    changes = [messages_change(value)]
    changes += draw(st.lists(mutated(messages_change({"statuses": [draw(status())]})), max_size=2))
    body = envelope(draw(st.permutations(changes)))
    body["entry"] += draw(st.lists(mutated(envelope([])["entry"][0], rate=0.5), max_size=2))
    return body


@FUZZ
@given(data=st.data(), what=st.sampled_from(["confirm", "question"]))
async def test_a_good_message_next_to_junk_is_handled(
    wa: WhatsAppSide, data: st.DataObject, what: str
) -> None:
    n = next(_clients)
    sender = f"3461{n:07d}"
    appointment_id = await _book(wa, f"+{sender}", n)
    if what == "confirm":
        kind = {
            "type": "button",
            "button": {"payload": f"confirm:{appointment_id}:1", "text": "Sí"},
        }
    else:
        kind = {"type": "text", "text": {"body": "¿Dónde aparco?"}}
    good = {"from": sender, "id": f"wamid.GOOD{n:06d}", "timestamp": "1697043223", **kind}
    content = encoded(data.draw(junk_next_to(good, sender)))
    assume(len(content) <= MAX_BODY)  # a body too big is refused whole (413), rightly
    assume(_readable(content))  # so is one nested too deep to read (400)

    assert await _post(wa, content) == 200
    await settle(wa.messengers.inbound, wa.clock)  # type: ignore[arg-type]

    async with wa.sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        assert appointment is not None
        if what == "confirm":
            assert appointment.status is AppointmentStatus.CONFIRMED
        else:
            asked = await session.scalar(
                select(InboxItem).where(InboxItem.client_id == appointment.client_id)
            )
            assert asked is not None
            assert asked.text == "¿Dónde aparco?"
