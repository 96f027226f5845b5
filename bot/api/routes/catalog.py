"""Staff (masters) and services."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, status

from bot.api.deps import SessionDep
from bot.api.errors import RECORD_RESPONSES
from bot.api.fields import Id
from bot.api.schemas import ServiceIn, ServiceOut, ServicePatch, StaffIn, StaffOut, StaffPatch
from bot.api.staff_schemas import ServiceRef, StaffServicesIn, StaffServicesOut
from bot.domain.locales import Locale
from bot.ledger import catalog, staff_services
from db.models import Service

router = APIRouter(tags=["staff and services"], responses=RECORD_RESPONSES)


def _names(names: Mapping[Locale, str] | None) -> dict[str, str | None] | None:
    return None if names is None else {str(locale): text for locale, text in names.items()}


@router.post("/staff", status_code=status.HTTP_201_CREATED)
async def create_staff(body: StaffIn, session: SessionDep) -> StaffOut:
    staff = await catalog.create_staff(session, name=body.name, names=_names(body.names))
    await session.commit()
    return StaffOut.model_validate(staff)


@router.get("/staff")
async def list_staff(session: SessionDep, include_inactive: bool = False) -> list[StaffOut]:
    found = await catalog.list_staff(session, include_inactive=include_inactive)
    return [StaffOut.model_validate(s) for s in found]


@router.get("/staff/{staff_id}")
async def get_staff(staff_id: Id, session: SessionDep) -> StaffOut:
    return StaffOut.model_validate(await catalog.get_staff(session, staff_id=staff_id))


@router.patch("/staff/{staff_id}")
async def update_staff(staff_id: Id, body: StaffPatch, session: SessionDep) -> StaffOut:
    staff = await catalog.update_staff(
        session, staff_id=staff_id, name=body.name, active=body.active, names=_names(body.names)
    )
    await session.commit()
    return StaffOut.model_validate(staff)


def _services_out(staff_id: int, services: list[Service] | None) -> StaffServicesOut:
    return StaffServicesOut(
        staff_id=staff_id,
        every_service=services is None,
        services=[ServiceRef(id=s.id, name=s.name) for s in services or []],
    )


@router.get("/staff/{staff_id}/services")
async def get_staff_services(staff_id: Id, session: SessionDep) -> StaffServicesOut:
    """The services this master does (a master without a list does every service)."""
    found = await staff_services.services_of(session, staff_id=staff_id)
    return _services_out(staff_id, found)


@router.put("/staff/{staff_id}/services")
async def put_staff_services(
    staff_id: Id, body: StaffServicesIn, session: SessionDep
) -> StaffServicesOut:
    """Say which services this master does: slots for "any master", booking checks (409
    ``not_offered`` unless forced) and waitlist offers follow it. null or []: every service."""
    found = await staff_services.set_services_of(
        session, staff_id=staff_id, service_ids=body.service_ids
    )
    await session.commit()
    return _services_out(staff_id, found)


@router.post("/services", status_code=status.HTTP_201_CREATED)
async def create_service(body: ServiceIn, session: SessionDep) -> ServiceOut:
    service = await catalog.create_service(
        session,
        name=body.name,
        duration_minutes=body.duration_minutes,
        price=body.price,
        deposit=body.deposit,
        names=_names(body.names),
    )
    await session.commit()
    return ServiceOut.model_validate(service)


@router.get("/services")
async def list_services(session: SessionDep, include_inactive: bool = False) -> list[ServiceOut]:
    found = await catalog.list_services(session, include_inactive=include_inactive)
    return [ServiceOut.model_validate(s) for s in found]


@router.get("/services/{service_id}")
async def get_service(service_id: Id, session: SessionDep) -> ServiceOut:
    return ServiceOut.model_validate(await catalog.get_service(session, service_id=service_id))


@router.patch("/services/{service_id}")
async def update_service(service_id: Id, body: ServicePatch, session: SessionDep) -> ServiceOut:
    fields = body.model_fields_set
    service = await catalog.update_service(
        session,
        service_id=service_id,
        name=body.name,
        duration_minutes=body.duration_minutes,
        price=body.price,
        deposit=body.deposit,
        clear_deposit="deposit" in fields and body.deposit is None,
        active=body.active,
        names=_names(body.names),
    )
    await session.commit()
    return ServiceOut.model_validate(service)
