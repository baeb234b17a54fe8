"""GSTR-1 B2B rows from invoices: one per invoice and rate, registered recipients only, no deposits,
no untaxed lines, UTGST in the SGST column, reverse charge flagged. Pure."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

from pmsaas.domain.financial.gstr1 import Recipient, b2b_rows
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceStatus, InvoiceTax
from pmsaas.domain.shared.money import Money

AT = datetime(2026, 12, 1, 9, tzinfo=UTC)
_NUMBERS = itertools.count(1)


def _inr(amount: str) -> Money:
    return Money.of(amount, "INR")


def _tax(head: str, rate: str, amount: str, by: str = "supplier") -> InvoiceTax:
    return InvoiceTax(head, Decimal(rate), _inr(amount), by)


def _invoice(lease_id, *lines: InvoiceLine, status: InvoiceStatus = InvoiceStatus.ISSUED) -> Invoice:  # type: ignore[no-untyped-def]
    inv = Invoice(
        organization_id=uuid4(),
        lease_id=lease_id,
        tenant_id=uuid4(),
        currency="INR",
        issue_date=date(2026, 12, 1),
        due_date=date(2026, 12, 10),
        lines=list(lines),
        created_at=AT,
        updated_at=AT,
        status=status,
        number=f"INV/{next(_NUMBERS):03d}",  # rows come in invoice-number order
    )
    return inv


def test_rows_per_rate_heads_and_what_is_left_out():
    shop, office, flat = uuid4(), uuid4(), uuid4()
    recipients = {
        shop: Recipient(shop, "27AABCP1234Q1Z7", "Shop Co", "MH"),
        office: Recipient(office, "07AABCP1234Q1Z5", "Office Co", "Chandigarh"),
    }
    rent = InvoiceLine("Rent", _inr("100000"), ChargeType.RENT, taxes=(_tax("IGST", "18", "18000"),))
    parking = InvoiceLine("Parking", _inr("1000"), ChargeType.OTHER, taxes=(_tax("IGST", "5", "50"),))
    water = InvoiceLine("Water", _inr("500"), ChargeType.OTHER)  # untaxed: not B2B
    deposit = InvoiceLine("Deposit", _inr("300000"), ChargeType.DEPOSIT)
    ut = InvoiceLine(
        "Rent", _inr("20000"), ChargeType.RENT, taxes=(_tax("CGST", "9", "1800"), _tax("UTGST", "9", "1800"))
    )
    rcm = InvoiceLine("Rent", _inr("50000"), ChargeType.RENT, taxes=(_tax("IGST", "18", "9000", "recipient"),))
    invoices = [
        _invoice(shop, rent, parking, water, deposit),
        _invoice(office, ut),
        _invoice(office, rcm),
        _invoice(flat, rent),  # no GSTIN: B2C
        _invoice(shop, rent, status=InvoiceStatus.CANCELLED),
        _invoice(shop, rent, status=InvoiceStatus.DRAFT),
        _invoice(shop, water, deposit),  # nothing taxable
    ]
    rows = b2b_rows(invoices, recipients)
    got = [
        (r.recipient_name, r.rate, r.taxable_value_minor, r.tax_minor, r.reverse_charge, r.place_of_supply)
        for r in rows
    ]
    zero = {"IGST": 0, "CGST": 0, "SGST": 0, "CESS": 0}
    assert got == [
        ("Shop Co", Decimal(5), 1_000_00, {**zero, "IGST": 50_00}, False, "27"),
        ("Shop Co", Decimal(18), 100_000_00, {**zero, "IGST": 18_000_00}, False, "27"),
        ("Office Co", Decimal(18), 20_000_00, {**zero, "CGST": 1_800_00, "SGST": 1_800_00}, False, "04"),
        ("Office Co", Decimal(18), 50_000_00, {**zero, "IGST": 9_000_00}, True, "04"),
    ]
    # The invoice value: everything but the deposit (the untaxed water is part of the invoice).
    assert rows[0].invoice_value_minor == rows[1].invoice_value_minor == 119_550_00
    assert rows[2].place_of_supply_name == "Chandigarh"
