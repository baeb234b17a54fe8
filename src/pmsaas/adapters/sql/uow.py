"""The SQL unit of work: one connection, one transaction, outbox written at commit."""

from __future__ import annotations

from functools import cached_property
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from sqlalchemy.exc import DBAPIError, InterfaceError, InvalidRequestError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from pmsaas.adapters.sql.engine import READ_ONLY, Checkouts
from pmsaas.adapters.sql.in_doubt import TRANSACTION_ID, committed
from pmsaas.adapters.sql.queries.property_list import PropertyListAdapter, property_list_for
from pmsaas.adapters.sql.repositories.api_keys import SqlApiKeyRepository
from pmsaas.adapters.sql.repositories.audit import SqlAuditLog
from pmsaas.adapters.sql.repositories.custom_roles import SqlCustomRoleRepository
from pmsaas.adapters.sql.repositories.financial.deposits import SqlDepositSettlementRepository
from pmsaas.adapters.sql.repositories.financial.directories import SqlLeaseDirectory, SqlOrganizationProfiles
from pmsaas.adapters.sql.repositories.financial.expenses import SqlExpenseRepository
from pmsaas.adapters.sql.repositories.financial.invoices import SqlInvoiceRepository
from pmsaas.adapters.sql.repositories.financial.ledger import SqlLedgerRepository
from pmsaas.adapters.sql.repositories.financial.payment_posting import PostgresPaymentPosting
from pmsaas.adapters.sql.repositories.financial.payments import SqlPaymentMethodRepository, SqlPaymentRepository
from pmsaas.adapters.sql.repositories.financial.sequences import SqlNumberSequences
from pmsaas.adapters.sql.repositories.identity import (
    SqlInvitationRepository,
    SqlMembershipRepository,
    SqlTokenRepository,
    SqlUserRepository,
)
from pmsaas.adapters.sql.repositories.mfa import SqlMfaFactorRepository
from pmsaas.adapters.sql.repositories.notifications.channels import SqlChannelRepository
from pmsaas.adapters.sql.repositories.notifications.inbox import SqlNotificationRepository
from pmsaas.adapters.sql.repositories.notifications.preferences import SqlPreferenceRepository
from pmsaas.adapters.sql.repositories.notifications.recipients import SqlRecipientDirectory
from pmsaas.adapters.sql.repositories.notifications.templates import SqlTemplateRepository
from pmsaas.adapters.sql.repositories.notifications.webhook_messages import SqlWebhookMessageRepository
from pmsaas.adapters.sql.repositories.notifications.webhooks import SqlWebhookRepository
from pmsaas.adapters.sql.repositories.oauth import (
    SqlAuthorizationCodeRepository,
    SqlOAuthClientRepository,
    SqlOAuthRefreshTokenRepository,
)
from pmsaas.adapters.sql.repositories.operations.categories import SqlCategoryRepository
from pmsaas.adapters.sql.repositories.operations.directories import SqlPeopleDirectory, SqlPropertyDirectory
from pmsaas.adapters.sql.repositories.operations.tickets import SqlTicketRepository
from pmsaas.adapters.sql.repositories.operations.vendors import SqlVendorRepository
from pmsaas.adapters.sql.repositories.operations.work_orders import SqlWorkOrderRepository
from pmsaas.adapters.sql.repositories.organizations import (
    SqlMembershipDirectory,
    SqlOrganizationRegistry,
    SqlOrganizationRepository,
)
from pmsaas.adapters.sql.repositories.properties import (
    SqlLeaseRepository,
    SqlOrganizationFacts,
    SqlPropertyRepository,
    SqlTenantAccounts,
    SqlTenantRepository,
    SqlUnitRepository,
)
from pmsaas.adapters.sql.repositories.properties.recurring import SqlRecurringChargeRepository
from pmsaas.adapters.sql.repositories.rent_billing import SqlLeasesToBill
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.adapters.sql.tenancy import ORGANIZATION
from pmsaas.adapters.sql.uow_later_contexts import LaterContextRepositories
from pmsaas.domain.compliance.ports import ComplianceUnitOfWork
from pmsaas.domain.financial.payment_posting import PostingThroughRepositories
from pmsaas.domain.financial.ports import FinancialUnitOfWork, PaymentPosting
from pmsaas.domain.flows.community_notices import CommunityNoticesUnitOfWork
from pmsaas.domain.flows.rent_billing import RentBillingUnitOfWork
from pmsaas.domain.flows.rent_notices import RentNoticesUnitOfWork
from pmsaas.domain.flows.sign_up import SignUpUnitOfWork
from pmsaas.domain.flows.ticket_assignment import TicketAssignmentUnitOfWork
from pmsaas.domain.flows.work_order_costs import WorkOrderCostsUnitOfWork
from pmsaas.domain.identity.api_keys import ApiKeysUnitOfWork
from pmsaas.domain.identity.email_domains import EmailDomainsUnitOfWork
from pmsaas.domain.identity.oauth import OAuthUnitOfWork
from pmsaas.domain.identity.ports import AccessCutoffs, AccessEnded, IdentityUnitOfWork
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork
from pmsaas.domain.operations.ports import OperationsUnitOfWork
from pmsaas.domain.organizations.ports import PlansUnitOfWork
from pmsaas.domain.properties.ports import PropertiesUnitOfWork, PropertyListQuery
from pmsaas.domain.shared.errors import CommitOutcomeUnknown, DependencyUnavailable
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ports import ReadOnlyUnitOfWorkWrite

_OUTBOX_INSERT = outbox.insert()  # built once: found in the compiled cache
_OUTBOX_INSERT_RETURNING_TRANSACTION = outbox.insert().returning(TRANSACTION_ID)


_REPOSITORIES = (
    "tickets",
    "work_orders",
    "vendors",
    "ticket_categories",
    "property_directory",
    "people_directory",
    "properties",
    "property_list",
    "lease_list",
    "invoice_list",
    "ticket_list",
    "units",
    "tenants",
    "leases",
    "recurring_charges",
    "organization_facts",
    "tenant_accounts",
    "users",
    "memberships",
    "tokens",
    "invitations",
    "organizations",
    "organization_registry",
    "membership_directory",
    "api_keys",
    "custom_roles",
    "mfa_factors",
    "oauth_clients",
    "authorization_codes",
    "oauth_refresh_tokens",
    "invoices",
    "payments",
    "ledger",
    "deposit_settlements",
    "credit_notes",
    "sequences",
    "lease_directory",
    "organization_profiles",
    "payment_methods",
    "expenses",
    "budgets",
    "tds",
    "billing",
    "payment_posting",
    "notifications",
    "templates",
    "channels",
    "preferences",
    "webhooks",
    "webhook_messages",
    "notice_deliveries",
    "recipients",
    "leases_to_bill",
    "due_invoices",
    "reports",
    "subscriptions",
    "subscription_invoices",
    "plan_usage",
    "plan_allowance",
    "domains",
    "verified_email_domains",
    "audit_log",
    "audit_events",
    "community_events",
    "event_registrations",
    "marketplace_listings",
    "residents",
    "tenancies",
    "unit_accounts",
    "sales_tax",
    "societies",
)


class SqlUnitOfWork(  # type: ignore[misc,override]  # the mixin's read-only accessors implement the ports' attributes, as the ones below do
    LaterContextRepositories,
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
    RentBillingUnitOfWork,
    RentNoticesUnitOfWork,
    OperationsUnitOfWork,
    FinancialUnitOfWork,
    NotificationsUnitOfWork,
    ComplianceUnitOfWork,
):
    """Implements every context's (and every flow's) unit-of-work port over one database connection."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        property_list: PropertyListAdapter | None = None,
        access_cutoffs: AccessCutoffs | None = None,
    ) -> None:
        super().__init__()
        self._engine = engine
        # Row-level security (adapters/sql/tenancy.py): on the tenant engine, each transaction names this
        # organization first; with none named the unit of work sees no organization's rows.
        self._organization_id: UUID | None = None
        # Access versions raised in this transaction reach the gate's fast copy right after commit.
        self._access_cutoffs = access_cutoffs
        self._access_ended: list[AccessEnded] = []
        self._conn: AsyncConnection | None = None
        self._outbox_transaction_id: int | None = None  # events written by an adapter (hand_over_events)
        # Query adapters: the composition root picks them for the database (container.py).
        self._property_list = property_list or property_list_for(engine.dialect.name)

    def read_only(self) -> SqlReadOnlyUnitOfWork:
        uow = SqlReadOnlyUnitOfWork(self._engine, property_list=self._property_list)
        return uow.for_organization(self._organization_id)

    def for_organization(self, organization_id: UUID | None) -> Self:
        """The organization whose rows this unit of work may see and write (row-level security on
        PostgreSQL); the caller's, for a request. Before ``async with``."""
        self._organization_id = organization_id
        return self

    async def _name_organization(self, conn: AsyncConnection) -> None:
        """No I/O: the tenant engine's transactions read it when they begin (tenancy.py)."""
        if self._organization_id is not None:
            await conn.execution_options(**{ORGANIZATION: str(self._organization_id)})

    @property
    def connection(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._conn

    async def _begin(self) -> None:
        self._access_ended = []
        self._outbox_transaction_id = None
        for name in _REPOSITORIES:
            self.__dict__.pop(name, None)  # repositories are bound to one connection
        try:
            Checkouts.waiting += 1
            try:
                self._conn = await self._engine.connect()
            except InvalidRequestError as exc:
                # The pool's checkout found its connection closed under it (connections reset a moment
                # ago): not a driver error, but the same answer, and nothing was started.
                raise DependencyUnavailable("database connection lost; retry the request") from exc
            finally:
                Checkouts.waiting -= 1
            await self._start(self._conn)
        except (OSError, OperationalError, InterfaceError, PoolTimeout) as exc:  # cannot connect / pool exhausted: 503
            await self._close_quietly()
            raise DependencyUnavailable("database unavailable") from exc

    async def _start(self, conn: AsyncConnection) -> None:
        # One transaction (PostgreSQL: psycopg sends BEGIN READ WRITE before the first statement, on the
        # tenant engine the naming of the organization, at once; SQLite: BEGIN IMMEDIATE,
        # engine.install_sqlite_pragmas).
        await self._name_organization(conn)
        await conn.begin()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            # Closing rolls back whatever was not committed (one round through SQLAlchemy, not two).
            await self._close()
        except DBAPIError as cleanup_error:
            if not cleanup_error.connection_invalidated:
                raise
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            # The connection died under the use case (the server restarted, a network cut): nothing was
            # committed (a lost COMMIT that did take is settled in ``commit``), the pool has dropped its
            # other connections, a retry gets a fresh one.
            raise DependencyUnavailable("database connection lost; retry the request") from exc

    async def _close_quietly(self) -> None:
        try:
            await self._close()
        except Exception:
            self._conn = None

    @classmethod
    def joined(cls, engine: AsyncEngine, conn: AsyncConnection) -> SqlUnitOfWork:
        """Repositories over a connection whose transaction another owns (the outbox relay's): its
        subscribers write there, and the owner commits. Not entered, never committed."""
        uow = cls(engine)
        uow._conn = conn
        return uow

    async def commit(self) -> None:
        conn = self.connection
        transaction_id = await self._write_outbox(conn) if self.events else self._outbox_transaction_id
        try:
            await conn.commit()
        except DBAPIError as exc:
            # COMMIT sent, answer lost: PostgreSQL says whether it took (adapters/sql/in_doubt.py).
            if not (exc.connection_invalidated and transaction_id):
                raise
            outcome = await committed(self._engine, transaction_id)
            if outcome is None:
                raise CommitOutcomeUnknown("the database did not say whether the change was saved") from exc
            if not outcome:
                raise
        self.events = []
        await self._publish_ended_access()

    def hand_over_events(self) -> list[DomainEvent]:
        """The events so far, for an adapter that writes them to the outbox in this transaction."""
        events, self.events = self.events, []
        return events

    def events_written(self, transaction_id: int) -> None:
        """Handed-over events are in the outbox of transaction ``transaction_id`` (see ``commit``)."""
        self._outbox_transaction_id = transaction_id

    async def _write_outbox(self, conn: AsyncConnection) -> int | None:
        """The transaction's events, in its own transaction; on PostgreSQL the statement also hands
        back the transaction's id, for a COMMIT whose answer is lost."""
        postgres = conn.dialect.name == "postgresql"
        statement = _OUTBOX_INSERT_RETURNING_TRANSACTION if postgres else _OUTBOX_INSERT
        result = await conn.execute(
            statement,
            [
                {
                    "id": e.id,
                    "organization_id": e.organization_id,
                    "event": e.name,
                    "payload": e.data,
                    "occurred_at": e.occurred_at,
                }
                for e in self.events
            ],
        )
        if not postgres:
            return None
        transaction_id = result.scalars().first()
        return int(transaction_id) if transaction_id is not None else None

    async def _publish_ended_access(self) -> None:
        """After the commit, not inside it: Redis is not part of the transaction, and a version the
        database rolled back would refuse the tokens issued from the database's (lower) one. A crash
        between the two leaves the old tokens to their expiry, as before; embedded mode warms its
        list from the table at start-up (entrypoints/http/app.py)."""
        ended, self._access_ended = self._access_ended, []
        if self._access_cutoffs is not None:
            for entry in ended:
                await self._access_cutoffs.raise_version(entry)

    async def rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction():
            await self._conn.rollback()

    async def _close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    @cached_property
    def property_list(self) -> PropertyListQuery:  # type: ignore[override]  # read-only: one per connection
        return self._property_list(self.connection)

    @cached_property
    def properties(self) -> SqlPropertyRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlPropertyRepository(self.connection)

    @cached_property
    def units(self) -> SqlUnitRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlUnitRepository(self.connection)

    @cached_property
    def tenants(self) -> SqlTenantRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlTenantRepository(self.connection)

    @cached_property
    def leases(self) -> SqlLeaseRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlLeaseRepository(self.connection)

    @cached_property
    def organization_facts(self) -> SqlOrganizationFacts:  # type: ignore[override]  # read-only: one per connection
        return SqlOrganizationFacts(self.connection)

    @cached_property
    def tenant_accounts(self) -> SqlTenantAccounts:  # type: ignore[override]  # read-only: one per connection
        return SqlTenantAccounts(self.connection)

    @cached_property
    def users(self) -> SqlUserRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlUserRepository(self.connection)

    @cached_property
    def memberships(self) -> SqlMembershipRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlMembershipRepository(self.connection)

    @cached_property
    def invitations(self) -> SqlInvitationRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlInvitationRepository(self.connection)

    @cached_property
    def tokens(self) -> SqlTokenRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlTokenRepository(self.connection, self._access_ended)

    @cached_property
    def organizations(self) -> SqlOrganizationRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlOrganizationRepository(self.connection)

    @cached_property
    def organization_registry(self) -> SqlOrganizationRegistry:  # type: ignore[override]  # read-only: one per connection
        return SqlOrganizationRegistry(self.connection)

    @cached_property
    def membership_directory(self) -> SqlMembershipDirectory:  # type: ignore[override]  # read-only: one per connection
        return SqlMembershipDirectory(self.connection)

    @cached_property
    def api_keys(self) -> SqlApiKeyRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlApiKeyRepository(self.connection)

    @cached_property
    def custom_roles(self) -> SqlCustomRoleRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlCustomRoleRepository(self.connection)

    @cached_property
    def mfa_factors(self) -> SqlMfaFactorRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlMfaFactorRepository(self.connection)

    @cached_property
    def oauth_clients(self) -> SqlOAuthClientRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlOAuthClientRepository(self.connection)

    @cached_property
    def authorization_codes(self) -> SqlAuthorizationCodeRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlAuthorizationCodeRepository(self.connection)

    @cached_property
    def oauth_refresh_tokens(self) -> SqlOAuthRefreshTokenRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlOAuthRefreshTokenRepository(self.connection)

    @cached_property
    def audit_log(self) -> SqlAuditLog:  # type: ignore[override]  # read-only: one per connection
        return SqlAuditLog(self.connection)

    @property
    def audit_events(self) -> SqlAuditLog:  # type: ignore[override]  # read-only: the same object as audit_log
        return self.audit_log

    @cached_property
    def invoices(self) -> SqlInvoiceRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlInvoiceRepository(self.connection)

    @cached_property
    def payments(self) -> SqlPaymentRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlPaymentRepository(self.connection)

    @cached_property
    def ledger(self) -> SqlLedgerRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlLedgerRepository(self.connection)

    @cached_property
    def recurring_charges(self) -> SqlRecurringChargeRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlRecurringChargeRepository(self.connection)

    @cached_property
    def deposit_settlements(self) -> SqlDepositSettlementRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlDepositSettlementRepository(self.connection)

    @cached_property
    def sequences(self) -> SqlNumberSequences:  # type: ignore[override]  # read-only: one per connection
        return SqlNumberSequences(self.connection)

    @cached_property
    def lease_directory(self) -> SqlLeaseDirectory:  # type: ignore[override]  # read-only: one per connection
        return SqlLeaseDirectory(self.connection)

    @cached_property
    def organization_profiles(self) -> SqlOrganizationProfiles:  # type: ignore[override]  # read-only: one per connection
        return SqlOrganizationProfiles(self.connection)

    @cached_property
    def payment_methods(self) -> SqlPaymentMethodRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlPaymentMethodRepository(self.connection)

    @cached_property
    def tickets(self) -> SqlTicketRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlTicketRepository(self.connection)

    @cached_property
    def work_orders(self) -> SqlWorkOrderRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlWorkOrderRepository(self.connection)

    @cached_property
    def vendors(self) -> SqlVendorRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlVendorRepository(self.connection)

    @cached_property
    def ticket_categories(self) -> SqlCategoryRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlCategoryRepository(self.connection)

    @cached_property
    def webhooks(self) -> SqlWebhookRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlWebhookRepository(self.connection)

    @cached_property
    def webhook_messages(self) -> SqlWebhookMessageRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlWebhookMessageRepository(self.connection)

    @cached_property
    def notifications(self) -> SqlNotificationRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlNotificationRepository(self.connection)

    @cached_property
    def templates(self) -> SqlTemplateRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlTemplateRepository(self.connection)

    @cached_property
    def channels(self) -> SqlChannelRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlChannelRepository(self.connection)

    @cached_property
    def preferences(self) -> SqlPreferenceRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlPreferenceRepository(self.connection)

    @cached_property
    def recipients(self) -> SqlRecipientDirectory:  # type: ignore[override]  # read-only: one per connection
        return SqlRecipientDirectory(self.connection)

    @cached_property
    def property_directory(self) -> SqlPropertyDirectory:  # type: ignore[override]  # read-only: one per connection
        return SqlPropertyDirectory(self.connection)

    @cached_property
    def people_directory(self) -> SqlPeopleDirectory:  # type: ignore[override]  # read-only: one per connection
        return SqlPeopleDirectory(self.connection)

    @cached_property
    def expenses(self) -> SqlExpenseRepository:  # type: ignore[override]  # read-only: one per connection
        return SqlExpenseRepository(self.connection)

    @cached_property
    def payment_posting(self) -> PaymentPosting:  # type: ignore[override]  # read-only: one per connection
        if self.connection.dialect.name == "postgresql":
            return PostgresPaymentPosting(self.connection, self.payments, self.ledger, self)
        return PostingThroughRepositories(
            self.invoices, self.ledger, self.sequences, self.payments, self.lease_directory, self.organization_profiles
        )

    @cached_property
    def leases_to_bill(self) -> SqlLeasesToBill:  # type: ignore[override]  # read-only: one per connection
        return SqlLeasesToBill(self.connection)


class SqlReadOnlyUnitOfWork(SqlUnitOfWork):
    """``uow.read_only()``: the same repositories over a connection in autocommit, for use cases that
    only read. No BEGIN/ROLLBACK round trips on PostgreSQL, no write lock on SQLite. ``commit`` raises,
    and the database itself refuses a write (engine.py, "read-only units of work"), so nothing is ever
    stored through it."""

    def read_only(self) -> SqlReadOnlyUnitOfWork:
        return self

    async def _start(self, conn: AsyncConnection) -> None:
        if conn.dialect.name == "postgresql":
            # Straight on the psycopg connection (no I/O): SQLAlchemy's isolation-level machinery
            # would cost two greenlet round trips at checkout and two more at checkin.
            await self._driver(conn).set_autocommit(True)
            await self._name_organization(conn)
            # Now, not at the first statement: some queries go to psycopg directly (PostgresPropertyList),
            # past SQLAlchemy's begin, and must find the organization named (tenancy.py).
            await conn.begin()
        else:
            await conn.execution_options(**{READ_ONLY: True})  # no BEGIN IMMEDIATE
            await conn.exec_driver_sql("PRAGMA query_only = ON")

    async def commit(self) -> None:
        raise ReadOnlyUnitOfWorkWrite("a read-only unit of work cannot commit")

    async def _close(self) -> None:
        conn = self._conn
        if conn is None:
            return
        try:
            if conn.dialect.name == "postgresql":
                await self._back_to_transactional(conn)
            elif not conn.invalidated:
                await conn.exec_driver_sql("PRAGMA query_only = OFF")
        finally:
            await conn.close()
            self._conn = None

    @staticmethod
    def _driver(conn: AsyncConnection) -> Any:
        return conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]  # None only unconnected

    @classmethod
    async def _back_to_transactional(cls, conn: AsyncConnection) -> None:
        """The pool's connections are transactional (plain units of work expect it); with no transaction
        open, switching back costs no round trip."""
        try:
            driver = cls._driver(conn)
            if driver is not None and driver.autocommit and not driver.closed:
                await driver.set_autocommit(False)
        except Exception:  # an invalidated or broken connection: the pool discards it anyway
            return
