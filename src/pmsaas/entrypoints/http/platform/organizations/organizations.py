"""/api/v1/organizations: organizations and their settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.organizations import services
from pmsaas.domain.organizations.model import MFA_POLICY_KEY, Organization, SettingsChange
from pmsaas.domain.organizations.schedule_settings import KEYS as SCHEDULE_KEYS
from pmsaas.domain.organizations.schedule_settings import ScheduleSettings
from pmsaas.domain.organizations.tax_identity import KEYS as TAX_KEYS
from pmsaas.domain.organizations.tax_identity import TaxIdentity
from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed
from pmsaas.entrypoints.http.auth import PlanCache, requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.structs import Input, Name

Country = Literal["IN", "CA", "US"]
# The built-in roles an organization can make sign in with MFA (docs/identity.md, "MFA policy").
MfaRole = Literal[
    "OrganizationOwner", "PropertyManager", "PropertyOwner", "Tenant", "MaintenanceStaff", "SecurityStaff"
]
TaxText = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
NumberFormat = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
# Printed on documents: lines separated by newlines, no other control characters.
BillingDay = Annotated[int, msgspec.Meta(ge=1, le=28)]
NoticeDays = Annotated[list[Annotated[int, msgspec.Meta(ge=0, le=90)]], msgspec.Meta(max_length=5)]
AddressText = Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=r"^[^\x00-\x09\x0b-\x1f\x7f]+$")]


class SettingsIn(Input):
    country: Country
    # Regional fields: absent keeps the current value (same country), null clears it to the country's default.
    province: Annotated[str, msgspec.Meta(max_length=10)] | msgspec.UnsetType | None = msgspec.UNSET
    state: Annotated[str, msgspec.Meta(max_length=10)] | msgspec.UnsetType | None = msgspec.UNSET
    currency: Annotated[str, msgspec.Meta(min_length=3, max_length=3)] | msgspec.UnsetType | None = msgspec.UNSET
    time_zone: Annotated[str, msgspec.Meta(max_length=64)] | msgspec.UnsetType | None = msgspec.UNSET
    locale: Annotated[str, msgspec.Meta(max_length=16)] | msgspec.UnsetType | None = msgspec.UNSET
    # The supplier's tax identity (domain/organizations/tax_identity.py). Absent: kept; null: cleared.
    gst_number: TaxText | msgspec.UnsetType | None = msgspec.UNSET
    pan_number: TaxText | msgspec.UnsetType | None = msgspec.UNSET
    tan_number: TaxText | msgspec.UnsetType | None = msgspec.UNSET  # India: the deductor's TAN (Form 16A)
    gst_registered: bool | msgspec.UnsetType = msgspec.UNSET
    tax_registration_number: TaxText | msgspec.UnsetType | None = msgspec.UNSET
    invoice_number_format: NumberFormat | msgspec.UnsetType | None = msgspec.UNSET
    receipt_number_format: NumberFormat | msgspec.UnsetType | None = msgspec.UNSET
    # India only: round issued invoices to the nearest rupee (true on another country is 422; null: false).
    invoice_round_off: bool | msgspec.UnsetType | None = msgspec.UNSET
    # India only: a housing society billing its members (entry 77(c) applies); default false (a landlord).
    is_housing_society: bool | msgspec.UnsetType | None = msgspec.UNSET
    # The organization's address printed on its invoices and receipts (lines separated by newlines).
    address: AddressText | msgspec.UnsetType | None = msgspec.UNSET
    # Security: members holding one of these roles must sign in with MFA (absent: kept; null or []: nobody).
    require_mfa_for: Annotated[list[MfaRole], msgspec.Meta(max_length=10)] | msgspec.UnsetType | None = msgspec.UNSET

    def mfa_policy(self) -> list[str] | None:
        """The new ``require_mfa_for`` (None: keep the stored one)."""
        if self.require_mfa_for is msgspec.UNSET:
            return None
        return list(self.require_mfa_for or [])

    # The schedule (domain/organizations/schedule_settings.py): absent kept, null the default.
    billing_day: BillingDay | msgspec.UnsetType | None = msgspec.UNSET
    rent_reminder_days: NoticeDays | msgspec.UnsetType | None = msgspec.UNSET
    overdue_notice_days: NoticeDays | msgspec.UnsetType | None = msgspec.UNSET

    def tax_changes(self) -> dict[str, object]:
        return {k: v for k in TAX_KEYS if (v := getattr(self, k)) is not msgspec.UNSET}

    def schedule_changes(self) -> dict[str, object]:
        return {k: v for k in SCHEDULE_KEYS if (v := getattr(self, k)) is not msgspec.UNSET}

    def to_domain(self, prefix: str = "") -> SettingsChange:
        """The fields sent (absent: kept; null: the country's default), checked as far as they go alone.

        Problems are reported under the names the caller used (``state`` or ``province``,
        ``settings.`` inside an organization body)."""
        province, state = self.province, self.state
        if isinstance(province, str) and isinstance(state, str) and province.upper() != state.upper():
            raise ValidationFailed.single(f"{prefix}state", "differs from province; send one of them")
        region_field = "state" if state is not msgspec.UNSET and province is msgspec.UNSET else "province"
        sent: dict[str, str | None] = {
            name: value
            for name in ("currency", "time_zone", "locale")
            if (value := getattr(self, name)) is not msgspec.UNSET
        }
        region = province if province is not msgspec.UNSET else state
        if region is not msgspec.UNSET:
            sent["province"] = region
        change = SettingsChange(self.country, sent)
        try:
            change.applied_to(None).validated()  # what was sent, on the country's defaults
        except ValidationFailed as exc:
            problems = [
                FieldProblem(prefix + (region_field if p.field == "province" else p.field), p.message)
                for p in exc.problems
            ]
            raise ValidationFailed(problems) from None
        return change


class OrganizationIn(Input):
    name: Name
    settings: SettingsIn | None = None


class SettingsOut(msgspec.Struct, kw_only=True):
    country: str
    province: str | None
    state: str | None
    currency: str
    time_zone: str
    locale: str
    gst_number: str | None
    pan_number: str | None
    tan_number: str | None
    gst_registered: bool
    tax_registration_number: str | None
    invoice_number_format: str | None  # null: the default, INV/{fy}/{seq:06d}
    receipt_number_format: str | None  # null: the default, RCPT/{fy}/{seq:06d}
    invoice_round_off: bool  # India: invoices rounded to the nearest rupee at issue
    is_housing_society: bool  # India: a housing society billing its members (entry 77(c))
    address: str | None  # printed on invoices and receipts
    require_mfa_for: list[str]  # roles whose members must sign in with MFA
    billing_day: int  # the billing run's day of the month (1-28)
    rent_reminder_days: list[int]  # days before the due date a rent reminder goes out
    overdue_notice_days: list[int]  # days after the due date an unpaid invoice's notice goes out

    @classmethod
    def of(cls, o: Organization) -> SettingsOut:
        s, tax = o.settings, TaxIdentity.from_extra(o.extra_settings)
        schedule = ScheduleSettings.from_extra(o.extra_settings)
        return cls(
            country=s.country,
            province=s.province,
            state=s.province,
            currency=s.currency,
            time_zone=s.time_zone,
            locale=s.locale,
            gst_number=tax.gst_number,
            pan_number=tax.pan_number,
            tan_number=tax.tan_number,
            gst_registered=tax.gst_registered,
            tax_registration_number=tax.tax_registration_number,
            invoice_number_format=tax.invoice_number_format,
            receipt_number_format=tax.receipt_number_format,
            invoice_round_off=bool(tax.invoice_round_off),
            is_housing_society=bool(tax.is_housing_society),
            address=tax.address,
            require_mfa_for=_mfa_policy_of(o),
            billing_day=schedule.billing_day,
            rent_reminder_days=list(schedule.rent_reminder_days),
            overdue_notice_days=list(schedule.overdue_notice_days),
        )


def _mfa_policy_of(o: Organization) -> list[str]:
    roles = o.extra_settings.get(MFA_POLICY_KEY)
    return sorted(str(r) for r in roles) if isinstance(roles, list) else []


class OrganizationOut(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    plan: str
    status: str
    settings: SettingsOut
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, o: Organization) -> OrganizationOut:
        return cls(
            id=o.id,
            name=o.name,
            plan=o.plan.value,
            status=o.status.value,
            settings=SettingsOut.of(o),
            created_at=o.created_at,
            updated_at=o.updated_at,
        )


_SETTINGS_FIELDS = frozenset((*TAX_KEYS, *SCHEDULE_KEYS, "state"))


@contextmanager
def _nested_in(prefix: str) -> Iterator[None]:
    """The tax identity's problems named as an organization body nests them: ``settings.gst_number``."""
    try:
        yield
    except ValidationFailed as exc:
        named = [(prefix + p.field if p.field in _SETTINGS_FIELDS else p.field, p.message) for p in exc.problems]
        raise ValidationFailed([FieldProblem(field, message) for field, message in named]) from None


# The organization endpoints take the system unit of work where the caller may name any organization
# it belongs to: the use cases check the membership (404) and that the one to change is selected (403).
class OrganizationController(Controller):
    path = "/api/v1/organizations"
    tags = ["Organizations"]
    dependencies = {"listing": Provide(list_query(("created_at", "name", "updated_at")))}

    @get("/", summary="Organizations the caller belongs to")
    async def list_organizations(self, listing: Listing) -> Paginated[OrganizationOut]:
        ctx = listing.ctx
        page = await services.list_organizations(uow=ctx.system_uow(), actor=ctx.actor, page=listing.page)
        return paginated(page, [OrganizationOut.of(o) for o in page.items])

    @post("/", status_code=HTTP_201_CREATED, summary="Create an organization; the caller becomes its owner")
    async def create_organization(self, ctx: Context, data: JSONBody[OrganizationIn]) -> Ok[OrganizationOut]:
        with _nested_in("settings."):
            org = await services.create_organization(
                uow=ctx.system_uow(),
                clock=ctx.clock,
                actor=ctx.actor,
                name=data.name,
                settings=data.settings.to_domain("settings.") if data.settings else None,
                tax_changes=data.settings.tax_changes() if data.settings else None,
                mfa_policy=data.settings.mfa_policy() if data.settings else None,
                schedule_changes=data.settings.schedule_changes() if data.settings else None,
            )
        return ok(OrganizationOut.of(org))

    @get("/{organization_id:uuid}", summary="One organization")
    async def get_organization(self, ctx: Context, organization_id: FromPath[UUID]) -> Ok[OrganizationOut]:
        return ok(
            OrganizationOut.of(
                # Any organization the caller belongs to (or all, for the platform's operators): checked there.
                await services.get_organization(uow=ctx.system_uow(), actor=ctx.actor, organization_id=organization_id)
            )
        )

    @put("/{organization_id:uuid}", guards=[requires("org:update")], summary="Update an organization")
    async def update_organization(
        self, ctx: Context, organization_id: FromPath[UUID], data: JSONBody[OrganizationIn]
    ) -> Ok[OrganizationOut]:
        with _nested_in("settings."):
            org = await services.rename_organization(
                uow=ctx.system_uow(),
                clock=ctx.clock,
                actor=ctx.actor,
                organization_id=organization_id,
                name=data.name,
                settings=data.settings.to_domain("settings.") if data.settings else None,
                tax_changes=data.settings.tax_changes() if data.settings else None,
                mfa_policy=data.settings.mfa_policy() if data.settings else None,
                schedule_changes=data.settings.schedule_changes() if data.settings else None,
                request=ctx.request_info,
            )
        return ok(OrganizationOut.of(org))

    @delete(
        "/{organization_id:uuid}",
        guards=[requires("org:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete an organization",
    )
    async def delete_organization(self, ctx: Context, organization_id: FromPath[UUID]) -> None:
        await services.delete_organization(
            uow=ctx.system_uow(), clock=ctx.clock, actor=ctx.actor, organization_id=organization_id
        )
        PlanCache.forget(organization_id)  # tokens that still name it stop acting for it

    @get("/{organization_id:uuid}/settings", summary="Country, currency, time zone and locale")
    async def get_settings(self, ctx: Context, organization_id: FromPath[UUID]) -> Ok[SettingsOut]:
        org = await services.get_organization(uow=ctx.system_uow(), actor=ctx.actor, organization_id=organization_id)
        return ok(SettingsOut.of(org))

    @put("/{organization_id:uuid}/settings", guards=[requires("org:update")], summary="Replace the settings")
    async def put_settings(
        self, ctx: Context, organization_id: FromPath[UUID], data: JSONBody[SettingsIn]
    ) -> Ok[SettingsOut]:
        org = await services.update_settings(
            uow=ctx.system_uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            organization_id=organization_id,
            settings=data.to_domain(),
            tax_changes=data.tax_changes(),
            mfa_policy=data.mfa_policy(),
            schedule_changes=data.schedule_changes(),
            request=ctx.request_info,
        )
        return ok(SettingsOut.of(org))
