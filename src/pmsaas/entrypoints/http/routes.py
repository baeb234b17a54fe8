"""Every controller the app serves. Add a context's controllers here (one line each)."""

from __future__ import annotations

from typing import Any

from pmsaas.entrypoints.http.platform.community.events import CommunityEventController
from pmsaas.entrypoints.http.platform.community.marketplace import MarketplaceController
from pmsaas.entrypoints.http.platform.compliance.ltb_forms import LtbFormController
from pmsaas.entrypoints.http.platform.compliance.provincial_reports import ProvincialReportController
from pmsaas.entrypoints.http.platform.compliance.society_filings import SocietyFilingController
from pmsaas.entrypoints.http.platform.compliance.status_certificates import StatusCertificateController
from pmsaas.entrypoints.http.platform.financial.budgets import BudgetController
from pmsaas.entrypoints.http.platform.financial.credit_notes import CreditNoteController
from pmsaas.entrypoints.http.platform.financial.deposits import DepositController
from pmsaas.entrypoints.http.platform.financial.documents import FinancialDocumentController
from pmsaas.entrypoints.http.platform.financial.expenses import ExpenseController
from pmsaas.entrypoints.http.platform.financial.form16a import Form16AController
from pmsaas.entrypoints.http.platform.financial.gateway_webhooks import PaymentWebhookController
from pmsaas.entrypoints.http.platform.financial.gst_filings import GstFilingController
from pmsaas.entrypoints.http.platform.financial.invoices import InvoiceController
from pmsaas.entrypoints.http.platform.financial.ledger import LedgerController
from pmsaas.entrypoints.http.platform.financial.monthly_reports import ManagerReportController
from pmsaas.entrypoints.http.platform.financial.payments import PaymentController, PaymentMethodController
from pmsaas.entrypoints.http.platform.financial.reports import ReportController
from pmsaas.entrypoints.http.platform.financial.reserve_funds import ReserveFundController
from pmsaas.entrypoints.http.platform.financial.tax import FinancialTaxController
from pmsaas.entrypoints.http.platform.financial.tds import TdsReportController
from pmsaas.entrypoints.http.platform.health import HealthController
from pmsaas.entrypoints.http.platform.identity.account import AccountController
from pmsaas.entrypoints.http.platform.identity.api_keys import ApiKeyController
from pmsaas.entrypoints.http.platform.identity.audit_events import AuditEventController
from pmsaas.entrypoints.http.platform.identity.identity import IdentityController, UsersController
from pmsaas.entrypoints.http.platform.identity.invitations import InvitationsController
from pmsaas.entrypoints.http.platform.identity.mfa import MfaController
from pmsaas.entrypoints.http.platform.identity.oauth import OAuthController
from pmsaas.entrypoints.http.platform.identity.oauth_clients import OAuthClientController
from pmsaas.entrypoints.http.platform.identity.roles import RoleController
from pmsaas.entrypoints.http.platform.notifications.channels import ChannelController
from pmsaas.entrypoints.http.platform.notifications.events import realtime_socket, stream_events
from pmsaas.entrypoints.http.platform.notifications.notifications import NotificationController
from pmsaas.entrypoints.http.platform.notifications.preferences import PreferencesController
from pmsaas.entrypoints.http.platform.notifications.stream_sessions import end_stream_session, open_stream_session
from pmsaas.entrypoints.http.platform.notifications.templates import TemplateController
from pmsaas.entrypoints.http.platform.notifications.webhooks import WebhookController
from pmsaas.entrypoints.http.platform.operations.categories import CategoryController
from pmsaas.entrypoints.http.platform.operations.maintenance_requests import MaintenanceRequestController
from pmsaas.entrypoints.http.platform.operations.vendors import VendorController
from pmsaas.entrypoints.http.platform.operations.work_orders import WorkOrderController
from pmsaas.entrypoints.http.platform.organizations.billing import BillingController
from pmsaas.entrypoints.http.platform.organizations.domains import DomainController
from pmsaas.entrypoints.http.platform.organizations.jobs import BillingRunController, JobController
from pmsaas.entrypoints.http.platform.organizations.organizations import OrganizationController
from pmsaas.entrypoints.http.platform.properties.leases import LeaseController
from pmsaas.entrypoints.http.platform.properties.properties import PropertyController
from pmsaas.entrypoints.http.platform.properties.recurring_charges import RecurringChargeController
from pmsaas.entrypoints.http.platform.properties.tenants import TenantController
from pmsaas.entrypoints.http.platform.properties.units import UnitController
from pmsaas.entrypoints.http.ticketing.properties import TicketingPropertyController
from pmsaas.entrypoints.http.ticketing.tickets import TicketController
from pmsaas.entrypoints.http.ticketing.users import TicketingUserController
from pmsaas.entrypoints.http.ticketing.webhooks import TicketingWebhookController

CONTROLLERS: list[Any] = [
    HealthController,
    IdentityController,
    InvitationsController,
    UsersController,
    RoleController,
    MfaController,
    AccountController,
    AuditEventController,
    OrganizationController,
    BillingController,
    DomainController,
    PropertyController,
    UnitController,
    TenantController,
    LeaseController,
    RecurringChargeController,
    TicketingPropertyController,
    ApiKeyController,
    MaintenanceRequestController,
    CategoryController,
    WorkOrderController,
    VendorController,
    TicketController,
    TicketingUserController,
    TicketingWebhookController,
    FinancialTaxController,
    InvoiceController,
    CreditNoteController,
    PaymentController,
    PaymentMethodController,
    PaymentWebhookController,
    LedgerController,
    DepositController,
    FinancialDocumentController,
    ReportController,
    TdsReportController,
    ManagerReportController,
    GstFilingController,
    Form16AController,
    ExpenseController,
    BudgetController,
    ReserveFundController,
    NotificationController,
    TemplateController,
    ChannelController,
    PreferencesController,
    WebhookController,
    stream_events,
    open_stream_session,
    end_stream_session,
    realtime_socket,
    JobController,
    BillingRunController,
    OAuthClientController,
    OAuthController,
    CommunityEventController,
    MarketplaceController,
    LtbFormController,
    StatusCertificateController,
    ProvincialReportController,
    SocietyFilingController,
]
