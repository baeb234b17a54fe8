"""Who sees what inside an organization.

* PropertyManager / OrganizationOwner (anyone who may update properties): everything.
* PropertyOwner (without ``property:update``): only the properties listed in ``owner_ids``, and the
  units and leases of those properties. Anything else answers 404, as if it did not exist.
* Tenant (without ``tenant:read``): only its own tenant profile (``tenant_profile_id`` in the JWT),
  the leases where it is the tenant or a co-tenant (not drafts), and the units of those leases.
  A Tenant user not linked to a profile sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from pmsaas.domain.shared.actor import Actor

NOBODY = UUID(int=0)


@dataclass(frozen=True)
class Visibility:
    owner_id: UUID | None = None  # set: a PropertyOwner restricted to its properties
    tenant_id: UUID | None = None  # set: a Tenant restricted to its own records

    @property
    def unrestricted(self) -> bool:
        return self.owner_id is None and self.tenant_id is None


def visibility(actor: Actor) -> Visibility:
    if actor.is_tenant:
        return Visibility(tenant_id=actor.tenant_profile_id or NOBODY)
    if "PropertyOwner" in actor.roles and not actor.can("property:update"):
        return Visibility(owner_id=actor.user_id or NOBODY)
    return Visibility()
