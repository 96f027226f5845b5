"""Clients: who they are, how to reach them, what the salon knows about them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, inspect, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload

from bot.domain.locales import SUPPORTED_LOCALES
from bot.domain.phones import normalize_phone
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.ledger.catalog import get_staff
from db.models import Client, ClientIdentity


async def get_client(session: AsyncSession, *, client_id: int) -> Client:
    client = await session.get(Client, client_id)
    if client is None:
        raise NotFoundError(
            f"no client with id {client_id}", code="no_client", params={"id": client_id}
        )
    return client


async def find_by_phone(session: AsyncSession, *, phone: str) -> Client | None:
    found: Client | None = await session.scalar(select(Client).where(Client.phone == phone))
    return found


async def search_clients(
    session: AsyncSession, *, query: str | None = None, limit: int = 100, offset: int = 0
) -> list[Client]:
    """Clients whose name or phone contains ``query`` (case-insensitive), by name."""
    statement = select(Client).order_by(Client.name, Client.id).limit(limit).offset(offset)
    if query:
        pattern = f"%{query.strip().lower()}%"
        digits = "".join(ch for ch in query if ch.isdigit())
        conditions = [func.lower(Client.name).like(pattern)]
        if digits:
            conditions.append(Client.phone.like(f"%{digits}%"))
        statement = statement.where(or_(*conditions))
    return list(await session.scalars(statement))


def _clean_locale(locale: str | None) -> str | None:
    if locale is None:
        return None
    if locale not in SUPPORTED_LOCALES:
        raise InvalidInputError(
            f"unsupported language {locale!r}; expected one of {', '.join(SUPPORTED_LOCALES)}",
            field="locale",
            code="locale",
            params={"text": locale, "names": ", ".join(SUPPORTED_LOCALES)},
        )
    return locale


async def _check_phone_free(
    session: AsyncSession, phone: str, *, except_id: int | None = None
) -> None:
    owner = await find_by_phone(session, phone=phone)
    if owner is not None and owner.id != except_id:
        raise ConflictError(
            f"phone {phone} already belongs to client {owner.id} ({owner.name})",
            code="phone_taken",
            params={"phone": phone, "id": owner.id, "name": owner.name},
        )


async def create_client(
    session: AsyncSession,
    *,
    name: str,
    phone: str | None,
    phone_region: str | None,
    locale: str | None = None,
    heard_from: str | None = None,
    preferred_staff_id: int | None = None,
    notes: str | None = None,
) -> Client:
    clean_name = " ".join(name.split())
    if not clean_name:
        raise InvalidInputError("client name is empty", field="name", code="name_empty")
    e164 = normalize_phone(phone, region=phone_region) if phone else None
    if e164 is not None:
        await _check_phone_free(session, e164)
    if preferred_staff_id is not None:
        await get_staff(session, staff_id=preferred_staff_id)
    client = Client(
        name=clean_name,
        phone=e164,
        locale=_clean_locale(locale),
        heard_from=heard_from,
        preferred_staff_id=preferred_staff_id,
        notes=notes,
        blocked=False,
        identities=[],
    )
    session.add(client)
    await session.flush()
    return client


async def update_client(
    session: AsyncSession,
    *,
    client_id: int,
    phone_region: str | None,
    changes: dict[str, object],
) -> Client:
    """Apply the given field changes (only keys present are touched; None clears a field)."""
    client = await get_client(session, client_id=client_id)
    if "name" in changes:
        clean_name = " ".join(str(changes["name"] or "").split())
        if not clean_name:
            raise InvalidInputError("client name is empty", field="name", code="name_empty")
        client.name = clean_name
    if "phone" in changes:
        raw = changes["phone"]
        e164 = normalize_phone(str(raw), region=phone_region) if raw else None
        if e164 is not None:
            await _check_phone_free(session, e164, except_id=client.id)
        client.phone = e164
    if "locale" in changes:
        value = changes["locale"]
        client.locale = _clean_locale(str(value) if value is not None else None)
    preferred = changes.get("preferred_staff_id")
    if isinstance(preferred, int):
        await get_staff(session, staff_id=preferred)
    for field in ("heard_from", "notes", "preferred_staff_id", "blocked", "blocked_reason"):
        if field in changes:
            setattr(client, field, changes[field])
    await session.flush()
    return client


async def find_or_create_by_phone(
    session: AsyncSession,
    *,
    phone: str,
    name: str,
    phone_region: str | None,
    locale: str | None = None,
) -> tuple[Client, bool]:
    """The client with this phone, or a new one; True when created.

    An existing client keeps the name the salon already has for them.
    """
    e164 = normalize_phone(phone, region=phone_region)
    existing = await find_by_phone(session, phone=e164)
    if existing is not None:
        return existing, False
    created = await create_client(
        session, name=name, phone=e164, phone_region=phone_region, locale=locale
    )
    return created, True


async def link_identity(
    session: AsyncSession, *, client_id: int, channel: str, external_id: str
) -> ClientIdentity:
    """Attach a messenger address to a client; re-linking makes it reachable again.

    An address already linked to another client is refused rather than silently moved.
    """
    client = await get_client(session, client_id=client_id)
    existing = await session.scalar(
        select(ClientIdentity).where(
            ClientIdentity.channel == channel, ClientIdentity.external_id == external_id
        )
    )
    if existing is not None and existing.client_id != client.id:
        raise ConflictError(
            f"{channel} address {external_id} is already linked to client {existing.client_id}",
            code="chat_taken",
            params={"channel": channel, "id": existing.client_id},
        )
    if existing is None:
        existing = ClientIdentity(
            client_id=client.id, channel=channel, external_id=external_id, unreachable=False
        )
        if "identities" in inspect(client).unloaded:
            session.add(existing)  # not loaded for this client (find_known): nothing to keep true
        else:
            client.identities.append(existing)
    existing.unreachable = False
    existing.unreachable_reason = None
    await session.flush()
    return existing


async def find_client_by_identity(
    session: AsyncSession, *, channel: str, external_id: str
) -> Client | None:
    """The client behind a messenger address, if it is linked."""
    found: Client | None = await session.scalar(
        select(Client)
        .join(ClientIdentity, ClientIdentity.client_id == Client.id)
        .where(ClientIdentity.channel == channel, ClientIdentity.external_id == external_id)
    )
    return found


@dataclass(frozen=True, slots=True)
class Known:
    """A messenger address and the client behind it, looked up once per inbound message."""

    identity: ClientIdentity
    client: Client


# built once: an inbound message runs it, and building it cost more than running it. The
# client's other identities are not loaded (a second query, 15 % of a reply's CPU: the
# inbound benchmark); code that wants them loads them, and reading them unloaded raises.
_KNOWN = (
    select(ClientIdentity, Client)
    .join(Client, Client.id == ClientIdentity.client_id)
    .where(
        ClientIdentity.channel == bindparam("k_channel"),
        ClientIdentity.external_id == bindparam("k_external_id"),
    )
    .options(raiseload(Client.identities))
)


async def find_known(session: AsyncSession, *, channel: str, external_id: str) -> Known | None:
    """The identity of a messenger address with its client (one query), if it is linked."""
    row = (
        await session.execute(_KNOWN, {"k_channel": channel, "k_external_id": external_id})
    ).first()
    return Known(row[0], row[1]) if row is not None else None


def preference(identity: ClientIdentity) -> tuple[bool, float, int]:
    """Sort key of a client's messengers: most recently active first (highest); never-active
    identities by how recently they were linked."""
    last = identity.last_inbound_at
    return (last is not None, last.timestamp() if last else 0.0, identity.id)
