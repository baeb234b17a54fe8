"""Domains over HTTP (issue 13 item 7): add, list, delete, verify through a DNS TXT record (a fake
resolver), one organization holding a domain verified, and a verified domain's people joining by
invitation only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from dependency_injector import providers

from fakes.dns import FakeTxtResolver

pytestmark = pytest.mark.today("2026-12-01")


@pytest.fixture
def dns(api: Any) -> Iterator[FakeTxtResolver]:
    fake = FakeTxtResolver()
    api.container.txt_resolver.override(providers.Object(fake))
    try:
        yield fake
    finally:
        api.container.txt_resolver.reset_override()


def fresh_domain() -> str:
    # Never example.com: the suite registers every owner there, and a verified domain would stop them.
    return f"acme-{uuid.uuid4().hex[:10]}.example"


def domains_of(owner: Any) -> str:
    return f"/api/v1/organizations/{owner.org_id}/domains"


async def add(api: Any, owner: Any, domain: str) -> dict[str, Any]:
    r = await api.post(domains_of(owner), owner.token, json={"domain": domain})
    assert r.status_code == 201, r.text
    return dict(r.json()["data"])


async def verified(api: Any, owner: Any, dns: FakeTxtResolver, domain: str) -> dict[str, Any]:
    added = await add(api, owner, domain)
    dns.publish(added["verification"]["name"], added["verification"]["value"])
    r = await api.post(f"{domains_of(owner)}/{added['id']}/verify", owner.token)
    assert r.status_code == 200, r.text
    return dict(r.json()["data"])


async def test_add_list_verify_and_delete(api, owner, dns):
    name = fresh_domain()
    added = await add(api, owner, f"  {name.upper()}. ")
    assert added["domain"] == name and added["status"] == "pending" and added["verified_at"] is None
    record = added["verification"]
    assert record["type"] == "TXT" and record["name"] == f"_pmsaas.{name}"
    assert record["value"].startswith("pmsaas-verification=") and len(record["value"]) > 30

    r = await api.get(domains_of(owner), owner.token)
    assert r.status_code == 200 and [d["id"] for d in r.json()["data"]] == [added["id"]]
    assert r.json()["meta"]["pagination"]["total_count"] == 1

    dns.publish(record["name"], "v=spf1 -all")  # other records at the name do not matter
    dns.publish(record["name"], record["value"])
    r = await api.post(f"{domains_of(owner)}/{added['id']}/verify", owner.token)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "verified" and r.json()["data"]["verified_at"].startswith("2026-12-01")
    assert dns.asked == [record["name"]]

    assert (await api.delete(f"{domains_of(owner)}/{added['id']}", owner.token)).status_code == 204
    assert (await api.get(domains_of(owner), owner.token)).json()["data"] == []
    assert (await api.post(f"{domains_of(owner)}/{added['id']}/verify", owner.token)).status_code == 404


async def test_a_missing_or_wrong_txt_record_is_422_and_says_what_to_publish(api, owner, dns):
    added = await add(api, owner, fresh_domain())
    url = f"{domains_of(owner)}/{added['id']}/verify"
    r = await api.post(url, owner.token)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["details"][0]["field"] == "domain"
    assert "no TXT record found" in error["details"][0]["message"]
    assert added["verification"]["value"] in error["details"][0]["message"]

    dns.publish(added["verification"]["name"], "pmsaas-verification=someone-elses-token")
    r = await api.post(url, owner.token)
    assert r.status_code == 422 and "1 other TXT record(s) found" in r.text
    listed = (await api.get(domains_of(owner), owner.token)).json()["data"]
    assert listed[0]["status"] == "pending"


async def test_dns_down_is_503(api, owner, dns):
    added = await add(api, owner, fresh_domain())
    dns.down = True
    r = await api.post(f"{domains_of(owner)}/{added['id']}/verify", owner.token)
    assert r.status_code == 503 and r.json()["error"]["code"] == "SERVICE_UNAVAILABLE"


async def test_one_organization_holds_a_domain_verified(api, owner, other_owner, dns):
    name = fresh_domain()
    await verified(api, owner, dns, name)
    r = await api.post(domains_of(other_owner), other_owner.token, json={"domain": name})
    assert r.status_code == 409 and "verified by another organization" in r.json()["error"]["message"]
    dup = await api.post(domains_of(owner), owner.token, json={"domain": name})
    assert dup.status_code == 409, dup.text


async def test_the_first_to_verify_wins(api, owner, other_owner, dns):
    name = fresh_domain()
    mine = await add(api, owner, name)
    theirs = await add(api, other_owner, name)
    dns.publish(mine["verification"]["name"], mine["verification"]["value"])
    dns.publish(theirs["verification"]["name"], theirs["verification"]["value"])
    assert (await api.post(f"{domains_of(owner)}/{mine['id']}/verify", owner.token)).status_code == 200
    r = await api.post(f"{domains_of(other_owner)}/{theirs['id']}/verify", other_owner.token)
    assert r.status_code == 409 and "verified by another organization" in r.text


async def test_a_verified_domains_people_join_by_invitation_only(api, owner, dns):
    name = fresh_domain()
    await verified(api, owner, dns, name)
    body = {"email": f"sam@{name}", "password": "correct horse battery", "name": "Sam Staff"}
    r = await api.post("/api/v1/identity/register", json={**body, "organization_name": "Sam's Side Business"})
    assert r.status_code == 409, r.text
    assert "join by invitation only" in r.json()["error"]["message"]
    # An account alone may be made (it then accepts the owner's invitation).
    r = await api.post("/api/v1/identity/register", json=body)
    assert r.status_code == 201 and r.json()["data"].get("organization_id") is None
    # The owner adds (invites) a person of the domain: that works.
    r = await api.post(
        "/api/v1/identity/users",
        owner.token,
        json={"email": f"kim@{name}", "name": "Kim Staff", "roles": ["PropertyManager"], "password": "a long password"},
    )
    assert r.status_code == 201, r.text


async def test_a_pending_domain_stops_nobody(api, owner, dns):
    name = fresh_domain()
    await add(api, owner, name)
    body = {"email": f"lee@{name}", "password": "correct horse battery", "name": "Lee", "organization_name": "Lee Co"}
    assert (await api.post("/api/v1/identity/register", json=body)).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"domain": "localhost"},
        {"domain": "not a domain.example"},
        {"domain": "-bad.example"},
        {"domain": "10.0.0.1"},
        {"domain": "acme.example", "verified": True},
        {},
    ],
)
async def test_bad_domains_are_422_and_nothing_is_stored(api, owner, dns, body):
    r = await api.post(domains_of(owner), owner.token, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "VALIDATION_ERROR"
    assert (await api.get(domains_of(owner), owner.token)).json()["data"] == []


async def test_only_owners_manage_domains(api, owner, dns):
    added = await add(api, owner, fresh_domain())
    _, manager = await owner.add_user("PropertyManager")
    for method, path in [
        ("GET", ""),
        ("POST", ""),
        ("DELETE", f"/{added['id']}"),
        ("POST", f"/{added['id']}/verify"),
    ]:
        body = {"domain": fresh_domain()} if method == "POST" and not path else None
        r = await api.request(method, domains_of(owner) + path, token=manager, json=body)
        assert r.status_code == 403, (method, path, r.text)
    assert len((await api.get(domains_of(owner), owner.token)).json()["data"]) == 1


async def test_another_organizations_domain_is_404(api, owner, other_owner, dns):
    added = await add(api, owner, fresh_domain())
    dns.publish(added["verification"]["name"], added["verification"]["value"])
    # Through the owner's organization path, and through the other's own path with the owner's domain id.
    for base in (domains_of(owner), domains_of(other_owner)):
        r = await api.post(f"{base}/{added['id']}/verify", other_owner.token)
        assert r.status_code == 404, (base, r.text)
        r = await api.delete(f"{base}/{added['id']}", other_owner.token)
        assert r.status_code == 404, (base, r.text)
    assert (await api.get(domains_of(owner), other_owner.token)).status_code == 404
    r = await api.post(domains_of(owner), other_owner.token, json={"domain": fresh_domain()})
    assert r.status_code == 404
    assert (await api.get(domains_of(owner), owner.token)).json()["data"][0]["status"] == "pending"
