"""One suite for the OAuth repositories (clients, authorization codes, refresh tokens) over the fakes,
SQL on SQLite and SQL on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.identity.oauth import AuthorizationCode, OAuthClient, OAuthRefreshToken
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.ids import new_id


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def _client(org, name="App", created=b.T0, **kw) -> OAuthClient:
    return OAuthClient(
        organization_id=org,
        name=name,
        redirect_uris=("https://app.example.com/cb", "http://127.0.0.1:9/cb"),
        scopes=frozenset({"tickets:read", "financial:read"}),
        grant_types=frozenset({"authorization_code", "refresh_token"}),
        secret_hash="c" * 64,
        created_at=created,
        created_by=new_id(),
        **kw,
    )


async def test_clients_read_back_list_newest_first_and_revoke_within_their_organization(make_uow):
    org = new_id()
    old, new = _client(org, "old", b.at(0)), _client(org, "new", b.at(5))
    async with make_uow() as uow:
        for c in (old, new, _client(new_id(), "elsewhere")):
            await uow.oauth_clients.add(c)
        assert b.same(await uow.oauth_clients.get(org, old.id), old)
        assert b.same(await uow.oauth_clients.find(old.id), old)
        assert await uow.oauth_clients.find(new_id()) is None
        with pytest.raises(NotFound):
            await uow.oauth_clients.get(new_id(), old.id)
        assert [c.name for c in await uow.oauth_clients.list(org)] == ["new", "old"]
        await uow.oauth_clients.revoke(new_id(), old.id, b.at(6))  # another organization's: nothing
        assert (await uow.oauth_clients.get(org, old.id)).revoked_at is None
        await uow.oauth_clients.revoke(org, old.id, b.at(7))
        await uow.oauth_clients.revoke(org, old.id, b.at(8))  # the first revocation stands
        assert (await uow.oauth_clients.get(org, old.id)).revoked_at == b.at(7)


async def test_codes_are_found_by_hash_and_used_once(make_uow):
    org, user = new_id(), b.user()
    client = _client(org)
    code = AuthorizationCode(
        code_hash="h" * 64,
        client_id=client.id,
        organization_id=org,
        user_id=user.id,
        redirect_uri="https://app.example.com/cb",
        scopes=frozenset({"tickets:read"}),
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        created_at=b.at(0),
        expires_at=b.at(600),
    )
    async with make_uow() as uow:
        await uow.users.add(user)
        await uow.oauth_clients.add(client)
        await uow.authorization_codes.add(code)
        assert await uow.authorization_codes.find(code.code_hash) == code
        assert await uow.authorization_codes.find("x" * 64) is None
        assert await uow.authorization_codes.mark_used(code.id, b.at(1)) is True
        assert await uow.authorization_codes.mark_used(code.id, b.at(2)) is False
        assert (await uow.authorization_codes.find(code.code_hash)).used_at == b.at(1)


async def test_refresh_tokens_rotate_and_families_revoke_together(make_uow):
    org, user = new_id(), b.user()
    client, other_client = _client(org), _client(org, "other")
    family = new_id()

    def token(n: int, family_id=family, client_id=client.id) -> OAuthRefreshToken:
        return OAuthRefreshToken(
            token_hash=f"{n:064d}",
            family_id=family_id,
            client_id=client_id,
            organization_id=org,
            user_id=user.id,
            scopes=frozenset({"tickets:read"}),
            created_at=b.at(n),
            expires_at=b.at(10_000),
            access_jti=f"jti-{n}",
            access_expires_at=b.at(900 + n),
        )

    first, second, stranger, others = token(1), token(2), token(3, new_id()), token(4, new_id(), other_client.id)
    async with make_uow() as uow:
        await uow.users.add(user)
        await uow.oauth_clients.add(client)
        await uow.oauth_clients.add(other_client)
        for t in (first, second, stranger, others):
            await uow.oauth_refresh_tokens.add(t)
        assert await uow.oauth_refresh_tokens.find(first.token_hash) == first
        assert await uow.oauth_refresh_tokens.mark_used(first.id, b.at(5)) is True
        assert await uow.oauth_refresh_tokens.mark_used(first.id, b.at(6)) is False
        issued = await uow.oauth_refresh_tokens.revoke_family(family, b.at(7))
        assert sorted(issued) == [("jti-1", b.at(901)), ("jti-2", b.at(902))]
        assert (await uow.oauth_refresh_tokens.find(second.token_hash)).revoked_at == b.at(7)
        assert (await uow.oauth_refresh_tokens.find(stranger.token_hash)).revoked_at is None
        live = await uow.oauth_refresh_tokens.revoke_client(client.id, b.at(901))
        assert sorted(live) == [("jti-2", b.at(902)), ("jti-3", b.at(903))]  # jti-1 expired at 901
        assert (await uow.oauth_refresh_tokens.find(stranger.token_hash)).revoked_at == b.at(901)
        assert (await uow.oauth_refresh_tokens.find(second.token_hash)).revoked_at == b.at(7)  # first stands
        assert (await uow.oauth_refresh_tokens.find(others.token_hash)).revoked_at is None
        assert replace(first, used_at=b.at(5), revoked_at=b.at(7)) == await uow.oauth_refresh_tokens.find(
            first.token_hash
        )
