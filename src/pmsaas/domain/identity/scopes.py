"""Scopes of API keys and OAuth tokens, and what a delegated credential may do.

A scope is either one of the ticketing API's names (``tickets:read``, ``tickets:write``,
``users:read``, ``properties:read``; plus the product's ``webhooks:write``, ``workorders:read`` and
``workorders:write``) or a permission string of the platform's table (``financial:read``,
``property:*``...). ``<resource>:manage`` is accepted as ``<resource>:*`` (the seed's example token
names ``tenant:manage``) where the resource has no ``manage`` action of its own.

A delegated credential (a key, an OAuth token) never does more than the person behind it can do
*now*: its grants are its scopes' permissions intersected with that person's current permissions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from pmsaas.domain.identity.roles import RESOURCES, expand
from pmsaas.domain.shared.actor import Actor, permission_matches
from pmsaas.domain.shared.errors import FieldProblem, PermissionDenied, ValidationFailed

# The ticketing API's scope names → the permissions each implies.
NAMED_SCOPES: dict[str, tuple[str, ...]] = {
    "tickets:read": ("maintenance:read",),
    "tickets:write": ("maintenance:read", "maintenance:create", "maintenance:update", "maintenance:delete",
                      "maintenance:assign"),
    "users:read": ("user:read",),
    "properties:read": ("property:read", "unit:read"),
    "webhooks:write": ("webhook:read", "webhook:create", "webhook:delete"),
    "workorders:read": ("workorder:read", "vendor:read"),
    "workorders:write": ("workorder:read", "workorder:create", "workorder:update", "workorder:delete",
                         "vendor:read", "vendor:create", "vendor:update", "vendor:delete"),
}  # fmt: skip
MAX_SCOPES = 100


def grants_of(scope: str) -> tuple[str, ...] | None:
    """The permission grants a scope stands for (wildcards allowed); None for an unknown scope."""
    if scope in NAMED_SCOPES:
        return NAMED_SCOPES[scope]
    resource, sep, action = scope.partition(":")
    actions = RESOURCES.get(resource)
    if not sep or actions is None:
        return None
    if action in actions or action == "*":
        return (scope,)
    if action == "manage":
        return (f"{resource}:*",)
    return None


def all_scopes() -> list[str]:
    """Every scope a client may be registered for (the metadata document lists them)."""
    return [*NAMED_SCOPES, *(f"{r}:{a}" for r, actions in RESOURCES.items() for a in (*actions, "*"))]


def permissions_for_scopes(scopes: Iterable[str]) -> frozenset[str]:
    granted: set[str] = set()
    for scope in scopes:
        granted.update(grants_of(scope) or ())
    return frozenset(granted)


def effective_permissions(scopes: Iterable[str], holder: frozenset[str]) -> frozenset[str]:
    """The concrete permissions both the scopes and the holder's current grants allow."""
    return _effective(frozenset(scopes), holder)


@functools.lru_cache(maxsize=1024)
def _effective(scopes: frozenset[str], holder: frozenset[str]) -> frozenset[str]:
    # A pure function of two small sets, asked on every request an API key makes (expanding the
    # scopes walks every permission): remembered for the few pairs a server sees.
    wanted = expand(permissions_for_scopes(scopes))
    return frozenset(p for p in wanted if any(permission_matches(g, p) for g in holder))


def check_scopes(actor: Actor, scopes: list[str], field_name: str = "scopes") -> frozenset[str]:
    """Known scopes, at least one, none beyond what ``actor`` may do (else 403, nothing granted)."""
    problems = [
        FieldProblem(f"{field_name}.{i}", f"unknown scope {s!r}") for i, s in enumerate(scopes) if grants_of(s) is None
    ]
    if problems:
        raise ValidationFailed(problems)
    if not scopes:
        raise ValidationFailed.single(field_name, "at least one scope is required")
    for scope in scopes:
        missing = [p for p in grants_of(scope) or () if not actor.can(p)]
        if missing:
            # A credential may not do more than the person who made it.
            raise PermissionDenied(f"scope {scope} needs {', '.join(missing)}, which you do not have")
    return frozenset(scopes)


def has_scope(actor: Actor, scope: str) -> bool:
    """A delegated actor holds ``scope`` when its effective grants still cover everything it implies."""
    return all(actor.can(p) for p in grants_of(scope) or ("-",))
