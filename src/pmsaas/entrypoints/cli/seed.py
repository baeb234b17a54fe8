"""Demo data and the first administrator, through the same use cases the API uses."""

from __future__ import annotations

from dataclasses import replace

from pmsaas.container import build_container, shutdown
from pmsaas.domain.identity.model import Membership, User
from pmsaas.domain.organizations.model import OrganizationSettings
from pmsaas.domain.organizations.services import new_organization
from pmsaas.settings import Settings

DEMO_ORGANIZATION = "Sandbox Property Management"
DEMO_USERS = (
    ("admin@sandbox.propertymgmt.com", "admin123", "Sandbox Admin", "OrganizationOwner"),
    ("manager@sandbox.propertymgmt.com", "manager123", "Sandbox Manager", "PropertyManager"),
    ("tenant@sandbox.propertymgmt.com", "tenant123", "Sandbox Tenant", "Tenant"),
)


async def seed(settings: Settings) -> str:
    container = build_container(settings)
    try:
        hasher, clock = container.password_hasher(), container.clock()
        async with container.system_uow() as uow:
            admin = await uow.users.find_by_email(DEMO_USERS[0][0])
            if admin is not None and admin.default_organization_id:
                return f"demo data already present (organization {admin.default_organization_id})"
            now = clock.now()
            org = new_organization(DEMO_ORGANIZATION, now, OrganizationSettings.for_country("CA"))
            await uow.organizations.add(org)
            for email, password, name, role in DEMO_USERS:
                user = User(
                    email=email,
                    name=name,
                    password_hash=hasher.hash(password),
                    email_verified=True,
                    default_organization_id=org.id,
                    created_at=now,
                    updated_at=now,
                )
                await uow.users.add(user)
                await uow.memberships.add(Membership(user.id, org.id, frozenset({role}), created_at=now))
            await uow.commit()
        from pmsaas.entrypoints.cli.demo_story import play
        from pmsaas.entrypoints.http.app import create_app

        owner, tenant = DEMO_USERS[0], DEMO_USERS[2]
        orgs = await play(
            container,
            create_app(container),
            owner=(owner[0], owner[1]),
            canadian_organization_id=str(org.id),
            tenant_login=(tenant[0], tenant[1]),
        )
        return (
            f"demo organizations: {orgs['CA']} (Ontario, CAD) and {orgs['IN']} (Maharashtra, INR), "
            f"{len(DEMO_USERS)} users; each with two properties, active leases, this month's invoices "
            "(one paid); a maintenance request from the sandbox tenant"
        )
    finally:
        await shutdown(container)


async def has_demo_users(settings: Settings) -> bool:
    container = build_container(settings)
    try:
        async with container.system_uow() as uow:
            return any([await uow.users.find_by_email(email) for email, *_ in DEMO_USERS])
    except Exception:
        return False  # no tables yet
    finally:
        await shutdown(container)


async def create_admin_user(
    settings: Settings, *, email: str, name: str, password: str, organization_name: str | None, super_admin: bool
) -> str:
    from pmsaas.domain.flows import sign_up

    container = build_container(settings)
    try:
        user, membership = await sign_up.register(
            uow=container.system_uow(),
            hasher=container.password_hasher(),
            clock=container.clock(),
            email=email,
            password=password,
            name=name,
            organization_name=organization_name,
        )
        if super_admin and membership is not None:
            async with container.system_uow() as uow:
                await uow.memberships.update(replace(membership, roles=membership.roles | {"SuperAdmin"}))
                await uow.commit()
        return f"created {user.email} ({user.id})" + (
            f" in organization {membership.organization_id}" if membership else ""
        )
    finally:
        await shutdown(container)
