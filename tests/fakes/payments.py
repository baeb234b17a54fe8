"""In-memory adapter of the financial context's payment repository: payments with their allocations,
refunds, gateway events and tenant credit, keyed by organization as the SQL tables are.

As in SQL, a payment's TDS is not the payment's row: it lives in the TDS repository's records
(``fakes.tds``), which every read attaches, and a payment's credit counts it."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from fakes.store import FakeDatabase, page_of
from fakes.tds import tds_of
from pmsaas.domain.financial.credit import Credit, CreditApplication
from pmsaas.domain.financial.model import SETTLED, Allocation, Payment, Refund
from pmsaas.domain.financial.ports import PaymentFilter, PaymentRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

_PAYMENT_SORT = {
    "created_at": lambda p: p.created_at,
    "amount": lambda p: p.amount.minor,
    "received_at": lambda p: p.received_at,  # None until settled: PostgreSQL sorts it last, SQLite first
}


def _same_key(organization_id: UUID, scope: str, key: str, row: Payment | Refund) -> bool:
    return (row.organization_id, row.idempotency_scope, row.idempotency_key) == (organization_id, scope, key)


class FakePaymentRepository(PaymentRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _clash(self, payment: Payment) -> bool:
        """The unique constraints of the payments table: id, caller and key, receipt number, gateway id."""
        for _, other in self._db.payments.everywhere():
            if other.id == payment.id or _same_key(
                payment.organization_id, payment.idempotency_scope, payment.idempotency_key, other
            ):
                return True
            if other.organization_id == payment.organization_id and payment.receipt_number is not None:
                if other.receipt_number == payment.receipt_number:
                    return True
            if payment.gateway_payment_id is not None and (other.gateway, other.gateway_payment_id) == (
                payment.gateway,
                payment.gateway_payment_id,
            ):
                return True
        return False

    async def add(self, payment: Payment) -> bool:
        if self._clash(payment):
            return False
        # The row only: allocations are written by ``update`` (and ``apply_credits``), the TDS elsewhere.
        self._db.payments.put(payment.organization_id, payment.id, replace(payment, allocations=[], tds=None))
        return True

    async def by_idempotency_key(self, organization_id: UUID, scope: str, key: str) -> Payment | None:
        found = [p for p in self._db.payments.of(organization_id) if _same_key(organization_id, scope, key, p)]
        return self._with_tds(found[0]) if found else None

    def _with_tds(self, payment: Payment) -> Payment:
        payment.tds = tds_of(self._db, payment.organization_id, "payment", payment.id)
        return payment

    async def get(self, organization_id: UUID, payment_id: UUID, *, for_update: bool = False) -> Payment:
        found = self._db.payments.find(organization_id, payment_id)
        if found is None:
            raise NotFound("payment", payment_id)
        return self._with_tds(found)

    async def by_gateway_id(self, gateway: str, gateway_payment_id: str) -> Payment | None:
        for _, p in self._db.payments.everywhere():
            if (p.gateway, p.gateway_payment_id) == (gateway, gateway_payment_id):
                return self._with_tds(copy.deepcopy(p))
        return None

    async def update(self, payment: Payment, expected_version: int) -> None:
        current = self._db.payments.find(payment.organization_id, payment.id)
        if current is None or current.version != expected_version:
            raise Conflict("the payment was changed by someone else; reload and retry")
        kept = {  # what an update never rewrites
            "created_at": current.created_at,
            "idempotency_scope": current.idempotency_scope,
            "idempotency_key": current.idempotency_key,
            "request_fingerprint": current.request_fingerprint,
            "tds": None,
        }
        self._db.payments.put(payment.organization_id, payment.id, replace(payment, **kept))

    async def list(self, organization_id: UUID, filters: PaymentFilter, page: PageRequest) -> Page[Payment]:
        items = [self._with_tds(p) for p in self._db.payments.of(organization_id) if _matches(p, filters)]
        return page_of(items, page, _PAYMENT_SORT, lambda p: p.id)

    async def add_refund(self, refund: Refund) -> bool:
        scope, key = refund.idempotency_scope, refund.idempotency_key
        taken = self._db.refunds.everywhere()
        if any(r.id == refund.id or _same_key(refund.organization_id, scope, key, r) for _, r in taken):
            return False
        self._db.refunds.put(refund.organization_id, refund.id, refund)
        return True

    async def refund_by_key(self, organization_id: UUID, scope: str, key: str) -> Refund | None:
        found = [r for r in self._db.refunds.of(organization_id) if _same_key(organization_id, scope, key, r)]
        return found[0] if found else None

    async def record_gateway_event(self, gateway: str, event_id: str, at: datetime) -> bool:
        if (gateway, event_id) in self._db.gateway_events:
            return False
        self._db.gateway_events[(gateway, event_id)] = at
        return True

    async def credits(self, organization_id: UUID, lease_id: UUID | None = None) -> dict[UUID, list[Credit]]:
        held = [
            self._with_tds(p)
            for p in self._db.payments.of(organization_id)
            if p.status in SETTLED and (lease_id is None or p.lease_id == lease_id)
        ]
        out: dict[UUID, list[Credit]] = {}
        for p in sorted(held, key=lambda p: (p.received_at is not None, p.received_at, p.id)):
            left = p.amount + p.tds_amount - p.amount_refunded - p.allocated
            if left.is_positive:
                out.setdefault(p.lease_id, []).append(Credit(p.id, p.lease_id, p.tenant_id, left, len(p.allocations)))
        return out

    async def apply_credits(self, organization_id: UUID, applications: list[CreditApplication], at: datetime) -> None:
        touched: dict[UUID, Payment] = {}
        for a in applications:
            payment = touched.get(a.payment_id) or await self.get(organization_id, a.payment_id)
            payment.allocations.append(Allocation(a.invoice_id, a.amount, a.applied_on))
            touched[a.payment_id] = payment
        for payment in touched.values():
            payment.version += 1
            payment.updated_at = at
            self._db.payments.put(organization_id, payment.id, payment)


def _matches(payment: Payment, f: PaymentFilter) -> bool:
    if f.status and payment.status.value != f.status:
        return False
    if f.lease_id and payment.lease_id != f.lease_id:
        return False
    if f.tenant_ids is not None and payment.tenant_id not in f.tenant_ids:
        return False
    return f.invoice_id is None or any(a.invoice_id == f.invoice_id for a in payment.allocations)
