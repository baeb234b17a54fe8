from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pmsaas.domain.identity.model import (
    CustomRole,
    Invitation,
    IssuedAccessToken,
    Membership,
    MfaFactor,
    RefreshRecord,
    User,
)
from pmsaas.domain.shared.audit import AuditEvent, AuditingUnitOfWork
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.plan_limits import PlanAllowance


@dataclass(frozen=True)
class UserFilter:
    status: str | None = None
    role: str | None = None
    search: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


class UserRepository(ABC):
    @abstractmethod
    async def add(self, user: User) -> None:
        """Raises Conflict when the e-mail is taken."""

    @abstractmethod
    async def get(self, user_id: UUID) -> User: ...

    @abstractmethod
    async def find_by_email(self, email: str) -> User | None: ...

    @abstractmethod
    async def update(self, user: User) -> None: ...


class MembershipRepository(ABC):
    @abstractmethod
    async def add(self, membership: Membership) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, user_id: UUID) -> Membership:
        """Raises NotFound when the user is not a member of that organization."""

    @abstractmethod
    async def find(self, organization_id: UUID, user_id: UUID) -> Membership | None: ...

    @abstractmethod
    async def for_user(self, user_id: UUID) -> list[Membership]: ...

    @abstractmethod
    async def update(self, membership: Membership) -> None: ...

    @abstractmethod
    async def remove(self, organization_id: UUID, user_id: UUID) -> None: ...

    @abstractmethod
    async def list_users(
        self, organization_id: UUID, filters: UserFilter, page: PageRequest
    ) -> Page[tuple[User, Membership]]: ...


ALL_ORGANIZATIONS = UUID(int=0)  # the scope of a user-wide access version (every membership at once)
# The scope of an OAuth client's access version (``AccessEnded.user_id`` then holds the client's id):
# raised once, when the client is revoked, it ends every access token issued to the client.
OAUTH_CLIENT = UUID(int=1)


@dataclass(frozen=True)
class AccessVersions:
    """The versions an access token is issued under (claims ``uv`` and ``mv``): the user's, ended by
    disabling, a password reset, reuse detection and "log out everywhere"; and its membership's, ended
    by a role change or removal. A token whose version is below the current one is refused at once."""

    user: int = 0
    membership: int = 0


@dataclass(frozen=True)
class AccessEnded:
    """A version raised in a committed transaction, for the per-request gate's fast copy."""

    user_id: UUID
    organization_id: UUID  # ALL_ORGANIZATIONS for the user's version, OAUTH_CLIENT for a client's
    version: int


class AccessCutoffs(ABC):
    """The fast copy of the access versions that the per-request gate reads (Redis, or memory)."""

    @abstractmethod
    async def raise_version(self, ended: AccessEnded) -> None: ...


class TokenRepository(ABC):
    """Refresh-token families, single-use action tokens, revoked access-token ids, access versions."""

    @abstractmethod
    async def access_versions(self, user_id: UUID, organization_id: UUID | None) -> AccessVersions: ...

    @abstractmethod
    async def end_access(self, user_id: UUID, organization_id: UUID = ALL_ORGANIZATIONS, *, at: datetime) -> None:
        """Raise the version (the user's, or one membership's): every access token issued before is
        refused from the commit on. The unit of work hands the new version to the gate after commit."""

    @abstractmethod
    def end_client_access(self, client_id: UUID) -> None:
        """Every access token issued to the OAuth client (for a user or for itself) is refused from the
        commit on. The client's revoked row is the durable record (a client is revoked once, for good);
        the unit of work hands the version to the gate after commit, as ``end_access`` does."""

    @abstractmethod
    async def add_refresh(self, *, record: RefreshRecord, token_hash: str, created_at: datetime) -> None: ...

    @abstractmethod
    async def find_refresh(self, token_hash: str) -> RefreshRecord | None: ...

    @abstractmethod
    async def mark_refresh_used(self, record_id: UUID, at: datetime) -> bool:
        """True if this call used it (it was unused): the guard against two concurrent rotations."""

    @abstractmethod
    async def revoke_family(self, family_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def revoke_user_tokens(self, user_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def add_action_token(
        self, *, user_id: UUID, purpose: str, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> None: ...

    @abstractmethod
    async def use_action_token(self, *, purpose: str, token_hash: str, at: datetime) -> UUID | None:
        """Marks a live token used and returns its user id; None when unknown, used or expired."""

    @abstractmethod
    async def peek_action_token(self, *, purpose: str, token_hash: str, at: datetime) -> UUID | None:
        """The user id of a live token, leaving it unused (an MFA challenge survives a mistyped code)."""

    @abstractmethod
    async def revoke_access(self, jti: str, expires_at: datetime) -> None: ...

    @abstractmethod
    async def is_access_revoked(self, jti: str) -> bool: ...


class InvitationRepository(ABC):
    @abstractmethod
    async def add(self, invitation: Invitation) -> None: ...

    @abstractmethod
    async def find(self, token_hash: str) -> Invitation | None: ...

    @abstractmethod
    async def accept(self, invitation_id: UUID, at: datetime) -> bool:
        """True if this call accepted it (it was open): the guard against a double acceptance."""


class CustomRoleRepository(ABC):
    @abstractmethod
    async def add(self, role: CustomRole) -> None:
        """Raises Conflict when the organization already has a role of that name (any case)."""

    @abstractmethod
    async def get(self, organization_id: UUID, role_id: UUID) -> CustomRole:
        """Raises NotFound for an unknown id or another organization's."""

    @abstractmethod
    async def list(self, organization_id: UUID) -> list[CustomRole]:
        """The organization's roles by name."""

    @abstractmethod
    async def update(self, role: CustomRole) -> None:
        """Raises Conflict when the new name is another role's."""

    @abstractmethod
    async def remove(self, organization_id: UUID, role_id: UUID) -> None: ...


class MfaFactorRepository(ABC):
    @abstractmethod
    async def find(self, user_id: UUID) -> MfaFactor | None: ...

    @abstractmethod
    async def save(self, factor: MfaFactor) -> None:
        """Inserts or replaces the user's factor (one per user)."""

    @abstractmethod
    async def remove(self, user_id: UUID) -> None: ...


class OneTimePasswords(ABC):
    """TOTP (RFC 6238): 6 digits, 30-second steps. Secrets leave the adapter sealed."""

    @abstractmethod
    def new_secret(self) -> tuple[str, str]:
        """A new secret as (sealed for storage, base32 plaintext shown once to the user)."""

    @abstractmethod
    def provisioning_uri(self, sealed_secret: str, *, account: str) -> str:
        """The ``otpauth://totp/...`` URI an authenticator app scans."""

    @abstractmethod
    def matching_step(self, sealed_secret: str, code: str, at: datetime) -> int | None:
        """The time step (±1 around ``at``) whose code is ``code``, newest first; None when none is."""


class OrganizationRegistry(ABC):
    """What identity needs of organizations: know one exists (registration, which creates one, is
    the ``domain/flows/sign_up.py`` flow over both contexts' ports)."""

    @abstractmethod
    async def exists(self, organization_id: UUID) -> bool: ...

    @abstractmethod
    async def mfa_required_roles(self, organization_id: UUID) -> frozenset[str]:
        """The roles whose members must sign in with MFA (the organization's ``require_mfa_for``)."""


@dataclass(frozen=True)
class AuditEventFilter:
    action: str | None = None
    actor_user_id: UUID | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None  # exclusive


class AuditEventQuery(ABC):
    """Reads one organization's audit entries, newest first (writing is ``AuditLog.append`` only)."""

    @abstractmethod
    async def list(self, organization_id: UUID, filters: AuditEventFilter, page: PageRequest) -> Page[AuditEvent]: ...


class IdentityUnitOfWork(AuditingUnitOfWork):
    users: UserRepository
    memberships: MembershipRepository
    tokens: TokenRepository
    invitations: InvitationRepository
    organization_registry: OrganizationRegistry
    custom_roles: CustomRoleRepository
    mfa_factors: MfaFactorRepository
    audit_events: AuditEventQuery
    plan_allowance: PlanAllowance  # seats


class PasswordHasher(ABC):
    @abstractmethod
    def hash(self, password: str) -> str: ...

    @abstractmethod
    def verify(self, password_hash: str, password: str) -> bool: ...

    @abstractmethod
    def dummy_verify(self, password: str) -> None:
        """Spend the time of a real verification; used for unknown accounts (no enumeration)."""


class AccessTokenIssuer(ABC):
    @abstractmethod
    def issue(
        self, user: User, membership: Membership | None, now: datetime, versions: AccessVersions | None = None
    ) -> IssuedAccessToken: ...


class AttemptLimiter(ABC):
    """Counts attempts per key in a window (login throttling)."""

    @abstractmethod
    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        """Record one attempt; return seconds to wait when over the limit, else None."""

    @abstractmethod
    async def reset(self, key: str) -> None: ...
