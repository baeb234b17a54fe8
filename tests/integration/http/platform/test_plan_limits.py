"""Plan limits at the moment of use (issue 13): a seat, a property or a stored file beyond the plan is
refused with 409 RESOURCE_CONFLICT naming the limit and the plan, and nothing is written; concurrent
additions never overshoot together (the organization's row is locked while counting)."""

from __future__ import annotations

import asyncio
import io
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from test_invitations import secret_from_mail

from leasing_support import unit_body
from ops_support import make_place, ticket_body
from pmsaas.adapters.sql.tables.operations import ticket_attachments
from pmsaas.domain.organizations.plans import BYTES_PER_GB
from pmsaas.domain.properties.model import PropertyType
from pmsaas.domain.properties.services import AddressInput, PropertyInput, create_property
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.plan_limits import PlanLimitReached
from support import property_body, put_on_plan

pytestmark = [pytest.mark.today("2026-12-01"), pytest.mark.usefixtures("small_standard_plan")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
USERS = "/api/v1/identity/users"


async def add_member(api: Any, owner: Any, role: str = "PropertyManager", email: str | None = None) -> Any:
    body = {"email": email or api.email(role.lower()), "name": f"{role} person", "roles": [role]}
    return await api.post(USERS, owner.token, json={**body, "password": "a long password"})


async def user_count(api: Any, owner: Any) -> int:
    r = await api.get(USERS, owner.token)
    assert r.status_code == 200, r.text
    return int(r.json()["meta"]["pagination"]["total_count"])


def refused(r: Any, *words: str) -> None:
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "RESOURCE_CONFLICT" and error["details"] == []
    for word in words:
        assert word in error["message"], (word, error["message"])


async def test_a_sixth_seat_is_refused_and_no_user_is_written(api, owner):
    for _ in range(4):  # the owner and four managers: the five seats standard allows
        assert (await add_member(api, owner)).status_code == 201
    before = await user_count(api, owner)
    email = api.email("sixth")
    r = await add_member(api, owner, email=email)
    refused(r, "standard plan allows 5 seats", "5 are taken")
    assert await user_count(api, owner) == before
    login = await api.post("/api/v1/identity/login", json={"email": email, "password": "a long password"})
    assert login.status_code == 401  # no account was made either
    # Tenants take no seat.
    assert (await add_member(api, owner, "Tenant")).status_code == 201
    sub = (await api.get(f"/api/v1/organizations/{owner.org_id}/subscription", owner.token)).json()["data"]
    assert sub["usage"]["seats"] == 5


async def test_an_invitation_takes_a_seat_while_pending(api, owner, other_owner):
    for _ in range(3):
        assert (await add_member(api, owner)).status_code == 201
    # An existing account (the other organization's owner) is invited: a pending seat, the fifth.
    assert (await add_member(api, owner, email=other_owner.email)).status_code == 201
    refused(await add_member(api, owner), "standard plan allows 5 seats")
    # An invitation beyond the seats is refused before anything is stored or sent.
    third = await api.new_org("Third Estates")
    refused(await add_member(api, owner, email=third.email), "5 seats")
    assert [m for m in api.container.mailer().sent if m.to == third.email and "invited" in m.subject] == []
    # The pending one is accepted within its seat.
    token = secret_from_mail(api, other_owner.email)
    r = await api.post(f"/api/v1/identity/invitations/{token}/accept", other_owner.token)
    assert r.status_code == 201, r.text
    sub = (await api.get(f"/api/v1/organizations/{owner.org_id}/subscription", owner.token)).json()["data"]
    assert sub["usage"]["seats"] == 5


async def test_a_tenant_given_a_working_role_takes_a_seat(api, owner):
    for _ in range(4):
        assert (await add_member(api, owner)).status_code == 201
    r = await add_member(api, owner, "Tenant")
    assert r.status_code == 201
    tenant_id = r.json()["data"]["id"]
    r = await api.put(f"{USERS}/{tenant_id}/roles", owner.token, json={"roles": ["PropertyManager"]})
    refused(r, "standard plan allows 5 seats")
    r = await api.get(f"{USERS}/{tenant_id}", owner.token)
    assert r.json()["data"]["roles"] == ["Tenant"]


async def test_the_eleventh_property_is_refused_until_the_plan_grows(api, owner):
    for n in range(10):
        r = await api.post("/api/v1/properties", owner.token, json=property_body(name=f"Block {n}"))
        assert r.status_code == 201, r.text
    r = await api.post("/api/v1/properties", owner.token, json=property_body(name="Block 10"))
    refused(r, "standard plan allows 10 properties", "has 10")
    listed = await api.get("/api/v1/properties", owner.token)
    assert listed.json()["meta"]["pagination"]["total_count"] == 10
    await put_on_plan(api, owner.org_id, "premium")
    r = await api.post("/api/v1/properties", owner.token, json=property_body(name="Block 10"))
    assert r.status_code == 201, r.text


async def test_concurrent_property_creates_never_overshoot(api, owner):
    for n in range(7):
        assert (await api.post("/api/v1/properties", owner.token, json=property_body(name=f"B{n}"))).status_code == 201
    answers = await asyncio.gather(
        *(api.post("/api/v1/properties", owner.token, json=property_body(name=f"Rush {n}")) for n in range(8))
    )
    assert sorted(r.status_code for r in answers) == [201] * 3 + [409] * 5, [r.text for r in answers]
    listed = await api.get("/api/v1/properties", owner.token)
    assert listed.json()["meta"]["pagination"]["total_count"] == 10


async def test_concurrent_member_additions_never_overshoot(api, owner):
    answers = await asyncio.gather(*(add_member(api, owner) for _ in range(7)))
    assert sorted(r.status_code for r in answers) == [201] * 4 + [409] * 3, [r.text for r in answers]
    sub = (await api.get(f"/api/v1/organizations/{owner.org_id}/subscription", owner.token)).json()["data"]
    assert sub["usage"]["seats"] == 5


async def _fill_storage(api: Any, owner: Any, ticket_id: str, size: int) -> None:
    """A file of ``size`` bytes on record (its row only: no test writes gigabytes)."""
    async with api.container.system_engine().begin() as conn:
        await conn.execute(
            sa.insert(ticket_attachments).values(
                id=uuid.uuid4(),
                organization_id=uuid.UUID(owner.org_id),
                ticket_id=uuid.UUID(ticket_id),
                filename="archive.pdf",
                content_type="application/pdf",
                size=size,
                storage_key=f"{owner.org_id}/{ticket_id}/archive",
                uploaded_by=None,
                created_at=api.container.clock().now(),
            )
        )


async def test_an_upload_beyond_the_plans_storage_is_refused(api, owner):
    place = await make_place(api, owner)
    r = await api.post("/api/v1/operations/maintenance-requests", owner.token, json=ticket_body(place))
    assert r.status_code == 201, r.text
    ticket = r.json()["data"]["id"]
    url = f"/api/v1/operations/maintenance-requests/{ticket}/attachments"
    await _fill_storage(api, owner, ticket, 10 * BYTES_PER_GB - 100)  # 100 bytes left of standard's 10 GB
    r = await api.post(url, owner.token, files={"file": ("photo.png", io.BytesIO(PNG[:50]), "image/png")})
    assert r.status_code == 201, r.text  # 50 bytes fit
    r = await api.post(url, owner.token, files={"file": ("photo.png", io.BytesIO(PNG), "image/png")})
    refused(r, "standard plan allows 10.00 GB of stored files", "72 bytes")
    r = await api.post(
        f"/v1/tickets/{ticket}/attachments", owner.token, files={"file": ("p.png", io.BytesIO(PNG), "image/png")}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict", r.text  # the ticketing surface too
    detail = (await api.get(f"/api/v1/operations/maintenance-requests/{ticket}", owner.token)).json()["data"]
    # The record on file and the 50-byte one; the refused ones wrote nothing.
    assert sorted(a["size"] for a in detail["attachments"]) == [50, 10 * BYTES_PER_GB - 100]
    await put_on_plan(api, owner.org_id, "premium")
    r = await api.post(url, owner.token, files={"file": ("photo.png", io.BytesIO(PNG), "image/png")})
    assert r.status_code == 201, r.text


async def test_concurrent_transactions_count_one_after_the_other(api, owner):
    """The use case in concurrent transactions of their own (one connection each, interleaved at every
    database round trip): without the organization's lock each would count nine and add one."""
    for n in range(9):
        assert (await api.post("/api/v1/properties", owner.token, json=property_body(name=f"B{n}"))).status_code == 201
    actor = Actor(uuid.UUID(owner.user_id), uuid.UUID(owner.org_id), frozenset({"OrganizationOwner"}), frozenset({"*"}))
    address = AddressInput("123 Main St", "Vancouver", "BC", "V6B 1A1")

    async def create(n: int) -> str:
        data = PropertyInput(name=f"Race {n}", type=PropertyType.RESIDENTIAL, address=address)
        try:
            await create_property(
                uow=api.container.uow().for_organization(actor.organization_id),
                clock=api.container.clock(),
                actor=actor,
                data=data,
            )
        except PlanLimitReached:
            return "refused"
        return "created"

    outcomes = await asyncio.gather(*(create(n) for n in range(6)))
    assert sorted(outcomes) == ["created"] + ["refused"] * 5
    listed = await api.get("/api/v1/properties", owner.token)
    assert listed.json()["meta"]["pagination"]["total_count"] == 10


async def _unit_count(api: Any, owner: Any, property_ids: list[str]) -> int:
    total = 0
    for pid in property_ids:
        r = await api.get(f"/api/v1/properties/{pid}/units", owner.token)
        assert r.status_code == 200, r.text
        total += int(r.json()["meta"]["pagination"]["total_count"])
    return total


async def test_the_thirteenth_unit_is_refused_across_properties_until_the_plan_grows(api, owner):
    """Units count across the organization's properties (12 under the small standard plan); a deleted
    unit frees its place."""
    pids = []
    for n in range(2):
        r = await api.post("/api/v1/properties", owner.token, json=property_body(name=f"Tower {n}"))
        assert r.status_code == 201, r.text
        pids.append(r.json()["data"]["id"])
    for n in range(12):
        r = await api.post(f"/api/v1/properties/{pids[n % 2]}/units", owner.token, json=unit_body(name=f"U{n}"))
        assert r.status_code == 201, r.text
    r = await api.post(f"/api/v1/properties/{pids[0]}/units", owner.token, json=unit_body(name="U12"))
    refused(r, "standard plan allows 12 units", "has 12")
    assert await _unit_count(api, owner, pids) == 12
    last = (await api.get(f"/api/v1/properties/{pids[1]}/units", owner.token)).json()["data"][0]["id"]
    assert (await api.delete(f"/api/v1/properties/{pids[1]}/units/{last}", owner.token)).status_code == 204
    r = await api.post(f"/api/v1/properties/{pids[0]}/units", owner.token, json=unit_body(name="U12"))
    assert r.status_code == 201, r.text
    refused(await api.post(f"/api/v1/properties/{pids[0]}/units", owner.token, json=unit_body(name="U13")), "12 units")
    await put_on_plan(api, owner.org_id, "premium")
    r = await api.post(f"/api/v1/properties/{pids[0]}/units", owner.token, json=unit_body(name="U13"))
    assert r.status_code == 201, r.text


async def test_concurrent_unit_creates_never_overshoot(api, owner):
    r = await api.post("/api/v1/properties", owner.token, json=property_body(name="Rush tower"))
    pid = r.json()["data"]["id"]
    for n in range(9):
        assert (
            await api.post(f"/api/v1/properties/{pid}/units", owner.token, json=unit_body(name=f"A{n}"))
        ).status_code == 201
    answers = await asyncio.gather(
        *(api.post(f"/api/v1/properties/{pid}/units", owner.token, json=unit_body(name=f"R{n}")) for n in range(6))
    )
    assert sorted(r.status_code for r in answers) == [201] * 3 + [409] * 3, [r.text for r in answers]
    assert await _unit_count(api, owner, [pid]) == 12
