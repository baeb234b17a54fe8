"""/api/v1/organizations/{id}/domains: e-mail domains proven by a DNS TXT record."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.organizations import domain_verification as uc
from pmsaas.domain.organizations.email_domains import OrganizationDomain
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.structs import Input

DOMAINS = "org:domains"  # the owner's (OrganizationOwner holds org:*)
DomainName = Annotated[str, msgspec.Meta(min_length=3, max_length=253)]


class DomainIn(Input):
    domain: DomainName


class VerificationOut(msgspec.Struct, kw_only=True):
    type: str
    name: str
    value: str


class DomainOut(msgspec.Struct, kw_only=True):
    id: UUID
    domain: str
    status: str
    verification: VerificationOut  # the TXT record to publish
    verified_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, d: OrganizationDomain) -> DomainOut:
        return cls(
            id=d.id,
            domain=d.domain,
            status=d.status.value,
            verification=VerificationOut(type="TXT", name=d.record_name, value=d.record_value),
            verified_at=d.verified_at,
            created_at=d.created_at,
        )


class DomainController(Controller):
    path = "/api/v1/organizations/{organization_id:uuid}/domains"
    tags = ["Organizations"]
    guards = [requires(DOMAINS)]
    dependencies = {"listing": Provide(list_query(("created_at", "domain")))}

    @get("/", summary="The organization's e-mail domains")
    async def list_domains(self, listing: Listing, organization_id: FromPath[UUID]) -> Paginated[DomainOut]:
        ctx = listing.ctx
        page = await uc.list_domains(uow=ctx.uow(), actor=ctx.actor, organization_id=organization_id, page=listing.page)
        return paginated(page, [DomainOut.of(d) for d in page.items])

    @post("/", status_code=HTTP_201_CREATED, summary="Add a domain; answers the TXT record that proves it")
    async def add_domain(
        self, ctx: Context, organization_id: FromPath[UUID], data: JSONBody[DomainIn]
    ) -> Ok[DomainOut]:
        domain = await uc.add_domain(  # system: one organization holds a domain, whichever it is
            uow=ctx.system_uow(), clock=ctx.clock, actor=ctx.actor, organization_id=organization_id, domain=data.domain
        )
        return ok(DomainOut.of(domain))

    @delete("/{domain_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="Remove a domain")
    async def delete_domain(self, ctx: Context, organization_id: FromPath[UUID], domain_id: FromPath[UUID]) -> None:
        await uc.delete_domain(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, organization_id=organization_id, domain_id=domain_id
        )

    @post("/{domain_id:uuid}/verify", status_code=200, summary="Look the TXT record up and mark the domain verified")
    async def verify_domain(
        self, ctx: Context, organization_id: FromPath[UUID], domain_id: FromPath[UUID]
    ) -> Ok[DomainOut]:
        domain = await uc.verify_domain(  # system: one organization holds a domain, whichever it is
            uow=ctx.system_uow(),
            resolver=ctx.txt_resolver,
            clock=ctx.clock,
            actor=ctx.actor,
            organization_id=organization_id,
            domain_id=domain_id,
        )
        return ok(DomainOut.of(domain))
