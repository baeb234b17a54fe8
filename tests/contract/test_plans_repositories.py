"""One suite for the subscription, subscription-invoice, plan-usage and domain repositories (and
identity's view of verified domains), over the fakes, SQL on SQLite and SQL on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.identity.model import Invitation
from pmsaas.domain.organizations.email_domains import DomainStatus, OrganizationDomain
from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import InvoiceStatus, Subscription, SubscriptionInvoice
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest
from pmsaas.domain.shared.plan_limits import PlanLimitReached, Quota

# The standard plan at 5 seats and 10 properties: the rules are what is tested, not the catalogue.
pytestmark = pytest.mark.usefixtures("small_standard_plan")


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


async def _org(make_uow):
    org = b.organization()
    async with make_uow() as uow:
        await uow.organizations.add(org)
        await uow.commit()
    return org


async def test_a_subscription_is_inserted_then_updated_under_its_version(make_uow):
    org = await _org(make_uow)
    sub = Subscription.starting(org.id, Plan.PREMIUM, b.T0)
    async with make_uow() as uow:
        assert await uow.subscriptions.find(org.id) is None
        await uow.subscriptions.save(sub, 0)
        assert sub.version == 1
        with pytest.raises(Conflict):
            await uow.subscriptions.save(Subscription.starting(org.id, Plan.STANDARD, b.T0), 0)
        await uow.commit()
    async with make_uow() as uow:
        got = await uow.subscriptions.find(org.id)
        assert got is not None and b.same(got, sub)
        got.scheduled_plan, got.updated_at = Plan.STANDARD, b.at(5)
        await uow.subscriptions.save(got, 1)
        with pytest.raises(Conflict):
            await uow.subscriptions.save(got, 1)  # stale
        await uow.commit()
    async with make_uow() as uow:
        again = await uow.subscriptions.find(org.id)
        assert again is not None and again.version == 2 and again.scheduled_plan == Plan.STANDARD
        due = await uow.subscriptions.due(sub.current_period_end, 1000)
        assert org.id in {s.organization_id for s in due}
        early = await uow.subscriptions.due(sub.current_period_end - timedelta(seconds=1), 1000)
        assert org.id not in {s.organization_id for s in early}


async def test_invoices_are_numbered_and_listed_per_organization(make_uow):
    org, other = await _org(make_uow), await _org(make_uow)
    invoice = SubscriptionInvoice(
        organization_id=org.id,
        number="SUB-2030-000001",
        plan=Plan.PREMIUM,
        period_start=b.T0,
        period_end=b.at(3600),
        amount=Money(Decimal("7999.00"), "INR"),
        status=InvoiceStatus.PAID,
        issued_at=b.T0,
        paid_at=b.T0,
        gateway="sandbox",
        gateway_payment_id="sbx_1",
    )
    async with make_uow() as uow:
        await uow.subscription_invoices.add(invoice)
        await uow.commit()
    async with make_uow() as uow:
        assert await uow.subscription_invoices.count_in_year(org.id, 2030) == 1
        assert await uow.subscription_invoices.count_in_year(org.id, 2031) == 0
        assert await uow.subscription_invoices.count_in_year(other.id, 2030) == 0
        page = await uow.subscription_invoices.list(org.id, PageRequest(sort_by="issued_at"))
        assert page.total == 1 and b.same(page.items[0], invoice)
        assert (await uow.subscription_invoices.list(other.id, PageRequest(sort_by="issued_at"))).total == 0


async def test_usage_counts_seats_and_live_properties(make_uow):
    org = await _org(make_uow)
    owner, tenant = b.user(), b.user()
    async with make_uow() as uow:
        for u in (owner, tenant):
            await uow.users.add(u)
        await uow.memberships.add(b.membership(org.id, owner.id, "OrganizationOwner"))
        await uow.memberships.add(b.membership(org.id, tenant.id, "Tenant"))
        await uow.commit()
    async with make_uow() as uow:
        await uow.plan_usage.lock(org.id)
        assert await uow.plan_usage.seats(org.id, b.T0) == 1  # the tenant takes none
        assert await uow.plan_usage.properties(org.id) == 0


async def test_a_domain_is_held_verified_by_one_organization(make_uow):
    org, other = await _org(make_uow), await _org(make_uow)
    name = f"acme-{new_id().hex[:8]}.example"
    mine, theirs = OrganizationDomain.claim(org.id, name, b.T0), OrganizationDomain.claim(other.id, name, b.T0)
    async with make_uow() as uow:
        await uow.domains.add(mine)
        await uow.domains.add(theirs)
        with pytest.raises(Conflict):
            await uow.domains.add(OrganizationDomain.claim(org.id, name, b.T0))
        await uow.commit()
    async with make_uow() as uow:
        assert not await uow.verified_email_domains.is_verified(name)
        with pytest.raises(NotFound):
            await uow.domains.get(other.id, mine.id)  # another organization's id
        mine.status, mine.verified_at = DomainStatus.VERIFIED, b.at(1)
        await uow.domains.mark_verified(mine)
        await uow.commit()
    async with make_uow() as uow:
        assert b.same(await uow.domains.get(org.id, mine.id), mine)
        assert await uow.domains.verified_elsewhere(other.id, name)
        assert not await uow.domains.verified_elsewhere(org.id, name)
        assert await uow.verified_email_domains.is_verified(name)
        theirs.status, theirs.verified_at = DomainStatus.VERIFIED, b.at(2)
        with pytest.raises(Conflict):
            await uow.domains.mark_verified(theirs)
    async with make_uow() as uow:
        page = await uow.domains.list(org.id, PageRequest(sort_by="created_at"))
        assert [d.id for d in page.items] == [mine.id]
        await uow.domains.delete(other.id, mine.id)  # another organization's: nothing happens
        await uow.domains.delete(org.id, mine.id)
        await uow.commit()
    async with make_uow() as uow:
        assert not await uow.verified_email_domains.is_verified(name)
        assert (await uow.domains.list(org.id, PageRequest(sort_by="created_at"))).total == 0


async def test_the_plan_allowance_counts_what_the_plan_limits(make_uow):
    """Seats (members with a working role, plus pending invitations with one), properties; over the
    organization's plan: PlanLimitReached, the same on every adapter."""
    org = await _org(make_uow)  # standard: 5 seats, 10 properties
    async with make_uow() as uow:
        for n in range(5):
            person = b.user()
            await uow.users.add(person)
            await uow.memberships.add(b.membership(org.id, person.id, "Tenant" if n == 0 else "PropertyManager"))
        invitee = b.user()
        await uow.users.add(invitee)
        await uow.invitations.add(
            Invitation(
                org.id, invitee.id, frozenset({"Accountant"}), new_id().hex * 2, created_at=b.T0, expires_at=b.at(60)
            )
        )
        for n in range(10):
            await uow.properties.add(b.prop(org.id, name=f"Block {n}"))
        await uow.commit()
    async with make_uow() as uow:
        with pytest.raises(PlanLimitReached):  # four managers and the pending invitation: five
            await uow.plan_allowance.admit(org.id, Quota.SEATS, adding=1, now=b.T0)
        # The invitation has expired by then: four seats taken, one more fits.
        await uow.plan_allowance.admit(org.id, Quota.SEATS, adding=1, now=b.at(120))
        with pytest.raises(PlanLimitReached, match="allows 10 properties"):
            await uow.plan_allowance.admit(org.id, Quota.PROPERTIES, adding=1, now=b.T0)
        await uow.plan_allowance.admit(org.id, Quota.STORAGE, adding=10 * 1000**3, now=b.T0)
        with pytest.raises(PlanLimitReached):
            await uow.plan_allowance.admit(org.id, Quota.STORAGE, adding=10 * 1000**3 + 1, now=b.T0)


async def test_renewals_due_are_paid_plans_past_their_period_with_nothing_scheduled(make_uow):
    paid, leaving, free = await _org(make_uow), await _org(make_uow), await _org(make_uow)
    async with make_uow() as uow:
        await uow.subscriptions.save(Subscription.starting(paid.id, Plan.PREMIUM, b.T0), 0)
        scheduled = Subscription.starting(leaving.id, Plan.ENTERPRISE, b.T0)
        scheduled.scheduled_plan = Plan.PREMIUM
        await uow.subscriptions.save(scheduled, 0)
        await uow.subscriptions.save(Subscription.starting(free.id, Plan.STANDARD, b.T0), 0)
        kept = Subscription.starting(paid.id, Plan.PREMIUM, b.T0)
        await uow.commit()
    end = kept.current_period_end
    async with make_uow() as uow:
        due = {s.organization_id for s in await uow.subscriptions.renewals_due(end, 1000)}
        assert paid.id in due and leaving.id not in due and free.id not in due
        early = await uow.subscriptions.renewals_due(end - timedelta(seconds=1), 1000)
        assert paid.id not in {s.organization_id for s in early}
