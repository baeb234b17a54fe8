"""SQL adapters of the payment repositories: payments, allocations, refunds, tenant credit,
gateway events; the organization's payment methods."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.repositories.financial.common import insert_ignore, lock_for_update
from pmsaas.adapters.sql.repositories.financial.tds import load_tds
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.credit import Credit, CreditApplication
from pmsaas.domain.financial.model import SETTLED, Allocation, Payment, PaymentMethod, PaymentStatus, Refund
from pmsaas.domain.financial.ports import PaymentFilter, PaymentMethodRecord, PaymentMethodRepository, PaymentRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

P = F.payments


def payment_row(p: Payment) -> dict[str, Any]:
    return {
        "id": p.id,
        "organization_id": p.organization_id,
        "lease_id": p.lease_id,
        "tenant_id": p.tenant_id,
        "amount_minor": p.amount.minor,
        "refunded_minor": p.amount_refunded.minor,
        "deposit_refunded_minor": p.deposit_refunded.minor if p.deposit_refunded is not None else 0,
        "currency": p.amount.currency,
        "method": p.method.value,
        "status": p.status.value,
        "reference": p.reference,
        "notes": p.notes,
        "receipt_number": p.receipt_number,
        "gateway": p.gateway,
        "gateway_payment_id": p.gateway_payment_id,
        "failure_reason": p.failure_reason,
        "received_at": p.received_at,
        "received_on": p.received_on,
        "idempotency_scope": p.idempotency_scope,
        "idempotency_key": p.idempotency_key,
        "request_fingerprint": p.request_fingerprint,
        "invoice_ids": [str(i) for i in p.invoice_ids],
        "version": p.version,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def allocation_rows(p: Payment) -> list[dict[str, Any]]:
    """A payment's allocation rows, in its order (both SQL writers of a settled payment use them)."""
    return [
        {
            "id": new_id(),
            "organization_id": p.organization_id,
            "payment_id": p.id,
            "invoice_id": a.invoice_id,
            "position": i,
            "amount_minor": a.amount.minor,
            "currency": a.amount.currency,
            "applied_on": a.applied_on,
        }
        for i, a in enumerate(p.allocations)
    ]


_PAYMENT_UPDATE = P.update().where(
    P.c.organization_id == sa.bindparam("w_organization_id"),
    P.c.id == sa.bindparam("w_id"),
    P.c.version == sa.bindparam("w_version"),
)

_PAYMENT_BY_KEY = sa.select(P).where(
    P.c.organization_id == sa.bindparam("w_organization_id"),
    P.c.idempotency_scope == sa.bindparam("w_scope"),
    P.c.idempotency_key == sa.bindparam("w_key"),
)

PAYMENT_SORTABLE = {"created_at": P.c.created_at, "amount": P.c.amount_minor, "received_at": P.c.received_at}


_ALLOCATIONS_INSERT = F.payment_allocations.insert()  # built once: found in the compiled cache


class SqlPaymentRepository(PaymentRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        # Payments this repository inserted that have no allocation rows yet. The unit of work
        # builds repositories per transaction, so nothing here outlives the transaction.
        self._without_allocations: set[UUID] = set()

    async def _hydrate(self, rows: Sequence[Any]) -> list[Payment]:
        if not rows:
            return []
        at = F.payment_allocations
        allocations: dict[UUID, list[Allocation]] = {r.id: [] for r in rows}
        for a in await self._conn.execute(
            sa.select(at).where(at.c.payment_id.in_(list(allocations))).order_by(at.c.payment_id, at.c.position)
        ):
            allocations[a.payment_id].append(
                Allocation(a.invoice_id, Money.from_minor(a.amount_minor, a.currency), a.applied_on)
            )
        tds = await load_tds(self._conn, rows[0].organization_id, "payment", list(allocations))
        return [
            Payment(
                id=r.id,
                organization_id=r.organization_id,
                lease_id=r.lease_id,
                tenant_id=r.tenant_id,
                amount=Money.from_minor(r.amount_minor, r.currency),
                refunded=Money.from_minor(r.refunded_minor, r.currency),
                deposit_refunded=Money.from_minor(r.deposit_refunded_minor, r.currency),
                method=PaymentMethod(r.method),
                status=PaymentStatus(r.status),
                reference=r.reference,
                notes=r.notes,
                receipt_number=r.receipt_number,
                gateway=r.gateway,
                gateway_payment_id=r.gateway_payment_id,
                failure_reason=r.failure_reason,
                received_at=r.received_at,
                received_on=r.received_on,
                idempotency_scope=r.idempotency_scope,
                idempotency_key=r.idempotency_key,
                request_fingerprint=r.request_fingerprint,
                invoice_ids=tuple(UUID(i) for i in (r.invoice_ids or [])),
                allocations=allocations[r.id],
                tds=tds.get(r.id),
                version=r.version,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    def take_unallocated(self, payment_id: UUID) -> bool:
        """True (once) for a payment this repository inserted whose allocation rows are not written
        yet: writing them deletes nothing first. Also for adapters writing the payment row themselves."""
        if payment_id in self._without_allocations:
            self._without_allocations.discard(payment_id)
            return True
        return False

    async def add(self, payment: Payment) -> bool:
        result = await self._conn.execute(insert_ignore(self._conn, P).returning(P.c.id), payment_row(payment))
        added = result.first() is not None  # rowcount is not reliable for ON CONFLICT on psycopg
        if added:
            self._without_allocations.add(payment.id)
        return added

    async def by_idempotency_key(self, organization_id: UUID, scope: str, key: str) -> Payment | None:
        params = {"w_organization_id": organization_id, "w_scope": scope, "w_key": key}
        rows = (await self._conn.execute(_PAYMENT_BY_KEY, params)).all()
        found = await self._hydrate(rows)
        return found[0] if found else None

    async def get(self, organization_id: UUID, payment_id: UUID, *, for_update: bool = False) -> Payment:
        query = sa.select(P).where(P.c.organization_id == organization_id, P.c.id == payment_id)
        if for_update:
            query = lock_for_update(query, self._conn)
        rows = (await self._conn.execute(query)).all()
        if not rows:
            raise NotFound("payment", payment_id)
        return (await self._hydrate(rows))[0]

    async def by_gateway_id(self, gateway: str, gateway_payment_id: str) -> Payment | None:
        query = sa.select(P).where(P.c.gateway == gateway, P.c.gateway_payment_id == gateway_payment_id)
        rows = (await self._conn.execute(lock_for_update(query, self._conn))).all()
        found = await self._hydrate(rows)
        return found[0] if found else None

    async def update(self, payment: Payment, expected_version: int) -> None:
        values = payment_row(payment)
        for key in (
            "id",
            "organization_id",
            "created_at",
            "idempotency_scope",
            "idempotency_key",
            "request_fingerprint",
        ):
            values.pop(key)
        values.update(w_organization_id=payment.organization_id, w_id=payment.id, w_version=expected_version)
        result = await self._conn.execute(_PAYMENT_UPDATE, values)
        if result.rowcount != 1:
            raise Conflict("the payment was changed by someone else; reload and retry")
        at = F.payment_allocations
        if not self.take_unallocated(payment.id):  # just inserted: nothing to delete
            await self._conn.execute(at.delete().where(at.c.payment_id == payment.id))
        if payment.allocations:
            await self._conn.execute(_ALLOCATIONS_INSERT, allocation_rows(payment))

    async def list(self, organization_id: UUID, filters: PaymentFilter, page: PageRequest) -> Page[Payment]:
        where: builtins.list[Any] = [P.c.organization_id == organization_id]
        if filters.status:
            where.append(P.c.status == filters.status)
        if filters.lease_id:
            where.append(P.c.lease_id == filters.lease_id)
        if filters.tenant_ids is not None:
            where.append(P.c.tenant_id.in_(list(filters.tenant_ids)))
        if filters.invoice_id:
            at = F.payment_allocations
            where.append(P.c.id.in_(sa.select(at.c.payment_id).where(at.c.invoice_id == filters.invoice_id)))
        result = await page_of(self._conn, P, where, PAYMENT_SORTABLE, page, lambda r: r)
        return Page(
            items=await self._hydrate(result.items),
            total=result.total,
            page=result.page,
            page_size=result.page_size,
        )

    async def add_refund(self, refund: Refund) -> bool:
        result = await self._conn.execute(
            insert_ignore(self._conn, F.refunds)
            .values(
                id=refund.id,
                organization_id=refund.organization_id,
                payment_id=refund.payment_id,
                amount_minor=refund.amount.minor,
                currency=refund.amount.currency,
                reason=refund.reason,
                deposit=refund.deposit,
                from_credit_minor=refund.from_credit.minor if refund.from_credit is not None else None,
                idempotency_scope=refund.idempotency_scope,
                idempotency_key=refund.idempotency_key,
                request_fingerprint=refund.request_fingerprint,
                created_at=refund.created_at,
            )
            .returning(F.refunds.c.id)
        )
        return result.first() is not None

    async def refund_by_key(self, organization_id: UUID, scope: str, key: str) -> Refund | None:
        r = F.refunds
        mine = sa.and_(
            r.c.organization_id == organization_id, r.c.idempotency_scope == scope, r.c.idempotency_key == key
        )
        row = (await self._conn.execute(sa.select(r).where(mine))).first()
        if row is None:
            return None
        return Refund(
            id=row.id,
            organization_id=row.organization_id,
            payment_id=row.payment_id,
            amount=Money.from_minor(row.amount_minor, row.currency),
            idempotency_scope=row.idempotency_scope,
            idempotency_key=row.idempotency_key,
            request_fingerprint=row.request_fingerprint,
            reason=row.reason,
            deposit=row.deposit,
            created_at=row.created_at,
            from_credit=None
            if row.from_credit_minor is None
            else Money.from_minor(row.from_credit_minor, row.currency),
        )

    async def credits(self, organization_id: UUID, lease_id: UUID | None = None) -> dict[UUID, builtins.list[Credit]]:
        return await payment_credits(self._conn, organization_id, lease_id)

    async def apply_credits(
        self,
        organization_id: UUID,
        applications: builtins.list[CreditApplication],
        at: Any,
    ) -> None:
        await write_credit_applications(self._conn, organization_id, applications, at)

    async def record_gateway_event(self, gateway: str, event_id: str, at: Any) -> bool:
        result = await self._conn.execute(
            insert_ignore(self._conn, F.gateway_events)
            .values(gateway=gateway, event_id=event_id, received_at=at)
            .returning(F.gateway_events.c.event_id)
        )
        return result.first() is not None


_TDS = F.tds_lines
_ALLOC = F.payment_allocations
_PAYMENT_TDS_MINOR = (
    sa.select(sa.func.coalesce(sa.func.sum(_TDS.c.tds_minor), 0))
    .where(_TDS.c.source_type == "payment", _TDS.c.source_id == P.c.id)
    .scalar_subquery()
)
_PAYMENT_ALLOCATED_MINOR = (
    sa.select(sa.func.coalesce(sa.func.sum(_ALLOC.c.amount_minor), 0))
    .where(_ALLOC.c.payment_id == P.c.id)
    .scalar_subquery()
)
_CREDIT_PAYMENTS = (
    sa.select(
        P.c.id,
        P.c.lease_id,
        P.c.tenant_id,
        P.c.currency,
        (P.c.amount_minor + _PAYMENT_TDS_MINOR - P.c.refunded_minor).label("held_minor"),
    )
    .where(
        P.c.organization_id == sa.bindparam("w_organization_id"),
        P.c.status.in_([s.value for s in SETTLED]),
        # A pre-filter read in the statement's snapshot; the figures that count are read after the lock.
        P.c.amount_minor + _PAYMENT_TDS_MINOR - P.c.refunded_minor > _PAYMENT_ALLOCATED_MINOR,
    )
    .order_by(P.c.received_at, P.c.id)
)
_PAYMENT_TOUCH = (
    P.update()
    .where(P.c.organization_id == sa.bindparam("w_organization_id"), P.c.id == sa.bindparam("w_id"))
    .values(version=P.c.version + 1, updated_at=sa.bindparam("w_updated_at"))
)


async def payment_credits(
    conn: AsyncConnection, organization_id: UUID, lease_id: UUID | None = None
) -> dict[UUID, list[Credit]]:
    """:meth:`SqlPaymentRepository.credits`: two statements whatever the number of leases.

    The first locks the payments (PostgreSQL; SQLite serializes writers); the second, a new
    snapshot under READ COMMITTED, reads their allocations as committed by whoever held the lock
    before (a concurrent issue or refund), so a credit is never spent twice.
    """
    query = _CREDIT_PAYMENTS
    if lease_id is not None:
        query = query.where(P.c.lease_id == lease_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(of=P)
    held = (await conn.execute(query, {"w_organization_id": organization_id})).all()
    if not held:
        return {}
    rows = await conn.execute(
        sa.select(
            _ALLOC.c.payment_id,
            sa.func.coalesce(sa.func.max(_ALLOC.c.position) + 1, 0).label("next_position"),
            sa.func.sum(_ALLOC.c.amount_minor).label("allocated"),
        )
        .where(_ALLOC.c.organization_id == organization_id, _ALLOC.c.payment_id.in_([r.id for r in held]))
        .group_by(_ALLOC.c.payment_id)
    )
    used: dict[UUID, tuple[int, int]] = {r.payment_id: (int(r.next_position), int(r.allocated)) for r in rows}
    out: dict[UUID, list[Credit]] = {}
    for r in held:
        next_position, allocated = used.get(r.id, (0, 0))
        left = int(r.held_minor) - allocated
        if left > 0:
            out.setdefault(r.lease_id, []).append(
                Credit(r.id, r.lease_id, r.tenant_id, Money.from_minor(left, r.currency), next_position)
            )
    return out


async def write_credit_applications(
    conn: AsyncConnection, organization_id: UUID, applications: list[CreditApplication], at: Any
) -> None:
    if not applications:
        return
    await conn.execute(
        _ALLOC.insert(),
        [
            {
                "id": new_id(),
                "organization_id": organization_id,
                "payment_id": a.payment_id,
                "invoice_id": a.invoice_id,
                "position": a.position,
                "amount_minor": a.amount.minor,
                "currency": a.amount.currency,
                "applied_on": a.applied_on,
            }
            for a in applications
        ],
    )
    await conn.execute(
        _PAYMENT_TOUCH,
        [
            {"w_organization_id": organization_id, "w_id": pid, "w_updated_at": at}
            for pid in dict.fromkeys(a.payment_id for a in applications)
        ],
    )


class SqlPaymentMethodRepository(PaymentMethodRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, method: PaymentMethodRecord) -> None:
        from datetime import UTC, datetime

        method.id = method.id or new_id()
        now = datetime.now(UTC)
        await self._conn.execute(
            F.payment_methods.insert().values(
                id=method.id,
                organization_id=method.organization_id,
                type=method.type,
                label=method.label,
                enabled=method.enabled,
                details=method.details,
                created_at=now,
                updated_at=now,
            )
        )

    async def list(self, organization_id: UUID) -> list[PaymentMethodRecord]:
        t = F.payment_methods
        rows = await self._conn.execute(
            sa.select(t).where(t.c.organization_id == organization_id).order_by(t.c.created_at, t.c.id)
        )
        return [PaymentMethodRecord(r.organization_id, r.type, r.label, r.enabled, r.details or {}, r.id) for r in rows]
