"""RS256 access tokens with a ``kid`` header, and the JWKS that publishes the public key."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pmsaas.domain.identity.model import IssuedAccessToken, Membership, User
from pmsaas.domain.identity.oauth import DelegatedGrant, DelegatedTokenIssuer
from pmsaas.domain.identity.ports import AccessTokenIssuer, AccessVersions
from pmsaas.domain.shared.clock import Clock, SystemClock
from pmsaas.domain.shared.errors import AuthenticationFailed, TokenExpired
from pmsaas.domain.shared.ids import new_id

log = logging.getLogger(__name__)


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class KeySet:
    private_key: rsa.RSAPrivateKey
    kid: str
    generated: bool  # a development key made on this machine; production refuses it

    @classmethod
    def from_pem(cls, pem: str, *, generated: bool = False) -> KeySet:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("PMSAAS_JWT_PRIVATE_KEY must be an RSA private key")
        return cls(key, cls._thumbprint(key), generated)

    @classmethod
    def development(cls, directory: Path) -> KeySet:
        """A per-machine key under var/keys/, created on first use (never committed)."""
        path = directory / "dev-jwt-rsa.pem"
        if not path.exists():
            directory.mkdir(parents=True, exist_ok=True)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pem)
            tmp.chmod(0o600)
            tmp.replace(path)
        return cls.from_pem(path.read_text(), generated=True)

    @staticmethod
    def _thumbprint(key: rsa.RSAPrivateKey) -> str:
        """RFC 7638 JWK thumbprint: a stable kid derived from the public key."""
        numbers = key.public_key().public_numbers()
        canonical = json.dumps({"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)}, separators=(",", ":"))
        return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()

    def jwks(self) -> dict[str, Any]:
        numbers = self.private_key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": _b64(numbers.n),
                    "e": _b64(numbers.e),
                }
            ]
        }


class JwtTokens(AccessTokenIssuer, DelegatedTokenIssuer):
    def __init__(
        self, keys: KeySet, *, issuer: str, audience: str, ttl_seconds: int, clock: Clock | None = None
    ) -> None:
        self._keys = keys
        # Expiry is judged by the same clock the use cases issue tokens with (PyJWT would read the
        # wall clock): a token issued at a moment verifies at that moment, whatever the calendar says.
        self._clock = clock or SystemClock()
        self._public = keys.private_key.public_key()
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl_seconds
        # Tokens already verified → their claims, until they expire: a client sends the same token
        # on every request for up to ttl_seconds, and parsing + RSA verification was the largest
        # per-request cost of an authenticated request (bench/README.md). Bounded; cleared when full.
        self._verified: dict[str, dict[str, Any]] = {}
        self._verified_max = 10_000

    def issue(
        self, user: User, membership: Membership | None, now: datetime, versions: AccessVersions | None = None
    ) -> IssuedAccessToken:
        jti = str(new_id())
        versions = versions or AccessVersions()
        expires = now + timedelta(seconds=self._ttl)
        roles = sorted(membership.roles) if membership else []
        claims = {
            "sub": str(user.id),
            "email": user.email,
            "org_id": str(membership.organization_id) if membership else None,
            "org_roles": roles,
            "permissions": sorted(membership.permissions) if membership else [],  # custom roles' grants too
            "tenant_profile_id": str(membership.tenant_profile_id)
            if membership and membership.tenant_profile_id
            else None,
            "jti": jti,
            "uv": versions.user,  # the access versions it is issued under (checked on every request)
            "mv": versions.membership,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "aud": self._audience,
            "iss": self._issuer,
        }
        token = jwt.encode(claims, self._keys.private_key, algorithm="RS256", headers={"kid": self._keys.kid})
        return IssuedAccessToken(token=token, jti=jti, expires_at=expires, expires_in=self._ttl)

    def issue_delegated(self, grant: DelegatedGrant, now: datetime) -> IssuedAccessToken:
        """An OAuth access token: the usual claims plus ``scope`` (space-separated) and ``client_id``
        (RFC 9068 §2.2). A client_credentials token's subject is the client itself."""
        jti = str(new_id())
        expires = now + timedelta(seconds=self._ttl)
        claims = {
            "sub": str(grant.user_id or grant.client_id),
            "email": grant.email,
            "org_id": str(grant.organization_id),
            "org_roles": sorted(grant.roles),
            "permissions": sorted(grant.permissions),  # the scopes cut to the user's grants at issue
            "tenant_profile_id": str(grant.tenant_profile_id) if grant.tenant_profile_id else None,
            "scope": " ".join(sorted(grant.scopes)),
            "client_id": str(grant.client_id),
            "jti": jti,
            "uv": grant.versions.user,
            "mv": grant.versions.membership,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "aud": self._audience,
            "iss": self._issuer,
        }
        token = jwt.encode(claims, self._keys.private_key, algorithm="RS256", headers={"kid": self._keys.kid})
        return IssuedAccessToken(token=token, jti=jti, expires_at=expires, expires_in=self._ttl)

    # Stream handles (the real-time cookie, docs/realtime.md): signed like access tokens but for another
    # audience, so a handle is never accepted as an access token, nor an access token as a handle.
    @property
    def _stream_audience(self) -> str:
        return f"{self._audience}:realtime"

    def issue_stream_handle(self, claims: dict[str, Any], now: datetime, ttl_seconds: int) -> tuple[str, str, int]:
        """A short-lived handle carrying ``claims`` (no secret): the token, its jti and its expiry
        (epoch). Its lifetime never outlasts ``claims["exp"]`` when the claims name one."""
        jti = str(new_id())
        expires = int(now.timestamp()) + ttl_seconds
        if isinstance(claims.get("exp"), int):
            expires = min(expires, claims["exp"])
        body = {**claims, "jti": jti, "iat": int(now.timestamp()), "exp": expires}
        body |= {"aud": self._stream_audience, "iss": self._issuer}
        token = jwt.encode(body, self._keys.private_key, algorithm="RS256", headers={"kid": self._keys.kid})
        return token, jti, expires

    def decode_stream_handle(self, handle: str) -> dict[str, Any]:
        """A stream handle's claims: signature, audience, issuer, expiry (TokenExpired once past)."""
        try:
            header = jwt.get_unverified_header(handle)
            if header.get("alg") != "RS256" or header.get("kid") not in (None, self._keys.kid):
                raise AuthenticationFailed("Stream handle not signed by this server")
            claims: dict[str, Any] = jwt.decode(
                handle,
                self._public,
                algorithms=["RS256"],
                audience=self._stream_audience,
                issuer=self._issuer,
                options={
                    "require": ["exp", "iat", "sub", "jti", "aud", "iss"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
        except jwt.PyJWTError:
            raise AuthenticationFailed("Invalid stream handle") from None
        return self._in_time(claims)

    def decode(self, token: str) -> dict[str, Any]:
        """Verify signature (RS256 only: no ``none``, no HS256 with the public key), audience, issuer, expiry.

        A token verified before is not parsed again; only its expiry is checked (as PyJWT does: expired
        when ``exp <= now``). Revocation is the caller's check, on every request.
        """
        claims = self._verified.get(token)
        if claims is not None:
            if claims["exp"] <= self._clock.now().timestamp():
                del self._verified[token]
                raise TokenExpired("Access token has expired")
            return dict(claims)
        claims = self._verify(token)
        if len(self._verified) >= self._verified_max:
            self._verified.clear()
        self._verified[token] = claims
        return dict(claims)

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthenticationFailed("Malformed access token") from None
        if header.get("alg") != "RS256" or header.get("kid") not in (None, self._keys.kid):
            raise AuthenticationFailed("Access token not signed by this server")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._public,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuer,
                options={
                    "require": ["exp", "iat", "sub", "jti", "aud", "iss"],
                    # The time claims are checked below against our clock, with PyJWT's rules.
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError:
            raise AuthenticationFailed("Invalid access token") from None
        return self._in_time(claims)

    def _in_time(self, claims: dict[str, Any]) -> dict[str, Any]:
        now = self._clock.now().timestamp()
        try:
            exp, iat, nbf = int(claims["exp"]), int(claims["iat"]), int(claims.get("nbf", claims["iat"]))
        except (TypeError, ValueError, OverflowError):
            raise AuthenticationFailed("Invalid access token") from None
        if iat > now or nbf > now:
            raise AuthenticationFailed("Invalid access token")  # issued in the future: not ours to trust yet
        if exp <= now:
            raise TokenExpired("Access token has expired")
        return claims
