"""The compliance notices as printable documents, drawn by the same renderer as the invoices
(``shared.documents.Document``: the printing vocabulary is shared, the drawing is not forked).
Every figure comes from the notice, which comes from the ledger at a date: printing it again gives
the same document."""

from __future__ import annotations

from pmsaas.domain.compliance import rules
from pmsaas.domain.compliance.ltb import N1Notice, N4Notice
from pmsaas.domain.compliance.ports import Tenancy
from pmsaas.domain.compliance.provincial_reports import ProvincialReport
from pmsaas.domain.compliance.society_filing import SocietyFiling
from pmsaas.domain.compliance.status_certificate import StatusCertificate
from pmsaas.domain.shared import document_text as T
from pmsaas.domain.shared.documents import Document, Party, Table
from pmsaas.domain.shared.money import Money


def _parties(tenancy: Tenancy) -> tuple[Party, ...]:
    return (
        Party("Landlord", tenancy.landlord_name, tenancy.landlord_address),
        Party("Tenant", tenancy.tenant_name, tenancy.unit_address),
    )


def n4_document(notice: N4Notice) -> Document:
    t = notice.tenancy
    rows = tuple(
        (
            T.long_date(p.start),
            T.long_date(p.end),
            T.format_money(p.charged),
            T.format_money(p.paid),
            T.format_money(p.owing),
        )
        for p in notice.periods
    )
    days = (notice.earliest_termination_on - notice.served_on).days
    source = rules.rule(f"on.n4.termination_days.{t.rent_period}", notice.served_on).source
    number = f"N4 {t.unit_address[0]} {notice.served_on.isoformat()}"
    return Document(
        title="N4: Notice to End your Tenancy Early for Non-payment of Rent",
        number="",
        file_name=T.file_name("N4", number),
        facts=(
            ("Rental unit", ", ".join(t.unit_address)),
            ("Date of service", T.long_date(notice.served_on)),
            ("Rent owing as of", T.long_date(notice.as_of)),
            ("Termination date", T.long_date(notice.termination_on)),
        ),
        parties=_parties(t),
        tables=(
            Table(
                columns=("Period from", "Period to", "Rent charged", "Rent paid", "Rent owing"),
                widths=(24, 24, 20, 20, 20),
                numeric=(False, False, True, True, True),
                rows=rows,
                heading="Rent owing per rental period",
            ),
        ),
        totals=((f"Total rent owing ({t.rent.currency})", T.format_money(notice.total_owing, symbol=True)),),
        in_words=T.amount_in_words(notice.total_owing),
        notes=(
            f"The tenant must pay {T.format_money(notice.total_owing, symbol=True)} on or before "
            f"{T.long_date(notice.termination_on)}, or move out, for this notice to be void.",
            f"The termination date is at least {days} days after service for a {t.rent_period} tenancy ({source}).",
            "Only rent is claimed: other charges on the tenant's account are not part of this notice.",
        ),
        signatory=t.landlord_name,
    )


def n1_document(notice: N1Notice) -> Document:
    t = notice.tenancy
    totals = [
        ("Current rent", T.format_money(notice.current_rent)),
        ("Increase", T.format_money(notice.increase)),
        ("Increase (%)", f"{notice.increase_percent}%"),
    ]
    totals.append((f"New rent ({t.rent.currency})", T.format_money(notice.new_rent, symbol=True)))
    guideline = rules.rule("on.n1.guideline_percent", notice.effective_on).source
    notes = [f"Notice source: {rules.rule('on.n1.notice_days', notice.served_on).source}."]
    if notice.guideline_applies and notice.maximum_rent is not None:
        notes.append(
            f"The {notice.effective_on.year} rent increase guideline is {notice.guideline_percent}% "
            f"({guideline}); the new rent may not exceed {T.format_money(notice.maximum_rent, symbol=True)}."
        )
    else:
        notes.append("The unit was first occupied residentially after 15 November 2018: the guideline does not apply.")
    number = f"N1 {t.unit_address[0]} {notice.effective_on.isoformat()}"
    return Document(
        title="N1: Notice of Rent Increase",
        number="",
        file_name=T.file_name("N1", number),
        facts=(
            ("Rental unit", ", ".join(t.unit_address)),
            ("Date of service", T.long_date(notice.served_on)),
            ("New rent takes effect on", T.long_date(notice.effective_on)),
            ("Rent period", t.rent_period),
        ),
        parties=_parties(t),
        tables=(),
        totals=tuple(totals),
        in_words=T.amount_in_words(notice.new_rent),
        notes=tuple(notes),
        signatory=t.landlord_name,
    )


def status_certificate_document(c: StatusCertificate) -> Document:
    a = c.account
    facts = [
        ("Unit", ", ".join(a.unit_address)),
        ("Requested on", T.long_date(c.requested_on)),
        ("Figures as of", T.long_date(c.as_of)),
        ("To be delivered by", T.long_date(c.due_by)),
    ]
    parties = [Party("Corporation", a.corporation_name, a.corporation_address)]
    if a.owner_name:
        parties.append(Party("Owner", a.owner_name, a.unit_address))
    tables = []
    if c.budget is not None:
        b = c.budget
        rows = tuple((name, T.format_money(figure)) for name, figure in b.categories)
        tables.append(
            Table(
                columns=("Budget category", "Amount"),
                widths=(70, 30),
                numeric=(False, True),
                rows=(*rows, ("Total budget", T.format_money(b.total))),
                heading=f"Budget: {b.name} ({T.long_date(b.period_start)} to {T.long_date(b.period_end)})",
            )
        )
    totals = [("Common expenses (monthly)", T.format_money(a.common_expenses))]
    if c.reserve_fund_balance is not None and c.reserve_fund_as_of is not None:
        label = "Reserve fund" if c.kind == "ontario_status_certificate" else "Contingency reserve fund"
        on = T.long_date(c.reserve_fund_as_of)
        totals.append((f"{label} (ledger) as at {on}", T.format_money(c.reserve_fund_balance)))
    if c.reserve_fund is not None:
        totals.append(("Reserve fund contribution (budget, planned)", T.format_money(c.reserve_fund)))
    totals.append(("Arrears of the unit", T.format_money(c.arrears)))
    totals.append((f"Certificate fee ({c.fee.currency})", T.format_money(c.fee, symbol=True)))
    notes = [f"Fee: {c.fee_basis}."]
    if c.kind == "bc_form_b":
        notes.append(f"Copies: {c.pages} page(s).")
        if c.reserve_fund_balance is not None:
            notes.append(
                "The contingency reserve fund is net of every expenditure approved from it: an approved "
                "expenditure is taken out of the fund when it is approved (Strata Property Regulation, Form B)."
            )
    elif c.reserve_fund_balance is not None:
        notes.append(
            "The reserve fund is the balance of the corporation's reserve fund account at the end of the "
            "last month (Condominium Act, 1998, s.76(1); O. Reg. 48/01, Form 13)."
        )
    if not c.arrears.is_positive:
        notes.append("The owner owes nothing to the corporation on the date of the figures.")
    return Document(
        title=c.title,
        number="",
        file_name=T.file_name(c.title.split(":")[0], f"{a.unit_address[0]} {c.as_of.isoformat()}"),
        facts=tuple(facts),
        parties=tuple(parties),
        tables=tuple(tables),
        totals=tuple(totals),
        in_words=T.amount_in_words(c.fee),
        notes=tuple(notes),
        signatory=a.corporation_name,
    )


def society_filing_document(f: SocietyFiling) -> Document:
    p, b = f.particulars, f.books
    agm = T.long_date(p.agm_date) if p.agm_date else "Not held"
    audit = p.audit_status.replace("_", " ").capitalize()
    if p.audit_completed_on:
        audit = f"{audit} on {T.long_date(p.audit_completed_on)}"
    rows = (
        ("Members", str(b.members)),
        ("Construction cost", T.format_money(p.construction_cost)),
        ("Sinking fund required (minimum)", T.format_money(f.sinking_fund_required)),
        ("Sinking fund contributions", T.format_money(b.sinking_fund)),
        ("Repairs and maintenance fund contributions", T.format_money(b.repairs_fund)),
        ("Audit", audit),
        ("Audit due by", T.long_date(f.audit_due_by)),
        ("Annual general meeting", agm),
        ("AGM due by", T.long_date(f.agm_due_by)),
    )
    title = "Annual Return of a Co-operative Housing Society"
    return Document(
        title=title,
        number=p.registration_number,
        file_name=T.file_name("Society Filing", f"{p.registration_number} {p.financial_year}"),
        facts=(
            ("Registration no.", p.registration_number),
            ("Registrar's office", p.registrar_office),
            ("Bye-laws version", p.bye_laws_version),
            ("Financial year", f"{T.long_date(f.year_start)} to {T.long_date(f.year_end)}"),
            ("Compliance status", f.compliance_status.replace("_", " ")),
        ),
        parties=(Party("Society", b.society_name, b.address),),
        tables=(Table(("Item", "Figure"), (70, 30), (False, True), rows, heading="The year's items"),),
        totals=(("Sinking fund contributions", T.format_money(b.sinking_fund, symbol=True)),),
        in_words=T.amount_in_words(b.sinking_fund),
        notes=(*(f"Finding: {x}" for x in f.findings), *(f"Source: {s}" for s in f.sources)),
        signatory=b.society_name,
    )


def provincial_report_document(r: ProvincialReport) -> Document:
    f = T.format_money
    gst_rows = tuple(
        (x.period, x.province, f(x.line_101), f(x.line_103), f(x.line_106), f(x.line_109)) for x in r.gst_hst
    )
    qst_rows = tuple((x.period, f(x.sales), f(x.qst_collected), f(x.input_tax_refunds), f(x.net_qst)) for x in r.qst)
    tables = [
        Table(
            columns=("Period", "Province", "101 Sales", "103 Collected", "106 ITCs", "109 Net tax"),
            widths=(16, 14, 22, 22, 18, 22),
            numeric=(False, False, True, True, True, True),
            rows=gst_rows or (("None", "", "", "", "", ""),),
            heading="GST/HST return lines (form GST34)",
        )
    ]
    if qst_rows:
        tables.append(
            Table(
                columns=("Period", "Sales", "QST collected", "Input tax refunds", "Net QST"),
                widths=(16, 24, 24, 24, 24),
                numeric=(False, True, True, True, True),
                rows=qst_rows,
                heading="Quebec sales tax (Revenu Québec)",
            )
        )
    net = Money.zero(r.currency)
    for x in r.gst_hst:
        net = net + x.line_109
    span = f"{r.start.isoformat()} {r.end.isoformat()}"
    return Document(
        title="GST/HST and QST Return Figures",
        number="",
        file_name=T.file_name("Sales Tax Returns", span),
        facts=(("Reporting periods", f"{T.long_date(r.start)} to {T.long_date(r.end)}"), ("Currency", r.currency)),
        parties=(),
        tables=tuple(tables),
        totals=((f"Net GST/HST for the periods ({r.currency})", T.format_money(net, symbol=True)),),
        in_words=T.amount_in_words(net),
        notes=("Line 106 is nil: the books record no GST/HST paid on expenses.",),
    )
