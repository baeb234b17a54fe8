"""The Idempotency-Key rule, once for every path that honours it (docs/api-contract.md §6).

The HTTP middleware (any POST) and the payment and refund use cases (a unique row per key in the
database) apply the same three things: the key's syntax, its scope (the caller within its
organization) and the request's fingerprint. A key reused with another request is refused with
:class:`IdempotencyKeyReused` on both paths.
"""

from __future__ import annotations

import hashlib
import json

from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed

KEY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def valid_key(key: str) -> bool:
    """1 to 255 printable ASCII characters."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(" " <= ch <= "~" for ch in key)


def principal_scope(actor: Actor) -> str:
    """Whose key it is: ``{organization}:user:{id}`` or ``{organization}:key:{api_key_id}``.

    Two users of one organization, an API key and its creator, or one user in two organizations
    never share a key: a stored answer may hold data only its author may see.
    """
    who = f"key:{actor.api_key_id}" if actor.api_key_id else f"user:{actor.user_id}"
    return f"{actor.organization_id or '-'}:{who}"


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    """sha256 of the method, the path, the raw query string and the body, each length-prefixed.

    A JSON body is canonicalised first (key order and white space do not count); any other body
    counts byte for byte. The query string counts as sent (a route may read it).
    """
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode() if body else b""
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def gateway_key(scope: str, key: str, purpose: str = "charge") -> str:
    """The key a payment gateway receives: one per caller, key and purpose, so two callers' keys
    never meet at the gateway either. Gateways cap keys at 255 characters: longer ones are hashed."""
    derived = f"{scope}:{purpose}:{key}"
    if len(derived) <= MAX_KEY_LENGTH:
        return derived
    return f"{scope}:{purpose}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


class IdempotencyKeyReused(ValidationFailed):
    """The same key with another request (another method, path, query or body): 422."""

    def __init__(self) -> None:
        super().__init__(
            [FieldProblem(KEY_HEADER, "already used with a different method, path or body")],
            message=f"This {KEY_HEADER} was already used with a different request",
        )
