"""Who is acting: the authenticated principal, already resolved to one organization."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from pmsaas.domain.shared.errors import PermissionDenied


def permission_matches(granted: str, wanted: str) -> bool:
    """``*`` grants everything; ``property:*`` grants every ``property:<action>``."""
    if granted == "*" or granted == wanted:
        return True
    if granted.endswith(":*"):
        return wanted.split(":", 1)[0] == granted[:-2]
    return False


@dataclass(frozen=True)
class Actor:
    user_id: UUID | None  # None for an API key acting for its organization
    organization_id: UUID | None
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    tenant_profile_id: UUID | None = None
    api_key_id: UUID | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    # The OAuth client a token was issued to. A client_credentials token acts for the organization
    # like an API key: no user, and ``api_key_id`` is the client's id (rate limits, idempotency).
    client_id: UUID | None = None

    @property
    def delegated(self) -> bool:
        """Acting through an API key or an OAuth client: limited by scopes."""
        return self.api_key_id is not None or self.client_id is not None

    def can(self, permission: str) -> bool:
        return any(permission_matches(granted, permission) for granted in self.permissions)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(f"missing permission {permission}")

    @property
    def org(self) -> UUID:
        """The organization every query of this request is scoped to."""
        if self.organization_id is None:
            raise PermissionDenied("no organization selected: join or create an organization first")
        return self.organization_id

    @property
    def is_tenant(self) -> bool:
        return "Tenant" in self.roles and not self.can("tenant:read")
