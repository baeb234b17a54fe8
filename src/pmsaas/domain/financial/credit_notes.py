"""Credit notes against an issued invoice (India: CGST Act s.34; Canada/US: a credit note reduces
the GST/HST collected in its period). Pure: the entity, its lines and its ledger posting.

A credit note names the invoice it corrects, has its own number series, a reason, and per invoice
line the taxable value taken off; the tax of each head is reversed at the line's own rates (the
supply's rate, s.34(1)). Posting: ``Dr <income of the line> / Dr tax_payable:<head> / Cr ar:<tenant>``
(reverse-charge tax is the tenant's and was never posted, so it is not reversed either). A line
is credited at most down to zero across all the invoice's notes; a security deposit line cannot be
credited (not a supply: the deposit flow returns it); the total never exceeds the unpaid balance
(payments are refunded first, as for a cancel).

India's deadline, s.34(2) as amended by the Finance Act 2022: a credit note is declared no later
than 30 November following the end of the financial year of the supply (or the annual return, if
earlier: not known to the books, so the note date is checked against 30 November only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.model import INCOME_ACCOUNT, ChargeType, Invoice, InvoiceLine, InvoiceTax
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money


@dataclass(frozen=True, slots=True)
class CreditNoteLine:
    line: int  # the invoice line's position (0-based)
    description: str
    charge_type: ChargeType
    supply_type: str | None
    amount: Money  # taxable value taken off
    taxes: tuple[InvoiceTax, ...]  # tax reversed per head, at the invoice line's rates

    @property
    def tax_charged(self) -> Money:
        total = Money.zero(self.amount.currency)
        for t in self.taxes:
            if t.payable_by == "supplier":
                total = total + t.amount
        return total

    def as_invoice_line(self) -> InvoiceLine:
        """The same figures shaped as an invoice line (the reports and the renderer read those)."""
        return InvoiceLine(self.description, self.amount, self.charge_type, self.supply_type, self.taxes)


@dataclass(eq=False)
class CreditNote:
    organization_id: UUID
    invoice_id: UUID
    invoice_number: str
    invoice_date: date
    lease_id: UUID
    tenant_id: UUID
    number: str
    issue_date: date
    reason: str
    currency: str
    lines: tuple[CreditNoteLine, ...]
    created_at: datetime
    id: UUID = field(default_factory=new_id)

    @property
    def subtotal(self) -> Money:
        return sum((line.amount for line in self.lines), Money.zero(self.currency))

    @property
    def tax_total(self) -> Money:
        return sum((line.tax_charged for line in self.lines), Money.zero(self.currency))

    @property
    def total(self) -> Money:
        return self.subtotal + self.tax_total

    def entry(self) -> L.JournalEntry:
        lines: list[tuple[str, Money, UUID | None]] = [(L.receivable(self.tenant_id), -self.total, self.lease_id)]
        for line in self.lines:
            lines.append((INCOME_ACCOUNT[line.charge_type], line.amount, self.lease_id))
            for t in line.taxes:
                if t.payable_by == "supplier":
                    lines.append((L.tax_payable(t.tax), t.amount, self.lease_id))
        return L.entry(
            organization_id=self.organization_id,
            on=self.issue_date,
            at=self.created_at,
            description=f"Credit note {self.number} against invoice {self.invoice_number}",
            lines=lines,
            source_type="credit_note",
            source_id=self.id,
        )

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "credit_note_id": str(self.id),
                "number": self.number,
                "invoice_id": str(self.invoice_id),
                "lease_id": str(self.lease_id),
                "tenant_id": str(self.tenant_id),
                "total": {"amount": str(self.total), "currency": self.currency},
                "organization_id": str(self.organization_id),
            },
        )


def credit_deadline(invoice_date: date) -> date:
    """CGST Act s.34(2): 30 November after the end of the April-March year of the supply."""
    fy_end_year = invoice_date.year + 1 if invoice_date.month >= 4 else invoice_date.year
    return date(fy_end_year, 11, 30)


def already_credited(notes: list[CreditNote]) -> dict[int, tuple[Money, dict[str, Money]]]:
    """Per invoice line: the value and the tax per head its earlier notes took off."""
    out: dict[int, tuple[Money, dict[str, Money]]] = {}
    for note in notes:
        for line in note.lines:
            value, heads = out.get(line.line, (Money.zero(note.currency), {}))
            for t in line.taxes:
                heads[t.tax] = heads.get(t.tax, Money.zero(note.currency)) + t.amount
            out[line.line] = (value + line.amount, heads)
    return out


def credit_line(
    invoice: Invoice, position: int, amount: Money, earlier: dict[int, tuple[Money, dict[str, Money]]]
) -> CreditNoteLine:
    """The taxable ``amount`` off line ``position``, with its tax: proportional to the line's tax,
    rounded half up; the last credit of a line takes exactly what is left of each head, so the
    notes of a fully credited line add up to its tax to the paisa."""
    where = f"lines.{position}"
    if not 0 <= position < len(invoice.lines):
        raise ValidationFailed.single(f"{where}.line", f"the invoice has lines 0 to {len(invoice.lines) - 1}")
    line = invoice.lines[position]
    if line.charge_type == ChargeType.DEPOSIT:
        raise ValidationFailed.single(f"{where}.line", "a security deposit is not a supply: return it, not credit it")
    if line.charge_type == ChargeType.RESERVE_FUND:
        raise ValidationFailed.single(
            f"{where}.line",
            "a reserve fund contribution is the owners' fund: cancel the invoice or pay it back from the fund",
        )
    if amount.currency != invoice.currency:
        raise ValidationFailed.single(f"{where}.amount.currency", f"must be {invoice.currency}")
    if not amount.is_positive:
        raise ValidationFailed.single(f"{where}.amount.amount", "must be positive")
    done, done_tax = earlier.get(position, (Money.zero(invoice.currency), {}))
    left = line.amount - done
    if left < amount:
        raise ValidationFailed.single(
            f"{where}.amount.amount", f"more than the line's value still uncredited ({left} of {line.amount})"
        )
    taxes = []
    for t in line.taxes:
        head_left = t.amount - done_tax.get(t.tax, Money.zero(invoice.currency))
        reversed_ = head_left if amount == left else t.amount.times(amount.amount / line.amount.amount)
        taxes.append(InvoiceTax(t.tax, t.rate, reversed_, t.payable_by, t.jurisdiction))
    return CreditNoteLine(position, line.description, line.charge_type, line.supply_type, amount, tuple(taxes))
