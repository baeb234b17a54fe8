"""The read side of the managers' reports and the tax returns: sums over the journal and the
documents, aggregated by the database. Split from ports.py, which holds the write side's ports."""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from pmsaas.domain.financial.aging import PostedCharge, ReceivableBalance
from pmsaas.domain.financial.gstr1 import Recipient
from pmsaas.domain.financial.gstr1_advances import AdvanceReceipt
from pmsaas.domain.financial.gstr1_documents import IssuedDocument
from pmsaas.domain.financial.input_tax import InputTax
from pmsaas.domain.financial.owner_statement import InvoiceCollection, Receipts
from pmsaas.domain.financial.property_reports import LeasePosition, Movement
from pmsaas.domain.shared.money import Money

LeaseScope = Literal["in_effect", "deposits", "all"]


@dataclass(frozen=True)
class BillTax:
    """An approved vendor bill's tax: its value, the place of its supply, the tax lines."""

    expense_id: UUID
    expense_date: date
    region: str  # the bill's own, else its property's, else the organization's province or State
    amount: Money  # the value before tax
    input_tax: InputTax


class ReportQueries(ABC):
    """Read-only sums over the journal for the managers' reports, aggregated by the database
    (docs/reports.md). Dates are entry dates; every query is the organization's only."""

    @abstractmethod
    async def property_names(self, organization_id: UUID, property_id: UUID | None = None) -> dict[UUID, str]:
        """The organization's live properties (or just ``property_id``: empty when it is not one)."""

    @abstractmethod
    async def receivable_balances(self, organization_id: UUID, as_of: date) -> list[ReceivableBalance]:
        """Per tenant: the ``ar:<tenant>`` balance at ``as_of``."""

    @abstractmethod
    async def posted_charges(self, organization_id: UUID, as_of: date, tenant_ids: set[UUID]) -> list[PostedCharge]:
        """The invoices posted to these tenants' receivables by ``as_of`` and not reversed by then."""

    @abstractmethod
    async def lease_positions(
        self, organization_id: UUID, as_of: date, *, scope: LeaseScope, property_id: UUID | None = None
    ) -> list[LeasePosition]:
        """``in_effect``: leases (not draft) running at ``as_of``; ``deposits``: leases with a
        deposit movement by ``as_of``; ``all``: every lease. Each with its receivable and deposit
        held at ``as_of``."""

    @abstractmethod
    async def movements(
        self, organization_id: UUID, start: date | None, end: date, property_id: UUID | None = None
    ) -> list[Movement]:
        """Income and expense movements per (property, month, group) dated in ``[start, end]``
        (``start`` None: from the first entry)."""

    @abstractmethod
    async def collections(
        self, organization_id: UUID, start: date, end: date, property_id: UUID | None = None
    ) -> list[InvoiceCollection]:
        """Per allocation of a payment dated up to ``end`` (``before``: dated before ``start``):
        what it allocates to the invoice now, with the invoice's figures per part."""

    @abstractmethod
    async def receipts(
        self, organization_id: UUID, start: date, end: date, property_id: UUID | None = None
    ) -> list[Receipts]:
        """Per property and side of ``start``: payments' credits and refunds' debits on its
        tenants' receivables (the ledger)."""

    @abstractmethod
    async def gst_recipients(self, organization_id: UUID) -> dict[UUID, Recipient]:
        """Per lease whose tenant has a GSTIN: the recipient and the property's State."""

    @abstractmethod
    async def bill_taxes(self, organization_id: UUID, start: date, end: date) -> builtins.list[BillTax]:
        """The tax on the expenses approved with a date from ``start`` to ``end`` (those with an input tax)."""

    @abstractmethod
    async def supply_places(self, organization_id: UUID) -> dict[UUID, Recipient]:
        """Per lease: its tenant (``gstin`` empty when unregistered) and the property's State."""

    @abstractmethod
    async def documents_issued(
        self, organization_id: UUID, start: date, end: date, time_zone: str
    ) -> builtins.list[IssuedDocument]:
        """The numbered invoices (cancelled ones flagged), credit notes and payment receipts dated
        from ``start`` to ``end`` (GSTR-1 table 13); a receipt without ``received_on`` is dated the
        day it was settled in ``time_zone``."""

    @abstractmethod
    async def advance_receipts(
        self, organization_id: UUID, start: date, end: date, time_zone: str
    ) -> builtins.list[AdvanceReceipt]:
        """The settled payments received from ``start`` to ``end``, and those received before
        ``start`` with an allocation dated from ``start`` to ``end``, each with every allocation
        (GSTR-1 table 11). A payment's day of receipt: ``received_on``, else ``received_at``'s date
        in ``time_zone``."""
