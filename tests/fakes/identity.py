"""In-memory adapters of the identity context's ports (users, memberships, tokens, API keys)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from fakes.custom_roles import with_custom_grants
from fakes.store import FakeDatabase, contains, created_in, page_of
from pmsaas.domain.identity.api_keys import ApiKey, ApiKeyRepository
from pmsaas.domain.identity.model import Invitation, Membership, RefreshRecord, User
from pmsaas.domain.identity.ports import (
    ALL_ORGANIZATIONS,
    OAUTH_CLIENT,
    AccessVersions,
    InvitationRepository,
    MembershipRepository,
    OrganizationRegistry,
    TokenRepository,
    UserFilter,
    UserRepository,
)
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest


class FakeUserRepository(UserRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, user: User) -> None:
        if any(u.email == user.email for u in self._db.users.values()):
            raise Conflict("an account with this e-mail already exists")
        self._db.users[user.id] = copy.deepcopy(user)

    async def get(self, user_id: UUID) -> User:
        if user_id not in self._db.users:
            raise NotFound("user", user_id)
        return copy.deepcopy(self._db.users[user_id])

    async def find_by_email(self, email: str) -> User | None:
        return next((copy.deepcopy(u) for u in self._db.users.values() if u.email == email), None)

    async def update(self, user: User) -> None:
        current = self._db.users.get(user.id)
        if current is not None:
            self._db.users[user.id] = replace(user, created_at=current.created_at)


_USER_SORT = {"created_at": lambda p: p[0].created_at, "name": lambda p: p[0].name, "email": lambda p: p[0].email}


class FakeMembershipRepository(MembershipRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, membership: Membership) -> None:
        key = (membership.organization_id, membership.user_id)
        if key in self._db.memberships:
            raise Conflict("this user is already a member of the organization")
        self._db.memberships[key] = copy.deepcopy(membership)

    async def find(self, organization_id: UUID, user_id: UUID) -> Membership | None:
        found = copy.deepcopy(self._db.memberships.get((organization_id, user_id)))
        if found is not None:
            with_custom_grants(self._db, [found])
        return found

    async def get(self, organization_id: UUID, user_id: UUID) -> Membership:
        found = await self.find(organization_id, user_id)
        if found is None:
            raise NotFound("user", user_id)
        return found

    async def for_user(self, user_id: UUID) -> list[Membership]:
        found = [copy.deepcopy(m) for (_, user), m in self._db.memberships.items() if user == user_id]
        with_custom_grants(self._db, found)
        return sorted(found, key=lambda m: m.created_at)

    async def update(self, membership: Membership) -> None:
        for key, m in self._db.memberships.items():
            if m.id == membership.id:  # only roles and the tenant profile change, as the SQL UPDATE
                self._db.memberships[key] = replace(
                    m, roles=frozenset(membership.roles), tenant_profile_id=membership.tenant_profile_id
                )

    async def remove(self, organization_id: UUID, user_id: UUID) -> None:
        self._db.memberships.pop((organization_id, user_id), None)

    async def list_users(
        self, organization_id: UUID, filters: UserFilter, page: PageRequest
    ) -> Page[tuple[User, Membership]]:
        f = filters
        pairs = [
            (copy.deepcopy(self._db.users[user]), copy.deepcopy(m))
            for (org, user), m in self._db.memberships.items()
            if org == organization_id and user in self._db.users
        ]
        pairs = [
            (u, m)
            for u, m in pairs
            if (not f.status or u.status == f.status)
            and (not f.search or contains(u.name, f.search) or contains(u.email, f.search))
            and (not f.role or f.role in m.roles)
            and created_in(u.created_at, f.created_after, f.created_before)
        ]
        with_custom_grants(self._db, [m for _, m in pairs])
        return page_of(pairs, page, _USER_SORT, lambda p: p[0].id)


class FakeTokenRepository(TokenRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def access_versions(self, user_id: UUID, organization_id: UUID | None) -> AccessVersions:
        versions = self._db.access_versions
        membership = versions.get((user_id, organization_id), 0) if organization_id is not None else 0
        return AccessVersions(user=versions.get((user_id, ALL_ORGANIZATIONS), 0), membership=membership)

    async def end_access(self, user_id: UUID, organization_id: UUID = ALL_ORGANIZATIONS, *, at: datetime) -> None:
        key = (user_id, organization_id)
        self._db.access_versions[key] = self._db.access_versions.get(key, 0) + 1

    def end_client_access(self, client_id: UUID) -> None:
        self._db.access_versions[(client_id, OAUTH_CLIENT)] = 1

    async def add_refresh(self, *, record: RefreshRecord, token_hash: str, created_at: datetime) -> None:
        self._db.refresh_tokens[token_hash] = replace(record, used_at=None, revoked_at=None)

    async def find_refresh(self, token_hash: str) -> RefreshRecord | None:
        return self._db.refresh_tokens.get(token_hash)

    def _replace_where(self, matches, **changes) -> int:  # type: ignore[no-untyped-def]
        changed = 0
        for token_hash, record in list(self._db.refresh_tokens.items()):
            if matches(record):
                self._db.refresh_tokens[token_hash] = replace(record, **changes)
                changed += 1
        return changed

    async def mark_refresh_used(self, record_id: UUID, at: datetime) -> bool:
        return self._replace_where(lambda r: r.id == record_id and r.used_at is None, used_at=at) == 1

    async def revoke_family(self, family_id: UUID, at: datetime) -> None:
        self._replace_where(lambda r: r.family_id == family_id and r.revoked_at is None, revoked_at=at)

    async def revoke_user_tokens(self, user_id: UUID, at: datetime) -> None:
        self._replace_where(lambda r: r.user_id == user_id and r.revoked_at is None, revoked_at=at)

    async def add_action_token(
        self, *, user_id: UUID, purpose: str, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> None:
        self._db.action_tokens[token_hash] = {
            "user_id": user_id,
            "purpose": purpose,
            "expires_at": expires_at,
            "used_at": None,
        }

    async def use_action_token(self, *, purpose: str, token_hash: str, at: datetime) -> UUID | None:
        row = self._db.action_tokens.get(token_hash)
        if row is None or row["purpose"] != purpose or row["used_at"] is not None or row["expires_at"] <= at:
            return None
        row["used_at"] = at
        return row["user_id"]  # type: ignore[no-any-return]

    async def peek_action_token(self, *, purpose: str, token_hash: str, at: datetime) -> UUID | None:
        row = self._db.action_tokens.get(token_hash)
        if row is None or row["purpose"] != purpose or row["used_at"] is not None or row["expires_at"] <= at:
            return None
        return row["user_id"]  # type: ignore[no-any-return]

    async def revoke_access(self, jti: str, expires_at: datetime) -> None:
        self._db.revoked_access.setdefault(jti, expires_at)

    async def is_access_revoked(self, jti: str) -> bool:
        return jti in self._db.revoked_access


class FakeOrganizationRegistry(OrganizationRegistry):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def exists(self, organization_id: UUID) -> bool:
        return organization_id in self._db.organizations and organization_id not in self._db.organizations_deleted

    async def mfa_required_roles(self, organization_id: UUID) -> frozenset[str]:
        org = self._db.organizations.get(organization_id)
        roles = org.extra_settings.get("require_mfa_for") if org is not None else None
        return frozenset(roles) if isinstance(roles, list) else frozenset()


class FakeApiKeyRepository(ApiKeyRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, key: ApiKey) -> None:
        if any(k.lookup == key.lookup for _, k in self._db.api_keys.everywhere()):
            raise Conflict("an API key with this lookup exists")  # SQL: a unique index (IntegrityError)
        self._db.api_keys.put(key.organization_id, key.id, key)

    async def get(self, organization_id: UUID, key_id: UUID) -> ApiKey:
        found = self._db.api_keys.find(organization_id, key_id)
        if found is None:
            raise NotFound("api key", key_id)
        return found

    async def find_by_lookup(self, lookup: str) -> ApiKey | None:
        return next((copy.deepcopy(k) for _, k in self._db.api_keys.everywhere() if k.lookup == lookup), None)

    async def list(self, organization_id: UUID) -> list[ApiKey]:
        keys = sorted(self._db.api_keys.of(organization_id), key=lambda k: k.id)
        return sorted(keys, key=lambda k: k.created_at, reverse=True)  # newest first, ties by id

    async def count_live(self, organization_id: UUID) -> int:
        return sum(1 for k in self._db.api_keys.of(organization_id) if k.revoked_at is None)

    async def revoke(self, organization_id: UUID, key_id: UUID, at: datetime) -> None:
        key = self._db.api_keys.find(organization_id, key_id)
        if key is not None and key.revoked_at is None:
            self._db.api_keys.put(organization_id, key_id, replace(key, revoked_at=at))

    async def touch(self, key_id: UUID, at: datetime) -> None:
        for org, key in list(self._db.api_keys.everywhere()):
            if key.id == key_id:
                self._db.api_keys.put(org, key_id, replace(key, last_used_at=at))

    async def rotate(self, key: ApiKey) -> None:
        found = self._db.api_keys.find(key.organization_id, key.id)
        if found is not None:
            self._db.api_keys.put(key.organization_id, key.id, copy.deepcopy(key))


class FakeInvitationRepository(InvitationRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, invitation: Invitation) -> None:
        self._db.invitations[invitation.token_hash] = invitation

    async def find(self, token_hash: str) -> Invitation | None:
        return self._db.invitations.get(token_hash)  # type: ignore[no-any-return]

    async def accept(self, invitation_id: UUID, at: datetime) -> bool:
        for token_hash, invitation in self._db.invitations.items():
            if invitation.id == invitation_id and invitation.accepted_at is None:
                self._db.invitations[token_hash] = replace(invitation, accepted_at=at)
                return True
        return False
