"""Financial tables: chart of accounts, journal, invoices, payments, refunds, number counters.

Money is ``<name>_minor`` BigInteger + ``currency``. The journal is append-only: nothing in the
code updates or deletes a journal row.
"""

import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata, organization_column, timestamps

accounts = sa.Table(
    "financial_accounts",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("key", sa.String(80), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("organization_id", "key"),
)

journal_entries = sa.Table(
    "financial_journal_entries",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("entry_date", sa.Date(), nullable=False),
    sa.Column("description", sa.String(300), nullable=False),
    sa.Column("source_type", sa.String(30), nullable=False),
    sa.Column("source_id", sa.Uuid(), nullable=True),
    # An entry is reversed at most once.
    sa.Column("reverses_id", sa.Uuid(), sa.ForeignKey("financial_journal_entries.id"), nullable=True, unique=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("posted_at", UtcDateTime(), nullable=False),
    sa.Index("ix_journal_entries_source", "organization_id", "source_type", "source_id"),
)

journal_lines = sa.Table(
    "financial_journal_lines",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("entry_id", sa.Uuid(), sa.ForeignKey("financial_journal_entries.id"), nullable=False, index=True),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("account_id", sa.Uuid(), sa.ForeignKey("financial_accounts.id"), nullable=False, index=True),
    sa.Column("lease_id", sa.Uuid(), nullable=True),
    sa.Column("amount_minor", sa.BigInteger(), nullable=False),  # debit > 0, credit < 0
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("memo", sa.String(200), nullable=True),
    sa.Index("ix_journal_lines_org_lease", "organization_id", "lease_id"),
)

invoices = sa.Table(
    "financial_invoices",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("number", sa.String(60), nullable=True),  # given at issue; drafts have none
    sa.Column("lease_id", sa.Uuid(), nullable=False),
    sa.Column("tenant_id", sa.Uuid(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("issue_date", sa.Date(), nullable=False),
    sa.Column("due_date", sa.Date(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("subtotal_minor", sa.BigInteger(), nullable=False),
    sa.Column("tax_minor", sa.BigInteger(), nullable=False),
    # India: the difference (-0.49..+0.50) that rounds the invoice to the rupee at issue; in total_minor.
    sa.Column("round_off_minor", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
    sa.Column("total_minor", sa.BigInteger(), nullable=False),
    sa.Column("paid_minor", sa.BigInteger(), nullable=False),
    # What credit notes took off what the tenant owes (0047): balance = total - paid - credited.
    sa.Column("credited_minor", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
    sa.Column("period", sa.String(7), nullable=True),  # "2026-12" for billing-run invoices
    # The month whose rent the invoice bills, manual invoices included (Invoice.service_period).
    sa.Column("service_period", sa.String(7), nullable=True),
    sa.Column("notes", sa.Text(), nullable=True),
    sa.Column("issued_at", UtcDateTime(), nullable=True),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.Column("cancelled_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.UniqueConstraint("organization_id", "number"),
    # The billing run's exactly-once guarantee: one invoice per lease and period.
    sa.UniqueConstraint("organization_id", "lease_id", "period"),
    sa.Index("ix_invoices_org_created", "organization_id", "created_at", "id"),  # the list's order (0036)
    sa.Index("ix_invoices_org_lease_due", "organization_id", "lease_id", "due_date"),
    sa.Index("ix_invoices_org_service_period", "organization_id", "service_period"),
)

invoice_lines = sa.Table(
    "financial_invoice_lines",
    metadata,
    id_column(),
    organization_column(),
    sa.Column(
        "invoice_id", sa.Uuid(), sa.ForeignKey("financial_invoices.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("description", sa.String(300), nullable=False),
    sa.Column("charge_type", sa.String(20), nullable=False),
    sa.Column("supply_type", sa.String(40), nullable=True),
    sa.Column("amount_minor", sa.BigInteger(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    # [{"tax", "rate" (decimal text), "amount_minor", "payable_by", "jurisdiction"}]
    sa.Column("taxes", Json, nullable=False),
)

number_sequences = sa.Table(
    "financial_number_sequences",
    metadata,
    sa.Column("organization_id", sa.Uuid(), primary_key=True),
    sa.Column("series", sa.String(20), primary_key=True),
    sa.Column("fiscal_year", sa.String(10), primary_key=True),
    sa.Column("last_value", sa.BigInteger(), nullable=False),
)

payments = sa.Table(
    "financial_payments",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("lease_id", sa.Uuid(), nullable=False),
    sa.Column("tenant_id", sa.Uuid(), nullable=False),
    sa.Column("amount_minor", sa.BigInteger(), nullable=False),
    sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
    # Cash paid back as the security deposit (deposits_held), not off the invoices.
    sa.Column("deposit_refunded_minor", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("method", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reference", sa.String(200), nullable=True),
    sa.Column("notes", sa.Text(), nullable=True),
    sa.Column("receipt_number", sa.String(60), nullable=True),
    sa.Column("gateway", sa.String(30), nullable=True),
    sa.Column("gateway_payment_id", sa.String(100), nullable=True),
    sa.Column("failure_reason", sa.String(200), nullable=True),
    sa.Column("received_at", UtcDateTime(), nullable=True),
    sa.Column("received_on", sa.Date(), nullable=True),  # manual payments recorded after the day
    # The caller's key (docs/api-contract.md §6): scope is ``{organization}:user:{id}`` or
    # ``{organization}:key:{api_key_id}`` ("legacy" on rows from before keys were per caller).
    sa.Column("idempotency_scope", sa.String(120), nullable=False),
    sa.Column("idempotency_key", sa.String(255), nullable=False),
    sa.Column("request_fingerprint", sa.String(64), nullable=False),
    sa.Column("invoice_ids", Json, nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    # Money moves exactly once per caller and key, whatever the HTTP layer does.
    sa.UniqueConstraint(
        "organization_id", "idempotency_scope", "idempotency_key", name="uq_financial_payments_caller_key"
    ),
    sa.UniqueConstraint("organization_id", "receipt_number"),
    sa.UniqueConstraint("gateway", "gateway_payment_id"),
    sa.Index("ix_payments_org_created", "organization_id", "created_at"),
    sa.Index("ix_payments_org_lease", "organization_id", "lease_id"),
)

payment_allocations = sa.Table(
    "financial_payment_allocations",
    metadata,
    id_column(),
    organization_column(),
    sa.Column(
        "payment_id", sa.Uuid(), sa.ForeignKey("financial_payments.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("invoice_id", sa.Uuid(), sa.ForeignKey("financial_invoices.id"), nullable=False, index=True),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("amount_minor", sa.BigInteger(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    # The day the money went to the invoice (GSTR-1 table 11): the payment's day of receipt, or the
    # invoice's issue date for tenant credit applied at issue. NULL only on rows 0048 could not date.
    sa.Column("applied_on", sa.Date(), nullable=True),
)

refunds = sa.Table(
    "financial_refunds",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("payment_id", sa.Uuid(), sa.ForeignKey("financial_payments.id"), nullable=False, index=True),
    sa.Column("amount_minor", sa.BigInteger(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("reason", sa.String(500), nullable=True),
    sa.Column("deposit", sa.Boolean(), nullable=False, server_default=sa.false()),  # a deposit paid back
    sa.Column("from_credit_minor", sa.BigInteger(), nullable=True),  # the part that was tenant credit
    sa.Column("idempotency_scope", sa.String(120), nullable=False),  # as on payments
    sa.Column("idempotency_key", sa.String(255), nullable=False),
    sa.Column("request_fingerprint", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint(
        "organization_id", "idempotency_scope", "idempotency_key", name="uq_financial_refunds_caller_key"
    ),
)

payment_methods = sa.Table(
    "financial_payment_methods",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("enabled", sa.Boolean(), nullable=False),
    sa.Column("details", Json, nullable=False),
    *timestamps(),
)

# Gateway callbacks already processed: a replayed event id is acknowledged and ignored.
gateway_events = sa.Table(
    "financial_gateway_events",
    metadata,
    sa.Column("gateway", sa.String(30), primary_key=True),
    sa.Column("event_id", sa.String(100), primary_key=True),
    sa.Column("received_at", UtcDateTime(), nullable=False),
)

expenses = sa.Table(
    "financial_expenses",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("property_id", sa.Uuid(), nullable=True),
    sa.Column("category", sa.String(50), nullable=False),
    sa.Column("description", sa.String(300), nullable=False),
    sa.Column("vendor", sa.String(200), nullable=True),
    sa.Column("amount_minor", sa.BigInteger(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("expense_date", sa.Date(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("attachments", Json, nullable=False),  # [{"name", "url", "content_type"}]
    sa.Column("decided_by", sa.Uuid(), nullable=True),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("rejection_reason", sa.String(500), nullable=True),
    # The tax on the vendor's bill (domain/financial/input_tax.py InputTax.to_json), null when none.
    sa.Column("input_tax", Json, nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Index("ix_expenses_org_created", "organization_id", "created_at"),
)

budgets = sa.Table(
    "financial_budgets",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("property_id", sa.Uuid(), nullable=True),
    sa.Column("period_start", sa.Date(), nullable=False),
    sa.Column("period_end", sa.Date(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
)

budget_categories = sa.Table(
    "financial_budget_categories",
    metadata,
    id_column(),
    organization_column(),
    sa.Column(
        "budget_id", sa.Uuid(), sa.ForeignKey("financial_budgets.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("amount_minor", sa.BigInteger(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
)

# India TDS beside the payment (received: the tenant withheld it) or expense (deducted: the
# organization withholds it as payer) it belongs to. Figures are NULL until computed (a pending
# expense); the report takes the posted TDS from the journal, this row gives the details.
tds_lines = sa.Table(
    "financial_tds_lines",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("source_type", sa.String(20), nullable=False),  # payment | expense
    sa.Column("source_id", sa.Uuid(), nullable=False),
    sa.Column("direction", sa.String(10), nullable=False),  # received | deducted
    sa.Column("requested", sa.String(40), nullable=False),  # section or payment kind asked for
    sa.Column("section", sa.String(20), nullable=True),
    sa.Column("rate", sa.String(20), nullable=True),  # percent, decimal text
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("gross_minor", sa.BigInteger(), nullable=False),
    sa.Column("tds_minor", sa.BigInteger(), nullable=True),
    sa.Column("base_minor", sa.BigInteger(), nullable=True),
    sa.Column("act_version", sa.String(200), nullable=True),
    sa.Column("section_ref", sa.String(200), nullable=True),
    sa.Column("payment_code", sa.String(20), nullable=True),
    sa.Column("pan_number", sa.String(20), nullable=True),
    sa.Column("payee_kind", sa.String(20), nullable=True),
    sa.Column("party_name", sa.String(200), nullable=True),
    sa.Column("payee_key", sa.String(220), nullable=False),  # who a 194C aggregate counts for
    sa.Column("certificate_number", sa.String(60), nullable=True),
    sa.Column("computed", sa.Boolean(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("deduction_date", sa.Date(), nullable=True),
    *timestamps(),
    sa.UniqueConstraint("organization_id", "source_type", "source_id"),
    sa.Index("ix_tds_lines_org_date", "organization_id", "deduction_date"),
)

# A lease's security deposit settled at move-out: one per lease (the settlement posts once).
deposit_settlements = sa.Table(
    "financial_deposit_settlements",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("lease_id", sa.Uuid(), nullable=False),
    sa.Column("tenant_id", sa.Uuid(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("held_minor", sa.BigInteger(), nullable=False),
    sa.Column("refund_minor", sa.BigInteger(), nullable=False),
    sa.Column("refund_method", sa.String(20), nullable=False),
    sa.Column("refund_reference", sa.String(200), nullable=True),
    sa.Column("notes", sa.Text(), nullable=True),
    sa.Column("deductions", Json, nullable=False),  # [{description, amount_minor, kind}]
    sa.Column("arrears_paid", Json, nullable=False),  # [{invoice_id, amount_minor}]
    sa.Column("settled_on", sa.Date(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("organization_id", "lease_id", name="uq_financial_deposit_settlements_lease"),
)

# Credit notes against an issued invoice (CGST Act s.34): their own number series; the lines reversed.
credit_notes = sa.Table(
    "financial_credit_notes",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("invoice_id", sa.Uuid(), sa.ForeignKey("financial_invoices.id"), nullable=False),
    sa.Column("lease_id", sa.Uuid(), nullable=False),
    sa.Column("tenant_id", sa.Uuid(), nullable=False),
    sa.Column("number", sa.String(60), nullable=False),
    sa.Column("issue_date", sa.Date(), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("subtotal_minor", sa.BigInteger(), nullable=False),
    sa.Column("tax_minor", sa.BigInteger(), nullable=False),
    sa.Column("total_minor", sa.BigInteger(), nullable=False),
    # [{"line", "description", "charge_type", "supply_type", "amount_minor", "taxes": [...]}]
    sa.Column("lines", Json, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("organization_id", "number"),
    sa.Index("ix_financial_credit_notes_org_invoice", "organization_id", "invoice_id"),
    sa.Index("ix_financial_credit_notes_org_date", "organization_id", "issue_date"),
)
