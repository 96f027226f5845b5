"""Staff (masters) and services: the things an appointment is made of."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.names import merged_names
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from db.models import Service, Staff

_M = TypeVar("_M", Staff, Service)


async def get_staff(session: AsyncSession, *, staff_id: int) -> Staff:
    staff = await session.get(Staff, staff_id)
    if staff is None:
        raise NotFoundError(
            f"no master with id {staff_id}", code="no_master_id", params={"id": staff_id}
        )
    return staff


async def list_staff(session: AsyncSession, *, include_inactive: bool = False) -> list[Staff]:
    query = select(Staff).order_by(Staff.name)
    if not include_inactive:
        query = query.where(Staff.active.is_(True))
    return list(await session.scalars(query))


async def find_staff(session: AsyncSession, *, ref: str) -> Staff:
    """A master by id (``3``) or by name, case-insensitively (``vitaly``)."""
    found = await _by_ref(session, Staff, ref)
    if found is None:
        names = ", ".join(s.name for s in await list_staff(session)) or "none yet"
        raise NotFoundError(
            f"unknown master {ref!r} (masters: {names})",
            code="no_master",
            params={"ref": ref, "names": names},
        )
    return found


async def create_staff(
    session: AsyncSession, *, name: str, names: Mapping[str, str | None] | None = None
) -> Staff:
    """A new master; ``names`` are the name in other languages (``{"ru": "Виталий"}``)."""
    clean = _name(name)
    await _unique_name(session, Staff, clean, what="master")
    staff = Staff(name=clean, names=merged_names(None, names or {}), active=True)
    session.add(staff)
    await session.flush()
    return staff


async def update_staff(
    session: AsyncSession,
    *,
    staff_id: int,
    name: str | None = None,
    active: bool | None = None,
    names: Mapping[str, str | None] | None = None,
) -> Staff:
    """Change a master; ``names`` sets (or, with ``""``, removes) translations, keeping the
    others."""
    staff = await get_staff(session, staff_id=staff_id)
    if names is not None:
        staff.names = merged_names(staff.names, names)
    if name is not None and name.strip() != staff.name:
        clean = _name(name)
        await _unique_name(session, Staff, clean, what="master")
        staff.name = clean
    if active is not None:
        staff.active = active
    await session.flush()
    return staff


async def get_service(session: AsyncSession, *, service_id: int) -> Service:
    service = await session.get(Service, service_id)
    if service is None:
        raise NotFoundError(
            f"no service with id {service_id}", code="no_service_id", params={"id": service_id}
        )
    return service


async def list_services(session: AsyncSession, *, include_inactive: bool = False) -> list[Service]:
    query = select(Service).order_by(Service.name)
    if not include_inactive:
        query = query.where(Service.active.is_(True))
    return list(await session.scalars(query))


async def find_service(session: AsyncSession, *, ref: str) -> Service:
    """A service by id or by name, case-insensitively."""
    found = await _by_ref(session, Service, ref)
    if found is None:
        names = ", ".join(s.name for s in await list_services(session)) or "none yet"
        raise NotFoundError(
            f"unknown service {ref!r} (services: {names})",
            code="no_service",
            params={"ref": ref, "names": names},
        )
    return found


async def create_service(
    session: AsyncSession,
    *,
    name: str,
    duration_minutes: int,
    price: Decimal,
    deposit: Decimal | None = None,
    names: Mapping[str, str | None] | None = None,
) -> Service:
    clean = _name(name)
    _check_service_numbers(duration_minutes, price, deposit)
    await _unique_name(session, Service, clean, what="service")
    service = Service(
        name=clean,
        names=merged_names(None, names or {}),
        duration_minutes=duration_minutes,
        price=price,
        deposit=deposit,
        active=True,
    )
    session.add(service)
    await session.flush()
    return service


async def update_service(
    session: AsyncSession,
    *,
    service_id: int,
    name: str | None = None,
    duration_minutes: int | None = None,
    price: Decimal | None = None,
    deposit: Decimal | None = None,
    clear_deposit: bool = False,
    active: bool | None = None,
    names: Mapping[str, str | None] | None = None,
) -> Service:
    service = await get_service(session, service_id=service_id)
    if names is not None:
        service.names = merged_names(service.names, names)
    if name is not None and name.strip() != service.name:
        clean = _name(name)
        await _unique_name(session, Service, clean, what="service")
        service.name = clean
    new_deposit = None if clear_deposit else (deposit if deposit is not None else service.deposit)
    _check_service_numbers(
        duration_minutes if duration_minutes is not None else service.duration_minutes,
        price if price is not None else service.price,
        new_deposit,
    )
    if duration_minutes is not None:
        service.duration_minutes = duration_minutes
    if price is not None:
        service.price = price
    service.deposit = new_deposit
    if active is not None:
        service.active = active
    await session.flush()
    return service


def _name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInputError("name is empty", field="name", code="name_empty")
    return clean


def _check_service_numbers(duration: int, price: Decimal, deposit: Decimal | None) -> None:
    if not 5 <= duration <= 24 * 60:
        raise InvalidInputError(
            "duration must be between 5 and 1440 minutes",
            field="duration_minutes",
            code="duration",
            params={"low": 5, "high": 24 * 60},
        )
    if price < 0:
        raise InvalidInputError("price cannot be negative", field="price", code="price")
    if deposit is not None and not Decimal(0) <= deposit <= price:
        raise InvalidInputError(
            "deposit must be between 0 and the price", field="deposit", code="deposit"
        )


async def _unique_name(
    session: AsyncSession, model: type[Staff] | type[Service], name: str, *, what: str
) -> None:
    # both sides through the database's lower(): Python's folds some letters (İ) differently
    existing = await session.scalar(
        select(model.id).where(func.lower(model.name) == func.lower(name))
    )
    if existing is not None:
        raise ConflictError(
            f"there is already a {what} named {name!r} (id {existing})",
            code="name_taken",
            params={"what": what, "name": name, "id": existing},
        )


async def _by_ref(session: AsyncSession, model: type[_M], ref: str) -> _M | None:
    text = ref.strip()
    if text.isdigit():
        return await session.get(model, int(text))
    found: _M | None = await session.scalar(
        select(model).where(func.lower(model.name) == " ".join(text.split()).lower())
    )
    return found
