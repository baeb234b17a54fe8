"""The SQL unit of work's repositories and queries of the later contexts (plans and e-mail domains,
reports, due invoices, community, compliance; budgets, TDS, the billing writer): a mixin of
``SqlUnitOfWork`` (uow.py), which gives it ``connection``; kept apart so that file stays readable.
One of each per connection, as there."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.queries.compliance import (
    SqlSalesTaxQueries,
    SqlSocietyQueries,
    SqlTenancyQueries,
    SqlUnitAccounts,
)
from pmsaas.adapters.sql.queries.invoice_list import invoice_list_for
from pmsaas.adapters.sql.queries.lease_list import lease_list_for
from pmsaas.adapters.sql.queries.ticket_list import ticket_list_for
from pmsaas.adapters.sql.repositories.community.events import SqlEventRepository, SqlRegistrationRepository
from pmsaas.adapters.sql.repositories.community.marketplace import SqlListingRepository, SqlResidents
from pmsaas.adapters.sql.repositories.domains import SqlDomainRepository, SqlVerifiedEmailDomains
from pmsaas.adapters.sql.repositories.due_invoices import SqlDueInvoices
from pmsaas.adapters.sql.repositories.financial.billing import SqlBillingWriter
from pmsaas.adapters.sql.repositories.financial.budgets import SqlBudgetRepository
from pmsaas.adapters.sql.repositories.financial.credit_notes import SqlCreditNoteRepository
from pmsaas.adapters.sql.repositories.financial.reports import SqlReportQueries
from pmsaas.adapters.sql.repositories.financial.tds import SqlTdsRepository
from pmsaas.adapters.sql.repositories.notifications.notice_deliveries import SqlNoticeDeliveryRepository
from pmsaas.adapters.sql.repositories.plan_allowance import SqlPlanAllowance
from pmsaas.adapters.sql.repositories.plans import (
    SqlPlanUsage,
    SqlSubscriptionInvoiceRepository,
    SqlSubscriptionRepository,
)
from pmsaas.domain.financial.ports import InvoiceListQuery
from pmsaas.domain.operations.ports import TicketListQuery
from pmsaas.domain.properties.ports import LeaseListQuery


class LaterContextRepositories:
    @property
    def connection(self) -> AsyncConnection:
        raise NotImplementedError  # SqlUnitOfWork's own comes first in its method resolution order

    @cached_property
    def subscriptions(self) -> SqlSubscriptionRepository:  # one per connection
        return SqlSubscriptionRepository(self.connection)

    @cached_property
    def subscription_invoices(self) -> SqlSubscriptionInvoiceRepository:  # one per connection
        return SqlSubscriptionInvoiceRepository(self.connection)

    @cached_property
    def plan_usage(self) -> SqlPlanUsage:  # one per connection
        return SqlPlanUsage(self.connection)

    @cached_property
    def plan_allowance(self) -> SqlPlanAllowance:  # one per connection
        return SqlPlanAllowance(self.connection)

    @cached_property
    def domains(self) -> SqlDomainRepository:  # one per connection
        return SqlDomainRepository(self.connection)

    @cached_property
    def verified_email_domains(self) -> SqlVerifiedEmailDomains:  # one per connection
        return SqlVerifiedEmailDomains(self.connection)

    @cached_property
    def due_invoices(self) -> SqlDueInvoices:  # one per connection
        return SqlDueInvoices(self.connection)

    @cached_property
    def reports(self) -> SqlReportQueries:  # one per connection
        return SqlReportQueries(self.connection)

    @cached_property
    def community_events(self) -> SqlEventRepository:  # one per connection
        return SqlEventRepository(self.connection)

    @cached_property
    def event_registrations(self) -> SqlRegistrationRepository:  # one per connection
        return SqlRegistrationRepository(self.connection)

    @cached_property
    def marketplace_listings(self) -> SqlListingRepository:  # one per connection
        return SqlListingRepository(self.connection)

    @cached_property
    def residents(self) -> SqlResidents:  # one per connection
        return SqlResidents(self.connection)

    @cached_property
    def tenancies(self) -> SqlTenancyQueries:  # one per connection
        return SqlTenancyQueries(self.connection)

    @cached_property
    def unit_accounts(self) -> SqlUnitAccounts:  # one per connection
        return SqlUnitAccounts(self.connection)

    @cached_property
    def sales_tax(self) -> SqlSalesTaxQueries:  # one per connection
        return SqlSalesTaxQueries(self.connection)

    @cached_property
    def societies(self) -> SqlSocietyQueries:  # one per connection
        return SqlSocietyQueries(self.connection)

    @cached_property
    def notice_deliveries(self) -> SqlNoticeDeliveryRepository:  # one per connection
        return SqlNoticeDeliveryRepository(self.connection)

    @cached_property
    def budgets(self) -> SqlBudgetRepository:  # one per connection
        return SqlBudgetRepository(self.connection)

    @cached_property
    def tds(self) -> SqlTdsRepository:  # one per connection
        return SqlTdsRepository(self.connection)

    @cached_property
    def billing(self) -> SqlBillingWriter:  # one per connection
        return SqlBillingWriter(self.connection)

    @cached_property
    def credit_notes(self) -> SqlCreditNoteRepository:  # one per connection
        return SqlCreditNoteRepository(self.connection)

    @cached_property
    def lease_list(self) -> LeaseListQuery:  # one per connection; one statement per page
        return lease_list_for(self.connection.dialect.name)(self.connection)

    @cached_property
    def invoice_list(self) -> InvoiceListQuery:  # one per connection; one statement per page
        return invoice_list_for(self.connection.dialect.name)(self.connection)

    @cached_property
    def ticket_list(self) -> TicketListQuery:  # one per connection; one statement per page
        return ticket_list_for(self.connection.dialect.name)(self.connection)
