"""/api/v1/properties/{property_id}/tenants: tenant profiles, and each tenant's lease."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.properties import leases, tenants
from pmsaas.domain.properties.model import EmergencyContact, Tenant
from pmsaas.domain.properties.ports import TenantFilter
from pmsaas.domain.shared.errors import PermissionDenied
from pmsaas.entrypoints.http.auth import current_actor, requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.platform.properties.leases import LeaseIn, LeaseOut
from pmsaas.entrypoints.http.structs import Input, Name, ShortText

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, msgspec.Meta(min_length=3, max_length=32)]


async def reads_tenants(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """``tenant:read``, or a Tenant user reading its own profile (scoped by the use case)."""
    actor = current_actor(connection)
    if not (actor.can("tenant:read") or actor.is_tenant):
        raise PermissionDenied("Missing permission tenant:read")


class EmergencyContactIn(Input):
    name: Name
    phone: Phone
    relationship: ShortText | None = None


class EmergencyContactOut(msgspec.Struct, kw_only=True):
    name: str
    phone: str
    relationship: str | None


class TenantIn(Input):
    name: Name
    email: Email
    phone: Phone | None = None
    emergency_contact: EmergencyContactIn | None = None
    pan_number: Annotated[str, msgspec.Meta(max_length=20)] | None = None  # India
    gstin: Annotated[str, msgspec.Meta(max_length=20)] | None = None  # India
    business_number: Annotated[str, msgspec.Meta(max_length=20)] | None = None  # Canada (BN, 9 digits)
    user_id: UUID | None = None  # a user with the Tenant role: links the login to this profile

    def to_input(self) -> tenants.TenantInput:
        ec = self.emergency_contact
        return tenants.TenantInput(
            name=self.name,
            email=self.email,
            phone=self.phone,
            emergency_contact=None if ec is None else EmergencyContact(ec.name, ec.phone, ec.relationship),
            pan_number=self.pan_number,
            gstin=self.gstin,
            business_number=self.business_number,
            user_id=self.user_id,
        )


class TenantOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: UUID
    property_id: UUID
    name: str
    email: str
    phone: str | None
    emergency_contact: EmergencyContactOut | None
    pan_number: str | None
    gstin: str | None
    business_number: str | None
    user_id: UUID | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, t: Tenant) -> TenantOut:
        ec = t.emergency_contact
        return cls(
            id=t.id,
            organization_id=t.organization_id,
            property_id=t.property_id,
            name=t.name,
            email=t.email,
            phone=t.phone,
            emergency_contact=None
            if ec is None
            else EmergencyContactOut(name=ec.name, phone=ec.phone, relationship=ec.relationship),
            pan_number=t.pan_number,
            gstin=t.gstin,
            business_number=t.business_number,
            user_id=t.user_id,
            version=t.version,
            created_at=t.created_at,
            updated_at=t.updated_at,
        )


class TenantController(Controller):
    path = "/api/v1/properties/{property_id:uuid}/tenants"
    tags = ["Tenants"]
    dependencies = {"listing": Provide(list_query(("name", "created_at", "updated_at"), default_sort="name"))}

    @get("/", guards=[reads_tenants], summary="List a property's tenants")
    async def list_tenants(
        self,
        listing: Listing,
        property_id: FromPath[UUID],
        search: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Paginated[TenantOut]:
        ctx = listing.ctx
        filters = TenantFilter(
            search=search, created_after=listing.created_after, created_before=listing.created_before
        )
        page = await tenants.list_tenants(
            uow=ctx.uow(), actor=ctx.actor, property_id=property_id, filters=filters, page=listing.page
        )
        return paginated(page, [TenantOut.of(t) for t in page.items])

    @post("/", guards=[requires("tenant:create")], status_code=HTTP_201_CREATED, summary="Create a tenant")
    async def create_tenant(self, ctx: Context, property_id: FromPath[UUID], data: JSONBody[TenantIn]) -> Ok[TenantOut]:
        tenant = await tenants.create_tenant(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, property_id=property_id, data=data.to_input()
        )
        return ok(TenantOut.of(tenant))

    @get("/{tenant_id:uuid}", guards=[reads_tenants], summary="Get a tenant")
    async def get_tenant(self, ctx: Context, property_id: FromPath[UUID], tenant_id: FromPath[UUID]) -> Ok[TenantOut]:
        tenant = await tenants.get_tenant(uow=ctx.uow(), actor=ctx.actor, property_id=property_id, tenant_id=tenant_id)
        return ok(TenantOut.of(tenant))

    @put("/{tenant_id:uuid}", guards=[requires("tenant:update")], summary="Replace a tenant")
    async def update_tenant(
        self, ctx: Context, property_id: FromPath[UUID], tenant_id: FromPath[UUID], data: JSONBody[TenantIn]
    ) -> Ok[TenantOut]:
        tenant = await tenants.update_tenant(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            property_id=property_id,
            tenant_id=tenant_id,
            data=data.to_input(),
        )
        return ok(TenantOut.of(tenant))

    @delete(
        "/{tenant_id:uuid}",
        guards=[requires("tenant:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a tenant (409 while a lease is not ended)",
    )
    async def delete_tenant(self, ctx: Context, property_id: FromPath[UUID], tenant_id: FromPath[UUID]) -> None:
        await tenants.delete_tenant(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, property_id=property_id, tenant_id=tenant_id
        )

    @get("/{tenant_id:uuid}/lease", guards=[requires("lease:read")], summary="The tenant's current lease")
    async def get_lease(self, ctx: Context, property_id: FromPath[UUID], tenant_id: FromPath[UUID]) -> Ok[LeaseOut]:
        lease = await leases.get_tenant_lease(
            uow=ctx.uow(), actor=ctx.actor, property_id=property_id, tenant_id=tenant_id
        )
        return ok(LeaseOut.of(lease))

    @post(
        "/{tenant_id:uuid}/lease",
        guards=[requires("lease:create")],
        status_code=HTTP_201_CREATED,
        summary="Create a lease for the tenant (as a draft)",
    )
    async def create_lease(
        self, ctx: Context, property_id: FromPath[UUID], tenant_id: FromPath[UUID], data: JSONBody[LeaseIn]
    ) -> Ok[LeaseOut]:
        lease = await leases.create_lease(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            property_id=property_id,
            tenant_id=tenant_id,
            data=data.to_input(),
        )
        return ok(LeaseOut.of(lease))
