"""Descriptions: invoices, payments, ledgers, deposits, taxes, reports, expenses and budgets.

The rules behind them: docs/financial.md, docs/tax-rules.md and docs/reports.md.
"""

from __future__ import annotations

_NOT_OURS = " Another organization's id answers 404."
_INV = "/api/v1/financial/invoices"
_PAY = "/api/v1/financial/payments"
_EXP = "/api/v1/financial/expenses"
_BUD = "/api/v1/financial/budgets"
_REP = "/api/v1/financial/reports"
_NOT_TENANT = " Not for tenants."

FINANCIAL = {
    # calculators
    "POST /api/v1/financial/gst-calculator": "Works out India GST on one supply without recording anything: "
    "exemptions (residential dwelling), reverse charge, CGST + SGST/UTGST within a State or IGST across "
    "States, with the rule applied and the legend the invoice must carry.",
    "POST /api/v1/financial/hst-calculator": "Works out Canadian GST/HST, QST and PST on one supply in a "
    "province without recording anything, with the tax point and the exemptions applied (long-term "
    "residential rent is exempt).",
    # invoices
    f"GET {_INV}": "Invoices, paginated; filter by status (overdue: issued and past due), lease and tenant; "
    "sort by due date, issue date, number or total. A tenant sees only its own.",
    f"POST {_INV}": "Creates a draft invoice for a lease from its lines, taxed by the lines' supply type; with "
    "issue=true it is numbered and posted to the ledger at once. Answers 201.",
    f"GET {_INV}/{{invoice_id}}": "One invoice with lines, taxes, totals, amount paid and balance due." + _NOT_OURS,
    f"PUT {_INV}/{{invoice_id}}": "Replaces a draft invoice; an issued one cannot change (409): cancel it instead.",
    f"DELETE {_INV}/{{invoice_id}}": "Deletes a draft invoice; an issued one is 409. Answers 204.",
    f"POST {_INV}/{{invoice_id}}/issue": "Issues a draft: gives it the next number of the financial year and "
    "posts it to the lease's ledger (Dr rent receivable, Cr income and tax payable).",
    f"POST {_INV}/{{invoice_id}}/send": "E-mails the invoice with its PDF to the tenant; a draft is issued first.",
    f"POST {_INV}/{{invoice_id}}/cancel": "Cancels an invoice. An issued one gets a reversing ledger entry "
    "(its number stays used); one with payments applied is 409.",
    f"GET {_INV}/{{invoice_id}}/payments": "The payments applied to this invoice and how much of each.",
    f"GET {_INV}/{{invoice_id}}/pdf": "The invoice as a PDF: in India a tax invoice, or a bill of supply when "
    "nothing is taxable, with the particulars the GST rules require.",
    f"GET {_INV}/{{invoice_id}}/credit-notes": "The credit notes issued against this invoice, oldest first."
    + _NOT_OURS,
    f"POST {_INV}/{{invoice_id}}/credit-notes": "Issues a credit note against an issued invoice (CGST Act s.34 in "
    "India; a reduction of the GST/HST collected in Canada): per invoice line the taxable value to take off, the "
    "tax of each head reversed at the line's rates, a reason. It gets its own number series (CN/26-27/000001), "
    "posts Dr income and tax payable / Cr the tenant's receivable, and lowers the invoice's balance due. More "
    "than a line's value still uncredited, a deposit line, a bad line or currency: 422; a draft or cancelled "
    "invoice, or more than the unpaid balance (refund payments first): 409; in India past 30 November after the "
    "invoice's financial year (s.34(2)): 422. Answers 201." + _NOT_OURS,
    f"GET {_INV}/{{invoice_id}}/credit-notes/{{note_id}}": "One credit note with its lines and totals." + _NOT_OURS,
    f"GET {_INV}/{{invoice_id}}/credit-notes/{{note_id}}/pdf": "The credit note as a PDF titled Credit Note, with "
    "CGST rule 53's particulars (the invoice it corrects, value and tax credited per head and rate).",
    # payments
    f"GET {_PAY}": "Payments, paginated; filter by status, lease and tenant. A tenant sees only its own.",
    f"POST {_PAY}": "Takes a card payment through the gateway (a payment_token from the gateway's client "
    "library; a test card_number in the sandbox) or records cash, cheque or bank transfer, and "
    "applies it to the lease's invoices. An Idempotency-Key header is required "
    "(400 without): a retry with the same key answers the first result and never charges twice.",
    f"GET {_PAY}/{{payment_id}}": "One payment with its allocations, refunds and TDS." + _NOT_OURS,
    f"PUT {_PAY}/{{payment_id}}": "Changes a payment's reference, notes and TDS certificate number; the amount "
    "never changes.",
    f"GET {_PAY}/{{payment_id}}/receipt": "The receipt of a settled payment: number, amount, what it paid.",
    f"GET {_PAY}/{{payment_id}}/receipt.pdf": "The receipt of a settled payment as a PDF.",
    f"POST {_PAY}/{{payment_id}}/refund": "Refunds part or all of a settled payment (card refunds through the "
    "gateway) and reverses it in the ledger. Idempotency-Key required; more than is left to refund is 422.",
    "GET /api/v1/financial/payment-methods": "The payment methods the organization accepts (UPI, bank "
    "transfer, card, Interac, ...), paginated.",
    "POST /api/v1/financial/payment-methods": "Adds a payment method tenants may pay with.",
    f"POST {_PAY}/webhooks/sandbox": "The sandbox gateway's callback, signed with the gateway's secret: "
    "settles or fails a pending payment exactly once. Not for API clients; shown for completeness.",
    # ledger and deposits
    "GET /api/v1/leases/{lease_id}/ledger": "Every ledger line of the lease, oldest first, with the running "
    "balance the tenant owes. A tenant sees only its own lease.",
    "GET /api/v1/financial/trial-balance": "Debits, credits and balance per ledger account; the totals always "
    "match." + _NOT_TENANT,
    "GET /api/v1/leases/{lease_id}/deposit": "The security deposit held for the lease, its movements with a "
    "running balance, and the move-out settlement once made.",
    "POST /api/v1/leases/{lease_id}/deposit/settlement": "Settles the deposit at move-out: deductions "
    "(arrears, damages, cleaning, other) are kept, arrears pay the open invoices, the rest is refunded. Once "
    "per lease (409 after); deductions over the deposit held are 422. Answers 201.",
    "GET /api/v1/leases/{lease_id}/deposit/settlement": "The move-out statement of the deposit: held, "
    "deductions, invoices paid, refund. 404 until settled.",
    "GET /api/v1/leases/{lease_id}/deposit/settlement.pdf": "The move-out statement of the deposit as a PDF.",
    # taxes and reports (docs/reports.md)
    "GET /api/v1/financial/gst-returns": "Per month from issued invoices: taxable, exempt and reverse-charge "
    "value and tax per head, for filing GST returns; format=csv for a spreadsheet." + _NOT_TENANT,
    "GET /api/v1/financial/tds-reports": "TDS per quarter of the Indian financial year (Q1 is April-June), "
    "received (withheld by tenants) and deducted (withheld from vendors), by section; format=csv." + _NOT_TENANT,
    f"GET {_REP}/arrears-aging": "What each tenant owes, by days past due (0-30, 31-60, 61-90, over 90), as of "
    "a date." + _NOT_TENANT,
    f"GET {_REP}/deposits-held": "Security deposits held per lease, from the deposits-held account." + _NOT_TENANT,
    f"GET {_REP}/gstr1-b2b": "GSTR-1 table 4 (B2B) rows: one per invoice to a registered recipient and tax "
    "rate, for the months from-to." + _NOT_TENANT,
    f"GET {_REP}/form-16a": "Form 16A data for the TDS the organization withheld from vendors: per deductee "
    "(PAN, else name) and quarter of the Indian fiscal year, the deductor's TAN and PAN, each payment or credit "
    "with its section and TDS, and the totals, from the posted tds_payable lines; format=csv, one row per "
    "deduction." + _NOT_TENANT,
    f"GET {_REP}/gstr1": "GSTR-1 for the months from-to in the GSTN offline tool's JSON shape: b2b (table 4, "
    "reverse charge flagged), b2cl (5), b2cs (7, per State and rate, net of credit notes), cdnr and cdnur "
    "(9B: the months' credit notes), nil (8: exempt residential rent), hsn (12, B2B and B2C tabs, net of credit "
    "notes), doc_issue (13: invoices, credit notes and receipts per series); amounts are decimal strings. "
    "format=csv with section=b2b|b2cl|b2cs|cdnr|cdnur|nil|hsn|doc_issue." + _NOT_TENANT,
    f"GET {_REP}/gstr3b": "GSTR-3B tables 3.1 and 4 for the months from-to in the shape of the GSTR-3B JSON "
    "(sup_details, itc_elg): outward taxable, nil/exempt and non-GST supplies from the invoices; inward "
    "reverse-charge supplies and input tax credit from the approved expenses' input_tax; format=csv, one row "
    "per figure." + _NOT_TENANT,
    f"GET {_REP}/income-expenses": "Income and expenses per property and month between two dates." + _NOT_TENANT,
    f"GET {_REP}/owner-statements": "Per property, for a period: rent and charges collected, expenses and the "
    "net for its owners." + _NOT_TENANT,
    f"GET {_REP}/rent-roll": "The leases in effect: unit, tenant, dates, rent, deposit held and balance." + _NOT_TENANT,
    # expenses
    f"GET {_EXP}": "Expenses, paginated; filter by status, property and dates." + _NOT_TENANT,
    f"POST {_EXP}": "Records a pending expense of a property (optionally with TDS to withhold from the vendor); "
    "it reaches the ledger when approved. Answers 201.",
    f"GET {_EXP}/{{expense_id}}": "One expense." + _NOT_OURS,
    f"PUT {_EXP}/{{expense_id}}": "Replaces a pending expense; a decided one is 409.",
    f"DELETE {_EXP}/{{expense_id}}": "Deletes a pending expense; a decided one is 409. Answers 204.",
    f"POST {_EXP}/{{expense_id}}/approve": "Approves a pending expense and posts it: Dr expenses, Cr accounts "
    "payable (net of TDS, the TDS to TDS payable); the bill's input_tax goes to input_tax:<head> when claimable "
    "(to expenses when not) and, on reverse charge, is owed as rcm_payable:<head> instead of to the vendor. An "
    "expense of the category reserve_fund (which needs its property) is paid from the property's reserve fund: "
    "Dr reserve_fund:<property_id> instead of expenses.",
    f"POST {_EXP}/{{expense_id}}/reject": "Rejects a pending expense with a reason; nothing is posted.",
    f"GET {_EXP}/{{expense_id}}/attachments": "The bills and photos attached to the expense.",
    # budgets
    f"GET {_BUD}": "Budgets, paginated." + _NOT_TENANT,
    f"POST {_BUD}": "Creates a budget for a period, optionally for one property, with amounts per expense "
    "category. Answers 201.",
    f"GET {_BUD}/{{budget_id}}": "One budget with its categories." + _NOT_OURS,
    f"PUT {_BUD}/{{budget_id}}": "Replaces a budget." + _NOT_OURS,
    f"DELETE {_BUD}/{{budget_id}}": "Deletes a budget; answers 204." + _NOT_OURS,
    f"GET {_BUD}/{{budget_id}}/categories": "The budget's categories and amounts.",
    f"POST {_BUD}/{{budget_id}}/categories": "Adds a category and its amount to the budget.",
    f"GET {_BUD}/{{budget_id}}/variance": "Per category: budgeted, actual (approved expenses posted in the "
    "budget's dates) and the difference.",
    # a condominium's reserve fund
    "POST /api/v1/financial/reserve-funds/{property_id}/opening-balance": "Records, once per property, the "
    "reserve fund a manager takes over (amount and the date of its statement, not in the future): posts Dr cash / "
    "Cr reserve_fund:<property_id> and writes the audit log. Contributions are invoice lines of charge_type "
    "reserve_fund, spending approved expenses of the category reserve_fund. Answers 201; a second time 409; "
    "another organization's property 404.",
}
