from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import apply_created_range, page_of
from pmsaas.adapters.sql.repositories.custom_roles import with_custom_grants
from pmsaas.adapters.sql.tables.identity import (
    access_versions,
    action_tokens,
    invitations,
    memberships,
    refresh_tokens,
    revoked_access_tokens,
    users,
)
from pmsaas.domain.identity.model import Invitation, Membership, RefreshRecord, User, UserStatus
from pmsaas.domain.identity.ports import (
    ALL_ORGANIZATIONS,
    OAUTH_CLIENT,
    AccessEnded,
    AccessVersions,
    InvitationRepository,
    MembershipRepository,
    TokenRepository,
    UserFilter,
    UserRepository,
)
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import Page, PageRequest


def _user_row(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "phone": u.phone,
        "password_hash": u.password_hash,
        "status": u.status.value,
        "email_verified": u.email_verified,
        "default_organization_id": u.default_organization_id,
        "created_at": u.created_at,
        "updated_at": u.updated_at,
    }


def to_user(r: Any) -> User:
    return User(
        id=r.id,
        email=r.email,
        name=r.name,
        phone=r.phone,
        password_hash=r.password_hash,
        status=UserStatus(r.status),
        email_verified=r.email_verified,
        default_organization_id=r.default_organization_id,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


def to_membership(r: Any) -> Membership:
    return Membership(
        id=r.id,
        user_id=r.user_id,
        organization_id=r.organization_id,
        roles=frozenset(r.roles),
        tenant_profile_id=r.tenant_profile_id,
        created_at=r.created_at,
    )


class SqlUserRepository(UserRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, user: User) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(users.insert().values(**_user_row(user)))
        except IntegrityError:
            raise Conflict("an account with this e-mail already exists") from None

    async def get(self, user_id: UUID) -> User:
        row = (
            await self._conn.execute(users.select().where(users.c.id == user_id, users.c.deleted_at.is_(None)))
        ).first()
        if row is None:
            raise NotFound("user", user_id)
        return to_user(row)

    async def find_by_email(self, email: str) -> User | None:
        row = (
            await self._conn.execute(users.select().where(users.c.email == email, users.c.deleted_at.is_(None)))
        ).first()
        return to_user(row) if row else None

    async def update(self, user: User) -> None:
        values = _user_row(user)
        values.pop("id")
        values.pop("created_at")
        await self._conn.execute(users.update().where(users.c.id == user.id).values(**values))


_USER_SORT = {"created_at": users.c.created_at, "name": users.c.name, "email": users.c.email}


# An API key's creator is read on every request the key makes: the statement is built once.
_MEMBERSHIP = memberships.select().where(
    memberships.c.organization_id == sa.bindparam("w_organization_id"),
    memberships.c.user_id == sa.bindparam("w_user_id"),
)


class SqlMembershipRepository(MembershipRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, membership: Membership) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    memberships.insert().values(
                        id=membership.id,
                        organization_id=membership.organization_id,
                        user_id=membership.user_id,
                        roles=sorted(membership.roles),
                        tenant_profile_id=membership.tenant_profile_id,
                        created_at=membership.created_at,
                    )
                )
        except IntegrityError:
            raise Conflict("this user is already a member of the organization") from None

    async def find(self, organization_id: UUID, user_id: UUID) -> Membership | None:
        params = {"w_organization_id": organization_id, "w_user_id": user_id}
        row = (await self._conn.execute(_MEMBERSHIP, params)).first()
        if row is None:
            return None
        found = to_membership(row)
        await with_custom_grants(self._conn, [found])
        return found

    async def get(self, organization_id: UUID, user_id: UUID) -> Membership:
        found = await self.find(organization_id, user_id)
        if found is None:
            raise NotFound("user", user_id)
        return found

    async def for_user(self, user_id: UUID) -> list[Membership]:
        rows = await self._conn.execute(
            memberships.select().where(memberships.c.user_id == user_id).order_by(memberships.c.created_at)
        )
        found = [to_membership(r) for r in rows]
        await with_custom_grants(self._conn, found)
        return found

    async def update(self, membership: Membership) -> None:
        await self._conn.execute(
            memberships.update()
            .where(memberships.c.id == membership.id)
            .values(roles=sorted(membership.roles), tenant_profile_id=membership.tenant_profile_id)
        )

    async def remove(self, organization_id: UUID, user_id: UUID) -> None:
        await self._conn.execute(
            memberships.delete().where(
                memberships.c.organization_id == organization_id, memberships.c.user_id == user_id
            )
        )

    async def list_users(
        self, organization_id: UUID, filters: UserFilter, page: PageRequest
    ) -> Page[tuple[User, Membership]]:
        joined = users.join(memberships, memberships.c.user_id == users.c.id)
        where = [memberships.c.organization_id == organization_id, users.c.deleted_at.is_(None)]
        if filters.status:
            where.append(users.c.status == filters.status)
        if filters.search:
            term = filters.search.lower()  # a literal substring: % and _ are not wildcards
            where.append(
                sa.or_(
                    sa.func.lower(users.c.name).contains(term, autoescape=True),
                    users.c.email.contains(term, autoescape=True),
                )
            )
        if filters.role:
            # Roles are a small JSON array; a quoted-name match works on both engines.
            where.append(sa.cast(memberships.c.roles, sa.Text).contains(f'"{filters.role}"', autoescape=True))
        where += apply_created_range(users.c.created_at, filters.created_after, filters.created_before)
        cols = [*users.c, *(c.label(f"m_{c.name}") for c in memberships.c)]

        def to_pair(r: Any) -> tuple[User, Membership]:
            m = r._mapping
            return to_user(r), Membership(
                id=m["m_id"],
                user_id=m["m_user_id"],
                organization_id=m["m_organization_id"],
                roles=frozenset(m["m_roles"]),
                tenant_profile_id=m["m_tenant_profile_id"],
                created_at=m["m_created_at"],
            )

        found = await page_of(self._conn, joined, where, _USER_SORT, page, to_pair, columns=cols, id_column=users.c.id)
        await with_custom_grants(self._conn, [m for _, m in found.items])
        return found


class SqlTokenRepository(TokenRepository):
    def __init__(self, conn: AsyncConnection, ended: list[AccessEnded] | None = None) -> None:
        self._conn = conn
        self._ended = ended if ended is not None else []  # the unit of work's: handed to the gate at commit

    async def access_versions(self, user_id: UUID, organization_id: UUID | None) -> AccessVersions:
        t = access_versions
        scopes = [ALL_ORGANIZATIONS] if organization_id is None else [ALL_ORGANIZATIONS, organization_id]
        rows = await self._conn.execute(
            sa.select(t.c.organization_id, t.c.version).where(t.c.user_id == user_id, t.c.organization_id.in_(scopes))
        )
        found = {r.organization_id: r.version for r in rows}
        return AccessVersions(
            user=found.get(ALL_ORGANIZATIONS, 0),
            membership=found.get(organization_id, 0) if organization_id is not None else 0,
        )

    async def end_access(self, user_id: UUID, organization_id: UUID = ALL_ORGANIZATIONS, *, at: datetime) -> None:
        t = access_versions
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(t).values(user_id=user_id, organization_id=organization_id, version=1, changed_at=at)
        # One statement (the row lock orders concurrent raises): create at 1 or move by one.
        result = await self._conn.execute(
            insert.on_conflict_do_update(
                index_elements=[t.c.user_id, t.c.organization_id],
                set_={"version": t.c.version + 1, "changed_at": insert.excluded.changed_at},
            ).returning(t.c.version)
        )
        self._ended.append(AccessEnded(user_id, organization_id, int(result.scalar_one())))

    def end_client_access(self, client_id: UUID) -> None:
        self._ended.append(AccessEnded(client_id, OAUTH_CLIENT, 1))

    async def add_refresh(self, *, record: RefreshRecord, token_hash: str, created_at: datetime) -> None:
        await self._conn.execute(
            refresh_tokens.insert().values(
                id=record.id,
                family_id=record.family_id,
                user_id=record.user_id,
                organization_id=record.organization_id,
                token_hash=token_hash,
                created_at=created_at,
                expires_at=record.expires_at,
            )
        )

    async def find_refresh(self, token_hash: str) -> RefreshRecord | None:
        r = (await self._conn.execute(refresh_tokens.select().where(refresh_tokens.c.token_hash == token_hash))).first()
        if r is None:
            return None
        return RefreshRecord(r.id, r.family_id, r.user_id, r.organization_id, r.expires_at, r.used_at, r.revoked_at)

    async def mark_refresh_used(self, record_id: UUID, at: datetime) -> bool:
        result = await self._conn.execute(
            refresh_tokens.update()
            .where(refresh_tokens.c.id == record_id, refresh_tokens.c.used_at.is_(None))
            .values(used_at=at)
        )
        return result.rowcount == 1

    async def revoke_family(self, family_id: UUID, at: datetime) -> None:
        await self._conn.execute(
            refresh_tokens.update()
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def revoke_user_tokens(self, user_id: UUID, at: datetime) -> None:
        await self._conn.execute(
            refresh_tokens.update()
            .where(refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def add_action_token(
        self, *, user_id: UUID, purpose: str, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> None:
        await self._conn.execute(
            action_tokens.insert().values(
                id=new_id(),
                user_id=user_id,
                purpose=purpose,
                token_hash=token_hash,
                created_at=created_at,
                expires_at=expires_at,
            )
        )

    async def use_action_token(self, *, purpose: str, token_hash: str, at: datetime) -> UUID | None:
        t = action_tokens
        row = (
            await self._conn.execute(
                t.select().where(t.c.token_hash == token_hash, t.c.purpose == purpose, t.c.used_at.is_(None))
            )
        ).first()
        if row is None or row.expires_at <= at:
            return None
        result = await self._conn.execute(t.update().where(t.c.id == row.id, t.c.used_at.is_(None)).values(used_at=at))
        return row.user_id if result.rowcount == 1 else None

    async def peek_action_token(self, *, purpose: str, token_hash: str, at: datetime) -> UUID | None:
        t = action_tokens
        row = (
            await self._conn.execute(
                t.select().where(t.c.token_hash == token_hash, t.c.purpose == purpose, t.c.used_at.is_(None))
            )
        ).first()
        return row.user_id if row is not None and row.expires_at > at else None

    async def revoke_access(self, jti: str, expires_at: datetime) -> None:
        exists = await self.is_access_revoked(jti)
        if not exists:
            await self._conn.execute(revoked_access_tokens.insert().values(jti=jti, expires_at=expires_at))

    async def is_access_revoked(self, jti: str) -> bool:
        row = (
            await self._conn.execute(sa.select(revoked_access_tokens.c.jti).where(revoked_access_tokens.c.jti == jti))
        ).first()
        return row is not None


class SqlInvitationRepository(InvitationRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, invitation: Invitation) -> None:
        i = invitation
        await self._conn.execute(
            invitations.insert().values(
                id=i.id,
                organization_id=i.organization_id,
                user_id=i.user_id,
                roles=sorted(i.roles),
                token_hash=i.token_hash,
                created_at=i.created_at,
                expires_at=i.expires_at,
                accepted_at=i.accepted_at,
            )
        )

    async def find(self, token_hash: str) -> Invitation | None:
        t = invitations
        r = (await self._conn.execute(t.select().where(t.c.token_hash == token_hash))).first()
        if r is None:
            return None
        return Invitation(
            organization_id=r.organization_id,
            user_id=r.user_id,
            roles=frozenset(r.roles),
            token_hash=r.token_hash,
            created_at=r.created_at,
            expires_at=r.expires_at,
            accepted_at=r.accepted_at,
            id=r.id,
        )

    async def accept(self, invitation_id: UUID, at: datetime) -> bool:
        t = invitations
        result = await self._conn.execute(
            t.update().where(t.c.id == invitation_id, t.c.accepted_at.is_(None)).values(accepted_at=at)
        )
        return result.rowcount == 1
