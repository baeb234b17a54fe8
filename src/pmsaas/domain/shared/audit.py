"""The audit log: who did what to which thing, from where. Append-only.

Any context records an event with ``record_audit`` inside the unit of work of the change it
describes, so the entry commits with the change or not at all: it can be neither lost (a change
without its entry) nor invented (an entry for a change that rolled back). The request's facts (IP,
user agent, request id) are handed to the use case explicitly as a ``RequestInfo``; the domain never
reads them from a global.

Usage from another context (a plan change, an OAuth client)::

    async with uow:
        ...  # the change
        await record_audit(uow, actor, "plan.changed", AuditTarget("organization", str(org.id)), request,
                     at=clock.now(), details={"from": "standard", "to": "premium"})
        await uow.commit()

The unit of work only needs an ``audit_log: AuditLog`` (``AuditingUnitOfWork``); the SQL one has it.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.ports import UnitOfWork


@dataclass(frozen=True)
class RequestInfo:
    """Where a change came from, as the entrypoint saw it (all optional: a CLI has none)."""

    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


NO_REQUEST = RequestInfo()  # a change made outside a request (CLI, jobs, unit tests)


@dataclass(frozen=True)
class AuditTarget:
    """The thing acted on: a kind (``user``, ``role``, ``api_key``...), its id, and a label a reader
    recognizes (never a secret; an e-mail nobody owns is stored only as a hash, ``hashed_email``)."""

    kind: str
    id: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class AuditEvent:
    organization_id: UUID | None  # None: nothing to attribute it to (a sign-in with an unknown e-mail)
    occurred_at: datetime
    action: str
    actor_user_id: UUID | None
    actor_api_key_id: UUID | None
    target: AuditTarget
    request: RequestInfo
    details: Mapping[str, str] = field(default_factory=dict)
    id: UUID = field(default_factory=new_id)


class AuditLog(ABC):
    """Append-only: there is no update and no delete, here or in any adapter."""

    @abstractmethod
    async def append(self, event: AuditEvent) -> None: ...


class AuditingUnitOfWork(UnitOfWork):
    """A unit of work that can carry audit entries (every SQL unit of work can)."""

    audit_log: AuditLog


def hashed_email(email: str) -> str:
    """A stable, non-reversible label for an address that has no account (so repeated guesses
    against one address can be counted without storing it)."""
    return "sha256:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


MAX_DETAIL = 200  # a detail is a short fact (a role name, a plan), never a body


async def record_audit(
    uow: AuditingUnitOfWork,
    actor: Actor | None,
    action: str,
    target: AuditTarget,
    context: RequestInfo,
    *,
    at: datetime,
    organization_id: UUID | None = None,
    details: Mapping[str, str] | None = None,
) -> AuditEvent:
    """Appends one entry in ``uow``'s transaction; it is stored only if the caller commits.

    ``organization_id`` defaults to the actor's organization (whose owners can read the entry)."""
    event = AuditEvent(
        organization_id=organization_id if organization_id is not None else (actor.organization_id if actor else None),
        occurred_at=at,
        action=action,
        actor_user_id=actor.user_id if actor else None,
        actor_api_key_id=actor.api_key_id if actor else None,
        target=target,
        request=context,
        details={k: str(v)[:MAX_DETAIL] for k, v in (details or {}).items()},
    )
    await uow.audit_log.append(event)
    return event
