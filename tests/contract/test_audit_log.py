"""The audit log's one suite over the fake, SQL on SQLite and SQL on PostgreSQL: an entry is kept
only if its unit of work commits, reads back whole, is filtered and paged per organization; and
the registry reads an organization's MFA policy."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.identity.ports import AuditEventFilter
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import AuditTarget, RequestInfo, hashed_email, record_audit
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import PageRequest

REQUEST = RequestInfo(ip="203.0.113.9", user_agent="Suite/1.0", request_id="req-contract")


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


async def test_an_entry_is_kept_only_with_its_commit_and_reads_back_whole(make_uow):
    org, user_id = new_id(), new_id()
    actor = Actor(user_id=user_id, organization_id=org)
    async with make_uow() as uow:
        kept = await record_audit(
            uow, actor, "role.created", AuditTarget("role", "r-1", "Accountant"), REQUEST,
            at=b.at(1), details={"permissions": "financial:read"},
        )  # fmt: skip
        await uow.commit()
    async with make_uow() as uow:
        await record_audit(uow, actor, "role.deleted", AuditTarget("role", "r-1"), REQUEST, at=b.at(2))
        # never committed: as if the deletion failed
    async with make_uow() as uow:
        page = await uow.audit_events.list(org, AuditEventFilter(), PageRequest(1, 10, "occurred_at"))
    [got] = page.items
    assert page.total == 1 and got.id == kept.id and got.action == "role.created"
    assert (got.organization_id, got.actor_user_id, got.actor_api_key_id) == (org, user_id, None)
    assert got.target == AuditTarget("role", "r-1", "Accountant") and got.request == REQUEST
    assert dict(got.details) == {"permissions": "financial:read"} and got.occurred_at == b.at(1)


async def test_entries_filter_and_page_within_their_organization(make_uow):
    org, other = new_id(), new_id()
    alice, bob = new_id(), new_id()
    async with make_uow() as uow:
        for i, (who, action) in enumerate([(alice, "login.succeeded"), (bob, "login.failed"), (alice, "login.failed")]):
            await record_audit(uow, Actor(who, org), action, AuditTarget("user", str(who)), REQUEST, at=b.at(i + 1))
        await record_audit(uow, Actor(alice, other), "login.failed", AuditTarget("user"), REQUEST, at=b.at(2))
        await record_audit(
            uow, None, "login.failed", AuditTarget("user", None, hashed_email("x@y.co")), REQUEST, at=b.at(2)
        )
        await uow.commit()
    async with make_uow() as uow:
        events = uow.audit_events
        first = PageRequest(1, 10, "occurred_at")
        assert (await events.list(org, AuditEventFilter(), first)).total == 3
        failed = await events.list(org, AuditEventFilter(action="login.failed"), first)
        assert [e.actor_user_id for e in failed.items] == [bob, alice]
        assert (await events.list(org, AuditEventFilter(actor_user_id=alice), first)).total == 2
        window = AuditEventFilter(occurred_from=b.at(2), occurred_to=b.at(3))
        assert [e.action for e in (await events.list(org, window, first)).items] == ["login.failed"]
        newest = await events.list(org, AuditEventFilter(), PageRequest(1, 2, "occurred_at", descending=True))
        assert [e.occurred_at for e in newest.items] == [b.at(3), b.at(2)] and newest.total == 3
        assert (await events.list(new_id(), AuditEventFilter(), first)).total == 0


async def test_the_registry_reads_the_mfa_policy(make_uow):
    plain = b.organization("Plain")
    strict = replace(b.organization("Strict"), extra_settings={"require_mfa_for": ["PropertyManager"]})
    async with make_uow() as uow:
        await uow.organizations.add(plain)
        await uow.organizations.add(strict)
        await uow.commit()
    async with make_uow() as uow:
        assert await uow.organization_registry.mfa_required_roles(plain.id) == frozenset()
        assert await uow.organization_registry.mfa_required_roles(strict.id) == {"PropertyManager"}
        assert await uow.organization_registry.mfa_required_roles(new_id()) == frozenset()
