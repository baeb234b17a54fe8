"""Payment use cases: record or charge a payment exactly once, settle it from the gateway's
callback, refund it; the organization's payment methods.

Each use case is one transaction on the unit of work it is given: the payment, its journal entry,
the invoices it pays, the number counters and the outbox events commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from enum import Enum
from typing import Any, Final
from uuid import UUID

from pmsaas.domain.financial.ledger import JournalEntry
from pmsaas.domain.financial.model import (
    OPEN,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    allocate,
)
from pmsaas.domain.financial.numbering import fiscal_year, format_number
from pmsaas.domain.financial.payment_input import PaymentInput as PaymentInput  # the use case's input, re-exported
from pmsaas.domain.financial.payment_input import check_collection, collection_request
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.ports import (
    FinancialUnitOfWork,
    GatewayOutcome,
    LeaseRef,
    OrganizationProfile,
    PaymentFilter,
    PaymentGateway,
    PaymentMethodRecord,
    PaymentOpening,
    Settlement,
)
from pmsaas.domain.financial.scoping import check_visible, visible_lease, visible_tenants
from pmsaas.domain.financial.tds import received_tds, require_india
from pmsaas.domain.financial.tds_record import TdsDeduction
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.idempotency import IdempotencyKeyReused, gateway_key, principal_scope
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

# -- payments ---------------------------------------------------------------------------------


async def _settle(
    uow: FinancialUnitOfWork,
    payment: Payment,
    now: datetime,
    expected_version: int | None,
    opening: PaymentOpening | None = None,
) -> bool:
    """Allocation to invoices, receipt number, ledger entry, events: in the caller's transaction.
    Writes the payment row too: it must still be at ``expected_version``, or (None) is inserted
    here; False when its idempotency key is taken meanwhile (the caller rolls back).

    The receipt number is taken last. Its counter row is one per organization and fiscal year, so
    every payment of the organization queues on that row's lock until the holder commits: the
    lock is held only for what needs the number (the entry naming it, the payment row, the event)
    and the commit, never for the reads and the invoice updates before it (``PaymentPosting``).
    ``opening``: the profile and the locked open invoices, when the use case read them already.
    """
    org = payment.organization_id
    profile = opening.profile if opening is not None else await uow.organization_profiles.get(org)
    today = local_today(profile.time_zone, now)  # the organization's day: the receipt's year and date
    fy = fiscal_year(profile.country, today)
    if opening is not None and opening.open_invoices is not None:
        open_invoices = opening.open_invoices
    else:
        open_invoices = await uow.invoices.open_for_lease(org, payment.lease_id)
    # Dated the day the money was received (the receipt's day): GSTR-1 table 11 reads the dates.
    day = payment.received_on or today
    allocations, _credit = allocate(payment.gross, _allocation_order(open_invoices, payment.invoice_ids), day)
    by_id = {i.id: i for i in open_invoices}
    paid: list[tuple[Invoice, int]] = []
    for a in allocations:
        invoice = by_id[a.invoice_id]
        version = invoice.version
        invoice.apply_payment(a.amount, now)
        invoice.version += 1
        paid.append((invoice, version))
        if invoice.status == InvoiceStatus.PAID:
            uow.record(invoice.event("invoice.paid", now))
    payment.allocations = allocations

    def numbered(seq: int) -> JournalEntry:
        number = format_number(profile.receipt_numbering, fy=fy, seq=seq)
        entry = payment.succeed(receipt_number=number, at=now, today=today)
        uow.record(payment.event("payment.received", now))  # before the port writes the outbox
        return entry

    settlement = Settlement(payment, expected_version, paid, frozenset(payment.settlement_accounts), fy, now)
    return await uow.payment_posting.settle(settlement, numbered)


def _allocation_order(open_invoices: list[Invoice], named_ids: tuple[UUID, ...]) -> list[Invoice]:
    """The named invoices in the order given, then the other open ones (oldest due first)."""
    named = [i for i in open_invoices if i.id in named_ids]
    named.sort(key=lambda i: named_ids.index(i.id))
    return named + [i for i in open_invoices if i.id not in named_ids]


async def _received_tds(
    uow: FinancialUnitOfWork, lease: LeaseRef, opening: PaymentOpening, data: PaymentInput, now: datetime
) -> TdsDeduction:
    """The TDS block of a manual payment, checked and (when no amount is declared) computed."""
    assert data.tds is not None
    if not data.manual:
        raise ValidationFailed.single(
            "tds", "TDS is recorded on manual payments only: a card charge is the cash paid, record the TDS separately"
        )
    profile = opening.profile
    require_india(profile.currency)
    if not lease.tds_applicable:
        raise ValidationFailed.single("tds", "the lease is not tds_applicable: the tenant does not deduct TDS on it")
    open_invoices = opening.open_invoices
    if open_invoices is None:
        open_invoices = await uow.invoices.open_for_lease(lease.organization_id, lease.id)
    return received_tds(
        data.tds,
        cash=data.amount,
        invoices=_allocation_order(open_invoices, data.invoice_ids),
        on=data.received_on or local_today(profile.time_zone, now),
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
    """Record (manual) or charge (card) a payment exactly once per caller and idempotency key.

    Returns ``(payment, replayed)``. The same caller's key with the same request (``fingerprint``
    from ``domain/shared/idempotency.py``) returns the first payment; with another request it is
    refused (:class:`IdempotencyKeyReused`). Another caller's key is another key. The unique
    (organization, scope, key) constraint makes the guarantee hold under concurrency too: the loser
    of a race rolls back and reads the winner.
    """
    now = clock.now()
    scope = principal_scope(actor)
    async with uow:
        opening = await uow.payment_posting.open(actor.org, scope, idempotency_key, data.lease_id, invoices=data.manual)
        if opening.existing is not None:
            existing = opening.existing
            # The caller's own payment; its visibility is checked again (a tenant may have moved out).
            check_visible(await visible_tenants(uow, actor), existing.tenant_id, "payment", existing.id)
            return _replay(existing, fingerprint), True
        lease = await visible_lease(uow, actor, opening.lease, data.lease_id)
        if data.manual and not actor.can("financial:create"):
            raise PermissionDenied("only managers record manual payments")
        if data.amount.currency != lease.currency:
            raise ValidationFailed.single("amount.currency", f"must be {lease.currency}")
        if not data.amount.is_positive:
            raise ValidationFailed.single("amount.amount", "must be positive")
        if data.method == PaymentMethod.CARD and not data.card_number:
            raise ValidationFailed.single("card_number", "required for a card payment")
        check_collection(data)
        await _check_named_invoices(uow, actor, data)
        if data.received_on is not None:
            _check_received_on(opening.profile, data, now)
        tds = await _received_tds(uow, lease, opening, data, now) if data.tds is not None else None
        payment = Payment(
            organization_id=actor.org,
            lease_id=lease.id,
            tenant_id=lease.tenant_id,
            amount=data.amount,
            method=data.method,
            idempotency_scope=scope,
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint,
            reference=data.reference,
            notes=data.notes,
            invoice_ids=data.invoice_ids,
            tds=tds,
            received_on=data.received_on,
            created_at=now,
            updated_at=now,
        )
        outcome = None
        if data.method == PaymentMethod.CARD:
            assert data.card_number is not None
            outcome = await gateway.charge(
                amount=data.amount, card_number=data.card_number, idempotency_key=gateway_key(scope, idempotency_key)
            )
            payment.gateway = gateway.name
            payment.gateway_payment_id = outcome.gateway_payment_id
        elif data.collected:
            outcome = await gateway.collect(collection_request(data, lease, gateway_key(scope, idempotency_key)))
            payment.gateway, payment.gateway_payment_id = gateway.name, outcome.gateway_payment_id
            payment.next_action = outcome.next_action
        if outcome is None or outcome.status == "succeeded":  # settled now: the posting inserts it
            stored = await _settle(uow, payment, now, None, opening)
        else:
            stored = await uow.payments.add(payment)
        if not stored:
            await uow.rollback()
            raise _Raced()
        if payment.tds is not None:
            await uow.tds.save(actor.org, "payment", payment.id, payment.tds)
        if outcome is not None and outcome.status != "succeeded":
            await _apply_outcome(uow, payment, outcome, now, expected_version=payment.version)
            await uow.payments.update(payment, expected_version=payment.version)
        await uow.commit()
    return payment, False


EARLIEST_RECEIPT = date(1900, 1, 1)


def _check_received_on(profile: OrganizationProfile, data: PaymentInput, now: datetime) -> None:
    """A manual payment's day of receipt: not after the organization's today (its time zone), not
    before 1900. A card payment is received when the gateway charges it."""
    assert data.received_on is not None
    if not data.manual:
        raise ValidationFailed.single("received_on", "only manual payments (cash, cheque, transfer) take a date")
    today = local_today(profile.time_zone, now)
    if data.received_on > today:
        raise ValidationFailed.single("received_on", f"cannot be in the future (today is {today.isoformat()})")
    if data.received_on < EARLIEST_RECEIPT:
        raise ValidationFailed.single("received_on", "cannot be before 1900-01-01")


class _Raced(Exception):
    """Another request with the same idempotency key committed first."""


async def create_payment_once(**kw: Any) -> tuple[Payment, bool]:
    """:func:`create_payment`, reading the winner when a concurrent twin took the key first."""
    try:
        return await create_payment(**kw)
    except _Raced:
        uow, actor = kw["uow"], kw["actor"]
        async with uow:
            existing = await uow.payments.by_idempotency_key(actor.org, principal_scope(actor), kw["idempotency_key"])
            assert existing is not None
            check_visible(await visible_tenants(uow, actor), existing.tenant_id, "payment", existing.id)
        return _replay(existing, kw["fingerprint"]), True


def _replay(existing: Payment, fingerprint: str) -> Payment:
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return existing


async def _apply_outcome(
    uow: FinancialUnitOfWork,
    payment: Payment,
    outcome: GatewayOutcome | None,
    now: datetime,
    *,
    expected_version: int,
) -> bool:
    """True when the payment row was written (a settled payment is written with its entry)."""
    if outcome is None or outcome.status == "succeeded":
        await _settle(uow, payment, now, expected_version)
        return True
    if outcome.status == "failed":
        payment.fail(outcome.failure_reason or "declined", now)
        uow.record(payment.event("payment.failed", now))
    # "pending": the gateway's webhook settles it later.
    return False


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
        payment.version += 1
        outcome = GatewayOutcome("succeeded" if succeeded else "failed", gateway_payment_id, reason)
        if not await _apply_outcome(uow, payment, outcome, now, expected_version=version):
            await uow.payments.update(payment, expected_version=version)
        await uow.commit()
    return payment


class Keep(Enum):
    """update_payment: leave the TDS certificate number as it is (an enum, so the type narrows)."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


async def update_payment(
    *,
    uow: FinancialUnitOfWork,
    clock: Clock,
    actor: Actor,
    payment_id: UUID,
    reference: str | None,
    notes: str | None,
    tds_certificate_number: str | Keep | None = KEEP,
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
            payment.tds.certificate_number = tds_certificate_number
            await uow.tds.save(actor.org, "payment", payment.id, payment.tds)
        payment.reference, payment.notes, payment.updated_at = reference, notes, now
        payment.version += 1
        await uow.payments.update(payment, expected_version=version)
        await uow.commit()
    return payment


async def get_payment(*, uow: FinancialUnitOfWork, actor: Actor, payment_id: UUID) -> Payment:
    async with uow:
        payment = await uow.payments.get(actor.org, payment_id)
        check_visible(await visible_tenants(uow, actor), payment.tenant_id, "payment", payment_id)
        return payment


async def list_payments(
    *, uow: FinancialUnitOfWork, actor: Actor, filters: PaymentFilter, page: PageRequest
) -> Page[Payment]:
    async with uow:
        visible = await visible_tenants(uow, actor)
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
    deposit: bool = False,
    gateway_named: Callable[[str], PaymentGateway] | None = None,
) -> tuple[Payment, Refund, bool]:
    """Refund at most what is left of a payment, exactly once per caller and idempotency key (the
    same rule as :func:`create_payment`).

    The refund takes the payment's unallocated credit first, then releases its allocations from the
    most recent invoice backwards (those invoices are open again). A ``deposit`` refund pays back
    the security deposit held for the lease instead (at most that): ``Dr deposits_held / Cr cash``,
    and the invoices stay paid.

    A gateway payment is refunded through the gateway that took it: ``gateway`` when it is that one,
    else ``gateway_named(payment.gateway)`` (a UPI payment goes back through Razorpay while cards
    go through Stripe).
    """
    now = clock.now()
    scope = principal_scope(actor)
    async with uow:
        prior = await uow.payments.refund_by_key(actor.org, scope, idempotency_key)
        if prior is not None:
            if prior.request_fingerprint != fingerprint or prior.payment_id != payment_id:
                raise IdempotencyKeyReused()
            return await uow.payments.get(actor.org, payment_id), prior, True
        payment = await uow.payments.get(actor.org, payment_id, for_update=True)
        version = payment.version
        refund = Refund(
            organization_id=actor.org,
            payment_id=payment.id,
            amount=amount,
            idempotency_scope=scope,
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint,
            reason=reason,
            deposit=deposit,
            created_at=now,
            from_credit=_from_credit(payment, amount, deposit),
        )
        today = local_today((await uow.organization_profiles.get(actor.org)).time_zone, now)
        if deposit:
            held = await uow.ledger.deposit_held(actor.org, payment.lease_id, payment.amount.currency)
            entry = payment.refund_deposit(amount, held=held, refund_id=refund.id, at=now, today=today)
        else:
            entry = payment.refund(amount, refund_id=refund.id, at=now, today=today)
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
            if (gateway is None or gateway.name != payment.gateway) and gateway_named is not None:
                gateway = gateway_named(payment.gateway)
            if gateway is None or gateway.name != payment.gateway:
                raise Conflict(f"refunds of {payment.gateway} payments need the {payment.gateway} gateway")
            assert payment.gateway_payment_id is not None
            await gateway.refund(
                gateway_payment_id=payment.gateway_payment_id,
                amount=amount,
                idempotency_key=gateway_key(scope, idempotency_key, "refund"),
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


def _from_credit(payment: Payment, amount: Money, deposit: bool) -> Money:
    """What a refund takes from the payment's unallocated credit, before it releases allocations."""
    if deposit or not payment.unallocated.is_positive:
        return Money.zero(amount.currency)
    return amount if amount <= payment.unallocated else payment.unallocated
