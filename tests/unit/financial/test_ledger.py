"""The double-entry ledger and the money state machines, pure: no I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.model import (
    ChargeType,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    InvoiceTax,
    Payment,
    PaymentMethod,
    PaymentStatus,
    allocate,
)
from pmsaas.domain.financial.numbering import default_number_format, fiscal_year, format_number
from pmsaas.domain.financial.ports import OrganizationProfile
from pmsaas.domain.shared.errors import Conflict, IllegalTransition, ValidationFailed
from pmsaas.domain.shared.money import Money

AT = datetime(2026, 11, 23, 12, tzinfo=UTC)
ORG = uuid4()


def inr(amount: str | int) -> Money:
    return Money.of(str(amount), "INR")


def test_an_unbalanced_entry_cannot_be_built():
    with pytest.raises(L.UnbalancedEntry):
        L.entry(
            organization_id=ORG,
            on=AT.date(),
            at=AT,
            description="x",
            source_type="t",
            source_id=None,
            lines=[("cash", inr("10.00"), None), ("rent_income", inr("-9.99"), None)],
        )
    with pytest.raises(L.UnbalancedEntry):
        L.entry(
            organization_id=ORG,
            on=AT.date(),
            at=AT,
            description="x",
            source_type="t",
            source_id=None,
            lines=[("cash", inr("0.00"), None), ("rent_income", inr("0.00"), None)],
        )
    with pytest.raises(L.UnbalancedEntry):
        L.JournalEntry(
            ORG, AT.date(), "x", (L.JournalLine("cash", inr(1)), L.JournalLine("cash", Money.of("-1", "CAD"))), AT
        )
    with pytest.raises(ValueError, match="unknown account"):
        L.JournalEntry(ORG, AT.date(), "x", (L.JournalLine("nowhere", inr(1)), L.JournalLine("cash", inr(-1))), AT)


def test_a_reversal_negates_every_line_and_is_not_reversed_again():
    e = L.entry(
        organization_id=ORG,
        on=AT.date(),
        at=AT,
        description="Invoice",
        source_type="invoice",
        source_id=None,
        lines=[
            (L.receivable(uuid4()), inr("118.00"), None),
            ("rent_income", inr("-100.00"), None),
            (L.tax_payable("IGST"), inr("-18.00"), None),
        ],
    )
    r = e.reversal(at=AT, on=AT.date())
    assert r.reverses_id == e.id
    assert [x.amount for x in r.lines] == [-x.amount for x in e.lines]
    assert all(row.balance.amount == 0 for row in L.trial_balance([e, r], "INR"))
    with pytest.raises(Conflict):
        r.reversal(at=AT, on=AT.date())


accounts = st.sampled_from(
    [
        "cash",
        "rent_income",
        "expenses",
        "deposits_held",
        "owner_payable",
        "tds_receivable",
        "tax_payable:CGST",
        "ar:00000000-0000-0000-0000-000000000001",
    ]
)


@st.composite
def postings(draw):
    """A balanced entry: random debits, credits that split the same total over random accounts."""
    amounts = draw(st.lists(st.integers(1, 10_000_000), min_size=1, max_size=4))
    total = sum(amounts)
    cuts = sorted(draw(st.lists(st.integers(1, total - 1), max_size=3, unique=True))) if total > 1 else []
    credits = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    lines = [(draw(accounts), Money.from_minor(a, "INR"), None) for a in amounts]
    lines += [(draw(accounts), Money.from_minor(-c, "INR"), None) for c in credits]
    return L.entry(
        organization_id=ORG, on=AT.date(), at=AT, description="p", source_type="t", source_id=None, lines=lines
    )


@given(st.lists(postings(), max_size=30), st.data())
def test_any_sequence_of_postings_and_reversals_keeps_the_trial_balance_at_zero(entries, data):
    reversals = [e.reversal(at=AT, on=AT.date()) for e in entries if data.draw(st.booleans())]
    rows = L.trial_balance(entries + reversals, "INR")
    assert sum(r.balance.minor for r in rows) == 0
    assert sum(r.debit.minor for r in rows) == sum(r.credit.minor for r in rows)


def test_fiscal_years_and_number_formats():
    assert fiscal_year("IN", date(2026, 3, 31)) == "2025-26"
    assert fiscal_year("IN", date(2026, 4, 1)) == "2026-27"
    assert fiscal_year("IN", date(2099, 12, 1)) == "2099-00"
    assert fiscal_year("CA", date(2026, 4, 1)) == "2026"
    assert format_number("INV/{fy}/{seq:06d}", fy="2026-27", seq=123) == "INV/2026-27/000123"
    assert format_number("{fy}-{seq}", fy="2026", seq=7) == "2026-7"
    assert format_number("INV/{fy_short}/{seq:06d}", fy="2099-00", seq=1) == "INV/99-00/000001"
    assert format_number("R{fy_short}-{seq}", fy="2026", seq=7) == "R26-7"


@pytest.mark.parametrize("country", ["IN", "CA", "US"])
def test_default_numbers_fit_the_countrys_rules(country):
    """India's tax invoices and receipt vouchers: 16 characters of letters, digits, - and / (rules 46, 50)."""
    fy = fiscal_year(country, date(2026, 12, 1))
    for series in ("invoice", "receipt"):
        number = format_number(default_number_format(series, country), fy=fy, seq=999_999)
        assert len(number) <= (16 if country == "IN" else 20), number
        assert all(ch.isalnum() or ch in "/-" for ch in number)
    assert format_number(default_number_format("invoice", "IN"), fy="2026-27", seq=123) == "INV/26-27/000123"
    assert format_number(default_number_format("invoice", "CA"), fy="2026", seq=123) == "INV/2026/000123"
    with pytest.raises(ValidationFailed):
        format_number("INV/{year}/{seq}", fy="2026", seq=1)


def test_an_organization_profile_numbers_and_rounds_as_its_settings_say_else_by_the_defaults():
    unset = OrganizationProfile(uuid4(), "IN", "MH", "INR", invoice_round_off=True)
    assert unset.invoice_numbering == default_number_format("invoice", "IN")
    assert unset.receipt_numbering == default_number_format("receipt", "IN")
    assert unset.rounds_invoices
    own = OrganizationProfile(uuid4(), "CA", "ON", "CAD", "B-{seq:04d}", "R-{seq:04d}", invoice_round_off=True)
    assert (own.invoice_numbering, own.receipt_numbering) == ("B-{seq:04d}", "R-{seq:04d}")
    assert not own.rounds_invoices  # rounding to the rupee is for books in INR only


def _invoice(total: str, tenant=None) -> Invoice:
    inv = Invoice(
        organization_id=ORG,
        lease_id=uuid4(),
        tenant_id=tenant or uuid4(),
        currency="INR",
        issue_date=AT.date(),
        due_date=AT.date(),
        created_at=AT,
        updated_at=AT,
        lines=[
            InvoiceLine(
                "Rent",
                inr(total),
                ChargeType.RENT,
                "commercial_rent",
                (InvoiceTax("IGST", Decimal(18), inr(total).percent(Decimal(18)), "supplier", None),),
            )
        ],
    )
    return inv


def test_invoice_transitions():
    inv = _invoice("100.00")
    entry = inv.issue(number="INV/1", at=AT)
    assert inv.status == InvoiceStatus.ISSUED and entry.total_debits == inr("118.00")
    with pytest.raises(IllegalTransition):
        inv.issue(number="INV/2", at=AT)
    inv.apply_payment(inr("18.00"), AT)
    with pytest.raises(Conflict):
        inv.cancel(AT)  # money on it: refund first
    inv.apply_payment(inr("100.00"), AT)
    assert inv.status == InvoiceStatus.PAID and inv.display_status(date(2030, 1, 1)) == "paid"
    with pytest.raises(IllegalTransition):
        inv.apply_payment(inr("1.00"), AT)
    inv.unapply_payment(inr("50.00"), AT)
    assert inv.status == InvoiceStatus.PARTIALLY_PAID and inv.display_status(date(2030, 1, 1)) == "overdue"
    draft = _invoice("1.00")
    assert draft.cancel(AT) is False and draft.status == InvoiceStatus.CANCELLED


@given(st.integers(0, 10**9), st.lists(st.integers(1, 10**7), max_size=8))
def test_allocation_never_overpays_and_keeps_the_rest(amount_minor, dues):
    invoices = []
    for d in dues:
        inv = _invoice("1.00")
        inv.lines = [InvoiceLine("Rent", Money.from_minor(d, "INR"), ChargeType.RENT)]
        inv.issue(number=f"N{len(invoices)}", at=AT)
        invoices.append(inv)
    amount = Money.from_minor(amount_minor, "INR")
    allocations, rest = allocate(amount, invoices)
    assert sum(a.amount.minor for a in allocations) + rest.minor == amount_minor
    by_id = {i.id: i for i in invoices}
    assert all(0 < a.amount.minor <= by_id[a.invoice_id].total.minor for a in allocations)
    assert rest.minor == max(0, amount_minor - sum(dues))


class MoneyMachine(RuleBasedStateMachine):
    """Invoices, payments (allocated oldest first), refunds and cancellations, in any order.

    Invariants: the trial balance is zero; every tenant's receivable equals open charges minus net
    payments; no invoice is paid beyond its total; no payment is refunded beyond its amount.
    """

    @initialize()
    def start(self):
        self.tenant = uuid4()
        self.entries: list[L.JournalEntry] = []
        self.invoices: list[Invoice] = []
        self.payments: list[Payment] = []
        self.seq = 0

    @rule(amount=st.integers(1, 5_000_000), taxed=st.booleans())
    def issue_invoice(self, amount, taxed):
        base = Money.from_minor(amount, "INR")
        taxes = (
            (
                InvoiceTax("CGST", Decimal(9), base.percent(Decimal(9)), "supplier", None),
                InvoiceTax("SGST", Decimal(9), base.percent(Decimal(9)), "supplier", None),
            )
            if taxed
            else ()
        )
        inv = Invoice(
            organization_id=ORG,
            lease_id=uuid4(),
            tenant_id=self.tenant,
            currency="INR",
            issue_date=AT.date(),
            due_date=AT.date(),
            created_at=AT,
            updated_at=AT,
            lines=[InvoiceLine("Rent", base, ChargeType.RENT, None, taxes)],
        )
        self.seq += 1
        self.entries.append(inv.issue(number=f"INV/{self.seq}", at=AT))
        self.invoices.append(inv)

    @rule(amount=st.integers(1, 5_000_000))
    def pay(self, amount):
        p = Payment(
            organization_id=ORG,
            lease_id=uuid4(),
            tenant_id=self.tenant,
            amount=Money.from_minor(amount, "INR"),
            method=PaymentMethod.CASH,
            idempotency_key=str(uuid4()),
            request_fingerprint="f",
            created_at=AT,
            updated_at=AT,
        )
        self.seq += 1
        self.entries.append(p.succeed(receipt_number=f"R/{self.seq}", at=AT, today=AT.date()))
        open_ = [i for i in self.invoices if i.status in (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)]
        allocations, _ = allocate(p.amount, open_)
        for a in allocations:
            next(i for i in open_ if i.id == a.invoice_id).apply_payment(a.amount, AT)
        p.allocations = allocations
        self.payments.append(p)

    @precondition(lambda self: any(p.refundable.is_positive for p in self.payments))
    @rule(data=st.data())
    def refund(self, data):
        p = data.draw(st.sampled_from([p for p in self.payments if p.refundable.is_positive]))
        amount = Money.from_minor(data.draw(st.integers(1, p.refundable.minor)), "INR")
        self.entries.append(p.refund(amount, refund_id=uuid4(), at=AT, today=AT.date()))
        to_release = -p.unallocated if p.unallocated.is_negative else Money.zero("INR")
        kept = list(p.allocations)
        while to_release.is_positive:
            last = kept.pop()
            take = last.amount if last.amount <= to_release else to_release
            next(i for i in self.invoices if i.id == last.invoice_id).unapply_payment(take, AT)
            if take != last.amount:
                kept.append(type(last)(last.invoice_id, last.amount - take))
            to_release = to_release - take
        p.allocations = kept

    @rule(amount=st.integers(1, 10**7))
    def over_refund_is_refused(self, amount):
        for p in self.payments:
            if p.status in (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED):
                with pytest.raises(ValidationFailed):
                    p.refund(p.refundable + Money.from_minor(amount, "INR"), refund_id=uuid4(), at=AT, today=AT.date())

    @precondition(lambda self: any(i.status == InvoiceStatus.ISSUED for i in self.invoices))
    @rule(data=st.data())
    def cancel(self, data):
        inv = data.draw(st.sampled_from([i for i in self.invoices if i.status == InvoiceStatus.ISSUED]))
        issue_entry = next(e for e in self.entries if e.source_id == inv.id and e.reverses_id is None)
        assert inv.cancel(AT) is True
        self.entries.append(issue_entry.reversal(at=AT, on=AT.date()))

    @invariant()
    def books_balance(self):
        rows = L.trial_balance(self.entries, "INR")
        assert sum(r.balance.minor for r in rows) == 0

    @invariant()
    def receivable_matches_the_documents(self):
        charged = sum(i.total.minor for i in self.invoices if i.status != InvoiceStatus.CANCELLED)
        paid = sum(p.amount.minor - p.amount_refunded.minor for p in self.payments)
        rows = {r.account: r.balance.minor for r in L.trial_balance(self.entries, "INR")}
        assert rows.get(L.receivable(self.tenant), 0) == charged - paid

    @invariant()
    def nothing_is_overpaid_or_overrefunded(self):
        for i in self.invoices:
            assert 0 <= i.amount_paid.minor <= i.total.minor
        for p in self.payments:
            assert 0 <= p.amount_refunded.minor <= p.amount.minor
            assert p.allocated.minor <= p.amount.minor - p.amount_refunded.minor


TestMoneyMachine = MoneyMachine.TestCase
TestMoneyMachine.settings = settings(max_examples=60, stateful_step_count=30)
