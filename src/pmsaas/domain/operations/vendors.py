"""Vendors: who they are, what they do, how they perform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pmsaas.domain.operations.access import required_text
from pmsaas.domain.operations.model import TaxIdKind, Vendor, WorkOrder, normalize_category
from pmsaas.domain.operations.performance import VendorPerformance, performance_of
from pmsaas.domain.operations.ports import OperationsUnitOfWork, VendorFilter, WorkOrderFilter
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, NotFound, ValidationFailed
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.tax_identifiers import InvalidTaxId, validate_business_number, validate_gstin


@dataclass(frozen=True)
class VendorInput:
    name: str
    trades: list[str]
    service_areas: list[str]
    email: str | None = None
    phone: str | None = None
    insurance_expires_on: date | None = None
    tax_id: str | None = None
    tax_id_kind: TaxIdKind | None = None
    active: bool = True


def check_tax_id(kind: TaxIdKind | None, raw: str | None) -> str | None:
    if raw is None and kind is None:
        return None
    if raw is None or kind is None:
        raise ValidationFailed.single("tax_id_type", "tax_id and tax_id_type go together")
    if kind is TaxIdKind.GSTIN:
        try:
            return validate_gstin(raw)
        except InvalidTaxId:
            raise ValidationFailed.single("tax_id", "is not a valid GSTIN") from None
    try:
        return validate_business_number(raw)
    except InvalidTaxId:
        raise ValidationFailed.single("tax_id", "is not a valid Canadian business number") from None


def _vendor_fields(data: VendorInput) -> dict[str, Any]:
    trades = sorted({normalize_category(t, "trades") for t in data.trades})
    if not trades:
        raise ValidationFailed.single("trades", "at least one trade is required")
    areas = sorted({a.strip() for a in data.service_areas if a.strip()})
    return {
        "name": required_text(data.name, "name"),
        "trades": trades,
        "service_areas": areas,
        "email": data.email.strip().lower() if data.email else None,
        "phone": data.phone.strip() if data.phone else None,
        "insurance_expires_on": data.insurance_expires_on,
        "tax_id": check_tax_id(data.tax_id_kind, data.tax_id),
        "tax_id_kind": data.tax_id_kind,
        "active": data.active,
    }


async def create_vendor(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, data: VendorInput) -> Vendor:
    now = clock.now()
    vendor = Vendor(organization_id=actor.org, created_at=now, updated_at=now, **_vendor_fields(data))
    async with uow:
        await uow.vendors.add(vendor)
        await uow.commit()
    return vendor


async def update_vendor(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, vendor_id: UUID, data: VendorInput
) -> Vendor:
    fields = _vendor_fields(data)
    now = clock.now()
    async with uow:
        vendor = await uow.vendors.get(actor.org, vendor_id)
        expected = vendor.version
        for k, v in fields.items():
            setattr(vendor, k, v)
        vendor.updated_at = now
        vendor.version += 1
        await uow.vendors.update(vendor, expected_version=expected)
        await uow.commit()
    return vendor


async def get_vendor(*, uow: OperationsUnitOfWork, actor: Actor, vendor_id: UUID) -> Vendor:
    async with uow:
        return await uow.vendors.get(actor.org, vendor_id)


async def list_vendors(
    *, uow: OperationsUnitOfWork, actor: Actor, filters: VendorFilter, page: PageRequest
) -> Page[Vendor]:
    async with uow:
        return await uow.vendors.list(actor.org, filters, page)


async def delete_vendor(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, vendor_id: UUID) -> None:
    async with uow:
        await uow.vendors.get(actor.org, vendor_id)
        page = await uow.work_orders.list(
            actor.org, WorkOrderFilter(vendor_id=vendor_id), PageRequest(page=1, page_size=100)
        )
        if any(o.is_open for o in page.items):
            raise Conflict("the vendor has open work orders; complete or cancel them first")
        await uow.vendors.delete(actor.org, vendor_id, clock.now())
        await uow.commit()


async def rate_vendor(
    *,
    uow: OperationsUnitOfWork,
    clock: Clock,
    actor: Actor,
    vendor_id: UUID,
    work_order_id: UUID,
    rating: int,
    comment: str | None,
) -> WorkOrder:
    now = clock.now()
    async with uow:
        await uow.vendors.get(actor.org, vendor_id)
        try:
            order = await uow.work_orders.get(actor.org, work_order_id)
        except NotFound:
            raise ValidationFailed.single("work_order_id", "no such work order") from None
        if order.vendor_id != vendor_id:
            raise ValidationFailed.single("work_order_id", "this work order is not the vendor's")
        expected = order.version
        order.rate(rating, comment.strip() if comment else None)
        order.updated_at = now
        order.version += 1
        await uow.work_orders.update(order, expected_version=expected)
        await uow.commit()
    return order


async def vendor_performance(
    *, uow: OperationsUnitOfWork, actor: Actor, vendor_id: UUID, start: datetime, end: datetime
) -> VendorPerformance:
    if end <= start:
        raise ValidationFailed.single("to", "must be after from")
    async with uow:
        await uow.vendors.get(actor.org, vendor_id)
        orders = await uow.work_orders.finished_for_vendor(actor.org, vendor_id, start, end)
    return performance_of(vendor_id, start, end, orders)
