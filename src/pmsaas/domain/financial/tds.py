"""India TDS posted to the ledger (docs/tax-rules.md §1b, §3). Pure.

Two directions, one record (:class:`TdsDeduction`) stored beside the payment or expense it belongs to:

* **received** — a tenant withholds TDS on rent it pays the organization (194-I(a), 194-I(b),
  194-IB). The payment's ``amount`` is the cash; the TDS is a credit on the tenant's receivable as
  well, so the payment settles ``gross = cash + TDS``:
  ``Dr cash|gateway_clearing (cash) / Dr tds_receivable (TDS) / Cr ar:<tenant> (gross)``.
* **deducted** — the organization, as payer, withholds TDS from an expense (194C contractors,
  194-I rent it pays): approval posts
  ``Dr expenses (gross) / Cr accounts_payable (net) / Cr tds_payable (TDS)``.

Every record keeps the section, rate, act_version and section_ref chosen by the deduction date
(§3.5), the PAN and the certificate number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pmsaas.domain.financial.model import ChargeType, Invoice
from pmsaas.domain.financial.tax import rates as R
from pmsaas.domain.financial.tax.india_tds import (
    PartyKind,
    TdsPaymentKind,
    TdsSection,
    calculate_tds,
    parse_section_or_kind,
    resolve_section,
)
from pmsaas.domain.financial.tax.model import TdsResult
from pmsaas.domain.financial.tds_record import TdsDeduction, TdsDirection
from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed
from pmsaas.domain.shared.money import Money, round_half_up

INR = "INR"
RECEIVED_SECTIONS = frozenset({TdsSection.S194I_A, TdsSection.S194I_B, TdsSection.S194IB})
# s.206AA: without a PAN the rate is at least 20 %; no section here goes higher, so a declared
# deduction above 20 % of the rent credited cannot be right.
MAX_RATE = Decimal(20)


@dataclass(frozen=True)
class TdsRequest:
    """What the client asks for: a section (or, for expenses, a payment kind) and optional figures."""

    section: str
    amount: Money | None = None  # received only: the TDS the tenant declares it withheld
    rate: Decimal | None = None
    pan_number: str | None = None
    certificate_number: str | None = None
    payee_kind: str | None = None  # deducted only: individual_huf | other


def _problem(name: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem(f"tds.{name}", message)], message=f"tds.{name}: {message}")


def require_india(currency: str) -> None:
    if currency != INR:
        raise ValidationFailed.single("tds", "TDS applies only to organizations billing in India (INR)")


def received_section(text: str) -> TdsSection:
    target = parse_section_or_kind(text)
    if target == TdsPaymentKind.RENT_LAND_BUILDING:
        target = TdsSection.S194I_B
    elif target == TdsPaymentKind.RENT_PLANT_MACHINERY:
        target = TdsSection.S194I_A
    if not isinstance(target, TdsSection) or target not in RECEIVED_SECTIONS:
        allowed = sorted(s.value for s in RECEIVED_SECTIONS)
        raise _problem("tds_section", f"a tenant withholds TDS on rent under one of {allowed}, not {text!r}")
    return target


def section_rate(section: TdsSection, on: date, payee_kind: PartyKind = PartyKind.OTHER) -> Decimal:
    condition = None
    if section == TdsSection.S194C:
        condition = R.PAYEE_INDIVIDUAL_HUF if payee_kind == PartyKind.INDIVIDUAL_HUF else R.PAYEE_OTHER
    rule = R.rules_in_force(R.IN_TDS_RULES, jurisdiction="IN", tax=f"TDS {section.value}", on=on, condition=condition)
    if rule is None:
        raise _problem("tds_section", f"section {section.value} is not in force on {on.isoformat()}")
    return rule.rate


def rent_share(invoice: Invoice) -> Money:
    """The rent (excluding GST, deposits, late fees) in what is still due on an invoice."""
    rent = Money.zero(invoice.currency)
    for line in invoice.lines:
        if line.charge_type == ChargeType.RENT:
            rent = rent + line.amount
    total, due = invoice.total, invoice.balance_due
    if not total.is_positive or not due.is_positive:
        return Money.zero(invoice.currency)
    return Money(round_half_up(rent.amount * due.amount / total.amount, 2), invoice.currency)


def rent_settled(gross: Money, invoices: Sequence[Invoice]) -> Money:
    """The rent (excluding GST, deposits, late fees) in what ``gross`` settles of ``invoices``, in
    allocation order: each invoice's rent in proportion to the part of it settled. The amount paid
    or credited that TDS on rent is deducted on (Form 26AS shows the rent, not the receipt)."""
    left, rent = gross, Money.zero(gross.currency)
    for invoice in invoices:
        due = invoice.balance_due
        if not left.is_positive:
            break
        if not due.is_positive:
            continue
        settled = left if left < due else due
        share = rent_share(invoice)
        rent = rent + Money(round_half_up(share.amount * settled.amount / due.amount, 2), gross.currency)
        left = left - settled
    return rent


def _threshold_note(section: TdsSection, results: Sequence[TdsResult]) -> str | None:
    """Why no TDS is due when every invoice's rent is below the section's threshold, else None."""
    if not results or any(r.applicable for r in results):
        return None
    reasons = "; ".join(dict.fromkeys(r.reason for r in results))
    return f"below the s.{section.value} threshold, no TDS is due: {reasons}"


def received_tds(
    request: TdsRequest,
    *,
    cash: Money,
    invoices: Sequence[Invoice],
    on: date,
    landlord_pan: str | None,
    tenant_pan: str | None,
    tenant_name: str | None,
) -> TdsDeduction:
    """The TDS a tenant withheld from a payment of ``cash`` (INR).

    Declared (``request.amount`` given): accepted when it is at least zero and at most 20 % (the
    s.206AA rate, above every rent section) of the rent credited, ``cash + TDS``; it need not match
    the engine (the deductor's figure and its certificate are what the tax department sees).

    Computed (no amount): the engine runs on the rent (excluding GST) still due on each open
    invoice, in allocation order (``invoices``), one invoice = one month for the monthly
    threshold; an invoice counts when the cash plus its TDS settles it in full. A part payment gets
    no computed TDS: declare the amount instead. ``landlord_pan`` is the organization's PAN (the
    payee's: none recorded → s.206AA).
    """
    require_india(cash.currency)
    section = received_section(request.section)
    rate = request.rate
    if rate is not None and not (Decimal(0) <= rate <= 100):
        raise _problem("tds_rate", "must be between 0 and 100")
    act = R.act_section_on(section.value, on)
    record = TdsDeduction(
        direction=TdsDirection.RECEIVED,
        requested=request.section,
        gross=cash,
        section=section.value,
        act_version=act.act_version,
        section_ref=act.section_ref,
        payment_code=act.payment_code,
        pan_number=request.pan_number or tenant_pan,
        party_name=tenant_name,
        certificate_number=request.certificate_number,
        deduction_date=on,
    )
    if request.amount is not None:
        tds = request.amount
        if tds.currency != INR:
            raise _problem("tds_amount.currency", "must be INR")
        if tds.is_negative:
            raise _problem("tds_amount.amount", "must not be negative")
        gross = cash + tds
        cap = gross.percent(MAX_RATE)
        if cap < tds:
            raise _problem(
                "tds_amount.amount",
                f"{tds} is more than {MAX_RATE} % of the rent credited ({gross} = cash + TDS): "
                "the payment amount is the cash received, not the gross",
            )
        rent = rent_settled(gross, invoices)
        record.amount, record.gross = tds, gross
        record.base = rent if rent.is_positive else gross  # an advance: no invoice says what is rent
        record.rate = rate if rate is not None else section_rate(section, on)
        record.reason = "declared by the deductor"
        below = _threshold_note(section, _engine_on_settled(section, gross, invoices, on, landlord_pan))
        if below is not None and tds.is_positive:
            record.reason = f"declared by the deductor; {below}"
            record.warnings = (f"{below}; {tds} recorded as declared: check the deductor's certificate",)
        return record

    results, tds, unsettled = _walk(section, cash, invoices, on, landlord_pan)
    applied = [r for r in results if r.applicable]
    if applied:
        first = applied[0]
        if rate is not None and rate != first.rate:
            raise _problem("tds_rate", f"the engine's rate is {first.rate} on {on.isoformat()}; omit it or declare")
        record.rate, record.act_version, record.section_ref = first.rate, first.act_version, first.section_ref
        record.payment_code = first.payment_code
        base = Money.zero(INR)
        for r in applied:
            base = base + r.base
        record.base = base
    else:
        record.rate = Decimal(0)
        record.base = Money.zero(INR)
    record.amount, record.gross, record.computed = tds, cash + tds, True
    below = _threshold_note(section, results or ([unsettled] if unsettled else []))
    if below is not None:
        record.reason = below
    elif not results:
        record.reason = "no open invoice is settled in full by this payment: declare tds_amount for a part payment"
    else:
        record.reason = "; ".join(dict.fromkeys(r.reason for r in results))
    return record


def _engine_on_settled(
    section: TdsSection, gross: Money, invoices: Sequence[Invoice], on: date, landlord_pan: str | None
) -> list[TdsResult]:
    """The engine's answer for each invoice (one month's rent) that ``gross`` reaches."""
    left, results = gross, []
    for invoice in invoices:
        due = invoice.balance_due
        if not left.is_positive:
            break
        if not due.is_positive:
            continue
        rent = rent_share(invoice)
        if rent.is_positive:  # an invoice without rent says nothing about the rent threshold
            results.append(calculate_tds(amount=rent, section_or_kind=section, payment_date=on, payee_pan=landlord_pan))
        left = left - due
    return results


def _walk(
    section: TdsSection, cash: Money, invoices: Sequence[Invoice], on: date, landlord_pan: str | None
) -> tuple[list[TdsResult], Money, TdsResult | None]:
    """The engine's result per invoice the payment settles in full, the TDS, and the result for the
    first invoice it does not settle (None when it settles them all)."""
    left, tds = cash, Money.zero(INR)
    results: list[TdsResult] = []
    for invoice in invoices:
        due = invoice.balance_due
        if not due.is_positive:
            continue
        rent = rent_share(invoice)
        result = calculate_tds(
            amount=rent if rent.is_positive else Money.zero(INR),
            section_or_kind=section,
            payment_date=on,
            payee_pan=landlord_pan,
        )
        withheld = result.tds if result.applicable else Money.zero(INR)
        if left < due - withheld:
            return results, tds, result
        left, tds = left - (due - withheld), tds + withheld
        results.append(result)
    return results, tds, None


# -- deducted by the organization ---------------------------------------------------------------


def deducted_request(request: TdsRequest, currency: str) -> TdsRequest:
    """Checks an expense's TDS block when it is recorded (the figures come at approval)."""
    require_india(currency)
    if parse_section_or_kind(request.section) is None:
        allowed = [s.value for s in TdsSection] + [k.value for k in TdsPaymentKind]
        raise _problem("tds_section", f"unknown section or payment kind {request.section!r}; one of {allowed}")
    if request.payee_kind is not None and request.payee_kind not in {k.value for k in PartyKind}:
        raise _problem("payee_kind", f"must be one of {[k.value for k in PartyKind]}")
    if request.amount is not None or request.rate is not None:
        raise _problem("tds_amount", "the organization's deduction is computed at approval; do not send figures")
    return request


def payer_section(requested: str) -> TdsSection | None:
    """The section an organization (not an individual/HUF) deducts under for ``requested``."""
    target = parse_section_or_kind(requested)
    if isinstance(target, TdsPaymentKind):
        return resolve_section(target, payer_kind=PartyKind.OTHER, payer_turnover_above_audit_limit=True)[0]
    return target


def pending_deduction(
    request: TdsRequest, *, gross: Money, on: date, vendor: str | None, certificate_number: str | None = None
) -> TdsDeduction:
    section = payer_section(request.section)
    return TdsDeduction(
        direction=TdsDirection.DEDUCTED,
        requested=request.section,
        gross=gross,
        section=section.value if section else None,
        pan_number=request.pan_number.strip().upper() if request.pan_number else None,
        payee_kind=request.payee_kind,
        party_name=vendor,
        certificate_number=certificate_number or request.certificate_number,
        deduction_date=on,
    )


def compute_deduction(pending: TdsDeduction, *, fy_paid_before: Money, fy_deducted_base_before: Money) -> TdsDeduction:
    """The engine's figures for a pending expense deduction (``fy_*``: the payee's earlier ones)."""
    assert pending.deduction_date is not None
    result = calculate_tds(
        amount=pending.gross,
        section_or_kind=pending.requested,
        payment_date=pending.deduction_date,
        payee_pan=pending.pan_number,
        payee_kind=pending.payee_kind,
        payer_kind=PartyKind.OTHER,
        fy_paid_before=fy_paid_before,
        fy_deducted_base_before=fy_deducted_base_before,
    )
    pending.section = result.section
    pending.rate = result.rate
    pending.amount = result.tds
    pending.base = result.base
    pending.act_version = result.act_version
    pending.section_ref = result.section_ref
    pending.payment_code = result.payment_code
    pending.computed = True
    pending.reason = result.reason
    return pending


# -- India's fiscal year and its quarters -------------------------------------------------------


def fy_bounds(fy: str) -> tuple[date, date]:
    """``2026-27`` → 2026-04-01 .. 2027-03-31; anything else is a 422 on ``fy``."""
    ok = len(fy) == 7 and fy[4] == "-" and fy[:4].isdigit() and fy[5:].isdigit()
    if not ok or (int(fy[:4]) + 1) % 100 != int(fy[5:]) or not 2000 <= int(fy[:4]) <= 2098:
        raise ValidationFailed.single("fy", "must be an Indian fiscal year such as 2026-27")
    start = int(fy[:4])
    return date(start, 4, 1), date(start + 1, 3, 31)


# quarter -> ((years after the FY's start year, first month), (years after, last month, last day))
_QUARTERS = {
    "Q1": ((0, 4), (0, 6, 30)),
    "Q2": ((0, 7), (0, 9, 30)),
    "Q3": ((0, 10), (0, 12, 31)),
    "Q4": ((1, 1), (1, 3, 31)),
}


def quarter_bounds(fy: str, quarter: str | None) -> tuple[date, date]:
    start, end = fy_bounds(fy)
    if quarter is None:
        return start, end
    if quarter not in _QUARTERS:
        raise ValidationFailed.single(
            "quarter", "must be one of Q1 (Apr-Jun), Q2 (Jul-Sep), Q3 (Oct-Dec), Q4 (Jan-Mar)"
        )
    (sy, sm), (ey, em, ed) = _QUARTERS[quarter]
    return date(start.year + sy, sm, 1), date(start.year + ey, em, ed)


def quarter_of(on: date) -> tuple[str, str]:
    """(fiscal year, quarter) of a date: 2026-12-01 → ("2026-27", "Q3")."""
    start = on.year if on.month >= 4 else on.year - 1
    q = {4: "Q1", 5: "Q1", 6: "Q1", 7: "Q2", 8: "Q2", 9: "Q2", 10: "Q3", 11: "Q3", 12: "Q3"}.get(on.month, "Q4")
    return f"{start}-{(start + 1) % 100:02d}", q
