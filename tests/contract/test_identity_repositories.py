"""One suite for the identity and organizations repositories (users, memberships, tokens, API keys,
organizations and the two contexts' views of each other), over the fakes, SQL on SQLite and SQL on
PostgreSQL; and the unit of work's own promise: only a commit keeps writes and events."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.identity.api_keys import ApiKey
from pmsaas.domain.identity.model import RefreshRecord, UserStatus
from pmsaas.domain.identity.ports import UserFilter
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import PageRequest


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


async def test_only_a_commit_keeps_writes(make_uow):
    kept, dropped = b.organization("Kept"), b.organization("Dropped")
    async with make_uow() as uow:
        await uow.organizations.add(kept)
        uow.record(DomainEvent("organization.created", kept.id, b.T0, {"organization_id": str(kept.id)}))
        await uow.commit()
        assert uow.events == []
    async with make_uow() as uow:
        await uow.organizations.add(dropped)  # never committed
    async with make_uow() as uow:
        assert (await uow.organizations.get(kept.id)).name == "Kept"
        with pytest.raises(NotFound):
            await uow.organizations.get(dropped.id)


# -- users and memberships ---------------------------------------------------------------------


async def test_a_user_reads_back_and_an_email_is_taken_once(make_uow):
    u = b.user(phone="+14165550100", password_hash="h", email_verified=True)
    async with make_uow() as uow:
        await uow.users.add(u)
        assert b.same(await uow.users.get(u.id), u)
        assert b.same(await uow.users.find_by_email(u.email), u)
        assert await uow.users.find_by_email("nobody-" + u.email) is None
        with pytest.raises(NotFound):
            await uow.users.get(new_id())
        with pytest.raises(Conflict):
            await uow.users.add(b.user(u.email))
        changed = replace(u, name="Una", status=UserStatus.DISABLED, updated_at=b.at(4))
        await uow.users.update(changed)
        assert b.same(await uow.users.get(u.id), changed)


async def test_memberships_are_one_per_user_and_organization(make_uow):
    org, other = new_id(), new_id()
    u = b.user()
    async with make_uow() as uow:
        await uow.users.add(u)
        m = b.membership(org, u.id, "PropertyManager")
        await uow.memberships.add(m)
        with pytest.raises(Conflict):
            await uow.memberships.add(b.membership(org, u.id, "Tenant"))
        await uow.memberships.add(b.membership(other, u.id, "Tenant", created_at=b.at(1)))
        assert b.same(await uow.memberships.get(org, u.id), m)
        assert await uow.memberships.find(new_id(), u.id) is None
        with pytest.raises(NotFound):
            await uow.memberships.get(new_id(), u.id)
        assert [x.organization_id for x in await uow.memberships.for_user(u.id)] == [org, other]
        profile = new_id()
        await uow.memberships.update(replace(m, roles=frozenset({"Tenant", "Vendor"}), tenant_profile_id=profile))
        got = await uow.memberships.get(org, u.id)
        assert got.roles == frozenset({"Tenant", "Vendor"}) and got.tenant_profile_id == profile
        await uow.memberships.remove(org, u.id)
        assert await uow.memberships.find(org, u.id) is None
        assert await uow.memberships.find(other, u.id) is not None


async def test_the_users_of_an_organization_filter_page_and_sort(make_uow):
    org = new_id()
    ann = replace(b.user(), name="Ann Admin")
    bob = replace(b.user(), name="Bob Builder", created_at=b.at(1), status=UserStatus.INVITED)
    cat = replace(b.user(), name="Cat Keeper", created_at=b.at(2))
    async with make_uow() as uow:
        for u, role in ((ann, "OrganizationAdmin"), (bob, "Vendor"), (cat, "Tenant")):
            await uow.users.add(u)
            await uow.memberships.add(b.membership(org, u.id, role))
        outsider = b.user()
        await uow.users.add(outsider)
        await uow.memberships.add(b.membership(new_id(), outsider.id))

        async def names(filters=UserFilter(), page=PageRequest()):
            found = await uow.memberships.list_users(org, filters, page)
            return [u.name for u, _ in found.items], found.total

        assert await names() == (["Ann Admin", "Bob Builder", "Cat Keeper"], 3)
        assert await names(page=PageRequest(sort_by="name", descending=True, page_size=2)) == (
            ["Cat Keeper", "Bob Builder"],
            3,
        )
        assert await names(UserFilter(status="invited")) == (["Bob Builder"], 1)
        assert await names(UserFilter(role="Tenant")) == (["Cat Keeper"], 1)
        assert await names(UserFilter(search="BUILD")) == (["Bob Builder"], 1)
        assert await names(UserFilter(search="%")) == ([], 0)  # a literal, not a wildcard
        assert await names(UserFilter(created_after=b.at(1))) == (["Bob Builder", "Cat Keeper"], 2)
        pair = (await uow.memberships.list_users(org, UserFilter(role="Vendor"), PageRequest())).items[0]
        assert pair[0].id == bob.id and pair[1].roles == frozenset({"Vendor"})


# -- tokens ------------------------------------------------------------------------------------


async def test_refresh_tokens_are_used_once_and_revoked_by_family_or_user(make_uow):
    u = b.user()
    family, other_family = new_id(), new_id()
    first = RefreshRecord(new_id(), family, u.id, None, b.at(3600), None, None)
    second = RefreshRecord(new_id(), other_family, u.id, new_id(), b.at(3600), None, None)
    h1, h2 = new_id().hex * 2, new_id().hex * 2
    async with make_uow() as uow:
        await uow.users.add(u)
        await uow.tokens.add_refresh(record=first, token_hash=h1, created_at=b.T0)
        await uow.tokens.add_refresh(record=second, token_hash=h2, created_at=b.T0)
        assert await uow.tokens.find_refresh(h1) == first
        assert await uow.tokens.find_refresh("0" * 64) is None
        assert await uow.tokens.mark_refresh_used(first.id, b.at(1)) is True
        assert await uow.tokens.mark_refresh_used(first.id, b.at(2)) is False  # the second rotation loses
        assert (await uow.tokens.find_refresh(h1)).used_at == b.at(1)
        await uow.tokens.revoke_family(family, b.at(3))
        assert (await uow.tokens.find_refresh(h1)).revoked_at == b.at(3)
        assert (await uow.tokens.find_refresh(h2)).revoked_at is None
        await uow.tokens.revoke_user_tokens(u.id, b.at(4))
        assert (await uow.tokens.find_refresh(h2)).revoked_at == b.at(4)
        assert (await uow.tokens.find_refresh(h1)).revoked_at == b.at(3)  # already revoked: kept


async def test_action_tokens_work_once_for_their_purpose_until_they_expire(make_uow):
    u = b.user()
    live, late = new_id().hex * 2, new_id().hex * 2
    async with make_uow() as uow:
        await uow.users.add(u)
        for h in (live, late):
            await uow.tokens.add_action_token(
                user_id=u.id, purpose="reset", token_hash=h, created_at=b.T0, expires_at=b.at(600)
            )
        assert await uow.tokens.use_action_token(purpose="verify", token_hash=live, at=b.at(1)) is None
        assert await uow.tokens.use_action_token(purpose="reset", token_hash=live, at=b.at(1)) == u.id
        assert await uow.tokens.use_action_token(purpose="reset", token_hash=live, at=b.at(2)) is None
        assert await uow.tokens.use_action_token(purpose="reset", token_hash=late, at=b.at(600)) is None
        assert await uow.tokens.use_action_token(purpose="reset", token_hash="f" * 64, at=b.at(1)) is None


async def test_revoked_access_tokens_are_remembered_once(make_uow):
    jti = new_id().hex
    async with make_uow() as uow:
        assert not await uow.tokens.is_access_revoked(jti)
        await uow.tokens.revoke_access(jti, b.at(900))
        await uow.tokens.revoke_access(jti, b.at(900))  # twice is fine
        assert await uow.tokens.is_access_revoked(jti)


# -- API keys ----------------------------------------------------------------------------------


def _key(org, name="ci", created=b.T0, **kw):
    return ApiKey(
        organization_id=org,
        name=name,
        lookup=new_id().hex[:12],
        secret_hash="s" * 64,
        scopes=frozenset({"property:read"}),
        created_at=created,
        **kw,
    )


async def test_api_keys_read_list_count_revoke_and_touch(make_uow):
    org = new_id()
    old, new, expired = (
        _key(org, "old", b.at(0)),
        _key(org, "new", b.at(5)),
        _key(org, "x", b.at(1), expires_at=b.at(2)),
    )
    async with make_uow() as uow:
        for k in (old, new, expired):
            await uow.api_keys.add(k)
        await uow.api_keys.add(_key(new_id()))
        assert b.same(await uow.api_keys.get(org, old.id), old)
        with pytest.raises(NotFound):
            await uow.api_keys.get(new_id(), old.id)
        assert b.same(await uow.api_keys.find_by_lookup(new.lookup), new)
        assert await uow.api_keys.find_by_lookup("zzzzzzzzzzzz") is None
        assert [k.name for k in await uow.api_keys.list(org)] == ["new", "x", "old"]  # newest first
        assert await uow.api_keys.count_live(org) == 3  # "live" = not revoked; expiry is not counted
        await uow.api_keys.revoke(org, old.id, b.at(7))
        await uow.api_keys.revoke(org, old.id, b.at(8))  # the first revocation stands
        await uow.api_keys.revoke(new_id(), new.id, b.at(7))  # another organization's: nothing happens
        assert (await uow.api_keys.get(org, old.id)).revoked_at == b.at(7)
        assert (await uow.api_keys.get(org, new.id)).revoked_at is None
        assert await uow.api_keys.count_live(org) == 2
        await uow.api_keys.touch(new.id, b.at(9))
        assert (await uow.api_keys.get(org, new.id)).last_used_at == b.at(9)


# -- organizations -----------------------------------------------------------------------------


async def test_an_organization_reads_back_updates_and_deletes(make_uow):
    org = b.organization(extra_settings={"gstin": "29ABCDE1234F1Z5"})
    async with make_uow() as uow:
        await uow.organizations.add(org)
        assert b.same(await uow.organizations.get(org.id), org)
        moved = replace(org, name="Acme Homes", version=2, updated_at=b.at(3))
        await uow.organizations.update(moved, expected_version=1)
        assert b.same(await uow.organizations.get(org.id), moved)
        with pytest.raises(Conflict):
            await uow.organizations.update(replace(moved, version=3), expected_version=1)
        assert await uow.organization_registry.exists(org.id)
        await uow.organizations.delete(org.id, b.at(4))
        with pytest.raises(NotFound):
            await uow.organizations.get(org.id)
        assert not await uow.organization_registry.exists(org.id)
        with pytest.raises(Conflict):
            await uow.organizations.update(replace(moved, version=3), expected_version=2)


async def test_organizations_list_by_ids_or_all(make_uow):
    a, c = b.organization("A"), b.organization("C")
    async with make_uow() as uow:
        await uow.organizations.add(a)
        await uow.organizations.add(c)
        listed = await uow.organizations.list([a.id, c.id, new_id()], PageRequest(sort_by="name", descending=True))
        assert [o.name for o in listed.items] == ["C", "A"] and listed.total == 2
        assert (await uow.organizations.list([], PageRequest())).total == 0
        everyone = await uow.organizations.list(None, PageRequest(page_size=100_000))
        assert {a.id, c.id} <= {o.id for o in everyone.items}


async def test_the_registry_knows_no_unknown_organization(make_uow):
    async with make_uow() as uow:
        assert not await uow.organization_registry.exists(new_id())


async def test_the_membership_directory_adds_owners_and_removes_everyone(make_uow):
    org, other = new_id(), new_id()
    owner, member = b.user(), b.user()
    async with make_uow() as uow:
        await uow.users.add(owner)
        await uow.users.add(member)
        await uow.membership_directory.add_owner(organization_id=org, user_id=owner.id, at=b.T0)
        await uow.membership_directory.add_owner(organization_id=other, user_id=owner.id, at=b.T0)
        await uow.memberships.add(b.membership(org, member.id))
        assert (await uow.memberships.get(org, owner.id)).roles == frozenset({"OrganizationOwner"})
        assert set(await uow.membership_directory.organizations_of(owner.id)) == {org, other}
        await uow.membership_directory.remove_all(org)
        assert await uow.membership_directory.organizations_of(owner.id) == [other]
        assert await uow.membership_directory.organizations_of(member.id) == []


async def test_an_api_key_rotation_stores_the_new_and_previous_secret(make_uow):
    org = new_id()
    key = _key(org, "rotating", b.at(0))
    async with make_uow() as uow:
        await uow.api_keys.add(key)
        rotated = replace(
            key,
            secret_hash="n" * 64,
            previous_secret_hash=key.secret_hash,
            previous_valid_until=b.at(60),
            rotated_at=b.at(1),
        )
        await uow.api_keys.rotate(rotated)
        assert b.same(await uow.api_keys.get(org, key.id), rotated)
        assert b.same(await uow.api_keys.find_by_lookup(key.lookup), rotated)
