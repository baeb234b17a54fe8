"""/api/v1/financial, one module per aggregate: invoices, payments (and payment methods), gateway
webhooks, ledger views, reports, expenses, budgets, the tax calculators and TDS.

Money is ``{"amount": "1180.00", "currency": "INR"}`` both ways.
"""
