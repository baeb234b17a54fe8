"""OAuth 2.0 (RFC 6749) pieces: clients registered per organization, authorization codes bound to a
PKCE challenge (RFC 7636, S256 only), and refresh-token families of OAuth grants.

Client secrets, codes and refresh tokens are 256-bit random strings stored only as SHA-256 (there is
nothing to brute-force in a secret of that size, so a fast hash is right). A client's ``client_id``
is its id; it names the organization the client belongs to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar
from urllib.parse import urlsplit
from uuid import UUID

from pmsaas.domain.identity.model import IssuedAccessToken
from pmsaas.domain.identity.ports import (
    AccessVersions,
    MembershipRepository,
    MfaFactorRepository,
    TokenRepository,
    UserRepository,
)
from pmsaas.domain.shared.audit import AuditingUnitOfWork
from pmsaas.domain.shared.errors import DomainError
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id

CODE_TTL = timedelta(minutes=10)  # RFC 6749 §4.1.2: "a maximum authorization code lifetime of 10 minutes"
REFRESH_TTL = timedelta(days=30)
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
# RFC 7591 §2 token_endpoint_auth_method: a confidential client holds a secret (sent either way);
# "none" is a public client (a browser or native app cannot keep one): it proves itself with PKCE.
SECRET_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
PUBLIC = "none"
AUTH_METHODS = (*SECRET_AUTH_METHODS, PUBLIC)
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")  # RFC 7636 §4.1
_CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")  # BASE64URL(SHA256(verifier)) without padding


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def s256(verifier: str) -> str:
    """RFC 7636 §4.2: BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def is_valid_challenge(challenge: str) -> bool:
    return bool(_CHALLENGE.match(challenge))


def verifier_matches(verifier: str, challenge: str) -> bool:
    return bool(_VERIFIER.match(verifier)) and hmac.compare_digest(s256(verifier), challenge)


def redirect_uri_problem(uri: str) -> str | None:
    """Why a redirect URI cannot be registered (None: it can). Absolute, no fragment (RFC 6749
    §3.1.2); https, or http on a loopback address only (RFC 8252 §7.3, native apps)."""
    if len(uri) > 2000:
        return "must be at most 2000 characters"
    parts = urlsplit(uri)
    if parts.fragment or "#" in uri:
        return "must not contain a fragment"
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1"):
        return None
    return "must be an absolute https URL (http only on localhost)"


class OAuthError(DomainError):
    """An RFC 6749 error (``invalid_grant``, ``invalid_client``...): the OAuth endpoints answer these
    with the RFC's JSON, not the API envelope. ``revoked``: access tokens (jti, exp) this failure ended
    (a replayed code or refresh token), for the per-request gate's fast copy."""

    CODES: ClassVar[frozenset[str]] = frozenset(
        {
            "invalid_request",
            "invalid_client",
            "invalid_grant",
            "unauthorized_client",
            "unsupported_grant_type",
            "invalid_scope",
            "access_denied",
            "unsupported_response_type",
            "server_error",
            "unsupported_token_type",
        }
    )

    def __init__(self, error: str, description: str, *, revoked: tuple[tuple[str, int], ...] = ()) -> None:
        assert error in self.CODES, error
        super().__init__(description)
        self.error = error
        self.description = description
        self.revoked = revoked


@dataclass(eq=False)
class OAuthClient:
    organization_id: UUID
    name: str
    redirect_uris: tuple[str, ...]
    scopes: frozenset[str]
    grant_types: frozenset[str]
    secret_hash: str
    created_at: datetime
    created_by: UUID | None = None
    revoked_at: datetime | None = None
    auth_method: str = "client_secret_basic"
    id: UUID = field(default_factory=new_id)

    @property
    def client_id(self) -> str:
        return str(self.id)

    @property
    def is_public(self) -> bool:
        return self.auth_method == PUBLIC

    def secret_matches(self, secret: str) -> bool:
        return not self.is_public and hmac.compare_digest(self.secret_hash, hash_secret(secret))

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={"client_id": self.client_id, "name": self.name, "scopes": sorted(self.scopes)},
        )


@dataclass(frozen=True)
class AuthorizationCode:
    code_hash: str
    client_id: UUID
    organization_id: UUID
    user_id: UUID
    redirect_uri: str
    scopes: frozenset[str]
    code_challenge: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    id: UUID = field(default_factory=new_id)


@dataclass(frozen=True)
class OAuthRefreshToken:
    """One refresh token of a family (the family starts at a code exchange; ``family_id`` is the code's id)."""

    token_hash: str
    family_id: UUID
    client_id: UUID
    organization_id: UUID
    user_id: UUID
    scopes: frozenset[str]
    created_at: datetime
    expires_at: datetime
    access_jti: str
    access_expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None
    id: UUID = field(default_factory=new_id)


@dataclass(frozen=True)
class DelegatedGrant:
    """What an OAuth access token says: who (a user, or the client itself), where, and what."""

    organization_id: UUID
    client_id: UUID
    scopes: frozenset[str]
    permissions: frozenset[str]
    user_id: UUID | None = None  # None: client_credentials, the client acts for its organization
    email: str | None = None
    roles: frozenset[str] = frozenset()
    tenant_profile_id: UUID | None = None
    versions: AccessVersions = field(default_factory=AccessVersions)


class OAuthClientRepository(ABC):
    @abstractmethod
    async def add(self, client: OAuthClient) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, client_id: UUID) -> OAuthClient:
        """Raises NotFound for an unknown id or another organization's."""

    @abstractmethod
    async def find(self, client_id: UUID) -> OAuthClient | None:
        """Any organization's client (the OAuth endpoints learn the organization from the client)."""

    @abstractmethod
    async def list(self, organization_id: UUID) -> list[OAuthClient]: ...

    @abstractmethod
    async def revoke(self, organization_id: UUID, client_id: UUID, at: datetime) -> None: ...


class AuthorizationCodeRepository(ABC):
    @abstractmethod
    async def add(self, code: AuthorizationCode) -> None: ...

    @abstractmethod
    async def find(self, code_hash: str) -> AuthorizationCode | None: ...

    @abstractmethod
    async def mark_used(self, code_id: UUID, at: datetime) -> bool:
        """True if this call used it (it was unused): the guard against two concurrent exchanges."""


class OAuthRefreshTokenRepository(ABC):
    @abstractmethod
    async def add(self, token: OAuthRefreshToken) -> None: ...

    @abstractmethod
    async def find(self, token_hash: str) -> OAuthRefreshToken | None: ...

    @abstractmethod
    async def mark_used(self, token_id: UUID, at: datetime) -> bool:
        """True if this call used it (it was unused)."""

    @abstractmethod
    async def revoke_family(self, family_id: UUID, at: datetime) -> list[tuple[str, datetime]]:
        """Revoke every token of the family; returns the access tokens (jti, expiry) issued with them."""

    @abstractmethod
    async def revoke_client(self, client_id: UUID, at: datetime) -> list[tuple[str, datetime]]:
        """Revoke every refresh token of the client; returns the access tokens issued with them that
        have not expired yet (jti, expiry)."""


class DelegatedTokenIssuer(ABC):
    @abstractmethod
    def issue_delegated(self, grant: DelegatedGrant, now: datetime) -> IssuedAccessToken:
        """An access token with the ``scope`` and ``client_id`` claims."""


class OAuthUnitOfWork(AuditingUnitOfWork):
    oauth_clients: OAuthClientRepository
    authorization_codes: AuthorizationCodeRepository
    oauth_refresh_tokens: OAuthRefreshTokenRepository
    users: UserRepository
    memberships: MembershipRepository
    tokens: TokenRepository
    mfa_factors: MfaFactorRepository
