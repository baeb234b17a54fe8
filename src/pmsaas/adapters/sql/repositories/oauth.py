"""OAuth clients, authorization codes and refresh tokens over SQLAlchemy Core."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.oauth import oauth_clients, oauth_codes, oauth_refresh_tokens
from pmsaas.domain.identity.oauth import (
    AuthorizationCode,
    AuthorizationCodeRepository,
    OAuthClient,
    OAuthClientRepository,
    OAuthRefreshToken,
    OAuthRefreshTokenRepository,
)
from pmsaas.domain.shared.errors import NotFound


def _client(r: Any) -> OAuthClient:
    return OAuthClient(
        id=r.id,
        organization_id=r.organization_id,
        name=r.name,
        redirect_uris=tuple(r.redirect_uris),
        scopes=frozenset(r.scopes),
        grant_types=frozenset(r.grant_types),
        secret_hash=r.secret_hash,
        auth_method=r.token_endpoint_auth_method,
        created_by=r.created_by,
        created_at=r.created_at,
        revoked_at=r.revoked_at,
    )


class SqlOAuthClientRepository(OAuthClientRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, client: OAuthClient) -> None:
        await self._conn.execute(
            oauth_clients.insert().values(
                id=client.id,
                organization_id=client.organization_id,
                name=client.name,
                redirect_uris=list(client.redirect_uris),
                scopes=sorted(client.scopes),
                grant_types=sorted(client.grant_types),
                secret_hash=client.secret_hash,
                token_endpoint_auth_method=client.auth_method,
                created_by=client.created_by,
                created_at=client.created_at,
                revoked_at=client.revoked_at,
            )
        )

    async def get(self, organization_id: UUID, client_id: UUID) -> OAuthClient:
        t = oauth_clients
        row = (
            await self._conn.execute(t.select().where(t.c.organization_id == organization_id, t.c.id == client_id))
        ).first()
        if row is None:
            raise NotFound("oauth client", client_id)
        return _client(row)

    async def find(self, client_id: UUID) -> OAuthClient | None:
        # The OAuth endpoints learn the organization from the client: the one lookup not scoped by it.
        row = (await self._conn.execute(oauth_clients.select().where(oauth_clients.c.id == client_id))).first()
        return _client(row) if row else None

    async def list(self, organization_id: UUID) -> list[OAuthClient]:
        t = oauth_clients
        rows = await self._conn.execute(
            t.select().where(t.c.organization_id == organization_id).order_by(t.c.created_at.desc(), t.c.id)
        )
        return [_client(r) for r in rows]

    async def revoke(self, organization_id: UUID, client_id: UUID, at: datetime) -> None:
        t = oauth_clients
        await self._conn.execute(
            t.update()
            .where(t.c.organization_id == organization_id, t.c.id == client_id, t.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )


class SqlAuthorizationCodeRepository(AuthorizationCodeRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, code: AuthorizationCode) -> None:
        await self._conn.execute(
            oauth_codes.insert().values(
                id=code.id,
                organization_id=code.organization_id,
                code_hash=code.code_hash,
                client_id=code.client_id,
                user_id=code.user_id,
                redirect_uri=code.redirect_uri,
                scopes=sorted(code.scopes),
                code_challenge=code.code_challenge,
                created_at=code.created_at,
                expires_at=code.expires_at,
                used_at=code.used_at,
            )
        )

    async def find(self, code_hash: str) -> AuthorizationCode | None:
        r = (await self._conn.execute(oauth_codes.select().where(oauth_codes.c.code_hash == code_hash))).first()
        if r is None:
            return None
        return AuthorizationCode(
            id=r.id,
            code_hash=r.code_hash,
            client_id=r.client_id,
            organization_id=r.organization_id,
            user_id=r.user_id,
            redirect_uri=r.redirect_uri,
            scopes=frozenset(r.scopes),
            code_challenge=r.code_challenge,
            created_at=r.created_at,
            expires_at=r.expires_at,
            used_at=r.used_at,
        )

    async def mark_used(self, code_id: UUID, at: datetime) -> bool:
        t = oauth_codes
        result = await self._conn.execute(t.update().where(t.c.id == code_id, t.c.used_at.is_(None)).values(used_at=at))
        return bool(result.rowcount == 1)


def _refresh(r: Any) -> OAuthRefreshToken:
    return OAuthRefreshToken(
        id=r.id,
        token_hash=r.token_hash,
        family_id=r.family_id,
        client_id=r.client_id,
        organization_id=r.organization_id,
        user_id=r.user_id,
        scopes=frozenset(r.scopes),
        created_at=r.created_at,
        expires_at=r.expires_at,
        access_jti=r.access_jti,
        access_expires_at=r.access_expires_at,
        used_at=r.used_at,
        revoked_at=r.revoked_at,
    )


class SqlOAuthRefreshTokenRepository(OAuthRefreshTokenRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, token: OAuthRefreshToken) -> None:
        await self._conn.execute(
            oauth_refresh_tokens.insert().values(
                id=token.id,
                organization_id=token.organization_id,
                token_hash=token.token_hash,
                family_id=token.family_id,
                client_id=token.client_id,
                user_id=token.user_id,
                scopes=sorted(token.scopes),
                created_at=token.created_at,
                expires_at=token.expires_at,
                access_jti=token.access_jti,
                access_expires_at=token.access_expires_at,
                used_at=token.used_at,
                revoked_at=token.revoked_at,
            )
        )

    async def find(self, token_hash: str) -> OAuthRefreshToken | None:
        t = oauth_refresh_tokens
        r = (await self._conn.execute(t.select().where(t.c.token_hash == token_hash))).first()
        return _refresh(r) if r else None

    async def mark_used(self, token_id: UUID, at: datetime) -> bool:
        t = oauth_refresh_tokens
        result = await self._conn.execute(
            t.update().where(t.c.id == token_id, t.c.used_at.is_(None)).values(used_at=at)
        )
        return bool(result.rowcount == 1)

    async def revoke_family(self, family_id: UUID, at: datetime) -> list[tuple[str, datetime]]:
        t = oauth_refresh_tokens
        rows = await self._conn.execute(
            sa.select(t.c.access_jti, t.c.access_expires_at).where(t.c.family_id == family_id)
        )
        issued = [(r.access_jti, r.access_expires_at) for r in rows]
        await self._conn.execute(
            t.update().where(t.c.family_id == family_id, t.c.revoked_at.is_(None)).values(revoked_at=at)
        )
        return issued

    async def revoke_client(self, client_id: UUID, at: datetime) -> list[tuple[str, datetime]]:
        t = oauth_refresh_tokens
        rows = await self._conn.execute(
            sa.select(t.c.access_jti, t.c.access_expires_at).where(
                t.c.client_id == client_id, t.c.access_expires_at > at
            )
        )
        live = [(r.access_jti, r.access_expires_at) for r in rows]
        await self._conn.execute(
            t.update().where(t.c.client_id == client_id, t.c.revoked_at.is_(None)).values(revoked_at=at)
        )
        return live
