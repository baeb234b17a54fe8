"""The fake unit of work: one transaction over a ``FakeDatabase``, as ``SqlUnitOfWork`` is one over a
connection. Writes go straight to the tables; leaving ``async with`` without a commit puts back the
snapshot taken on entry, so a use case that fails half-way leaves nothing behind. ``read_only()`` is the
read-only variant the list and get use cases ask for: no snapshot, every write refused."""

from __future__ import annotations

from typing import Any

from fakes.audit import FakeAuditLog
from fakes.billing import FakeBillingWriter
from fakes.community import FakeEventRepository, FakeListingRepository, FakeRegistrationRepository, FakeResidents
from fakes.compliance import FakeSalesTaxQueries, FakeSocietyQueries, FakeTenancyQueries, FakeUnitAccounts
from fakes.custom_roles import FakeCustomRoleRepository
from fakes.financial import (
    FakeBudgetRepository,
    FakeExpenseRepository,
    FakeLeaseDirectory,
    FakeNumberSequences,
    FakeOrganizationProfiles,
    FakePaymentMethodRepository,
)
from fakes.identity import (
    FakeApiKeyRepository,
    FakeInvitationRepository,
    FakeMembershipRepository,
    FakeOrganizationRegistry,
    FakeTokenRepository,
    FakeUserRepository,
)
from fakes.invoices import FakeCreditNoteRepository, FakeInvoiceList, FakeInvoiceRepository
from fakes.ledger import FakeLedgerRepository
from fakes.mfa import FakeMfaFactorRepository
from fakes.notifications import (
    FakeChannelRepository,
    FakeNotificationRepository,
    FakePreferenceRepository,
    FakeRecipientDirectory,
    FakeTemplateRepository,
    FakeWebhookMessageRepository,
    FakeWebhookRepository,
)
from fakes.oauth import (
    FakeAuthorizationCodeRepository,
    FakeOAuthClientRepository,
    FakeOAuthRefreshTokenRepository,
)
from fakes.operations import (
    FakeCategoryRepository,
    FakePeopleDirectory,
    FakePropertyDirectory,
    FakeTicketRepository,
    FakeVendorRepository,
    FakeWorkOrderRepository,
    TicketListThroughRepositories,
)
from fakes.organizations import FakeMembershipDirectory, FakeOrganizationRepository
from fakes.payments import FakePaymentRepository
from fakes.plans import (
    FakeDomainRepository,
    FakePlanAllowance,
    FakePlanUsage,
    FakeSubscriptionInvoiceRepository,
    FakeSubscriptionRepository,
    FakeVerifiedEmailDomains,
)
from fakes.properties import (
    FakeLeaseList,
    FakeLeaseRepository,
    FakeOrganizationFacts,
    FakePropertyList,
    FakePropertyRepository,
    FakeRecurringChargeRepository,
    FakeTenantAccounts,
    FakeTenantRepository,
    FakeUnitRepository,
)
from fakes.reports import FakeReportQueries
from fakes.store import FakeDatabase
from fakes.tds import FakeTdsRepository
from pmsaas.domain.compliance.ports import ComplianceUnitOfWork
from pmsaas.domain.financial.payment_posting import PostingThroughRepositories
from pmsaas.domain.financial.ports import FinancialUnitOfWork
from pmsaas.domain.flows.community_notices import CommunityNoticesUnitOfWork
from pmsaas.domain.flows.sign_up import SignUpUnitOfWork
from pmsaas.domain.flows.ticket_assignment import TicketAssignmentUnitOfWork
from pmsaas.domain.flows.work_order_costs import WorkOrderCostsUnitOfWork
from pmsaas.domain.identity.api_keys import ApiKeysUnitOfWork
from pmsaas.domain.identity.email_domains import EmailDomainsUnitOfWork
from pmsaas.domain.identity.oauth import OAuthUnitOfWork
from pmsaas.domain.identity.ports import IdentityUnitOfWork
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork
from pmsaas.domain.organizations.ports import PlansUnitOfWork
from pmsaas.domain.properties.ports import PropertiesUnitOfWork
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ports import ReadOnlyUnitOfWorkWrite


class FakeUnitOfWork(
    CommunityNoticesUnitOfWork,
    TicketAssignmentUnitOfWork,
    SignUpUnitOfWork,
    PropertiesUnitOfWork,
    IdentityUnitOfWork,
    PlansUnitOfWork,  # OrganizationsUnitOfWork and the plans' repositories
    EmailDomainsUnitOfWork,
    ApiKeysUnitOfWork,
    OAuthUnitOfWork,
    WorkOrderCostsUnitOfWork,
    FinancialUnitOfWork,
    NotificationsUnitOfWork,
    ComplianceUnitOfWork,
):
    """``transactions`` counts entries, ``commits`` commits; ``committed_events`` keeps every event of a
    committed transaction (the outbox rows a relay would publish), in order."""

    def __init__(self, db: FakeDatabase | None = None) -> None:
        super().__init__()
        self.db = db if db is not None else FakeDatabase()
        self.transactions = 0
        self.commits = 0
        self._snapshot: dict[str, Any] | None = None
        db_ = self.db
        self.properties = FakePropertyRepository(db_)
        self.property_list = FakePropertyList(db_)
        self.units = FakeUnitRepository(db_)
        self.tenants = FakeTenantRepository(db_)
        self.leases = FakeLeaseRepository(db_)
        self.lease_list = FakeLeaseList(db_)
        self.recurring_charges = FakeRecurringChargeRepository(db_)
        self.organization_facts = FakeOrganizationFacts(db_)
        self.tenant_accounts = FakeTenantAccounts(db_)
        self.users = FakeUserRepository(db_)
        self.memberships = FakeMembershipRepository(db_)
        self.tokens = FakeTokenRepository(db_)
        self.invitations = FakeInvitationRepository(db_)
        self.organization_registry = FakeOrganizationRegistry(db_)
        self.organizations = FakeOrganizationRepository(db_)
        self.membership_directory = FakeMembershipDirectory(db_)
        self.api_keys = FakeApiKeyRepository(db_)
        self.custom_roles = FakeCustomRoleRepository(db_)
        self.mfa_factors = FakeMfaFactorRepository(db_)
        self.oauth_clients = FakeOAuthClientRepository(db_)
        self.authorization_codes = FakeAuthorizationCodeRepository(db_)
        self.oauth_refresh_tokens = FakeOAuthRefreshTokenRepository(db_)
        self.audit_log = FakeAuditLog(db_)
        self.audit_events = self.audit_log
        self.tickets = FakeTicketRepository(db_)
        self.ticket_list = TicketListThroughRepositories(self)
        self.work_orders = FakeWorkOrderRepository(db_)
        self.vendors = FakeVendorRepository(db_)
        self.ticket_categories = FakeCategoryRepository(db_)
        self.property_directory = FakePropertyDirectory(db_)
        self.people_directory = FakePeopleDirectory(db_)
        self.notifications = FakeNotificationRepository(db_)
        self.templates = FakeTemplateRepository(db_)
        self.channels = FakeChannelRepository(db_)
        self.preferences = FakePreferenceRepository(db_)
        self.webhooks = FakeWebhookRepository(db_)
        self.webhook_messages = FakeWebhookMessageRepository(db_)
        self.recipients = FakeRecipientDirectory(db_)
        self.expenses = FakeExpenseRepository(db_)
        self.organization_profiles = FakeOrganizationProfiles(db_)
        self.tenancies = FakeTenancyQueries(db_)
        self.unit_accounts = FakeUnitAccounts(db_)
        self.sales_tax = FakeSalesTaxQueries(db_)
        self.societies = FakeSocietyQueries(db_)
        self.invoices = FakeInvoiceRepository(db_)
        self.credit_notes = FakeCreditNoteRepository(db_)
        self.invoice_list = FakeInvoiceList(db_)
        self.payments = FakePaymentRepository(db_)
        self.ledger = FakeLedgerRepository(db_)
        self.sequences = FakeNumberSequences(db_)
        self.budgets = FakeBudgetRepository(db_)
        self.payment_methods = FakePaymentMethodRepository(db_)
        self.reports = FakeReportQueries(db_)
        self.lease_directory = FakeLeaseDirectory(db_)
        self.tds = FakeTdsRepository(db_)
        self.billing = FakeBillingWriter(db_)
        self.payment_posting = PostingThroughRepositories(
            self.invoices, self.ledger, self.sequences, self.payments, self.lease_directory, self.organization_profiles
        )
        self.subscriptions = FakeSubscriptionRepository(db_)
        self.subscription_invoices = FakeSubscriptionInvoiceRepository(db_)
        self.plan_usage = FakePlanUsage(db_)
        self.plan_allowance = FakePlanAllowance(db_)
        self.domains = FakeDomainRepository(db_)
        self.verified_email_domains = FakeVerifiedEmailDomains(db_)
        self.community_events = FakeEventRepository(db_)
        self.event_registrations = FakeRegistrationRepository(db_)
        self.marketplace_listings = FakeListingRepository(db_)
        self.residents = FakeResidents(db_)

    def read_only(self) -> FakeUnitOfWork:
        return FakeReadOnlyUnitOfWork(self.db)

    @property
    def committed_events(self) -> list[DomainEvent]:
        return self.db.outbox

    async def _begin(self) -> None:
        if self._snapshot is not None:
            raise RuntimeError("unit of work entered twice (units of work do not nest)")
        self.transactions += 1
        self._snapshot = self.db.snapshot()

    async def commit(self) -> None:
        if self._snapshot is None:
            raise RuntimeError("unit of work used outside 'async with'")
        self.db.outbox.extend(self.events)
        self.events = []
        self.commits += 1
        self._snapshot = self.db.snapshot()  # the next commit or rollback starts from here

    async def rollback(self) -> None:
        if self._snapshot is not None:
            self.db.restore(self._snapshot)
            self.events = []

    async def _close(self) -> None:
        self._snapshot = None


class FakeReadOnlyUnitOfWork(FakeUnitOfWork):
    """``uow.read_only()``: the same fakes over a view of the database that refuses every write, and no
    transaction (nothing to snapshot or put back); ``commit`` raises, as the SQL adapter's does."""

    def __init__(self, db: FakeDatabase) -> None:
        super().__init__(db.read_only_view())

    def read_only(self) -> FakeUnitOfWork:
        return self

    async def _begin(self) -> None:
        return None

    async def commit(self) -> None:
        raise ReadOnlyUnitOfWorkWrite("a read-only unit of work cannot commit")

    async def rollback(self) -> None:
        return None
