"""Money, invoices, payments, ledgers, deposits, budgets and expenses (docs/financial.md).

Amounts are decimal strings with the currency's minor digits (docs/api-contract.md §6); a field
that is money as a whole is a ``{"amount", "currency"}`` object, whose example is the Money schema's.
"""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.entry import DATE, INVOICE_ID, LEASE_ID, PAYMENT_ID, TENANT_ID, TIMESTAMP, Doc

MONEY = {
    "amount": Doc(
        "Amount as a decimal string with the currency's minor digits (two for INR and CAD); never a float.", "1180.00"
    ),
    "currency": Doc("ISO 4217 currency code: INR for Indian organizations, CAD for Canadian ones.", "INR"),
    "lease_id": Doc("The lease this concerns.", LEASE_ID),
    "tenant_id": Doc("The tenant (the person or business renting) this concerns.", TENANT_ID),
    "invoice_id": Doc("The invoice this concerns.", INVOICE_ID),
    "invoice_ids": Doc(
        "Invoices to pay first, in this order; what is left goes to the lease's other open invoices, oldest due first.",
        [INVOICE_ID],
    ),
    "payment_id": Doc("The payment this concerns.", PAYMENT_ID),
    # invoices
    "number": Doc(
        "Invoice number, given when the invoice is issued (null while a draft); runs per financial year.",
        "INV/26-27/000042",
    ),
    "issue_date": Doc("Date of the invoice (YYYY-MM-DD).", DATE),
    "due_date": Doc("Date the invoice is due (YYYY-MM-DD); unpaid after it, the invoice is in arrears.", "2026-04-05"),
    "issue": Doc("Issue the invoice at once (number it and post it to the ledger) instead of keeping a draft.", False),
    "issued_at": Doc("When the invoice was issued (ISO 8601, UTC); null while a draft.", TIMESTAMP),
    "sent_at": Doc("When the invoice was last e-mailed to the tenant; null if never.", TIMESTAMP),
    "cancelled_at": Doc("When it was cancelled; null if it was not.", TIMESTAMP),
    "lines": Doc("The invoice's lines (rent, maintenance, late fee, ...), or the calculator's tax lines."),
    "charge_type": Doc(
        "What the line charges for: rent, deposit, late_fee, other, or reserve_fund (a condominium's reserve "
        "fund part of the common expenses, credited to the property's reserve fund, not income).",
        "rent",
    ),
    "subtotal": Doc("Sum of the lines before tax."),
    "tax_total": Doc("Sum of the taxes on all lines."),
    "round_off": Doc(
        "Rounding to the whole rupee on an Indian invoice when the organization rounds invoices; zero otherwise."
    ),
    "total": Doc("Amount due in total, taxes included."),
    "amount_paid": Doc("Amount paid against the invoice so far."),
    "amount_credited": Doc("Amount taken off the invoice by its credit notes (value and tax)."),
    "balance_due": Doc("Amount still to pay: total minus amount paid and amount credited."),
    "invoice_number": Doc("The number of the invoice this corrects.", "INV/26-27/000001"),
    "invoice_date": Doc("The date of the invoice this corrects (YYYY-MM-DD).", "2026-12-01"),
    "line": Doc("Position of the invoice line credited, from 0 (the order of the invoice's lines).", 0),
    "taxes": Doc("Taxes on this line, one per tax head (CGST, SGST, IGST, GST, HST, ...)."),
    "tax": Doc("Tax amount of this line or head, as a decimal string.", "90.00"),
    "rate": Doc("Tax rate in percent, as a number.", 9.0),
    "jurisdiction": Doc(
        "Where the tax goes: IN (CGST, IGST) or the State (SGST, UTGST) in India; CA (GST) or the "
        "province (HST, QST, PST) in Canada.",
        "IN",
    ),
    "payable_by": Doc(
        "Who pays the tax to the government: the supplier, or the recipient under reverse charge.", "supplier"
    ),
    # payments
    "method": Doc("How the money came; the values are listed in the schema.", "bank_transfer"),
    "payment_token": Doc(
        "Card token from the payment gateway's client library (card payments only); card numbers "
        "are never sent to this API.",
        "tok_visa_4242",
    ),
    "card_number": Doc(
        "Sandbox only: a test card number in place of a gateway token. Never a real card.", "4242424242424242"
    ),
    "reference": Doc("The payer's or bank's reference: UTR, cheque number, transfer id.", "UTR 402611223344"),
    "received_on": Doc("Date the money was received (YYYY-MM-DD).", "2026-04-03"),
    "received_at": Doc("When the payment settled (ISO 8601, UTC).", TIMESTAMP),
    "online": Doc(
        "UPI only: collect the payment through the gateway (the payer approves it in a UPI app) "
        "instead of recording a transfer already received.",
        False,
    ),
    "next_action": Doc(
        "An online collection's next step for the payer (a checkout order, a UPI link): in the "
        "answer that creates the payment only.",
        {"type": "upi_link", "url": "https://pay.example.com/upi/abc123"},
    ),
    "gateway": Doc("Payment gateway that processed a card payment; null for manual payments.", "sandbox"),
    "gateway_payment_id": Doc("The gateway's id for the charge, for reconciliation.", "pi_3PZx2c2eZvKYlo2C"),
    "failure_reason": Doc("Why the gateway declined or failed the payment.", "card_declined"),
    "allocations": Doc("How the payment was applied to invoices."),
    "unallocated": Doc("Part of the payment not applied to any invoice (held as a credit on the lease)."),
    "refunded": Doc("Amount refunded from this payment so far."),
    "deposit_refunded": Doc("Part of the refunds that returned security deposit."),
    "receipt_number": Doc(
        "Receipt number, given when the payment settles; runs per financial year.", "RCT/26-27/000017"
    ),
    "payment": Doc("The payment after the refund."),
    "refund": Doc("The refund: what was returned and how."),
    "deposit": Doc("Whether the refund returns security deposit rather than rent.", False),
    "received": Doc("Whether the gateway callback was accepted.", True),
    "details": Doc(
        "Settings of the payment method (for example the UPI handle or bank account's last digits).",
        {"upi_id": "seasideapartments@hdfcbank"},
    ),
    # ledger, trial balance, deposits
    "account": Doc("Ledger account key (per-tenant receivables are ar:<tenant id>).", "rent_income"),
    "accounts": Doc("One row per ledger account."),
    "debit": Doc("Debits to the account."),
    "credit": Doc("Credits to the account."),
    "balance": Doc("Balance after this entry (for a lease: what the tenant owes; negative is a credit)."),
    "balanced": Doc("Whether total debits equal total credits, as they must.", True),
    "total_debits": Doc("Sum of all debits."),
    "total_credits": Doc("Sum of all credits."),
    "entries": Doc("Ledger lines, oldest first."),
    "entry_id": Doc("The ledger entry this line belongs to.", "6e1f3a5c-7b9d-4e2f-8a1c-3d5e7f9a1b24"),
    "source_type": Doc(
        "What posted the entry: invoice, invoice_cancel, payment, refund, expense or deposit_settlement.", "payment"
    ),
    "source_id": Doc("Id of the invoice, payment or other record that posted the entry.", PAYMENT_ID),
    "held": Doc("Security deposit held for the lease."),
    "movements": Doc("Receipts and returns of the deposit, oldest first."),
    "settled": Doc("Whether the deposit has been settled at move-out.", False),
    "settlement": Doc("The move-out settlement, once made."),
    "settled_on": Doc("Date of the settlement (YYYY-MM-DD).", "2027-03-31"),
    "deductions": Doc("What is kept from the deposit, item by item (arrears, damages, cleaning, other)."),
    "arrears_paid": Doc("Unpaid invoices paid out of the deposit."),
    "total_deducted": Doc("Sum of the deductions."),
    "refund_method": Doc("How the rest of the deposit goes back to the tenant.", "bank_transfer"),
    "refund_reference": Doc("Reference of the refund transfer (UTR, cheque number).", "UTR 402699887766"),
    # expenses and budgets
    "expense_date": Doc("Date the expense was incurred (YYYY-MM-DD).", "2026-03-28"),
    "vendor": Doc("Who was paid.", "Sharma Plumbing Works"),
    "attachments": Doc("Files attached (photos, bills, PDFs)."),
    "decided_at": Doc("When the expense was approved or rejected.", TIMESTAMP),
    "decided_by": Doc("The user who approved or rejected the expense.", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
    "rejection_reason": Doc("Why the expense was rejected.", "Duplicate of the March plumbing bill"),
    "budget_id": Doc("The budget this concerns.", "2d4f6a8c-0e1b-4c3d-9e5f-7a9b1c3d5e6f"),
    "categories": Doc("The budget's categories and their amounts."),
    "period_start": Doc("First day of the period (YYYY-MM-DD).", DATE),
    "period_end": Doc("Last day of the period, inclusive (YYYY-MM-DD).", "2027-03-31"),
    "budgeted": Doc("Amount budgeted."),
    "actual": Doc("Amount actually posted to the ledger in the period."),
    "variance": Doc("Budgeted minus actual: positive is under budget."),
    "value": Doc("The amount (a decimal string) or the percentage, as the kind says.", "5.00"),
    "cap": Doc("Most the late fee may come to for one invoice; null for no cap."),
    "late_fee": Doc("Late fee charged when an invoice is unpaid past the grace days."),
    "grace_days": Doc("Days after the due date before a late fee is charged.", 5),
    "frequency": Doc("How often the charge is billed: monthly, quarterly or yearly.", "monthly"),
    "billing_day": Doc("Day of the month rent falls due (1-31; in a shorter month, its last day).", 1),
}
