"""Financial use cases: invoices, payments, refunds, ledger views, the rent billing run.

Each use case is one transaction on the unit of work it is given: the invoice or payment, its
journal entry, the number counters and the outbox events commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.model import (
    MANUAL_METHODS,
    OPEN,
    ChargeType,
    CreditApplication,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    InvoiceTax,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    allocate,
    apply_credits,
    fiscal_year,
    format_number,
)
from pmsaas.domain.financial.payments import GatewayOutcome, PaymentGateway
from pmsaas.domain.financial.ports import (
    FinancialUnitOfWork,
    InvoiceFilter,
    InvoiceRenderer,
    LeaseRef,
    LedgerLineView,
    OrganizationProfile,
    PaymentFilter,
    PaymentMethodRecord,
)
from pmsaas.domain.financial.reports import TaxReturnRow, tax_return
from pmsaas.domain.financial.tax import calculate_line_taxes
from pmsaas.domain.financial.tds import TdsRequest, received_tds, require_india
from pmsaas.domain.financial.tds_record import TdsDeduction
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import EmailAttachment, EmailMessage, EmailSender

# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    description: str
    amount: Money
    charge_type: ChargeType = ChargeType.OTHER
    supply_type: str | None = None


@dataclass(frozen=True)
class InvoiceInput:
    lease_id: UUID
    issue_date: date
    due_date: date
    lines: list[LineInput]
    notes: str | None = None


@dataclass(frozen=True)
class PaymentInput:
    lease_id: UUID
    amount: Money
    method: PaymentMethod
    invoice_ids: tuple[UUID, ...] = ()
    reference: str | None = None
    notes: str | None = None
    card_number: str | None = None
    tds: TdsRequest | None = None  # India: TDS the tenant withheld (manual payments only)


# -- scoping ----------------------------------------------------------------------------------


async def _visible_tenants(uow: FinancialUnitOfWork, actor: Actor) -> frozenset[UUID] | None:
    """None = every tenant of the organization; a Tenant sees only its own records."""
    if not actor.is_tenant:
        return None
    ids: set[UUID] = set()
    if actor.tenant_profile_id is not None:
        ids.add(actor.tenant_profile_id)
    if actor.user_id is not None:
        ids |= await uow.lease_directory.tenant_ids_of_user(actor.org, actor.user_id)
    return frozenset(ids)


async def _lease_for(uow: FinancialUnitOfWork, actor: Actor, lease_id: UUID) -> LeaseRef:
    lease = await uow.lease_directory.get(actor.org, lease_id)
    visible = await _visible_tenants(uow, actor)
    if visible is not None and lease.tenant_id not in visible:
        raise NotFound("lease", lease_id)
    return lease


def _check_visible(visible: frozenset[UUID] | None, tenant_id: UUID, what: str, ident: UUID) -> None:
    if visible is not None and tenant_id not in visible:
        raise NotFound(what, ident)


# -- taxes on invoice lines --------------------------------------------------------------------

_DEFAULT_SUPPLY = {"residential": "residential_rent", "mixed_use": "residential_rent", "commercial": "commercial_rent"}


def line_with_taxes(profile: OrganizationProfile, lease: LeaseRef, line: LineInput, on: date) -> InvoiceLine:
    """The engine's tax lines for one invoice line, for the organization's country.

    Rent defaults to residential or commercial rent by the property's type. Deposits are not a
    supply and late fees are treated as damages (no tax): both carry no tax lines, as does a line
    of type ``other`` without a supply type.
    """
    supply = line.supply_type
    if supply is None and line.charge_type == ChargeType.RENT:
        supply = _DEFAULT_SUPPLY.get(lease.property_type, "residential_rent")
    if supply is None or line.charge_type in (ChargeType.DEPOSIT, ChargeType.LATE_FEE):
        return InvoiceLine(line.description, line.amount, line.charge_type, supply, ())
    result = calculate_line_taxes(
        country=profile.country,
        amount=line.amount,
        supply_type=supply,
        supply_date=on,
        province=lease.property_region if profile.country == "CA" else None,
        commercial_property=lease.property_type == "commercial",
        supplier_state=profile.province,
        property_state=lease.property_region if profile.country == "IN" else None,
        supplier_registered=profile.gst_registered,
        recipient_gstin=lease.tenant_gstin,
        recipient_registered=bool(lease.tenant_gstin),
        recipient_personal_residence=False,
    )
    taxes = tuple(InvoiceTax(t.tax, t.rate, t.amount, t.payable_by, t.jurisdiction) for t in result.lines)
    return InvoiceLine(line.description, line.amount, line.charge_type, supply, taxes)


def _check_lines(profile: OrganizationProfile, lease: LeaseRef, data: InvoiceInput) -> None:
    problems: list[FieldProblem] = []
    if not data.lines:
        problems.append(FieldProblem("lines", "an invoice needs at least one line"))
    for i, line in enumerate(data.lines):
        if line.amount.currency != profile.currency:
            problems.append(FieldProblem(f"lines.{i}.amount.currency", f"must be {profile.currency}"))
        if not line.amount.is_positive:
            problems.append(FieldProblem(f"lines.{i}.amount.amount", "must be positive"))
        if not line.description.strip():
            problems.append(FieldProblem(f"lines.{i}.description", "must not be blank"))
    if data.due_date < data.issue_date:
        problems.append(FieldProblem("due_date", "must not be before issue_date"))
    if lease.currency != profile.currency and not problems:
        problems.append(FieldProblem("lease_id", f"the lease is in {lease.currency}, not {profile.currency}"))
    if problems:
        raise ValidationFailed(problems)


async def _build_lines(
    uow: FinancialUnitOfWork, actor: Actor, data: InvoiceInput
) -> tuple[OrganizationProfile, LeaseRef, list[InvoiceLine]]:
    profile = await uow.organization_profiles.get(actor.org)
    lease = await uow.lease_directory.get(actor.org, data.lease_id)
    _check_lines(profile, lease, data)
    lines = [line_with_taxes(profile, lease, line, data.issue_date) for line in data.lines]
    return profile, lease, lines


async def _invoice_number(uow: FinancialUnitOfWork, profile: OrganizationProfile, on: date) -> str:
    fy = fiscal_year(profile.country, on)
    seq = await uow.sequences.next(profile.id, "invoice", fy)
    return format_number(profile.invoice_number_format, fy=fy, seq=seq)


# -- invoices ---------------------------------------------------------------------------------


async def create_invoice(
    *, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, data: InvoiceInput, issue: bool = False
) -> Invoice:
    now = clock.now()
    async with uow:
        profile, lease, lines = await _build_lines(uow, actor, data)
        invoice = Invoice(
            organization_id=actor.org,
            lease_id=lease.id,
            tenant_id=lease.tenant_id,
            currency=profile.currency,
            issue_date=data.issue_date,
            due_date=data.due_date,
            lines=lines,
            notes=data.notes,
            created_at=now,
            updated_at=now,
        )
        if issue:
            entry = invoice.issue(
                number=await _invoice_number(uow, profile, invoice.issue_date),
                at=now,
                round_off=profile.invoice_round_off,
            )
            applied = await _take_credit(uow, invoice, now)
            await uow.invoices.add(invoice)
            await uow.ledger.post(entry)
            await uow.payments.apply_credits(invoice.organization_id, applied, now)
        else:
            await uow.invoices.add(invoice)
        uow.record(invoice.event("invoice.created", now))
        if invoice.status == InvoiceStatus.PAID:
            uow.record(invoice.event("invoice.paid", now))
        await uow.commit()
    return invoice


async def update_invoice(
    *, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, invoice_id: UUID, data: InvoiceInput
) -> Invoice:
    now = clock.now()
    async with uow:
        current = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        current.require_draft("edit")
        _, lease, lines = await _build_lines(uow, actor, data)
        updated = replace(
            current,
            lease_id=lease.id,
            tenant_id=lease.tenant_id,
            issue_date=data.issue_date,
            due_date=data.due_date,
            lines=lines,
            notes=data.notes,
            updated_at=now,
            version=current.version + 1,
        )
        await uow.invoices.update(updated, expected_version=current.version)
        uow.record(updated.event("invoice.updated", now))
        await uow.commit()
    return updated


async def delete_invoice(*, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, invoice_id: UUID) -> None:
    now = clock.now()
    async with uow:
        current = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        current.require_draft("delete")
        await uow.invoices.delete(actor.org, invoice_id)
        uow.record(current.event("invoice.deleted", now))
        await uow.commit()


async def issue_invoice(*, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, invoice_id: UUID) -> Invoice:
    now = clock.now()
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        await _issue(uow, invoice, actor.org, now)
        await uow.commit()
    return invoice


async def _issue(uow: FinancialUnitOfWork, invoice: Invoice, org: UUID, now) -> None:  # type: ignore[no-untyped-def]
    invoice.require_draft("issue")
    profile = await uow.organization_profiles.get(org)
    version = invoice.version
    entry = invoice.issue(
        number=await _invoice_number(uow, profile, invoice.issue_date),
        at=now,
        round_off=profile.invoice_round_off,
    )
    applied = await _take_credit(uow, invoice, now)
    invoice.version += 1
    await uow.invoices.update(invoice, expected_version=version)
    await uow.ledger.post(entry)
    await uow.payments.apply_credits(org, applied, now)
    uow.record(invoice.event("invoice.issued", now))
    if invoice.status == InvoiceStatus.PAID:
        uow.record(invoice.event("invoice.paid", now))


async def _take_credit(uow: FinancialUnitOfWork, invoice: Invoice, now) -> list[CreditApplication]:  # type: ignore[no-untyped-def]
    """The lease's tenant credit (unallocated payments, oldest first) applied to a just-issued
    invoice, in the issuing transaction. No journal entry: the credit already sits on the tenant's
    receivable. The payments are locked after the invoice counter (as the billing run does)."""
    credits = await uow.payments.credits(invoice.organization_id, invoice.lease_id)
    return apply_credits(invoice, credits.get(invoice.lease_id, []), now)


async def send_invoice(
    *,
    uow: FinancialUnitOfWork,
    clock: Clock,
    actor: Actor,
    invoice_id: UUID,
    mailer: EmailSender,
    renderer: InvoiceRenderer,
) -> Invoice:
    """Issues a draft and marks it sent in one transaction, then e-mails it with its PDF.

    The e-mail leaves after the commit: a rolled-back send never mails anything. A mail failure
    after the commit leaves the invoice sent; sending again re-mails it (no new number, no posting).
    """
    now = clock.now()
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        lease = await uow.lease_directory.get(actor.org, invoice.lease_id)
        profile = await uow.organization_profiles.get(actor.org)
        if not lease.tenant_email:
            raise ValidationFailed.single("tenant.email", "the tenant has no e-mail address")
        if invoice.status == InvoiceStatus.DRAFT:
            await _issue(uow, invoice, actor.org, now)
        version = invoice.version
        invoice.mark_sent(now)
        invoice.version += 1
        await uow.invoices.update(invoice, expected_version=version)
        uow.record(invoice.event("invoice.sent", now))
        await uow.commit()
    pdf = renderer.render(invoice, profile=profile, lease=lease)
    assert lease.tenant_email is not None
    await mailer.send(
        EmailMessage(
            to=lease.tenant_email,
            subject=f"Invoice {invoice.number}",
            body=(
                f"Dear {lease.tenant_name or 'tenant'},\n\nplease find attached invoice {invoice.number} "
                f"for {invoice.total} {invoice.currency}, due {invoice.due_date.isoformat()}.\n"
            ),
            attachments=(EmailAttachment(f"{invoice.number.replace('/', '-')}.pdf", "application/pdf", pdf),),
        )
    )
    return invoice


async def cancel_invoice(*, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, invoice_id: UUID) -> Invoice:
    now = clock.now()
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        version = invoice.version
        if invoice.cancel(now):
            original = await uow.ledger.entry_for(actor.org, "invoice", invoice.id)
            await uow.ledger.post(original.reversal(at=now, on=now.date(), source_type="invoice_cancel"))
        invoice.version += 1
        await uow.invoices.update(invoice, expected_version=version)
        uow.record(invoice.event("invoice.cancelled", now))
        await uow.commit()
    return invoice


async def get_invoice(*, uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID) -> Invoice:
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id)
        _check_visible(await _visible_tenants(uow, actor), invoice.tenant_id, "invoice", invoice_id)
        return invoice


async def list_invoices(
    *, uow: FinancialUnitOfWork, actor: Actor, filters: InvoiceFilter, page: PageRequest
) -> Page[Invoice]:
    async with uow:
        visible = await _visible_tenants(uow, actor)
        return await uow.invoices.list(actor.org, replace(filters, tenant_ids=visible), page)


async def organization_profile(*, uow: FinancialUnitOfWork, actor: Actor) -> OrganizationProfile:
    async with uow:
        return await uow.organization_profiles.get(actor.org)


async def invoice_payments(*, uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID) -> list[Payment]:
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id)
        _check_visible(await _visible_tenants(uow, actor), invoice.tenant_id, "invoice", invoice_id)
        page = await uow.payments.list(
            actor.org, PaymentFilter(invoice_id=invoice_id), PageRequest(page=1, page_size=100)
        )
        return page.items


# -- ledger views -----------------------------------------------------------------------------


async def trial_balance(*, uow: FinancialUnitOfWork, actor: Actor) -> tuple[str, list[L.TrialBalanceRow]]:
    async with uow:
        profile = await uow.organization_profiles.get(actor.org)
        return profile.currency, await uow.ledger.trial_balance(actor.org, profile.currency)


@dataclass(frozen=True)
class LeaseLedger:
    lease: LeaseRef
    lines: list[LedgerLineView]
    balance: Money  # > 0 the tenant owes; < 0 the tenant has credit


async def lease_ledger(*, uow: FinancialUnitOfWork, actor: Actor, lease_id: UUID) -> LeaseLedger:
    async with uow:
        lease = await _lease_for(uow, actor, lease_id)
        lines = await uow.ledger.lease_ledger(actor.org, lease_id, lease.currency)
    balance = Money.zero(lease.currency)
    for line in lines:
        balance = balance + line.amount
    return LeaseLedger(lease, lines, balance)


# -- payments ---------------------------------------------------------------------------------


async def _settle(uow: FinancialUnitOfWork, payment: Payment, now) -> None:  # type: ignore[no-untyped-def]
    """Receipt number, ledger entry, allocation to invoices, events: in the caller's transaction."""
    profile = await uow.organization_profiles.get(payment.organization_id)
    fy = fiscal_year(profile.country, now.date())
    seq = await uow.sequences.next(payment.organization_id, "receipt", fy)
    entry = payment.succeed(receipt_number=format_number(profile.receipt_number_format, fy=fy, seq=seq), at=now)
    await uow.ledger.post(entry)
    open_invoices = await uow.invoices.open_for_lease(payment.organization_id, payment.lease_id)
    allocations, _credit = allocate(payment.gross, _allocation_order(open_invoices, payment.invoice_ids))
    by_id = {i.id: i for i in open_invoices}
    for a in allocations:
        invoice = by_id[a.invoice_id]
        version = invoice.version
        invoice.apply_payment(a.amount, now)
        invoice.version += 1
        await uow.invoices.update(invoice, expected_version=version)
        if invoice.status == InvoiceStatus.PAID:
            uow.record(invoice.event("invoice.paid", now))
    payment.allocations = allocations
    uow.record(payment.event("payment.received", now))


def _allocation_order(open_invoices: list[Invoice], named_ids: tuple[UUID, ...]) -> list[Invoice]:
    """The named invoices in the order given, then the other open ones (oldest due first)."""
    named = [i for i in open_invoices if i.id in named_ids]
    named.sort(key=lambda i: named_ids.index(i.id))
    return named + [i for i in open_invoices if i.id not in named_ids]


async def _received_tds(uow: FinancialUnitOfWork, lease: LeaseRef, data: PaymentInput, now) -> TdsDeduction:  # type: ignore[no-untyped-def]
    """The TDS block of a manual payment, checked and (when no amount is declared) computed."""
    assert data.tds is not None
    if data.method not in MANUAL_METHODS:
        raise ValidationFailed.single(
            "tds", "TDS is recorded on manual payments only: a card charge is the cash paid, record the TDS separately"
        )
    profile = await uow.organization_profiles.get(lease.organization_id)
    require_india(profile.currency)
    if not lease.tds_applicable:
        raise ValidationFailed.single("tds", "the lease is not tds_applicable: the tenant does not deduct TDS on it")
    open_invoices = await uow.invoices.open_for_lease(lease.organization_id, lease.id)
    return received_tds(
        data.tds,
        cash=data.amount,
        invoices=_allocation_order(open_invoices, data.invoice_ids),
        on=now.date(),
        landlord_pan=profile.pan_number,
        tenant_pan=lease.tenant_pan,
        tenant_name=lease.tenant_name,
    )


async def _check_named_invoices(uow: FinancialUnitOfWork, actor: Actor, data: PaymentInput) -> None:
    problems: list[FieldProblem] = []
    for i, invoice_id in enumerate(data.invoice_ids):
        try:
            invoice = await uow.invoices.get(actor.org, invoice_id)
        except NotFound:
            problems.append(FieldProblem(f"invoice_ids.{i}", "unknown invoice"))
            continue
        if invoice.lease_id != data.lease_id:
            problems.append(FieldProblem(f"invoice_ids.{i}", "belongs to another lease"))
        elif invoice.status not in OPEN:
            raise Conflict(f"invoice {invoice.number or invoice.id} is {invoice.status.value}: it cannot be paid")
    if problems:
        raise ValidationFailed(problems)


async def create_payment(
    *,
    uow: FinancialUnitOfWork,
    clock: Clock,
    actor: Actor,
    gateway: PaymentGateway,
    data: PaymentInput,
    idempotency_key: str,
    fingerprint: str,
) -> tuple[Payment, bool]:
    """Record (manual) or charge (card) a payment exactly once per idempotency key.

    Returns ``(payment, replayed)``. The same key with the same request returns the first payment;
    with another request it is refused. The unique (organization, key) constraint makes the
    guarantee hold under concurrency too: the loser of a race rolls back and reads the winner.
    """
    now = clock.now()
    async with uow:
        existing = await uow.payments.by_idempotency_key(actor.org, idempotency_key)
        if existing is not None:
            # Keys are per organization: another tenant's key never reveals that tenant's payment.
            _check_visible(await _visible_tenants(uow, actor), existing.tenant_id, "payment", existing.id)
            return _replay(existing, fingerprint), True
        lease = await _lease_for(uow, actor, data.lease_id)
        if data.method in MANUAL_METHODS and not actor.can("financial:create"):
            raise PermissionDenied("only managers record manual payments")
        if data.amount.currency != lease.currency:
            raise ValidationFailed.single("amount.currency", f"must be {lease.currency}")
        if not data.amount.is_positive:
            raise ValidationFailed.single("amount.amount", "must be positive")
        if data.method == PaymentMethod.CARD and not data.card_number:
            raise ValidationFailed.single("card_number", "required for a card payment")
        await _check_named_invoices(uow, actor, data)
        tds = await _received_tds(uow, lease, data, now) if data.tds is not None else None
        payment = Payment(
            organization_id=actor.org,
            lease_id=lease.id,
            tenant_id=lease.tenant_id,
            amount=data.amount,
            method=data.method,
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint,
            reference=data.reference,
            notes=data.notes,
            invoice_ids=data.invoice_ids,
            tds=tds,
            created_at=now,
            updated_at=now,
        )
        outcome = None
        if data.method == PaymentMethod.CARD:
            assert data.card_number is not None
            outcome = await gateway.charge(
                amount=data.amount, card_number=data.card_number, idempotency_key=f"{actor.org}:{idempotency_key}"
            )
            payment.gateway = gateway.name
            payment.gateway_payment_id = outcome.gateway_payment_id
        if not await uow.payments.add(payment):
            await uow.rollback()
            raise _Raced()
        if payment.tds is not None:
            await uow.tds.save(actor.org, "payment", payment.id, payment.tds)
        await _apply_outcome(uow, payment, outcome, now)
        await uow.payments.update(payment, expected_version=payment.version)
        await uow.commit()
    return payment, False


class _Raced(Exception):
    """Another request with the same idempotency key committed first."""


async def create_payment_once(**kw) -> tuple[Payment, bool]:  # type: ignore[no-untyped-def]
    """:func:`create_payment`, reading the winner when a concurrent twin took the key first."""
    try:
        return await create_payment(**kw)
    except _Raced:
        uow, actor = kw["uow"], kw["actor"]
        async with uow:
            existing = await uow.payments.by_idempotency_key(actor.org, kw["idempotency_key"])
            assert existing is not None
            _check_visible(await _visible_tenants(uow, actor), existing.tenant_id, "payment", existing.id)
        return _replay(existing, kw["fingerprint"]), True


def _replay(existing: Payment, fingerprint: str) -> Payment:
    if existing.request_fingerprint != fingerprint:
        raise ValidationFailed.single("Idempotency-Key", "was already used with a different request body")
    return existing


async def _apply_outcome(uow: FinancialUnitOfWork, payment: Payment, outcome: GatewayOutcome | None, now) -> None:  # type: ignore[no-untyped-def]
    if outcome is None or outcome.status == "succeeded":
        await _settle(uow, payment, now)
    elif outcome.status == "failed":
        payment.fail(outcome.failure_reason or "declined", now)
        uow.record(payment.event("payment.failed", now))
    # "pending": the gateway's webhook settles it later.


async def settle_from_gateway(
    *,
    uow: FinancialUnitOfWork,
    clock: Clock,
    gateway: str,
    event_id: str,
    gateway_payment_id: str,
    succeeded: bool,
    reason: str | None,
) -> Payment | None:
    """A verified gateway callback: settles or fails a pending payment exactly once.

    The event id is recorded in the same transaction as the settlement: a replayed event, or a
    late callback for a payment that is no longer pending, changes nothing.
    """
    now = clock.now()
    async with uow:
        if not await uow.payments.record_gateway_event(gateway, event_id, now):
            return await uow.payments.by_gateway_id(gateway, gateway_payment_id)
        payment = await uow.payments.by_gateway_id(gateway, gateway_payment_id)
        if payment is None:
            await uow.commit()  # remember the event id: an unknown payment stays unknown
            return None
        if payment.status != PaymentStatus.PENDING:
            await uow.commit()
            return payment
        version = payment.version
        await _apply_outcome(
            uow,
            payment,
            GatewayOutcome("succeeded" if succeeded else "failed", gateway_payment_id, reason),
            now,
        )
        payment.version += 1
        await uow.payments.update(payment, expected_version=version)
        await uow.commit()
    return payment


KEEP = object()  # update_payment: leave the TDS certificate number as it is


async def update_payment(
    *,
    uow: FinancialUnitOfWork,
    clock: Clock,
    actor: Actor,
    payment_id: UUID,
    reference: str | None,
    notes: str | None,
    tds_certificate_number: str | object | None = KEEP,
) -> Payment:
    """Only the descriptive fields change (and the TDS certificate number, known later); money
    moves through refunds."""
    now = clock.now()
    async with uow:
        payment = await uow.payments.get(actor.org, payment_id, for_update=True)
        version = payment.version
        if tds_certificate_number is not KEEP:
            if payment.tds is None:
                raise ValidationFailed.single("tds_certificate_number", "the payment has no TDS")
            payment.tds.certificate_number = tds_certificate_number  # type: ignore[assignment]
            await uow.tds.save(actor.org, "payment", payment.id, payment.tds)
        payment.reference, payment.notes, payment.updated_at = reference, notes, now
        payment.version += 1
        await uow.payments.update(payment, expected_version=version)
        await uow.commit()
    return payment


async def get_payment(*, uow: FinancialUnitOfWork, actor: Actor, payment_id: UUID) -> Payment:
    async with uow:
        payment = await uow.payments.get(actor.org, payment_id)
        _check_visible(await _visible_tenants(uow, actor), payment.tenant_id, "payment", payment_id)
        return payment


async def list_payments(
    *, uow: FinancialUnitOfWork, actor: Actor, filters: PaymentFilter, page: PageRequest
) -> Page[Payment]:
    async with uow:
        visible = await _visible_tenants(uow, actor)
        return await uow.payments.list(actor.org, replace(filters, tenant_ids=visible), page)


async def refund_payment(
    *,
    uow: FinancialUnitOfWork,
    clock: Clock,
    actor: Actor,
    payment_id: UUID,
    amount: Money,
    reason: str | None,
    idempotency_key: str,
    fingerprint: str,
    gateway: PaymentGateway | None = None,
) -> tuple[Payment, Refund, bool]:
    """Refund at most what is left of a payment, exactly once per idempotency key.

    The refund takes the payment's unallocated credit first, then releases its allocations from the
    most recent invoice backwards (those invoices are open again).
    """
    now = clock.now()
    async with uow:
        prior = await uow.payments.refund_by_key(actor.org, idempotency_key)
        if prior is not None:
            if prior.request_fingerprint != fingerprint or prior.payment_id != payment_id:
                raise ValidationFailed.single("Idempotency-Key", "was already used with a different request body")
            return await uow.payments.get(actor.org, payment_id), prior, True
        payment = await uow.payments.get(actor.org, payment_id, for_update=True)
        version = payment.version
        refund = Refund(
            organization_id=actor.org,
            payment_id=payment.id,
            amount=amount,
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint,
            reason=reason,
            created_at=now,
        )
        entry = payment.refund(amount, refund_id=refund.id, at=now)
        # After the refund figure moved, a negative unallocated amount is what must be released.
        to_release = -payment.unallocated if payment.unallocated.is_negative else Money.zero(amount.currency)
        kept = list(payment.allocations)
        while to_release.is_positive and kept:
            last = kept.pop()
            take = last.amount if last.amount <= to_release else to_release
            invoice = await uow.invoices.get(actor.org, last.invoice_id, for_update=True)
            inv_version = invoice.version
            invoice.unapply_payment(take, now)
            invoice.version += 1
            await uow.invoices.update(invoice, expected_version=inv_version)
            if take != last.amount:
                kept.append(replace(last, amount=last.amount - take))
            to_release = to_release - take
        payment.allocations = kept
        if not await uow.payments.add_refund(refund):
            raise Conflict("a refund with this idempotency key is being processed")
        await uow.ledger.post(entry)
        payment.version += 1
        await uow.payments.update(payment, expected_version=version)
        uow.record(payment.event("payment.refunded", now))
        if payment.gateway is not None:
            # Last step before the commit: if the gateway refuses or is down, nothing is recorded.
            # Its idempotency key makes a retry after a lost answer safe.
            if gateway is None or gateway.name != payment.gateway:
                raise Conflict(f"refunds of {payment.gateway} payments need the {payment.gateway} gateway")
            assert payment.gateway_payment_id is not None
            await gateway.refund(
                gateway_payment_id=payment.gateway_payment_id,
                amount=amount,
                idempotency_key=f"{actor.org}:refund:{idempotency_key}",
            )
        await uow.commit()
    return payment, refund, False


# -- payment methods --------------------------------------------------------------------------


async def add_payment_method(
    *, uow: FinancialUnitOfWork, actor: Actor, record: PaymentMethodRecord
) -> PaymentMethodRecord:
    async with uow:
        record.organization_id = actor.org
        await uow.payment_methods.add(record)
        await uow.commit()
    return record


async def list_payment_methods(*, uow: FinancialUnitOfWork, actor: Actor) -> list[PaymentMethodRecord]:
    async with uow:
        return await uow.payment_methods.list(actor.org)


# -- reports ----------------------------------------------------------------------------------


async def gst_returns(*, uow: FinancialUnitOfWork, actor: Actor, months: list[str]) -> list[TaxReturnRow]:
    """Tax-return figures per month (``months`` are consecutive ``YYYY-MM``)."""
    import calendar

    first_year, first_month = (int(x) for x in months[0].split("-"))
    last_year, last_month = (int(x) for x in months[-1].split("-"))
    start = date(first_year, first_month, 1)
    end = date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    async with uow:
        profile = await uow.organization_profiles.get(actor.org)
        invoices = await uow.invoices.issued_between(actor.org, start, end)
    return tax_return(invoices, months, profile.currency)
