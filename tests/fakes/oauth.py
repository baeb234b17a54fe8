"""In-memory OAuth clients, authorization codes and refresh tokens (the identity context's OAuth ports)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from fakes.store import FakeDatabase
from pmsaas.domain.identity.oauth import (
    AuthorizationCode,
    AuthorizationCodeRepository,
    OAuthClient,
    OAuthClientRepository,
    OAuthRefreshToken,
    OAuthRefreshTokenRepository,
)
from pmsaas.domain.shared.errors import NotFound


class FakeOAuthClientRepository(OAuthClientRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, client: OAuthClient) -> None:
        self._db.oauth_clients.put(client.organization_id, client.id, copy.deepcopy(client))

    async def get(self, organization_id: UUID, client_id: UUID) -> OAuthClient:
        found = self._db.oauth_clients.find(organization_id, client_id)
        if found is None:
            raise NotFound("oauth client", client_id)
        return copy.deepcopy(found)

    async def find(self, client_id: UUID) -> OAuthClient | None:
        return next((copy.deepcopy(c) for _, c in self._db.oauth_clients.everywhere() if c.id == client_id), None)

    async def list(self, organization_id: UUID) -> list[OAuthClient]:
        clients = sorted(self._db.oauth_clients.of(organization_id), key=lambda c: c.id)
        return [copy.deepcopy(c) for c in sorted(clients, key=lambda c: c.created_at, reverse=True)]

    async def revoke(self, organization_id: UUID, client_id: UUID, at: datetime) -> None:
        found = self._db.oauth_clients.find(organization_id, client_id)
        if found is not None and found.revoked_at is None:
            self._db.oauth_clients.put(organization_id, client_id, replace(found, revoked_at=at))


class FakeAuthorizationCodeRepository(AuthorizationCodeRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, code: AuthorizationCode) -> None:
        self._db.oauth_codes[code.code_hash] = code

    async def find(self, code_hash: str) -> AuthorizationCode | None:
        return self._db.oauth_codes.get(code_hash)

    async def mark_used(self, code_id: UUID, at: datetime) -> bool:
        for key, code in list(self._db.oauth_codes.items()):
            if code.id == code_id and code.used_at is None:
                self._db.oauth_codes[key] = replace(code, used_at=at)
                return True
        return False


class FakeOAuthRefreshTokenRepository(OAuthRefreshTokenRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, token: OAuthRefreshToken) -> None:
        self._db.oauth_refresh_tokens[token.token_hash] = token

    async def find(self, token_hash: str) -> OAuthRefreshToken | None:
        return self._db.oauth_refresh_tokens.get(token_hash)

    async def mark_used(self, token_id: UUID, at: datetime) -> bool:
        for key, token in list(self._db.oauth_refresh_tokens.items()):
            if token.id == token_id and token.used_at is None:
                self._db.oauth_refresh_tokens[key] = replace(token, used_at=at)
                return True
        return False

    async def revoke_family(self, family_id: UUID, at: datetime) -> list[tuple[str, datetime]]:
        issued = []
        for key, token in list(self._db.oauth_refresh_tokens.items()):
            if token.family_id == family_id:
                issued.append((token.access_jti, token.access_expires_at))
                if token.revoked_at is None:
                    self._db.oauth_refresh_tokens[key] = replace(token, revoked_at=at)
        return issued

    async def revoke_client(self, client_id: UUID, at: datetime) -> list[tuple[str, datetime]]:
        live = []
        for key, token in list(self._db.oauth_refresh_tokens.items()):
            if token.client_id != client_id:
                continue
            if token.access_expires_at > at:
                live.append((token.access_jti, token.access_expires_at))
            if token.revoked_at is None:
                self._db.oauth_refresh_tokens[key] = replace(token, revoked_at=at)
        return live
