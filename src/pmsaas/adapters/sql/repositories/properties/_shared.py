"""Helpers the properties repositories share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from pmsaas.adapters.sql.tables.properties import lease_co_tenants, leases
from pmsaas.domain.properties.lease import LeaseStatus


def in_chunks(ids: list[Any], size: int = 500) -> list[list[Any]]:
    """IN lists in slices (SQLite caps bound parameters)."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def text_decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def tenant_leases(organization_id: UUID, tenant_id: UUID) -> sa.Select[Any]:
    """Ids of the (non-draft) leases where the tenant is the main tenant or a co-tenant."""
    co = sa.select(lease_co_tenants.c.lease_id).where(lease_co_tenants.c.tenant_id == tenant_id)
    return sa.select(leases.c.id).where(
        leases.c.organization_id == organization_id,
        sa.or_(leases.c.tenant_id == tenant_id, leases.c.id.in_(co)),
    )


def tenant_lease_units(organization_id: UUID, tenant_id: UUID) -> sa.Select[Any]:
    return sa.select(leases.c.unit_id).where(
        leases.c.id.in_(tenant_leases(organization_id, tenant_id)), leases.c.status != LeaseStatus.DRAFT.value
    )
