""":class:`PaymentPosting` through the repository ports: one call per row, as any unit of work can
(the fakes, SQL on SQLite). PostgreSQL has its own adapter that sends the same reads in one round
trip and the same rows in two (adapters/sql/repositories/financial/payment_posting.py)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from pmsaas.domain.financial.ledger import JournalEntry
from pmsaas.domain.financial.ports import (
    InvoiceRepository,
    LeaseDirectory,
    LedgerRepository,
    NumberSequences,
    OrganizationProfiles,
    PaymentOpening,
    PaymentPosting,
    PaymentRepository,
    Settlement,
)
from pmsaas.domain.shared.errors import NotFound


class PostingThroughRepositories(PaymentPosting):
    def __init__(
        self,
        invoices: InvoiceRepository,
        ledger: LedgerRepository,
        sequences: NumberSequences,
        payments: PaymentRepository,
        leases: LeaseDirectory,
        profiles: OrganizationProfiles,
    ) -> None:
        self._invoices, self._ledger, self._sequences, self._payments = invoices, ledger, sequences, payments
        self._leases, self._profiles = leases, profiles

    async def open(
        self, organization_id: UUID, idempotency_scope: str, idempotency_key: str, lease_id: UUID, *, invoices: bool
    ) -> PaymentOpening:
        existing = await self._payments.by_idempotency_key(organization_id, idempotency_scope, idempotency_key)
        try:
            lease = await self._leases.get(organization_id, lease_id)
        except NotFound:
            lease = None
        profile = await self._profiles.get(organization_id)
        open_invoices = await self._invoices.open_for_lease(organization_id, lease_id) if invoices else None
        return PaymentOpening(existing, lease, profile, open_invoices)

    async def settle(self, settlement: Settlement, receipt: Callable[[int], JournalEntry]) -> bool:
        payment = settlement.payment
        org = payment.organization_id
        expected_version = settlement.expected_version
        if expected_version is None:  # inserted as it was asked for, then moved on as a stored one is
            if not await self._payments.add(payment):
                return False
            expected_version = payment.version
        for invoice, version in settlement.paid_invoices:
            await self._invoices.update(invoice, expected_version=version)
        await self._ledger.prepare_accounts(org, settlement.accounts, settlement.at)
        seq = await self._sequences.next(org, "receipt", settlement.fiscal_year)  # the lock, held until the commit
        await self._ledger.post(receipt(seq))
        await self._payments.update(payment, expected_version=expected_version)
        return True
